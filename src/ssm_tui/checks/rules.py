"""One description per finding code: a title and help text, for SARIF rules, the CLI's
`--explain` and the TUI's detail pane.  A test keeps it in step with the checks.

`access_analyzer` marks codes that IAM Access Analyzer also uses (same meaning)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    title: str
    help: str
    access_analyzer: bool = True


def _rules(*rows: tuple[str, str, str] | tuple[str, str, str, bool]) -> dict[str, Rule]:
    return {row[0]: Rule(*row) for row in rows}


RULES: dict[str, Rule] = _rules(
    # JSON and characters
    (
        "JSON_SYNTAX_ERROR",
        "Invalid JSON",
        "The policy is not valid JSON. Fix the text at the reported line and column.",
    ),
    (
        "DUPLICATE_KEY",
        "Duplicate key in one object",
        "A key appears twice in one JSON object; parsers keep only the last, so the first is "
        "silently lost. Merge the two.",
        False,
    ),
    (
        "INVALID_CHARACTER",
        "Character IAM does not accept",
        "IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF in a policy. "
        "Replace typographic quotes and dashes with ASCII ones and remove invisible characters.",
        False,
    ),
    (
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        "Policy larger than IAM's quota",
        "IAM limits identity policies by non-whitespace characters: 6,144 for a managed policy; "
        "2,048, 5,120 and 10,240 in total for the inline policies of a user, group or role. Split "
        "the policy or use wildcards.",
    ),
    # grammar
    (
        "DATA_TYPE_MISMATCH",
        "Wrong JSON type",
        "A policy element has the wrong JSON type (for example Effect as a number). Use the type "
        "the IAM policy grammar requires.",
    ),
    (
        "INVALID_POLICY_ELEMENT",
        "Unknown or misplaced element",
        "A policy has Version and Statement; a statement has Sid, Effect, Action or NotAction, "
        "Resource or NotResource and Condition. Id is not allowed in identity-based policies.",
    ),
    (
        "MISSING_VERSION",
        "No Version",
        'Add "Version": "2012-10-17"; without it policy variables are read as literal text.',
    ),
    ("INVALID_VERSION", "Unknown Version", 'Use "Version": "2012-10-17".'),
    (
        "OUTDATED_VERSION",
        "Legacy Version 2008-10-17",
        'Version 2008-10-17 has no policy variables. Use "2012-10-17".',
        False,
    ),
    ("MISSING_STATEMENT", "No statement", "Add at least one statement."),
    ("MISSING_EFFECT", "No Effect", 'Add "Effect": "Allow" or "Deny".'),
    ("INVALID_EFFECT", "Invalid Effect", 'Effect is exactly "Allow" or "Deny" (case matters).'),
    (
        "MISSING_ACTION",
        "No Action or NotAction",
        "Add Action with the actions the statement is about.",
    ),
    (
        "MISSING_RESOURCE",
        "No Resource or NotResource",
        'Add Resource with the ARNs the statement applies to, or "*".',
    ),
    (
        "UNSUPPORTED_ELEMENT_COMBINATION",
        "Action with NotAction, or Resource with NotResource",
        "A statement has either Action or NotAction, and either Resource or NotResource.",
    ),
    (
        "UNSUPPORTED_PRINCIPAL",
        "Principal in an identity policy",
        "Identity-based policies must not name a Principal: the principal is whoever the policy "
        "is attached to. Remove Principal / NotPrincipal.",
    ),
    (
        "UNSUPPORTED_SID",
        "Sid with characters IAM rejects",
        "A Sid may contain only letters and digits.",
    ),
    ("UNIQUE_SIDS_REQUIRED", "Duplicate Sid", "Each Sid must be unique within an IAM policy."),
    ("EMPTY_SID_VALUE", "Empty Sid", "Name the statement or remove the empty Sid."),
    (
        "MISSING_SID",
        "Statement without Sid",
        "In a policy with several statements, a Sid says what each is for.",
        False,
    ),
    (
        "EMPTY_ARRAY_ACTION",
        "Empty action list",
        '"Action": [] grants nothing ("NotAction": [] excludes nothing).',
    ),
    (
        "EMPTY_ARRAY_RESOURCE",
        "Empty resource list",
        '"Resource": [] matches nothing ("NotResource": [] excludes nothing).',
    ),
    ("EMPTY_OBJECT_CONDITION", "Empty Condition", "Remove the empty Condition block."),
    (
        "EMPTY_ARRAY_CONDITION",
        "Condition key without values",
        "Give the condition key values or remove it.",
    ),
    # actions
    (
        "INVALID_ACTION",
        "Action that does not exist",
        "The action is not in the AWS action catalogue (or has stray whitespace, or a wildcard "
        "that matches nothing), so it grants nothing. Use the suggested action.",
    ),
    (
        "INVALID_SERVICE_IN_ACTION",
        "Unknown service prefix",
        "The service prefix of the action is not an AWS service.",
    ),
    (
        "WILDCARD_IN_SERVICE_NAME",
        "Wildcard in a service name",
        "A wildcard in the service part matches several services and any added later. Name the "
        "service.",
    ),
    (
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        "Policy variable outside Resource and Condition",
        "Policy variables work only in Resource and in Condition values.",
    ),
    (
        "NON_CANONICAL_CASE",
        "Action not in its documented case",
        "Actions are case-insensitive; writing them as documented keeps policies searchable.",
        False,
    ),
    # resources
    (
        "INVALID_ARN_PREFIX",
        "Resource that is not an ARN",
        'A resource is "*" or an ARN starting with "arn:".',
    ),
    (
        "MISSING_ARN_FIELD",
        "ARN with missing fields",
        "An ARN has six colon-separated fields: arn:partition:service:region:account:resource.",
    ),
    (
        "INVALID_PARTITION",
        "Unknown partition",
        "Use aws, aws-cn, aws-us-gov or another AWS partition.",
    ),
    (
        "INVALID_SERVICE",
        "Unknown service",
        "The service field of the ARN (or the prefix of a condition key) is not an AWS service.",
    ),
    (
        "INVALID_ARN_SERVICE_CASE",
        "Service in an ARN not lower case",
        "The service field of an ARN is lower case.",
    ),
    ("INVALID_ARN_REGION", "Unknown Region", "Use a real Region code (us-west-2) or *."),
    (
        "INVALID_ARN_ACCOUNT",
        "Account that is not a 12-digit ID",
        "Use the 12-digit account ID or *.",
    ),
    (
        "MISSING_ARN_REGION",
        "ARN without the Region it needs",
        "This resource type's ARN has a Region; put one (or *) in the Region field.",
    ),
    (
        "ARN_REGION_NOT_ALLOWED",
        "Region where the ARN has none",
        "This resource type's ARN has no Region: leave the field empty.",
    ),
    (
        "MISSING_ARN_ACCOUNT",
        "ARN without the account it needs",
        "This resource type's ARN has an account: put the 12-digit ID (or *) there, unless the "
        "resource is AWS-owned.",
    ),
    (
        "ARN_ACCOUNT_NOT_ALLOWED",
        "Account where the ARN has none",
        "This resource type's ARN has no account field: leave it empty.",
    ),
    (
        "INVALID_ARN_RESOURCE",
        "Resource part matches no ARN format",
        "The part after the fifth colon matches none of the service's resource formats.",
    ),
    # variables
    ("MISSING_BRACE_IN_VARIABLE", "Variable without closing brace", "Write variables as ${key}."),
    ("EMPTY_VARIABLE", "Empty variable", "${} names no variable."),
    (
        "UNSUPPORTED_SPACE_IN_VARIABLE",
        "Space in a variable name",
        "Variable names contain no spaces.",
    ),
    (
        "MISSING_QUOTE_IN_VARIABLE",
        "Default value not quoted",
        "A default value follows a comma and a space, in single quotes: ${key, 'default'}.",
    ),
    (
        "UNKNOWN_POLICY_VARIABLE",
        "Not a policy variable",
        "Variables are condition keys such as ${aws:username}; anything else (often an "
        "unrendered template placeholder) has no value, so the entry matches nothing.",
        False,
    ),
    (
        "VARIABLE_UNSUPPORTED_IN_VERSION",
        "Variables need Version 2012-10-17",
        'Set "Version": "2012-10-17"; otherwise ${...} is literal text.',
    ),
    # compatibility
    (
        "STATEMENT_GRANTS_NOTHING",
        "Statement that grants (or denies) nothing",
        "No action of the statement applies to any of its resources (or NotAction/NotResource "
        "excludes everything), so the statement has no effect.",
        False,
    ),
    (
        "ACTION_RESOURCE_MISMATCH",
        "Action none of the resources apply to",
        "None of the statement's resources is of a type the action takes, so the statement does "
        "not grant it. Move the action to a statement with matching resources.",
        False,
    ),
    (
        "RESOURCE_MATCHES_NO_ACTION",
        "Resource no action takes",
        "The resource is not of a type any of the statement's actions takes.",
        False,
    ),
    (
        "MISSING_REQUIRED_RESOURCE_TYPE",
        "Required resource type not covered",
        "The action is authorized against a resource type the policy never grants it on (for "
        "example ssm:SendCommand needs the document too).",
        False,
    ),
    # hygiene
    (
        "REDUNDANT_ACTION",
        "Redundant action",
        "The action is covered by another entry of the same statement. Remove it.",
    ),
    (
        "REDUNDANT_RESOURCE",
        "Redundant resource",
        "The resource is covered by another entry of the same statement. Remove it.",
    ),
    ("REDUNDANT_STATEMENT", "Identical statements", "Remove the copy."),
)


def rule(code: str) -> Rule:
    """The rule for `code` (a generic one for a code without an entry)."""
    return RULES.get(code) or Rule(code, code.replace("_", " ").capitalize(), "", False)
