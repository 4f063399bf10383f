"""Condition keys whose values decide less than they seem to.

Wildcards in the values of sensitive condition keys: Access Analyzer's
WILDCARD_USAGE_TOO_PERMISSIVE error (IAM-REFERENCE.md 1.2, from its "IAM policy validation
check reference",
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).

Which keys are sensitive is AWS's list, "Sensitive condition keys" in the IAM User Guide's
"AWS global condition context keys"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sensitive):
"The use of wildcards in these condition keys does not have any valid use cases, even with a
substring of the key value with a wildcard", because the wildcard might match any value.

The keys are strings, and a wildcard only matches under StringLike and StringNotLike (with
or without a set qualifier or IfExists); under StringEquals `*` and `?` are literal
characters, which WILDCARD_WITHOUT_LIKE_OPERATOR (checks/conditions/values.py) reports.
Policy variables (`${aws:PrincipalAccount}`) are not wildcards; `${*}` and `${?}` are the
literal characters.

Keys whose value the caller supplies: Access Analyzer's UNTRUSTWORTHY_CONDITION_KEY security
warning (IAM-REFERENCE.md 1.2: "key the caller can spoof, not to be used for access
control"). The keys are the two that AWS's global condition keys page says are provided by
the caller in an HTTP header, with the warning that "unauthorized parties can use modified or
custom browsers to provide any value" and that the key "should not be used to prevent
unauthorized parties from making direct AWS requests": aws:Referer and aws:UserAgent
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
#condition-keys-referer, #condition-keys-useragent). Either effect is reported: an Allow
that the value unlocks is open to anyone who sends it, a Deny is passed by anyone who sends
another. Access Analyzer's own list of such keys was not available to us; only these two
documented keys are reported, so the check never reports a key AWS has not said the caller
controls.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote, register, rules
from ssm_tui.iam.glob import has_wildcard
from ssm_tui.iam.operators import parse_operator
from ssm_tui.iam.variables import PLACEHOLDER
from ssm_tui.policy.model import ConditionEntry

RULES = rules(
    (
        "WILDCARD_USAGE_TOO_PERMISSIVE",
        "Wildcard in a sensitive condition key",
        "Wildcards in sensitive condition keys such as aws:PrincipalAccount, "
        "aws:ResourceOrgID or aws:SourceVpce have no valid use: the wildcard might match "
        "any value. Write the exact values.",
    ),
    (
        "UNTRUSTWORTHY_CONDITION_KEY",
        "Condition key whose value the caller supplies",
        "aws:Referer and aws:UserAgent come from HTTP headers that the caller sets to any "
        "value, so they cannot keep unauthorized parties out. Control access with keys AWS "
        "sets, such as aws:SourceVpce, aws:SourceIp or aws:PrincipalOrgID.",
    ),
)

# AWS's "Sensitive condition keys" list, exactly (reference_policies_condition-keys.html
# #condition-keys-sensitive); condition key names are case-insensitive.
SENSITIVE_KEYS: tuple[str, ...] = (
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:VpceAccount",
    "aws:VpceOrgID",
)
_SENSITIVE = {key.lower(): key for key in SENSITIVE_KEYS}

# The global keys whose value AWS documents as provided by the caller in an HTTP header
# (reference_policies_condition-keys.html, aws:Referer and aws:UserAgent).
CALLER_SUPPLIED_KEYS: dict[str, str] = {
    "aws:referer": "Referer",
    "aws:useragent": "User-Agent",
}


def _wildcards(ctx: CheckContext, entry: ConditionEntry) -> Iterator[Finding]:
    op = parse_operator(entry.operator)
    if op is None or op.family != "String" or not op.spec.wildcards:
        return  # the keys are strings; an ARN operator on them is TYPE_MISMATCH's concern
    for located in entry.values:
        value = located.value
        if not isinstance(value, str) or ctx.reported(located.pointer):
            continue
        literal = PLACEHOLDER.sub("", value) if "${" in value else value
        if not has_wildcard(literal):
            continue
        yield ctx.finding(
            Severity.ERROR,
            "WILDCARD_USAGE_TOO_PERMISSIVE",
            f"Using a wildcard in the value {quote(value)} of the sensitive condition key "
            f"{quote(entry.key)} is overly permissive: the wildcard might match any value. "
            f"AWS lists {_SENSITIVE[entry.key.lower()]} among the sensitive condition keys, "
            f"for which wildcards have no valid use, not even in part of a value. Replace "
            f"it with the exact values.",
            located.pointer,
        )


@register("conditions", rules=RULES)
def sensitive_keys(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.document is None:
        return
    for statement in ctx.document.statements:
        for entry in statement.condition or ():
            if entry.key.lower() in _SENSITIVE and not ctx.reported(entry.pointer):
                yield from _wildcards(ctx, entry)
            if entry.key.lower() in CALLER_SUPPLIED_KEYS:
                yield from _caller_supplied(ctx, statement.label, entry)


def _caller_supplied(ctx: CheckContext, label: str, entry: ConditionEntry) -> Iterator[Finding]:
    header = CALLER_SUPPLIED_KEYS[entry.key.lower()]
    yield ctx.finding(
        Severity.SECURITY_WARNING,
        "UNTRUSTWORTHY_CONDITION_KEY",
        f"{label} decides access on {quote(entry.key)}, whose value the caller supplies in "
        f"the HTTP {header} header: anyone can send any value, so the condition does not "
        f"keep unauthorized parties out. Use it only to steer well-behaved clients, and "
        f"control access with keys AWS sets (aws:SourceVpce, aws:SourceIp, "
        f"aws:PrincipalOrgID).",
        entry.pointer,
        key=True,
    )
