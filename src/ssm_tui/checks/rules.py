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
    # security
    (
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "iam:PassRole on every role",
        "Whoever may pass any role can hand an administrator's role to an AWS service and act "
        "through it. Name the roles in Resource and add an iam:PassedToService condition (which "
        "limits the receiving service, not the role).",
    ),
    (
        "PASS_ROLE_WITH_NOT_RESOURCE",
        "iam:PassRole with NotResource",
        "NotResource with iam:PassRole allows passing every role not listed, including roles "
        "created later. Name the roles in Resource instead.",
    ),
    (
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "Wildcard action granting iam:PassRole on every role",
        "A wildcard such as *, iam:* or iam:Pass* includes iam:PassRole, here on every role. "
        "List the actions needed and grant iam:PassRole on named roles only.",
    ),
    (
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "Wildcard action granting iam:PassRole with NotResource",
        "A wildcard action includes iam:PassRole and NotResource leaves every other role open. "
        "List the actions and the role ARNs instead.",
    ),
    (
        "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "NotAction and NotResource granting iam:PassRole",
        "The NotAction does not exclude iam:PassRole and NotResource leaves every other role "
        "open. Use Action and Resource with named roles.",
    ),
    (
        "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
        "NotAction granting iam:PassRole on every role",
        "The NotAction does not exclude iam:PassRole, so the statement allows passing any role. "
        "Use Action with the actions needed, and grant iam:PassRole on named roles only.",
    ),
    (
        "CREATE_SLR_WITH_STAR_IN_RESOURCE",
        "iam:CreateServiceLinkedRole on every role",
        "Allows creating the service-linked role of any AWS service. Name the service-linked "
        "role ARN and add an iam:AWSServiceName condition.",
    ),
    (
        "CREATE_SLR_WITH_NOT_RESOURCE",
        "iam:CreateServiceLinkedRole with NotResource",
        "NotResource allows creating every service-linked role not listed. Name the role ARN "
        "instead.",
    ),
    (
        "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "Wildcard action granting iam:CreateServiceLinkedRole on every role",
        "A wildcard such as *, iam:* or iam:Create* includes iam:CreateServiceLinkedRole, here "
        "on every role. List the actions and name the service-linked role.",
    ),
    (
        "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "Wildcard action granting iam:CreateServiceLinkedRole with NotResource",
        "A wildcard action includes iam:CreateServiceLinkedRole and NotResource leaves every "
        "other role open. List the actions and name the role.",
    ),
    (
        "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "NotAction and NotResource granting iam:CreateServiceLinkedRole",
        "The NotAction does not exclude iam:CreateServiceLinkedRole and NotResource leaves every "
        "other role open. Use Action and Resource.",
    ),
    (
        "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
        "NotAction granting iam:CreateServiceLinkedRole on every role",
        "The NotAction does not exclude iam:CreateServiceLinkedRole, so the statement allows "
        "creating any service-linked role. Use Action, and name the role.",
    ),
    (
        "ALLOW_WITH_NOT_ACTION",
        "Allow with NotAction",
        "Allow with NotAction grants every action of every service except those listed, "
        "including actions AWS adds later. List the actions to allow in Action instead.",
        False,
    ),
    (
        "ALLOW_WITH_NOT_RESOURCE",
        "Allow with NotResource",
        "Allow with NotResource grants the actions on every resource except those listed, "
        "including resources created later. List the resources in Resource instead.",
        False,
    ),
    (
        "SSM_SEND_COMMAND_UNRESTRICTED",
        "ssm:SendCommand on every node",
        "SSM Agent runs commands as root or SYSTEM, so SendCommand on every instance is root on "
        "every node. Scope it with instance ARNs or an ssm:resourceTag condition.",
        False,
    ),
    (
        "SSM_START_SESSION_UNRESTRICTED",
        "ssm:StartSession on every node",
        "A session on any node is a root shell on every node. Scope it with instance ARNs or an "
        "ssm:resourceTag condition.",
        False,
    ),
    (
        "SSM_START_SESSION_ANY_DOCUMENT",
        "ssm:StartSession with any session document",
        "Without a document ARN in Resource or ssm:SessionDocumentAccessCheck, the caller "
        "chooses the session document (shell, port forwarding, SSH). List the documents "
        "allowed and set ssm:SessionDocumentAccessCheck to true.",
        False,
    ),
    (
        "SSM_PARAMETER_READ_ALL",
        "Parameter Store reads on every parameter",
        "SecureString values under the default aws/ssm key are decrypted for any principal of "
        "the account, so reading every parameter reads every secret. Scope reads to parameter "
        "path ARNs.",
        False,
    ),
    (
        "SSM_PARAMETER_WRITE_ALL",
        "Parameter Store writes on every parameter",
        "The caller can overwrite, relabel or delete any parameter other applications read. "
        "Scope writes to parameter path ARNs and use ssm:Overwrite.",
        False,
    ),
    (
        "SSM_AUTOMATION_WITH_PASS_ROLE",
        "Automation together with iam:PassRole on every role",
        "With ssm:StartAutomationExecution and iam:PassRole on every role, a runbook can run "
        "with any role as its AutomationAssumeRole: privilege escalation. Scope iam:PassRole "
        "to the automation roles.",
        False,
    ),
    (
        "SSM_DOCUMENT_SHARING",
        "Sharing documents or attaching resource policies",
        "ssm:ModifyDocumentPermission shares documents with other accounts or publicly; "
        "ssm:PutResourcePolicy gives other accounts access to documents and parameters. Scope "
        "them to what is meant to be shared.",
        False,
    ),
    (
        "SSM_SERVICE_SETTINGS",
        "Account-wide Systems Manager service settings",
        "ssm:UpdateServiceSetting and ssm:ResetServiceSetting change settings for every user "
        "in the Region. Scope them to the servicesetting ARNs needed.",
        False,
    ),
    (
        "SSM_SERVICE_WILDCARD",
        "Wildcard over Systems Manager actions that change things",
        "A wildcard such as ssm:* or ssm:Start* grants many Write or Permissions management "
        "actions, and any AWS adds later. List the actions needed.",
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
    # conditions
    # conditions
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
        'StringLike "*"',
        'StringLike "*" matches every value: remove the key, or use Null if presence is the point.',
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
)


def rule(code: str) -> Rule:
    """The rule for `code` (a generic one for a code without an entry)."""
    return RULES.get(code) or Rule(code, code.replace("_", " ").capitalize(), "", False)
