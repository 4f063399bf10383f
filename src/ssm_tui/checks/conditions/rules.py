"""The rules (code, title, help) of the codes the condition checks report: `RULES` is what
the package's `register` passes, these and the policy-variable rules of checks/variables.py.

`INVALID_SERVICE` is reported for a condition key's service prefix here and for an ARN's
service field in checks/resources.py, which takes this rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from ssm_tui.checks import variables
from ssm_tui.checks.base import Rule, rules
from ssm_tui.checks.conditions.advice import ADVICE_RULES
from ssm_tui.checks.conditions.tags import TAG_RULES

# reported for a condition key's service prefix here, for an ARN's service field in resources
INVALID_SERVICE = Rule(
    "INVALID_SERVICE",
    "Unknown service",
    "The service field of the ARN (or the prefix of a condition key) is not an AWS service.",
)

CONDITION_RULES = rules(
    (
        "INVALID_CONDITION_OPERATOR",
        "Unknown condition operator",
        "The operator is not one of the 27 IAM condition operators (with an optional IfExists "
        "suffix and ForAllValues:/ForAnyValue: prefix). Operator names are case-sensitive.",
    ),
    (
        "NULL_WITH_IF_EXISTS",
        "NullIfExists",
        "IfExists can be added to any operator except Null, which itself tests whether a key is "
        "present. Use Null.",
    ),
    (
        "NULL_WITH_QUALIFIER",
        "Null with ForAllValues or ForAnyValue",
        "With ForAllValues, Null is always true; with ForAnyValue, always false. Use plain Null.",
    ),
    (
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        "ForAllValues on a single-valued key",
        "ForAllValues is also true when the key is absent, so on a single-valued key it can "
        "allow more than intended. Remove the ForAllValues: prefix.",
    ),
    (
        "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
        "ForAnyValue on a single-valued key",
        "ForAnyValue is meant for multivalued (ArrayOf...) keys. Remove the prefix.",
        False,
    ),
    (
        "FORALLVALUES_ALLOW_WITHOUT_NULL_CHECK",
        "ForAllValues in an Allow without a Null check",
        "ForAllValues is true when the key is absent, so the Allow also applies to requests "
        'without it. Add "Null": {key: "false"} if the key must be present.',
        False,
    ),
    (
        "FORANYVALUE_DENY_WITHOUT_NULL_CHECK",
        "ForAnyValue in a Deny without a Null check",
        "ForAnyValue is false when the key is absent, so the Deny does not apply to requests "
        'without it. Deny those with "Null": {key: "true"} if they must be denied.',
        False,
    ),
    (
        "MISSING_QUALIFIER",
        "Multivalued key without ForAllValues or ForAnyValue",
        "A multivalued (ArrayOf...) key needs ForAllValues: or ForAnyValue: to say whether every "
        "or any request value must match.",
    ),
    (
        "INVALID_CONDITION_KEY_FORMAT",
        "Malformed condition key",
        "Condition keys are written service:keyname, without spaces.",
    ),
    (
        "INVALID_GLOBAL_CONDITION_KEY",
        "Unknown aws: condition key",
        "The key is not an AWS global condition key, so no request has it.",
    ),
    (
        "UNSUPPORTED_GLOBAL_CONDITION_KEY",
        "aws:ARN",
        "aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn.",
    ),
    (
        "INVALID_SERVICE_CONDITION_KEY",
        "Unknown service condition key",
        "The service has no such condition key, so no request has it.",
    ),
    (
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "Condition key the actions do not support",
        "The Service Authorization Reference lists the key for none of these actions nor their "
        "resource types, so their requests never carry it. Move them to a statement without the "
        "condition, or use a key they support.",
    ),
    (
        "MISSING_ACTION_FOR_CONDITION_KEY",
        "Condition key only another action supports",
        "Only one action supports the key, and the statement does not list it, so the "
        "requests of its actions never carry the key. Add that action, or move the condition.",
    ),
    (
        "RETIRED_SERVICE_IN_CONDITION_KEY",
        "Condition key of a service AWS has retired",
        "The key's service prefix was in the AWS catalogue and is no longer, so no request has "
        "the key. The message says when the catalogue last listed it.",
        False,
    ),
    (
        "MISSING_TAG_KEY_IN_CONDITION",
        "Tag condition key without a tag name",
        "Write the tag key after the slash, for example aws:ResourceTag/Environment.",
    ),
    (
        "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
        "Same condition key twice, in different case",
        "Condition key names are case-insensitive: merge the values under one key.",
    ),
    (
        "TYPE_MISMATCH",
        "Operator does not fit the key's type",
        "Use an operator of the key's type (String, Numeric, Date, Bool, IpAddress, ARN).",
    ),
    (
        "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
        "StringLike on an ARN key",
        "With StringLike a * can span the colons between ARN fields; ArnLike matches each field "
        "separately. Use ArnLike.",
    ),
    ("TYPE_MISMATCH_NUMBER", "Value that is not a number", "Numeric operators take numbers."),
    (
        "TYPE_MISMATCH_DATE",
        "Value that is not a date",
        "Date operators take YYYY-MM-DD or another ISO 8601 date/time.",
    ),
    (
        "INVALID_DATE_VALUE",
        "Epoch or unusual date",
        "The date might not resolve as expected. Use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.",
    ),
    (
        "TYPE_MISMATCH_BOOLEAN",
        "Value that is not true or false",
        'Bool and Null take "true" or "false".',
    ),
    (
        "TYPE_MISMATCH_STRING",
        "Value that is not base64",
        "BinaryEquals takes base64-encoded values.",
    ),
    (
        "TYPE_MISMATCH_IP_RANGE",
        "Value that is not an IP range",
        "IpAddress and NotIpAddress take an IPv4 or IPv6 address or CIDR range.",
    ),
    (
        "IMPROVE_IP_RANGE",
        "Host bits set in an IP range",
        "Bits after the mask are ignored; write the network address.",
    ),
    (
        "PRIVATE_IP_ADDRESS",
        "aws:SourceIp with only private ranges",
        "aws:SourceIp is only ever a public address, so the condition never matches. Use public "
        "ranges, or aws:VpcSourceIp for private ones.",
    ),
    (
        "PRIVATE_NOT_IP_ADDRESS",
        "NotIpAddress aws:SourceIp with only private ranges",
        "aws:SourceIp is only ever a public address, so the condition always matches. Use "
        "public ranges, or aws:VpcSourceIp for private ones.",
    ),
    (
        "PRIVATE_IP_ADDRESS_SUBSET",
        "aws:SourceIp with some private ranges",
        "The private ranges match nothing. Remove them, or use aws:VpcSourceIp for them.",
    ),
    (
        "PRIVATE_NOT_IP_ADDRESS_SUBSET",
        "NotIpAddress aws:SourceIp with some private ranges",
        "The private ranges exclude nothing. Remove them, or use aws:VpcSourceIp for them.",
    ),
    (
        "INVALID_CONDITION_MULTIPLE_BOOLEAN",
        "Several Boolean values",
        "Bool and Null take one value: true or false.",
    ),
    (
        "INVALID_CONDITION_DATA_TYPE",
        "Condition values of mixed JSON types",
        "Give all values of a key as one JSON type (strings are always accepted).",
    ),
    (
        "WILDCARD_WITHOUT_LIKE_OPERATOR",
        "Wildcard without a Like operator",
        "String Equals operators compare * and ? literally; use StringLike for wildcards. "
        "ArnEquals matches wildcards like ArnLike, which says so.",
    ),
    (
        "EMPTY_ARRAY_CONDITION_FORALLVALUES",
        "ForAllValues with no values",
        'Matches only requests without the key; say so with "Null": {key: "true"}.',
    ),
    (
        "EMPTY_ARRAY_CONDITION_FORANYVALUE",
        "ForAnyValue with no values",
        "Never matches, so the statement has no effect. Give values or remove the key.",
    ),
    (
        "EMPTY_ARRAY_CONDITION_IFEXISTS",
        "IfExists with no values",
        'Matches only requests without the key; say so with "Null": {key: "true"}.',
    ),
    (
        "INVALID_VARIABLE_FOR_OPERATOR",
        "Policy variable with an operator that takes none",
        "Only String and ARN operators take policy variables.",
    ),
    (
        "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
        'Like "*" that is always true',
        'StringLikeIfExists "*" or ForAllValues:StringLike "*" is true for every request, also '
        "one without the key: remove the key.",
    ),
    (
        "INVALID_VPC_FORMAT",
        "Malformed VPC ID",
        "aws:SourceVpc takes VPC IDs: vpc- and 8 or 17 letters and digits.",
    ),
    (
        "INVALID_VPCE_FORMAT",
        "Malformed VPC endpoint ID",
        "aws:SourceVpce takes VPC endpoint IDs: vpce- and 8 or 17 letters and digits.",
    ),
    (
        "INVALID_REGION",
        "Unknown Region in a condition",
        "aws:RequestedRegion takes Region codes such as us-west-2.",
    ),
    INVALID_SERVICE,
    *TAG_RULES,
    *ADVICE_RULES,
)

RULES: Mapping[str, Rule] = rules(*CONDITION_RULES.values(), *variables.RULES.values())
