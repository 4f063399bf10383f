"""Action/resource-type compatibility and statements that grant nothing."""

from __future__ import annotations

from conftest import allow, codes, codes_besides_security, only, policy

ACCOUNT = "123456789012"
DOCUMENT = f"arn:aws:ssm:us-west-2:{ACCOUNT}:document/MyDocument"
INSTANCE = f"arn:aws:ec2:us-west-2:{ACCOUNT}:instance/i-0123456789abcdef0"
PARAMETER = f"arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/app/*"


def test_action_without_resource_level_permissions_on_an_arn_grants_nothing() -> None:
    finding = only(policy(allow("ssm:ListDocuments", DOCUMENT)), "STATEMENT_GRANTS_NOTHING")
    assert 'only "Resource": "*" grants it' in finding.message
    assert finding.pointer == "/Statement/0/Resource"
    # The Service Authorization Reference lists no resource types: a warning, not certainty.
    assert finding.severity == "warning"
    assert codes(policy(allow("ssm:ListDocuments", "*"))) == []


def test_arn_of_a_type_the_action_does_not_take_grants_nothing() -> None:
    finding = only(policy(allow("ssm:GetParameter", DOCUMENT)), "STATEMENT_GRANTS_NOTHING")
    assert finding.severity == "error"
    assert "applies to parameter ARNs" in finding.message
    assert codes(policy(allow("ssm:GetParameter", PARAMETER))) == []


def test_deny_statement_denies_nothing() -> None:
    statement = {"Effect": "Deny", "Action": "ssm:GetParameter", "Resource": DOCUMENT}
    assert "denies nothing" in only(policy(statement), "STATEMENT_GRANTS_NOTHING").message


def test_partial_mismatch_names_the_action_and_the_resource() -> None:
    text = policy(allow(["ssm:GetParameter", "ssm:ListDocuments"], [PARAMETER, INSTANCE]))
    mismatch = only(text, "ACTION_RESOURCE_MISMATCH")
    assert mismatch.pointer == "/Statement/0/Action/1" and mismatch.severity == "warning"
    unused = only(text, "RESOURCE_MATCHES_NO_ACTION")
    assert unused.pointer == "/Statement/0/Resource/1"


def test_wildcard_actions_and_resources_are_compatible_when_one_type_fits() -> None:
    assert codes_besides_security(policy(allow("ssm:*", DOCUMENT))) == []
    assert codes(policy(allow("ssm:Get*", PARAMETER))) == []
    assert codes(policy(allow("ssm:SendCommand", [DOCUMENT, INSTANCE]))) == []
    assert codes_besides_security(policy(allow("ssm:SendCommand", "arn:aws:ssm:*:*:*"))) == []


def test_malformed_resources_get_no_second_finding() -> None:
    assert codes(policy(allow("ssm:ListDocuments", "arn:aws:ssm:region:x:document/a"))) == [
        "INVALID_ARN_ACCOUNT",
        "INVALID_ARN_REGION",
    ]


def test_not_action_star_and_not_resource_star() -> None:
    statement = {"Effect": "Allow", "NotAction": "*", "Resource": "*"}
    assert only(policy(statement), "STATEMENT_GRANTS_NOTHING").pointer == "/Statement/0/NotAction"
    statement = {"Effect": "Allow", "Action": "ssm:GetParameter", "NotResource": "*"}
    assert codes(policy(statement)) == ["STATEMENT_GRANTS_NOTHING"]


def test_required_resource_type_missing_across_the_policy() -> None:
    finding = only(policy(allow("ssm:SendCommand", INSTANCE)), "MISSING_REQUIRED_RESOURCE_TYPE")
    assert "document" in finding.message and finding.severity == "warning"
    split = policy(allow("ssm:SendCommand", INSTANCE), allow("ssm:SendCommand", DOCUMENT))
    assert "MISSING_REQUIRED_RESOURCE_TYPE" not in codes(split)
