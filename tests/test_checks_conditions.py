"""Conditions: operators, keys, key support by actions, value types, IP ranges, variables."""

from __future__ import annotations

from typing import Any

from conftest import allow, codes, findings, only, policy
from ssm_tui.checks.base import CheckContext
from ssm_tui.checks.conditions import VALID_OPERATORS, conditions, parse_operator
from ssm_tui.checks.fixes import apply_edits
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.policy.model import parse_policy

# Actions the examples use with "Resource": "*": a List action and a tagging action.
LIST = "ssm:DescribeParameters"
TAG = "ssm:AddTagsToResource"


def cond(condition: dict[str, Any], action: Any = LIST, **extra: Any) -> str:
    return policy(allow(action, Condition=condition, **extra))


def deny(condition: dict[str, Any], action: Any = LIST) -> str:
    return policy({"Effect": "Deny", "Action": action, "Resource": "*", "Condition": condition})


def cond_codes(text: str) -> list[str]:
    """Codes of the findings about the Condition element."""
    return [f.code for f in findings(text) if "/Condition" in f.pointer]


def fixed(text: str, code: str) -> str:
    finding = only(text, code)
    assert finding.fix is not None
    return apply_edits(text, finding.fix.edits)


def dead(text: str) -> bool:
    ctx = CheckContext(parse_policy(text), get_catalog())
    list(conditions(ctx))
    return ctx.is_dead("/Statement/0")


# --- operators -------------------------------------------------------------------------------


def test_valid_operators() -> None:
    bases = set()
    for operator in VALID_OPERATORS:
        parsed = parse_operator(operator)
        assert parsed is not None
        bases.add(parsed.base)
    assert len(bases) == 27 and len(VALID_OPERATORS) == 3 * (27 * 2 - 1)
    for operator in (
        "StringEquals",
        "StringNotEqualsIgnoreCase",
        "NumericGreaterThanEqualsIfExists",
        "DateLessThan",
        "Bool",
        "BinaryEquals",
        "NotIpAddressIfExists",
        "ArnNotLike",
        "Null",
        "ForAnyValue:StringLike",
        "ForAllValues:ArnEqualsIfExists",
    ):
        assert parse_operator(operator) is not None, operator
    assert parse_operator("NullIfExists") is None
    assert parse_operator("stringEquals") is None


def test_unknown_operator_with_a_certain_fix_for_case() -> None:
    text = cond({"stringEquals": {"aws:username": "alice"}})
    finding = only(text, "INVALID_CONDITION_OPERATOR")
    assert finding.severity == "error"
    assert finding.pointer == "/Statement/0/Condition/stringEquals"
    assert '"StringEquals"' in finding.message
    assert "INVALID_CONDITION_OPERATOR" not in codes(fixed(text, "INVALID_CONDITION_OPERATOR"))


def test_no_rename_fix_that_would_make_a_duplicate_key() -> None:
    text = cond({"stringEquals": {"aws:username": "a"}, "StringEquals": {"aws:userid": "b"}})
    finding = only(text, "INVALID_CONDITION_OPERATOR")
    assert finding.suggestion == "StringEquals" and finding.fix is None


def test_unknown_operator_with_several_candidates_has_no_fix() -> None:
    finding = only(cond({"StringEqual": {"aws:username": "alice"}}), "INVALID_CONDITION_OPERATOR")
    assert finding.fix is None
    assert "Did you mean" in finding.message
    assert cond_codes(cond({"StringEquals": {"aws:username": "alice"}})) == []


def test_null_if_exists() -> None:
    text = cond({"NullIfExists": {"aws:username": "true"}})
    finding = only(text, "NULL_WITH_IF_EXISTS")
    assert finding.severity == "error"
    assert cond_codes(fixed(text, "NULL_WITH_IF_EXISTS")) == []


def test_null_with_qualifier_is_a_suggestion() -> None:
    text = cond({"ForAllValues:Null": {"aws:TagKeys": "true"}}, TAG)
    assert only(text, "NULL_WITH_QUALIFIER").severity == "suggestion"
    assert cond_codes(cond({"Null": {"aws:TagKeys": "true"}}, TAG)) == []


# --- set qualifiers --------------------------------------------------------------------------


def test_for_all_values_on_a_single_valued_key() -> None:
    text = cond({"ForAllValues:StringEquals": {"aws:username": "alice"}})
    assert only(text, "FORALLVALUES_WITH_SINGLE_VALUED_KEY").severity == "security_warning"


def test_for_any_value_on_a_single_valued_key() -> None:
    text = cond({"ForAnyValue:StringEquals": {"aws:username": "alice"}})
    assert only(text, "FORANYVALUE_WITH_SINGLE_VALUED_KEY").severity == "warning"


def test_multivalued_key_needs_a_qualifier() -> None:
    finding = only(cond({"StringEquals": {"aws:TagKeys": "team"}}, TAG), "MISSING_QUALIFIER")
    assert finding.severity == "error"
    assert "ArrayOfString" in finding.message
    assert cond_codes(cond({"Null": {"aws:TagKeys": "false"}}, TAG)) == []


def test_for_all_values_in_an_allow_wants_a_null_check() -> None:
    text = cond({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, TAG)
    assert only(text, "FORALLVALUES_ALLOW_WITHOUT_NULL_CHECK").severity == "warning"
    checked = cond(
        {
            "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
            "Null": {"aws:TagKeys": "false"},
        },
        TAG,
    )
    assert cond_codes(checked) == []


def test_no_null_check_advice_for_a_key_the_actions_never_have() -> None:
    text = cond({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, LIST)
    assert cond_codes(text) == ["ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"]


def test_for_any_value_in_a_deny_wants_a_null_check() -> None:
    text = deny({"ForAnyValue:StringEquals": {"aws:TagKeys": ["secret"]}}, TAG)
    assert only(text, "FORANYVALUE_DENY_WITHOUT_NULL_CHECK").severity == "warning"
    guarded = policy(
        {
            "Effect": "Deny",
            "Action": TAG,
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["secret"]}},
        },
        {
            "Effect": "Deny",
            "Action": TAG,
            "Resource": "*",
            "Condition": {"Null": {"aws:TagKeys": "true"}},
        },
    )
    assert cond_codes(guarded) == []


# --- keys ------------------------------------------------------------------------------------


def test_unknown_global_key_with_did_you_mean() -> None:
    finding = only(
        cond({"IpAddress": {"aws:SourceIpp": "203.0.113.0/24"}}), "INVALID_GLOBAL_CONDITION_KEY"
    )
    assert finding.severity == "error"
    assert '"aws:SourceIp"' in finding.message
    assert "never true" in finding.message
    assert cond_codes(cond({"IpAddress": {"aws:sourceip": "203.0.113.0/24"}})) == []


def test_deprecated_aws_arn() -> None:
    finding = only(
        cond({"ArnLike": {"aws:ARN": "arn:aws:iam::*:role/x"}}), "UNSUPPORTED_GLOBAL_CONDITION_KEY"
    )
    assert "aws:PrincipalArn" in finding.message
    assert cond_codes(cond({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}})) == []


def test_key_format() -> None:
    text = cond({"IpAddress": {"SourceIp": "203.0.113.0/24"}})
    finding = only(text, "INVALID_CONDITION_KEY_FORMAT")
    assert finding.suggestion == "aws:SourceIp"
    assert cond_codes(fixed(text, "INVALID_CONDITION_KEY_FORMAT")) == []
    spaced = cond({"StringEquals": {" aws: username": "a"}})
    assert only(spaced, "INVALID_CONDITION_KEY_FORMAT").suggestion == "aws:username"
    assert "INVALID_CONDITION_KEY_FORMAT" in codes(cond({"StringEquals": {"aws:": "a"}}))


def test_unknown_service_prefix_in_a_key() -> None:
    text = cond({"StringEquals": {"sssm:Overwrite": "false"}}, "ssm:PutParameter")
    finding = only(text, "INVALID_SERVICE")
    assert finding.suggestion == "ssm:Overwrite"
    assert "INVALID_SERVICE" not in codes(fixed(text, "INVALID_SERVICE"))


def test_condition_key_of_a_retired_service() -> None:
    # AWSDeepRacerDefaultMultiUserAccess: deepracer is gone from the catalogue
    text = cond({"Bool": {"deepracer:MultiUser": "true"}}, "s3:GetObject")
    finding = only(text, "RETIRED_SERVICE_IN_CONDITION_KEY")
    assert finding.severity == "warning" and "retired" in finding.message
    assert "INVALID_SERVICE" not in codes(text)


def test_identity_provider_keys_are_not_judged() -> None:
    assert cond_codes(cond({"StringEquals": {"accounts.google.com:aud": "x"}})) == []
    assert cond_codes(cond({"StringEquals": {"saml:sub": "x"}})) == []


def test_unknown_service_key_with_a_certain_fix() -> None:
    text = cond({"StringEquals": {"ssm:Overwrit": "false"}}, "ssm:PutParameter")
    finding = only(text, "INVALID_SERVICE_CONDITION_KEY")
    assert finding.suggestion == "ssm:Overwrite"
    assert cond_codes(fixed(text, "INVALID_SERVICE_CONDITION_KEY")) == []


def test_tag_keys_resolve_with_any_tag_name_and_case() -> None:
    for key in ("ssm:resourceTag/Team", "ssm:ResourceTag/cost-center", "aws:ResourceTag/Team"):
        assert cond_codes(cond({"StringEquals": {key: "ops"}}, "ssm:SendCommand")) == [], key


def test_key_templates_match_whatever_the_placeholder_is_called() -> None:
    # The catalogue writes templates as ${TagKey}, <key>, tag-key or a bare trailing slash:
    # s3:ExistingObjectTag/<key>, ssm:resourceTag/tag-key (the key ssm:GetParameter lists).
    resource = "arn:aws:ssm:us-west-2:123456789012:parameter/app/*"
    text = cond({"StringEquals": {"ssm:resourceTag/Team": "ops"}}, "ssm:GetParameter")
    assert cond_codes(text.replace('"*"', f'"{resource}"')) == []
    for key, action in (
        ("s3:ExistingObjectTag/UseWithCodeDeploy", "s3:GetObject"),
        ("s3:ExistingObjectTag/servicecatalog:provisioning", "s3:GetObject"),
        ("s3:RequestObjectTag/CreatedBy", "s3:PutObject"),
        ("secretsmanager:ResourceTag/Team", "secretsmanager:GetSecretValue"),
        ("elasticloadbalancing:ResourceTag/Team", "elasticloadbalancing:AddTags"),
    ):
        assert cond_codes(cond({"StringEquals": {key: "x"}}, action)) == [], key
    assert "MISSING_TAG_KEY_IN_CONDITION" in cond_codes(
        cond({"StringEquals": {"s3:ExistingObjectTag/": "x"}}, "s3:GetObject")
    )


def test_tag_key_without_tag_name() -> None:
    for key in ("aws:ResourceTag/", "aws:ResourceTag", "ssm:resourceTag/"):
        finding = only(
            cond({"StringEquals": {key: "ops"}}, "ssm:SendCommand"), "MISSING_TAG_KEY_IN_CONDITION"
        )
        assert finding.severity == "error", key


def test_duplicate_keys_with_different_case() -> None:
    text = cond({"StringEquals": {"aws:username": "a", "AWS:UserName": "b"}})
    finding = only(text, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE")
    assert finding.pointer == "/Statement/0/Condition/StringEquals/AWS:UserName"
    assert cond_codes(cond({"StringEquals": {"aws:username": ["a", "b"]}})) == []


def test_exact_duplicate_keys_are_reported_once_by_the_syntax_check() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ssm:ListCommands", '
        '"Resource": "*", "Condition": {"StringEquals": {"aws:username": "a", '
        '"aws:username": "b"}}}}'
    )
    assert cond_codes(text) == ["DUPLICATE_KEY"]


# --- keys the statement's actions support ----------------------------------------------------


def test_key_no_action_supports_is_an_error_and_the_statement_grants_nothing() -> None:
    text = cond({"StringEquals": {"ssm:DocumentType": "Command"}}, "ssm:GetParameter")
    finding = only(text, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY")
    assert finding.severity == "error"
    assert '"ssm:GetParameter"' in finding.message and "never true" in finding.message
    assert dead(text)


def test_key_only_one_missing_action_supports() -> None:
    # ssm:Overwrite is set only by ssm:PutParameter (and iam:PassedToService by iam:PassRole)
    text = cond({"StringEquals": {"ssm:Overwrite": "false"}}, "ssm:GetParameter")
    finding = only(text, "MISSING_ACTION_FOR_CONDITION_KEY")
    assert finding.severity == "error"
    assert "The ssm:PutParameter action must be in the action block" in finding.message
    assert "UNSUPPORTED_ACTION_FOR_CONDITION_KEY" not in codes(text)
    assert dead(text)
    passed = cond({"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}, "iam:GetRole")
    assert "iam:PassRole" in only(passed, "MISSING_ACTION_FOR_CONDITION_KEY").message
    # some actions support it, others do not: those are named under the other code
    mixed = cond(
        {"StringEqualsIfExists": {"ssm:Overwrite": "false"}},
        ["ssm:PutParameter", "ssm:GetParameter"],
    )
    assert "UNSUPPORTED_ACTION_FOR_CONDITION_KEY" in cond_codes(mixed)
    supported = cond({"StringEquals": {"ssm:Overwrite": "false"}}, "ssm:PutParameter")
    assert cond_codes(supported) == []
    assert not dead(supported)


def test_only_the_actions_that_ignore_the_key_are_named() -> None:
    text = cond(
        {"StringEqualsIfExists": {"ssm:Overwrite": "false"}},
        ["ssm:PutParameter", "ssm:GetParameter"],
    )
    finding = only(text, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY")
    assert '"ssm:GetParameter"' in finding.message and "ssm:PutParameter" not in finding.message
    assert "always true" in finding.message
    assert not dead(text)


def test_resource_type_keys_count_as_supported() -> None:
    text = cond({"StringEquals": {"ssm:ResourceTag/Owner": "${aws:username}"}}, "ssm:GetDocument")
    assert cond_codes(text) == []


def test_wildcard_actions_are_skipped_like_access_analyzer_does() -> None:
    some = cond({"StringEquals": {"aws:ResourceTag/Team": "ops"}}, "ssm:Describe*")
    assert cond_codes(some) == []
    none = cond({"StringEquals": {"ssm:Overwrite": "false"}}, "ssm:Describe*")
    assert cond_codes(none) == []
    # as in AmazonSageMakerFullAccess: no action sagemaker:*FlowDefinitions matches lists
    # sagemaker:WorkteamType, and Access Analyzer does not judge wildcard actions
    flows = cond(
        {"StringEquals": {"sagemaker:WorkteamType": "private-crowd"}},
        ["sagemaker:*FlowDefinitions", "sagemaker:CreateLabelingJob"],
    )
    assert cond_codes(flows) == []
    mixed = cond(
        {"StringEquals": {"ssm:Overwrite": "false"}}, ["ssm:Describe*", "ssm:GetParameter"]
    )
    finding = only(mixed, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY")
    assert '"ssm:GetParameter"' in finding.message and "Describe" not in finding.message


def test_global_keys_apply_to_every_action_but_tag_keys_do_not() -> None:
    assert cond_codes(cond({"Bool": {"aws:SecureTransport": "true"}}, "s3:GetObject")) == []
    assert (
        cond_codes(cond({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}, "iam:ListRoles"))
        == []
    )
    text = cond({"StringEquals": {"aws:ResourceTag/Team": "ops"}}, LIST)
    finding = only(text, "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE")
    assert finding.severity == "suggestion"


def test_tag_keys_the_actions_do_not_support_are_access_analyzers_tag_checks() -> None:
    # Allow: a suggestion, the actions are never allowed through the statement
    allow_text = cond({"StringEquals": {"aws:ResourceTag/Team": "ops"}}, [LIST, TAG])
    finding = only(allow_text, "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE")
    assert f'"{LIST}"' in finding.message and TAG not in finding.message
    assert "(services ssm)" in finding.message
    assert "never allowed" in finding.message
    assert "UNSUPPORTED_ACTION_FOR_CONDITION_KEY" not in codes(allow_text)
    # Deny: a security warning, the Deny does not deny them
    deny_text = deny({"StringEquals": {"aws:ResourceTag/Team": "ops"}}, [LIST, TAG])
    finding = only(deny_text, "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE")
    assert finding.severity == "security_warning" and "never denied" in finding.message
    # a pattern none of whose actions supports the key (tag:Get* lists no tag keys)
    pattern = deny({"StringEquals": {"aws:ResourceTag/Team": "ops"}}, "tag:Get*")
    assert "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE" in cond_codes(pattern)
    assert cond_codes(cond({"StringEquals": {"aws:ResourceTag/Team": "ops"}}, "ssm:Get*")) == []


def test_not_action_with_a_tag_key_covers_services_without_tags() -> None:
    condition = {"StringEquals": {"aws:ResourceTag/Team": "ops"}}
    allow_text = policy(
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*", "Condition": condition}
    )
    finding = only(allow_text, "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE")
    assert finding.severity == "suggestion"
    deny_text = policy(
        {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": condition}
    )
    finding = only(deny_text, "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE")
    assert finding.severity == "security_warning"
    # not for a key every action has
    plain = {"Bool": {"aws:SecureTransport": "false"}}
    text = policy({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": plain})
    assert cond_codes(text) == []


def test_keys_that_describe_where_a_request_comes_from_are_not_judged_per_action() -> None:
    # ec2:SourceInstanceARN is listed by EC2 but attached to none of its actions.
    key = {
        "ArnEquals": {"ec2:SourceInstanceARN": "arn:aws:ec2:us-east-1:111122223333:instance/i-1"}
    }
    assert cond_codes(cond(key, "s3:ListAllMyBuckets")) == []


def test_not_action_and_star_are_not_judged() -> None:
    condition = {"StringEquals": {"ssm:Overwrite": "false"}}
    assert cond_codes(cond(condition, "*")) == []
    not_action = {
        "Effect": "Deny",
        "NotAction": "ssm:PutParameter",
        "Resource": "*",
        "Condition": condition,
    }
    assert cond_codes(policy(not_action)) == []


# --- operator vs key type --------------------------------------------------------------------


def test_operator_type_must_fit_the_key_type() -> None:
    finding = only(cond({"NumericEquals": {"aws:SourceIp": "10"}}), "TYPE_MISMATCH")
    assert finding.severity == "warning"
    assert "IpAddress" in finding.message
    assert only(cond({"StringEquals": {"aws:SourceIp": "203.0.113.0/24"}}), "TYPE_MISMATCH")
    assert cond_codes(cond({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})) == []
    # String operators work on ARN keys; aws:EpochTime is a date or a number.
    assert (
        cond_codes(cond({"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/x"}}))
        == []
    )
    assert cond_codes(cond({"NumericLessThan": {"aws:EpochTime": 1735689600}})) == []


def test_string_like_on_an_arn_key() -> None:
    text = cond({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin*"}})
    assert only(text, "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS").severity == "security_warning"
    assert cond_codes(cond({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin*"}})) == []


# --- values ----------------------------------------------------------------------------------


def test_numbers() -> None:
    finding = only(
        cond({"NumericLessThan": {"aws:MultiFactorAuthAge": "one hour"}}), "TYPE_MISMATCH_NUMBER"
    )
    assert finding.pointer == "/Statement/0/Condition/NumericLessThan/aws:MultiFactorAuthAge"
    for value in ("3600", 3600, "1.5", ["60", "120"]):
        found = cond_codes(cond({"NumericLessThan": {"aws:MultiFactorAuthAge": value}}))
        assert set(found) <= {"REDUNDANT_CONDITION_VALUE_NUM"}, value


def test_dates() -> None:
    text = cond({"DateGreaterThan": {"aws:CurrentTime": ["2025-13-01", "soon"]}})
    assert codes(text).count("TYPE_MISMATCH_DATE") == 2
    for value in ("2025-01-31", "2025-01-31T12:00:00Z", "2025-01-31T12:00:00.5+01:00", "2025"):
        assert cond_codes(cond({"DateGreaterThan": {"aws:CurrentTime": value}})) == [], value


def test_epoch_and_odd_dates_are_warnings() -> None:
    for value in ("1735689600", 1735689600, "2025-01-31T12:00:00", "20250131"):
        finding = only(cond({"DateGreaterThan": {"aws:CurrentTime": value}}), "INVALID_DATE_VALUE")
        assert finding.severity == "warning", value
    assert (
        "2025-01-01T00:00:00Z"
        in only(
            cond({"DateGreaterThan": {"aws:CurrentTime": "1735689600"}}), "INVALID_DATE_VALUE"
        ).message
    )
    assert cond_codes(cond({"DateGreaterThan": {"aws:EpochTime": "1735689600"}})) == []


def test_booleans() -> None:
    assert only(cond({"Bool": {"aws:SecureTransport": "yes"}}), "TYPE_MISMATCH_BOOLEAN").fix is None
    text = cond({"Bool": {"aws:SecureTransport": "True"}})
    assert cond_codes(fixed(text, "TYPE_MISMATCH_BOOLEAN")) == []
    # settled with the simulator: IAM reads Booleans whatever their case, so the finding is
    # about the spelling and says how the value is read
    assert 'IAM reads "True" as true' in only(text, "TYPE_MISMATCH_BOOLEAN").message
    for value in ("true", "false", True, False, ["true"]):
        assert cond_codes(cond({"Bool": {"aws:SecureTransport": value}})) == [], value
    for value in (" true", "true "):
        finding = only(cond({"Bool": {"aws:SecureTransport": value}}), "TYPE_MISMATCH_BOOLEAN")
        assert finding.fix is None, value


def test_digits_are_ascii() -> None:
    # Python's \d and Decimal read other scripts' digits; IAM's numbers and dates are ASCII
    assert only(
        cond({"NumericLessThan": {"aws:MultiFactorAuthAge": "\u0661\u0662"}}),
        "TYPE_MISMATCH_NUMBER",
    )
    assert only(
        cond({"DateGreaterThan": {"aws:CurrentTime": "\u0662\u0660\u0663\u0660"}}),
        "TYPE_MISMATCH_DATE",
    )


def test_null_takes_true_or_false() -> None:
    finding = only(cond({"Null": {"aws:username": "maybe"}}), "TYPE_MISMATCH_BOOLEAN")
    assert "absent" in finding.message
    assert cond_codes(cond({"Null": {"aws:username": False}})) == []


def test_several_boolean_values() -> None:
    text = cond({"Bool": {"aws:SecureTransport": ["true", "false"]}})
    assert only(text, "INVALID_CONDITION_MULTIPLE_BOOLEAN").severity == "error"
    assert only(
        cond({"Null": {"aws:username": ["true", "false"]}}), "INVALID_CONDITION_MULTIPLE_BOOLEAN"
    )


def test_values_of_mixed_json_types() -> None:
    text = cond({"StringEquals": {"aws:username": ["alice", 7]}})
    assert only(text, "INVALID_CONDITION_DATA_TYPE").severity == "error"
    assert cond_codes(cond({"StringEquals": {"aws:username": ["alice", "7"]}})) == []


def test_binary_values_are_base64() -> None:
    # No catalogue key has the Binary type, so the key is one of the policy's own.
    assert only(cond({"BinaryEquals": {"aws:username": "not base64!"}}), "TYPE_MISMATCH")
    text = cond({"BinaryEquals": {"ec2:RoleDelivery": "not base64!"}})
    assert "TYPE_MISMATCH_STRING" not in codes(text)  # the key's type mismatch says enough
    unknown_key_type = cond({"BinaryEquals": {"oidc.example.com:aud": "not base64!"}})
    assert only(unknown_key_type, "TYPE_MISMATCH_STRING").severity == "warning"
    assert cond_codes(cond({"BinaryEquals": {"oidc.example.com:aud": "QmluYXJ5VmFsdWU="}})) == []


def test_ip_ranges() -> None:
    text = cond(
        {
            "IpAddress": {
                "aws:SourceIp": ["203.0.113.0/24", "203.0.113.0/33", "x", "10.0.0.0/255.0.0.0"]
            }
        }
    )
    assert [
        f.pointer.rsplit("/", 1)[1] for f in findings(text) if f.code == "TYPE_MISMATCH_IP_RANGE"
    ] == [
        "1",
        "2",
        "3",
    ]
    for value in ("203.0.113.7", "203.0.113.0/24", "2001:db8::/32", "::ffff:203.0.113.7"):
        assert cond_codes(cond({"IpAddress": {"aws:SourceIp": value}})) == [], value


def test_host_bits_set_after_the_mask() -> None:
    text = cond({"IpAddress": {"aws:SourceIp": ["203.0.113.7/24", "8.8.4.0/24"]}})
    finding = only(text, "IMPROVE_IP_RANGE")
    assert finding.severity == "suggestion"
    assert finding.suggestion == "203.0.113.0/24"
    assert cond_codes(fixed(text, "IMPROVE_IP_RANGE")) == []


def test_private_source_ip() -> None:
    text = cond({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.1.0/24"]}})
    assert only(text, "PRIVATE_IP_ADDRESS").severity == "error"
    assert dead(text)
    negated = cond({"NotIpAddress": {"aws:SourceIp": "172.16.0.0/12"}})
    assert only(negated, "PRIVATE_NOT_IP_ADDRESS").severity == "error"
    # aws:VpcSourceIp is the key for private addresses
    vpc = cond({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}})
    assert cond_codes(vpc) == ["MISSING_PAIRED_CONDITION_KEYS"]


def test_private_and_public_source_ip_mixed() -> None:
    text = cond({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "198.18.0.0/15", "8.8.8.0/24"]}})
    finding = only(text, "PRIVATE_IP_ADDRESS_SUBSET")
    assert finding.severity == "suggestion" and '"10.0.0.0/8"' in finding.message
    negated = cond({"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "8.8.8.0/24"]}})
    assert only(negated, "PRIVATE_NOT_IP_ADDRESS_SUBSET").severity == "suggestion"
    assert not dead(text)


def test_documentation_ranges_are_not_called_private() -> None:
    assert (
        cond_codes(cond({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}})) == []
    )


def test_wildcard_without_like() -> None:
    finding = only(
        cond({"StringEquals": {"aws:username": "admin-*"}}), "WILDCARD_WITHOUT_LIKE_OPERATOR"
    )
    assert finding.severity == "warning" and finding.fix is None
    assert '"StringLike"' in finding.message
    assert cond_codes(cond({"StringLike": {"aws:username": "admin-*"}})) == []
    # a special variable is a literal character, not a wildcard
    assert cond_codes(cond({"StringEquals": {"aws:username": "admin-${*}"}})) == []


def test_wildcard_with_arn_equals_is_renamed_to_arn_like() -> None:
    text = cond({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ops-*"}})
    finding = only(text, "WILDCARD_WITHOUT_LIKE_OPERATOR")
    assert finding.fix is not None
    assert cond_codes(fixed(text, "WILDCARD_WITHOUT_LIKE_OPERATOR")) == []


def test_string_like_star_is_redundant() -> None:
    # plain StringLike "*" only tests that the key is present: Access Analyzer's
    # EQUIVALENT_TO_NULL_FALSE, not the always-true REDUNDANT_KEY_... (one finding, not two)
    text = cond({"StringLike": {"aws:username": "*"}})
    assert cond_codes(text) == ["EQUIVALENT_TO_NULL_FALSE"]
    if_exists = cond({"StringLikeIfExists": {"aws:username": "*"}})
    assert "every request" in only(if_exists, "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION").message
    assert cond_codes(cond({"StringLike": {"aws:username": "a*"}})) == []


def test_vpc_and_vpc_endpoint_ids() -> None:
    text = cond({"StringEquals": {"aws:SourceVpc": ["vpc-1a2b3c4d", "vpc-123"]}})
    assert only(text, "INVALID_VPC_FORMAT").pointer.endswith("/aws:SourceVpc/1")
    text = cond({"StringEquals": {"aws:SourceVpce": "vpc-1a2b3c4d"}})
    assert only(text, "INVALID_VPCE_FORMAT").severity == "error"
    good = {"aws:SourceVpc": "vpc-0123456789abcdef0", "aws:SourceVpce": "vpce-1a2b3c4d"}
    assert cond_codes(cond({"StringEquals": good})) == []
    # aws:SourceVpc is one of AWS's sensitive keys: a wildcard in it is too permissive
    assert cond_codes(cond({"StringLike": {"aws:SourceVpc": "vpc-*"}})) == [
        "WILDCARD_USAGE_TOO_PERMISSIVE"
    ]


def test_requested_region() -> None:
    text = cond({"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-east1"]}})
    finding = only(text, "INVALID_REGION")
    assert finding.pointer.endswith("/1") and '"us-east-1"' in finding.message
    like = cond({"StringLike": {"aws:RequestedRegion": ["eu-*", "xx-*"]}})
    assert only(like, "INVALID_REGION").pointer.endswith("/1")
    assert (
        cond_codes(cond({"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "cn-north-1"]}}))
        == []
    )


def test_a_value_with_a_type_error_gets_no_second_finding() -> None:
    text = cond({"StringEquals": {"aws:RequestedRegion": "eu-*"}})
    assert cond_codes(text) == ["WILDCARD_WITHOUT_LIKE_OPERATOR"]


# --- empty value lists -----------------------------------------------------------------------


def test_empty_arrays_under_qualifiers_and_if_exists() -> None:
    for operator, code in (
        ("ForAllValues:StringEquals", "EMPTY_ARRAY_CONDITION_FORALLVALUES"),
        ("ForAnyValue:StringEquals", "EMPTY_ARRAY_CONDITION_FORANYVALUE"),
        ("StringEqualsIfExists", "EMPTY_ARRAY_CONDITION_IFEXISTS"),
    ):
        text = cond({operator: {"aws:TagKeys" if "For" in operator else "aws:username": []}}, TAG)
        assert cond_codes(text) == [code], operator
        assert only(text, code).severity == "suggestion"
    assert dead(cond({"ForAnyValue:StringEquals": {"aws:TagKeys": []}}, TAG))
    assert cond_codes(cond({"StringEquals": {"aws:username": []}})) == ["EMPTY_ARRAY_CONDITION"]
    # a negated operator with no values is true for every value: the plain finding
    negated = cond({"ForAnyValue:StringNotEquals": {"aws:TagKeys": []}}, TAG)
    assert cond_codes(negated) == ["EMPTY_ARRAY_CONDITION"]
    assert not dead(negated)


# --- variables -------------------------------------------------------------------------------


def test_variables_only_with_string_and_arn_operators() -> None:
    text = cond({"NumericEquals": {"aws:MultiFactorAuthAge": "${aws:username}"}})
    assert only(text, "INVALID_VARIABLE_FOR_OPERATOR").severity == "error"
    assert "TYPE_MISMATCH_NUMBER" not in codes(text)
    assert only(
        cond({"Null": {"aws:username": "${aws:username}"}}), "INVALID_VARIABLE_FOR_OPERATOR"
    )
    for condition in (
        {"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:ssm:*:*:document/${aws:username}-*"}},
        {"StringEquals": {"aws:username": "${aws:PrincipalTag/owner, 'none'}"}},
    ):
        assert cond_codes(cond(condition)) == [], condition


def test_federated_policy_variables_are_known() -> None:
    # the IAM User Guide's variables for federated users (reference_policies_variables.html),
    # which the Service Authorization Reference lists under AWS STS
    for name in (
        "saml:sub",
        "saml:namequalifier",
        "saml:sub_type",
        "www.amazon.com:user_id",
        "cognito-identity.amazonaws.com:sub",
        "accounts.google.com:sub",
        "graph.facebook.com:id",
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub",
    ):
        resource = f"arn:aws:s3:::amzn-s3-demo-bucket/${{{name}}}/*"
        text = policy(allow("s3:GetObject", resource))
        assert "UNKNOWN_POLICY_VARIABLE" not in codes(text), name
        text = cond({"StringEquals": {"s3:prefix": f"home/${{{name}}}/"}}, "s3:ListBucket")
        assert "UNKNOWN_POLICY_VARIABLE" not in codes(text), name
    text = policy(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${saml:nosuchkey}/*"))
    assert "UNKNOWN_POLICY_VARIABLE" in codes(text)


def test_variable_syntax_is_checked_in_condition_values() -> None:
    text = cond({"StringEquals": {"aws:PrincipalTag/team": "${aws:username"}})
    assert only(text, "MISSING_BRACE_IN_VARIABLE").pointer.endswith("/aws:PrincipalTag~1team")
    assert only(cond({"StringEquals": {"aws:username": "${}"}}), "EMPTY_VARIABLE")


def test_variables_need_version_2012_reported_once_per_policy() -> None:
    text = policy(
        allow("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/${aws:username}/*"),
        allow(LIST, Condition={"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}),
        version="2008-10-17",
    )
    assert codes(text).count("VARIABLE_UNSUPPORTED_IN_VERSION") == 1
    only_condition = cond(
        {"StringEquals": {"aws:PrincipalTag/team": ["${aws:username}", "${aws:userid}"]}}
    )
    assert "VARIABLE_UNSUPPORTED_IN_VERSION" not in codes(only_condition)
    old = policy(
        allow(
            LIST,
            Condition={
                "StringEquals": {"aws:PrincipalTag/team": ["${aws:username}", "${aws:userid}"]}
            },
        ),
        version=None,
    )
    assert codes(old).count("VARIABLE_UNSUPPORTED_IN_VERSION") == 1


# --- the corpus ------------------------------------------------------------------------------


def test_aws_example_conditions_pass() -> None:
    """Conditions from AWS documentation and AWS managed policies."""
    for action, condition in (
        ("iam:PassRole", {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}),
        ("ssm:StartSession", {"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}}),
        ("ssm:SendCommand", {"StringLike": {"ssm:resourceTag/Finance": ["WebServers"]}}),
        (
            "ssm:PutInventory",
            {
                "ForAllValues:StringEquals": {"ssm:InventoryTypeName": ["AWS:ComplianceItem"]},
                "Null": {"ssm:InventoryTypeName": "false"},
            },
        ),
        (
            "ssm:TerminateSession",
            {"StringLike": {"ssm:resourceTag/aws:ssmmessages:session-id": ["${aws:userid}"]}},
        ),
        ("events:PutRule", {"StringEquals": {"events:ManagedBy": "ssm.amazonaws.com"}}),
        (
            "iam:CreateServiceLinkedRole",
            {"StringLike": {"iam:AWSServiceName": "ssm.amazonaws.com"}},
        ),
        (
            "cloudformation:DeleteStack",
            {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}},
        ),
        (
            "ec2:DeleteRoute",
            {
                "StringLike": {
                    "ec2:ResourceTag/aws:cloudformation:stack-name": "EC2ContainerService-*"
                }
            },
        ),
    ):
        assert cond_codes(cond(condition, action)) == [], (action, condition)


# --- Access Analyzer's advice -----------------------------------------------------------------


def test_redundant_numeric_values_access_analyzers_example() -> None:
    # the reference's example: NumericLessThan aws:MultiFactorAuthAge ["2700", "3600"]
    text = cond({"NumericLessThan": {"aws:MultiFactorAuthAge": ["2700", "3600"]}})
    finding = only(text, "REDUNDANT_CONDITION_VALUE_NUM")
    assert finding.severity == "suggestion" and '"3600"' in finding.message
    assert "greatest" in finding.message
    least = only(
        cond({"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": [10, 20]}}),
        "REDUNDANT_CONDITION_VALUE_NUM",
    )
    assert "least" in least.message and '"10"' in least.message
    for ok in (
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        {"NumericEquals": {"aws:MultiFactorAuthAge": ["1", "2"]}},
    ):
        assert "REDUNDANT_CONDITION_VALUE_NUM" not in cond_codes(cond(ok))


def test_vpc_source_ip_wants_source_vpc_in_the_same_block() -> None:
    alone = cond({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}, "s3:GetObject")
    finding = only(alone, "MISSING_PAIRED_CONDITION_KEYS")
    assert finding.severity == "security_warning" and "aws:SourceVpc" in finding.message
    paired = cond(
        {
            "IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"},
            "StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"},
        },
        "s3:GetObject",
    )
    assert "MISSING_PAIRED_CONDITION_KEYS" not in cond_codes(paired)
