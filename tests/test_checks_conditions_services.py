"""Condition keys tied to services (checks/conditions/services.py): deprecated aws:ARN,
service principal values, service-scoped keys, dynamodb:Attributes without dynamodb:Select."""

from __future__ import annotations

from typing import Any

from conftest import allow, codes, only, policy
from ssm_tui.checks.base import Severity


def cond(condition: dict[str, Any], action: Any = "ssm:DescribeParameters", **extra: Any) -> str:
    return policy(allow(action, Condition=condition, **extra))


# --- DEPRECATED_GLOBAL_CONDITION_KEY ---------------------------------------------------------


def test_aws_arn_is_deprecated_alongside_unsupported() -> None:
    text = cond({"ArnEquals": {"aws:ARN": "arn:aws:iam::111122223333:role/admin"}})
    finding = only(text, "DEPRECATED_GLOBAL_CONDITION_KEY")
    assert finding.severity is Severity.WARNING
    assert "aws:PrincipalArn" in finding.message and "aws:SourceArn" in finding.message
    assert finding.pointer == "/Statement/0/Condition/ArnEquals/aws:ARN"
    # the error for the same key stays (checks/conditions/keys.py)
    assert "UNSUPPORTED_GLOBAL_CONDITION_KEY" in codes(text)


# --- INVALID_SERVICE_PRINCIPAL_FORMAT --------------------------------------------------------


def test_service_principal_name_format() -> None:
    text = cond({"StringEquals": {"aws:PrincipalServiceName": "CloudTrail"}})
    finding = only(text, "INVALID_SERVICE_PRINCIPAL_FORMAT")
    assert finding.severity is Severity.ERROR
    assert "service-name.amazonaws.com" in finding.message
    assert finding.pointer == "/Statement/0/Condition/StringEquals/aws:PrincipalServiceName"


def test_via_service_needs_region() -> None:
    # the reference: kms:ViaService takes service-name.AWS_region.amazonaws.com
    bad = cond({"StringEquals": {"kms:ViaService": "ec2.amazonaws.com"}}, "kms:Decrypt")
    assert (
        "service-name.Region.amazonaws.com" in only(bad, "INVALID_SERVICE_PRINCIPAL_FORMAT").message
    )
    good = cond({"StringEquals": {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}}, "kms:Decrypt")
    assert "INVALID_SERVICE_PRINCIPAL_FORMAT" not in codes(good)


def test_service_principal_wildcards_and_negation_not_judged() -> None:
    like = cond({"StringLike": {"kms:ViaService": "ec2.*.amazonaws.com"}}, "kms:Decrypt")
    negated = cond({"StringNotEquals": {"aws:CalledVia": "Athena"}}, "kms:Decrypt")
    assert "INVALID_SERVICE_PRINCIPAL_FORMAT" not in codes(like) + codes(negated)


# --- USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES ------------------------------------------


def test_vpce_account_with_every_service() -> None:
    text = policy(
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:VpceAccount": "111122223333"}},
        }
    )
    finding = only(text, "USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES")
    assert finding.severity is Severity.WARNING
    assert finding.pointer == "/Statement/0/Condition/StringNotEquals/aws:VpceAccount"


def test_vpce_org_id_with_not_action() -> None:
    text = policy(
        {
            "Effect": "Deny",
            "NotAction": "iam:*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:VpceOrgID": "o-a1b2c3d4e5"}},
        }
    )
    assert codes(text).count("USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES") == 1


# --- DYNAMODB_ATTRIBUTES_WITHOUT_SELECT ------------------------------------------------------

READS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
TABLE = "arn:aws:dynamodb:*:*:table/table-name"
ATTRIBUTES = {"dynamodb:Attributes": ["column-name-1", "column-name-2", "column-name-3"]}


def test_attributes_without_select() -> None:
    text = policy(allow(READS, TABLE, Condition={"ForAllValues:StringEquals": ATTRIBUTES}))
    finding = only(text, "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT")
    assert finding.severity is Severity.SECURITY_WARNING
    assert "SPECIFIC_ATTRIBUTES" in finding.message


def test_attributes_with_other_select_value() -> None:
    condition = {
        "ForAllValues:StringEquals": ATTRIBUTES,
        "StringEquals": {"dynamodb:Select": "ALL_ATTRIBUTES"},
    }
    text = policy(allow(READS, TABLE, Condition=condition))
    assert codes(text).count("DYNAMODB_ATTRIBUTES_WITHOUT_SELECT") == 1


# --- a correct policy ------------------------------------------------------------------------


def test_correct_policy_reports_none() -> None:
    # AWS's example "Amazon DynamoDB: Allows access to specific attributes", plus correct
    # service principal values and a service-scoped key on listed actions
    dynamodb = allow(
        READS,
        TABLE,
        Condition={
            "ForAllValues:StringEquals": ATTRIBUTES,
            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
        },
    )
    kms = allow(
        "kms:Decrypt",
        "*",
        Condition={
            "StringEquals": {
                "kms:ViaService": ["s3.us-east-1.amazonaws.com", "ec2.eu-west-3.amazonaws.com"],
                "aws:CalledViaFirst": "cloudformation.amazonaws.com",
            }
        },
    )
    s3 = allow(
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/*",
        Condition={"StringEquals": {"aws:VpceAccount": "111122223333"}},
    )
    found = set(codes(policy(dynamodb, kms, s3)))
    assert not found & {
        "DEPRECATED_GLOBAL_CONDITION_KEY",
        "INVALID_SERVICE_PRINCIPAL_FORMAT",
        "USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES",
        "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT",
    }
