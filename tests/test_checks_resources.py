"""Resources: ARN structure and fields, variables."""

from __future__ import annotations

from conftest import allow, codes, findings, only, policy

ACCOUNT = "123456789012"


def arn_policy(resource: str, action: str = "ssm:GetDocument", version: str = "2012-10-17") -> str:
    return policy(allow(action, resource), version=version)


def test_valid_arns_pass() -> None:
    for resource in (
        f"arn:aws:ssm:us-west-2:{ACCOUNT}:document/MyDocument-*",
        "arn:aws:ssm:*:*:document/*",
        "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
        "arn:aws-cn:ssm:cn-north-1:*:document/x",
        "arn:*:ssm:*:*:document/x",
        f"arn:aws:ssm:us-west-2:{ACCOUNT}:*",
    ):
        assert codes(arn_policy(resource)) == [], resource


def test_not_an_arn() -> None:
    assert codes(arn_policy("document/MyDocument")) == ["INVALID_ARN_PREFIX"]
    assert only(
        arn_policy(f"ARN:aws:ssm:us-west-2:{ACCOUNT}:document/x"), "INVALID_ARN_PREFIX"
    ).suggestion


def test_missing_fields() -> None:
    finding = only(arn_policy("arn:aws:ssm:us-west-2:document/x"), "MISSING_ARN_FIELD")
    assert "5 of the 6" in finding.message


def test_partition() -> None:
    assert codes(arn_policy(f"arn:yolo:ssm:us-west-2:{ACCOUNT}:document/x")) == [
        "INVALID_PARTITION"
    ]


def test_empty_service_field_with_the_shifted_fix() -> None:
    finding = only(
        arn_policy(f"arn:aws::aws:ssm:us-west-2:{ACCOUNT}:*", "ssm:*"), "INVALID_SERVICE"
    )
    assert finding.suggestion == f"arn:aws:ssm:us-west-2:{ACCOUNT}:*"


def test_service_case_and_unknown_service() -> None:
    assert codes(arn_policy(f"arn:aws:SSM:us-west-2:{ACCOUNT}:document/x")) == [
        "INVALID_ARN_SERVICE_CASE"
    ]
    finding = only(arn_policy(f"arn:aws:sm:us-west-2:{ACCOUNT}:document/x"), "INVALID_SERVICE")
    assert "Did you mean" in finding.message


def test_region_must_exist() -> None:
    finding = only(arn_policy(f"arn:aws:ssm:region:{ACCOUNT}:document/x"), "INVALID_ARN_REGION")
    assert finding.severity == "error"
    assert codes(arn_policy(f"arn:aws:ssm:us-west-*:{ACCOUNT}:document/x")) == []


def test_region_in_wrong_partition() -> None:
    assert codes(arn_policy(f"arn:aws:ssm:cn-north-1:{ACCOUNT}:document/x")) == [
        "INVALID_ARN_REGION"
    ]


def test_account_must_be_twelve_digits() -> None:
    assert codes(arn_policy("arn:aws:ssm:us-west-2:account-id:document/x")) == [
        "INVALID_ARN_ACCOUNT"
    ]
    assert codes(arn_policy("arn:aws:ssm:us-west-2:1234:document/x")) == ["INVALID_ARN_ACCOUNT"]
    assert codes(arn_policy("arn:aws:ssm:us-west-2:12345678901?:document/x")) == []


def test_region_and_account_presence_follows_the_template() -> None:
    assert "MISSING_ARN_REGION" in codes(arn_policy(f"arn:aws:ssm::{ACCOUNT}:document/x"))
    assert codes(arn_policy("arn:aws:s3:us-east-1::my-bucket", "s3:ListBucket")) == [
        "ARN_REGION_NOT_ALLOWED"
    ]
    assert codes(arn_policy(f"arn:aws:s3:::{ACCOUNT}", "s3:ListBucket")) == []
    assert codes(arn_policy(f"arn:aws:iam::{ACCOUNT}:role/x", "iam:PassRole")) == []
    assert codes(arn_policy(f"arn:aws:iam:us-east-1:{ACCOUNT}:role/x", "iam:PassRole")) == [
        "ARN_REGION_NOT_ALLOWED"
    ]
    missing = findings(
        arn_policy("arn:aws:ssm:us-west-2::maintenancewindow/mw-1", "ssm:GetMaintenanceWindow")
    )
    assert [(f.code, f.severity) for f in missing] == [("MISSING_ARN_ACCOUNT", "warning")]


def test_aws_owned_ssm_resources_have_an_empty_account() -> None:
    for resource, action in (
        ("arn:aws:ssm:*::parameter/aws/service/ami-amazon-linux-latest/*", "ssm:GetParameter"),
        ("arn:aws:ssm:us-east-1::document/AWS-RunShellScript", "ssm:SendCommand"),
        ("arn:aws:ssm:*::automation-definition/AWSSupport-*:*", "ssm:StartAutomationExecution"),
    ):
        assert "MISSING_ARN_ACCOUNT" not in codes(arn_policy(resource, action)), resource


def test_variable_with_a_colon_in_the_account_field() -> None:
    resource = "arn:aws:ssm:us-west-2:${aws:PrincipalAccount}:parameter/x"
    assert codes(arn_policy(resource, "ssm:GetParameter")) == []


def test_resource_part_must_match_a_format() -> None:
    finding = only(
        arn_policy("arn:aws:ssm:*:*:automation-definition/", "ssm:StartAutomationExecution"),
        "INVALID_ARN_RESOURCE",
    )
    assert "automation-definition/${AutomationDefinitionName}:${VersionId}" in finding.message
    assert codes(arn_policy("arn:aws:ssm:*:*:documents/x")) == ["INVALID_ARN_RESOURCE"]


def test_whitespace_in_resource() -> None:
    assert only(
        arn_policy(f" arn:aws:ssm:us-west-2:{ACCOUNT}:document/x"), "INVALID_ARN_PREFIX"
    ).suggestion
    assert codes(arn_policy(f"arn:aws:ssm:us-west-2:{ACCOUNT}:document/x ")) == [
        "INVALID_ARN_RESOURCE"
    ]


def test_policy_variables() -> None:
    base = f"arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/home/"
    assert codes(arn_policy(base + "${aws:username}/*", "ssm:GetParameter")) == []
    assert codes(arn_policy(base + "${aws:username, 'none'}", "ssm:GetParameter")) == []
    assert codes(arn_policy(base + "${aws:username", "ssm:GetParameter")) == [
        "MISSING_BRACE_IN_VARIABLE"
    ]
    assert codes(arn_policy(base + "${}", "ssm:GetParameter")) == ["EMPTY_VARIABLE"]
    assert codes(arn_policy(base + "${aws: username}", "ssm:GetParameter")) == [
        "UNSUPPORTED_SPACE_IN_VARIABLE"
    ]
    assert codes(arn_policy(base + "${aws:username,none}", "ssm:GetParameter")) == [
        "MISSING_QUOTE_IN_VARIABLE"
    ]
    assert codes(arn_policy(base + "${account_id}", "ssm:GetParameter")) == [
        "UNKNOWN_POLICY_VARIABLE"
    ]


def test_unknown_variable_is_reported_once_per_policy() -> None:
    resources = [f"arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/${{env}}/{n}" for n in ("a", "b", "c")]
    assert codes(policy(allow("ssm:GetParameter", resources))) == ["UNKNOWN_POLICY_VARIABLE"]


def test_variables_need_version_2012() -> None:
    resource = f"arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/${{aws:username}}"
    for version in ("2008-10-17", None):
        assert "VARIABLE_UNSUPPORTED_IN_VERSION" in codes(
            policy(allow("ssm:GetParameter", [resource, resource + "2"]), version=version)
        )
    text = policy(allow("ssm:GetParameter", [resource, resource + "2"]), version=None)
    assert codes(text).count("VARIABLE_UNSUPPORTED_IN_VERSION") == 1


# --- ARN formats defined by another service, or with a placeholder service field ----------


def test_root_user_arn_is_a_format_sts_defines_in_the_iam_namespace() -> None:
    # AWS's root-task policies (IAMAuditRootUserCredentials) deny all but the root user:
    # the sts root-user resource type is arn:${Partition}:iam::${Account}:root.
    deny = {
        "Effect": "Deny",
        "NotAction": ["iam:GetLoginProfile", "iam:ListAccessKeys"],
        "NotResource": "arn:aws:iam::*:root",
    }
    assert "INVALID_ARN_RESOURCE" not in codes(policy(deny))
    assert codes(arn_policy(f"arn:aws:iam::{ACCOUNT}:root", "sts:AssumeRoot")) == []
    assert codes(arn_policy(f"arn:aws:iam::{ACCOUNT}:rooot", "sts:AssumeRoot")) == [
        "INVALID_ARN_RESOURCE"
    ]


def test_backup_recovery_point_whose_template_has_a_vendor_placeholder() -> None:
    # recoveryPoint is arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}
    resource = f"arn:aws:backup:us-east-1:{ACCOUNT}:recovery-point:*"
    assert codes(arn_policy(resource, "backup:DeleteRecoveryPoint")) == []
    # Backup's own formats still hold elsewhere in the namespace
    assert codes(arn_policy("arn:aws:backup:*:*:backup-plan", "backup:GetBackupPlan")) == [
        "INVALID_ARN_RESOURCE"
    ]


def test_cloudformation_transform_arn_documented_outside_the_reference() -> None:
    # CloudFormation User Guide (using-iam-template.html): change sets of templates with the
    # AWS::Serverless transform need arn:aws:cloudformation:<region>:aws:transform/...
    resource = "arn:aws:cloudformation:us-east-1:aws:transform/Serverless-2016-10-31"
    assert "INVALID_ARN_RESOURCE" not in codes(
        arn_policy(resource, "cloudformation:CreateChangeSet")
    )


def test_messages_quote_the_arn_as_written_with_its_variables() -> None:
    resource = f"arn:aws:ssm:us-east-1:{ACCOUNT}:sessions/${{aws:username}}-*"
    finding = only(arn_policy(resource, "ssm:TerminateSession"), "INVALID_ARN_RESOURCE")
    assert '"sessions/${aws:username}-*"' in finding.message
    assert "*-*" not in finding.message
    account = "arn:aws:ssm:us-east-1:${aws:PrincipalAccount}x:document/d"
    finding = only(arn_policy(account), "INVALID_ARN_ACCOUNT")
    assert "${aws:PrincipalAccount}x" in finding.message


# --- look-alikes: valid ARNs that cannot be what was meant ---------------------------------


def test_parameter_arn_that_keeps_the_names_leading_slash() -> None:
    resource = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter//prod/db"
    finding = only(arn_policy(resource, "ssm:GetParameter"), "PARAMETER_ARN_WITH_LEADING_SLASH")
    assert finding.severity == "warning"
    assert finding.suggestion == f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/prod/db"
    assert finding.fix is not None
    fine = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/prod/db"
    assert codes(arn_policy(fine, "ssm:GetParameter")) == []


def test_policy_variable_without_its_dollar() -> None:
    resource = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/home/{{aws:username}}/*"
    finding = only(arn_policy(resource, "ssm:GetParameter"), "MISSING_DOLLAR_IN_VARIABLE")
    assert finding.severity == "warning"
    assert (
        finding.suggestion == f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/home/${{aws:username}}/*"
    )
    # braces around something that is not a policy variable are left alone
    other = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/home/{{team:x}}/*"
    assert codes(arn_policy(other, "ssm:GetParameter")) == []
    written = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/home/${{aws:username}}/*"
    assert codes(arn_policy(written, "ssm:GetParameter")) == []


def test_aws_owned_document_named_with_an_account() -> None:
    resource = f"arn:aws:ssm:us-east-1:{ACCOUNT}:document/AWS-RunShellScript"
    finding = only(arn_policy(resource, "ssm:SendCommand"), "AWS_OWNED_DOCUMENT_WITH_ACCOUNT")
    assert finding.severity == "warning"
    assert finding.suggestion == "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"
    for fine in (
        "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
        "arn:aws:ssm:*:*:document/AWS-RunShellScript",
        f"arn:aws:ssm:us-east-1:{ACCOUNT}:document/MyDocument",
    ):
        assert "AWS_OWNED_DOCUMENT_WITH_ACCOUNT" not in codes(arn_policy(fine, "ssm:SendCommand"))
