"""Security warnings: Access Analyzer's PassRole / CreateServiceLinkedRole families, Allow with
NotAction / NotResource, and Systems Manager risk."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import CORPUS, allow, codes, findings, only, policy
from ssm_tui.checks import validate
from ssm_tui.checks.security import CODES, covers_all

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/AutomationRole"
INSTANCE = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0123456789abcdef0"
ALL_INSTANCES = "arn:aws:ec2:*:*:instance/*"
DOCUMENT = f"arn:aws:ssm:us-east-1:{ACCOUNT}:document/SSM-SessionManagerRunShell"
PARAMETERS = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/*"
SETTING = f"arn:aws:ssm:us-east-1:{ACCOUNT}:servicesetting/ssm/opsitem/ssm-patchmanager"


def security(text: str) -> list[str]:
    """The codes of this family, in position order."""
    return [f.code for f in findings(text) if f.code in CODES]


def statement(**elements: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **elements}


# --- iam:PassRole (Access Analyzer's codes) ---------------------------------------------
def test_pass_role_on_every_role() -> None:
    for resource in ("*", "arn:aws:iam::*:role/*", f"arn:aws:iam::{ACCOUNT}:role/*"):
        finding = only(policy(allow("iam:PassRole", resource)), "PASS_ROLE_WITH_STAR_IN_RESOURCE")
        assert finding.severity == "security_warning"
        assert finding.pointer == "/Statement/0/Resource"
        assert "iam:PassedToService" in finding.message


def test_pass_role_on_named_roles_is_fine() -> None:
    assert security(policy(allow("iam:PassRole", ROLE))) == []
    # a name prefix is tolerated, as Access Analyzer does
    assert security(policy(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/Name*"))) == []


def test_pass_role_with_passed_to_service_is_still_reported_and_says_so() -> None:
    condition = {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}
    text = policy(allow("iam:PassRole", "*", Condition=condition))
    finding = only(text, "PASS_ROLE_WITH_STAR_IN_RESOURCE")
    assert "not which role" in finding.message and "ssm.amazonaws.com" in finding.message


def test_pass_role_through_a_wildcard_action() -> None:
    for action in ("*", "iam:*", "iam:Pass*"):
        text = policy(allow(action, "*"))
        finding = only(text, "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE")
        assert finding.pointer == "/Statement/0/Action" and action in finding.message
        assert "PASS_ROLE_WITH_STAR_IN_RESOURCE" not in security(text)
    assert security(policy(allow("iam:*", ROLE))) == []


def test_pass_role_with_not_resource() -> None:
    text = policy(statement(Action="iam:PassRole", NotResource=ROLE))
    finding = only(text, "PASS_ROLE_WITH_NOT_RESOURCE")
    assert finding.pointer == "/Statement/0/NotResource"
    # NotResource that excludes every role leaves PassRole ungranted
    text = policy(statement(Action="iam:PassRole", NotResource="arn:aws:iam::*:role/*"))
    assert "PASS_ROLE_WITH_NOT_RESOURCE" not in security(text)


def test_pass_role_with_wildcard_action_and_not_resource() -> None:
    text = policy(statement(Action="iam:*", NotResource=ROLE))
    assert only(text, "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE").pointer == (
        "/Statement/0/Action"
    )
    text = policy(statement(Action="iam:Get*", NotResource=ROLE))
    assert "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE" not in security(text)


def test_pass_role_with_not_action_and_not_resource() -> None:
    text = policy(statement(NotAction="s3:*", NotResource=ROLE))
    assert only(text, "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE").pointer == (
        "/Statement/0/NotAction"
    )
    text = policy(statement(NotAction="iam:PassRole", NotResource=ROLE))
    assert "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE" not in security(text)


def test_pass_role_with_not_action_and_star_resource() -> None:
    text = policy(statement(NotAction="ssm:DeleteDocument", Resource="*"))
    assert "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION" in security(text)
    text = policy(statement(NotAction="iam:*", Resource="*"))
    assert "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION" not in security(text)


# --- iam:CreateServiceLinkedRole (warning, as Access Analyzer) ---------------------------
SLR = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM"


def test_create_slr_on_every_role() -> None:
    finding = only(
        policy(allow("iam:CreateServiceLinkedRole", "*")), "CREATE_SLR_WITH_STAR_IN_RESOURCE"
    )
    assert finding.severity == "warning" and "iam:AWSServiceName" in finding.message
    assert security(policy(allow("iam:CreateServiceLinkedRole", SLR))) == []


def test_create_slr_through_a_wildcard_action() -> None:
    text = policy(allow("iam:Create*", "*"))
    assert only(text, "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE").severity == "warning"
    assert "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE" not in security(
        policy(allow("iam:Get*", "*"))
    )


@pytest.mark.parametrize(
    ("code", "reported", "fine"),
    [
        (
            "CREATE_SLR_WITH_NOT_RESOURCE",
            statement(Action="iam:CreateServiceLinkedRole", NotResource=ROLE),
            statement(Action="iam:CreateServiceLinkedRole", NotResource="arn:aws:iam::*:role/*"),
        ),
        (
            "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
            statement(Action="iam:Create*", NotResource=ROLE),
            statement(Action="iam:Get*", NotResource=ROLE),
        ),
        (
            "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
            statement(NotAction="s3:*", NotResource=ROLE),
            statement(NotAction="iam:*", NotResource=ROLE),
        ),
        (
            "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
            statement(NotAction="s3:*", Resource="*"),
            statement(NotAction="iam:CreateServiceLinkedRole", Resource="*"),
        ),
    ],
)
def test_create_slr_with_not_elements(
    code: str, reported: dict[str, Any], fine: dict[str, Any]
) -> None:
    assert only(policy(reported), code).severity == "warning"
    assert code not in security(policy(fine))


# --- Allow with NotAction / NotResource -------------------------------------------------
def test_allow_with_not_action_says_what_it_grants() -> None:
    text = policy(statement(NotAction="ssm:DeleteDocument", Resource="*"))
    finding = only(text, "ALLOW_WITH_NOT_ACTION")
    assert finding.pointer == "/Statement/0/NotAction"
    assert "every action of every AWS service" in finding.message
    assert 'except "ssm:DeleteDocument", on all resources' in finding.message
    deny = {"Effect": "Deny", "NotAction": "ssm:DeleteDocument", "Resource": "*"}
    assert security(policy(deny)) == []


def test_allow_with_not_action_limited_to_one_service() -> None:
    documents = f"arn:aws:ssm:us-east-1:{ACCOUNT}:document/App*"
    finding = only(
        policy(statement(NotAction="ssm:DeleteDocument", Resource=documents)),
        "ALLOW_WITH_NOT_ACTION",
    )
    assert "every AWS Systems Manager action except" in finding.message
    assert "its Resource only ssm ARNs" in finding.message


def test_allow_with_not_resource() -> None:
    text = policy(statement(Action="ssm:GetParameter", NotResource=PARAMETERS))
    finding = only(text, "ALLOW_WITH_NOT_RESOURCE")
    assert finding.pointer == "/Statement/0/NotResource"
    assert f'every resource except "{PARAMETERS}"' in finding.message
    assert "ALLOW_WITH_NOT_RESOURCE" not in security(policy(allow("ssm:GetParameter", PARAMETERS)))


def test_malformed_not_action_is_left_to_the_error() -> None:
    text = policy(statement(NotAction="ssm:DeleteDocumnt", Resource="*"))
    assert security(text) == []


# --- Run Command and Session Manager ------------------------------------------------------
def test_send_command_on_every_node() -> None:
    for resource in ("*", [ALL_INSTANCES, DOCUMENT]):
        finding = only(policy(allow("ssm:SendCommand", resource)), "SSM_SEND_COMMAND_UNRESTRICTED")
        assert "root" in finding.message and "ssm:resourceTag" in finding.message
        assert finding.pointer == "/Statement/0/Action"


def test_send_command_scoped_by_instance_or_tag() -> None:
    assert security(policy(allow("ssm:SendCommand", [INSTANCE, DOCUMENT]))) == []
    condition = {"StringEquals": {"ssm:resourceTag/Team": "web"}}
    assert security(policy(allow("ssm:SendCommand", "*", Condition=condition))) == []
    # IfExists lets untagged nodes through, so it does not scope
    loose = {"StringEqualsIfExists": {"ssm:resourceTag/Team": "web"}}
    assert "SSM_SEND_COMMAND_UNRESTRICTED" in security(
        policy(allow("ssm:SendCommand", "*", Condition=loose))
    )


def test_an_unconditional_deny_takes_the_risk_back() -> None:
    deny = {"Effect": "Deny", "Action": "ssm:SendCommand", "Resource": "*"}
    assert security(policy(allow("ssm:SendCommand", "*"), deny)) == []


def test_start_session_on_every_node() -> None:
    text = policy(allow("ssm:StartSession", [ALL_INSTANCES, DOCUMENT]))
    assert security(text) == ["SSM_START_SESSION_UNRESTRICTED"]
    condition = {"StringEquals": {"aws:ResourceTag/Team": "web"}}
    assert (
        security(policy(allow("ssm:StartSession", [ALL_INSTANCES, DOCUMENT], Condition=condition)))
        == []
    )


def test_start_session_without_a_document_restriction() -> None:
    finding = only(policy(allow("ssm:StartSession", INSTANCE)), "SSM_START_SESSION_ANY_DOCUMENT")
    assert "ssm:SessionDocumentAccessCheck" in finding.message
    assert security(policy(allow("ssm:StartSession", [INSTANCE, DOCUMENT]))) == []
    check = {"Bool": {"ssm:SessionDocumentAccessCheck": "true"}}
    assert security(policy(allow("ssm:StartSession", INSTANCE, Condition=check))) == []


# --- Parameter Store --------------------------------------------------------------------
def test_parameter_reads_on_every_parameter() -> None:
    text = policy(allow(["ssm:GetParameter", "ssm:GetParameters", "ssm:DescribeParameters"]))
    finding = only(text, "SSM_PARAMETER_READ_ALL")  # once per statement
    assert finding.pointer == "/Statement/0/Action/0"
    assert "ssm:GetParameter and ssm:GetParameters" in finding.message
    assert "aws/ssm" in finding.message
    other_account = "arn:aws:ssm:*:*:parameter/*"
    assert "SSM_PARAMETER_READ_ALL" in security(policy(allow("ssm:GetParameter", other_account)))


def test_parameter_reads_on_a_path_are_fine() -> None:
    assert (
        security(policy(allow(["ssm:GetParameter", "ssm:GetParametersByPath"], PARAMETERS))) == []
    )


def test_parameter_reads_through_a_wildcard_name_it() -> None:
    finding = only(policy(allow("ssm:Get*")), "SSM_PARAMETER_READ_ALL")
    assert 'via "ssm:Get*"' in finding.message


def test_parameter_writes_on_every_parameter() -> None:
    finding = only(
        policy(allow(["ssm:PutParameter", "ssm:DeleteParameters"])), "SSM_PARAMETER_WRITE_ALL"
    )
    assert "ssm:Overwrite" in finding.message
    assert security(policy(allow(["ssm:PutParameter", "ssm:DeleteParameters"], PARAMETERS))) == []


# --- Automation with iam:PassRole ---------------------------------------------------------
def test_automation_with_pass_role_on_every_role() -> None:
    condition = {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}
    text = policy(
        allow("ssm:StartAutomationExecution", "*"),
        allow("iam:PassRole", "*", Condition=condition),
    )
    finding = only(text, "SSM_AUTOMATION_WITH_PASS_ROLE")
    assert finding.pointer == "/Statement/0/Action" and "statement 2" in finding.message
    assert "privilege escalation" in finding.message


def test_automation_with_pass_role_scoped_to_its_role_or_to_another_service() -> None:
    scoped = policy(allow("ssm:StartAutomationExecution", "*"), allow("iam:PassRole", ROLE))
    assert "SSM_AUTOMATION_WITH_PASS_ROLE" not in security(scoped)
    ec2_only = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    other = policy(
        allow("ssm:StartAutomationExecution", "*"),
        allow("iam:PassRole", "*", Condition=ec2_only),
    )
    assert "SSM_AUTOMATION_WITH_PASS_ROLE" not in security(other)


# --- sharing, settings -------------------------------------------------------------------
def test_document_sharing() -> None:
    finding = only(policy(allow("ssm:ModifyDocumentPermission")), "SSM_DOCUMENT_SHARING")
    assert "public" in finding.message
    assert security(policy(allow("ssm:ModifyDocumentPermission", DOCUMENT))) == []
    assert "SSM_DOCUMENT_SHARING" in security(policy(allow("ssm:PutResourcePolicy")))


def test_service_settings() -> None:
    finding = only(policy(allow("ssm:UpdateServiceSetting")), "SSM_SERVICE_SETTINGS")
    assert "account-wide" in finding.message
    assert (
        security(policy(allow(["ssm:UpdateServiceSetting", "ssm:ResetServiceSetting"], SETTING)))
        == []
    )


# --- service wildcards -------------------------------------------------------------------
def test_service_wildcard_once_per_pattern() -> None:
    text = policy(allow(["ssm:Send*", "ssm:Describe*"], [INSTANCE, DOCUMENT]))
    finding = only(text, "SSM_SERVICE_WILDCARD")
    assert finding.pointer == "/Statement/0/Action/0" and "AWS adds" in finding.message
    assert "SendCommand" in finding.message


def test_read_only_wildcards_are_not_service_wildcards() -> None:
    text = policy(allow(["ssm:Describe*", "ssm:List*"]))
    assert security(text) == []


def test_full_access_expands_ssm_star_into_a_few_findings() -> None:
    codes = security(policy(allow("ssm:*")))
    assert len(codes) == len(set(codes)) <= 8  # one per risk, not one per action
    assert {"SSM_SEND_COMMAND_UNRESTRICTED", "SSM_SERVICE_WILDCARD"} <= set(codes)
    message = only(policy(allow("ssm:*")), "SSM_SEND_COMMAND_UNRESTRICTED").message
    assert 'via "ssm:*"' in message


# --- what the family leaves alone ---------------------------------------------------------
def test_deny_statements_are_not_risks() -> None:
    deny = {"Effect": "Deny", "Action": ["ssm:*", "iam:PassRole"], "Resource": "*"}
    assert security(policy(deny)) == []


def test_statements_that_grant_nothing_get_no_risk_finding() -> None:
    # ssm:GetParameter on a document ARN grants nothing (reported by the compat checks)
    assert security(policy(allow(["ssm:GetParameter", "iam:PassRole"], DOCUMENT))) == []


def test_malformed_values_get_no_risk_finding() -> None:
    text = policy(allow("iam:PassRole", "arn:aws:iam:us-east-1:*:role/*"))
    assert security(text) == []
    assert security(policy(allow("ssm:GetParamter"))) == []


def test_covers_all() -> None:
    role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    assert covers_all("*", role)
    assert covers_all("arn:aws:iam::*:role/*", role)
    assert covers_all("arn:aws:iam::*:*", role)
    assert not covers_all("arn:aws:iam::*:role/aws-service-role/*", role)
    assert not covers_all("arn:aws:s3:::*", role)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_aws_managed_full_access_stays_readable() -> None:
    text = (CORPUS / "mamip_AmazonSSMFullAccess.json").read_text()
    codes = [f.code for f in validate(text).findings if f.code in CODES]
    assert 0 < len(codes) <= 8 and len(codes) == len(set(codes))


# --- the Systems Manager risk table -------------------------------------------------------
def test_each_risk_is_one_record_with_its_rule_and_real_actions() -> None:
    from ssm_tui.checks.rules import RULES
    from ssm_tui.checks.security import TARGETS
    from ssm_tui.checks.ssm_risks import RISKS
    from ssm_tui.iam.catalog import get_catalog

    catalog = get_catalog()
    assert len({risk.code for risk in RISKS}) == len(RISKS)
    for risk in RISKS:
        assert risk.code in CODES and RULES[risk.code] == risk.rule
        assert not risk.rule.access_analyzer
        for action in risk.actions:
            found = catalog.action(action)
            assert found is not None and found.full_name == action  # documented spelling
            assert action in TARGETS.names


def test_a_record_added_to_the_table_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssm_tui.checks import ssm_risks

    added = ssm_risks.SsmRisk(
        "SSM_TEST_RISK",
        "A risk for the test",
        "Help.",
        actions=(ssm_risks.SEND_COMMAND,),
        risky=ssm_risks.on_every(*ssm_risks.NODES, tag_condition_limits=False),
        message=lambda grant, exposure: f"grants {exposure.names[0]} on {len(exposure.types)}",
    )
    monkeypatch.setattr(ssm_risks, "RISKS", (*ssm_risks.RISKS, added))
    tagged = {"StringEquals": {"ssm:resourceTag/Env": "dev"}}
    text = policy(allow("ssm:SendCommand", ALL_INSTANCES, Condition=tagged))
    found = only(text, "SSM_TEST_RISK")
    assert found.message == "Statement 1 grants ssm:SendCommand on 1"
    assert found.pointer == "/Statement/0/Action"
    # the tag condition keeps the record for SendCommand quiet, not the added one
    assert [f.code for f in findings(text) if f.code.startswith("SSM_")] == ["SSM_TEST_RISK"]
    assert "SSM_TEST_RISK" not in codes(policy(allow("ssm:SendCommand", INSTANCE)))
