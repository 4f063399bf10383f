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
