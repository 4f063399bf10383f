"""Condition keys tied to services: Access Analyzer's DEPRECATED_GLOBAL_CONDITION_KEY
(general warning), INVALID_SERVICE_PRINCIPAL_FORMAT (error),
USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES (general warning) and
DYNAMODB_ATTRIBUTES_WITHOUT_SELECT (security warning), as its "IAM policy validation check
reference" defines them
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).

- DEPRECATED_GLOBAL_CONDITION_KEY: "We recommend that you update aws:ARN to use the newer
  condition keys aws:PrincipalArn or aws:SourceArn." The same reference also lists aws:ARN
  under the error UNSUPPORTED_GLOBAL_CONDITION_KEY ("The condition key aws:ARN is not
  supported"), which checks/conditions/keys.py reports. The reference gives no condition
  that tells the two apart (both name the key aws:ARN and nothing else), so both apply to
  every use of the key: the warning is reported alongside the error, at the same key.
- INVALID_SERVICE_PRINCIPAL_FORMAT: "The value in the condition key-value pair must match a
  defined service principal format", "usually" `service-name.amazonaws.com` in lowercase,
  and for kms:ViaService `service-name.AWS_region.amazonaws.com`. The keys checked are
  kms:ViaService (named by the reference) and the global keys whose values are service
  principal names (SERVICE_PRINCIPAL_KEYS, from the global condition keys page). Only
  literal values under a non-negated String operator are judged (no wildcards, no
  variables), and only what the reference states: lowercase dot-separated labels ending in
  amazonaws.com, with at least a service and a Region label for kms:ViaService.
- USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES: "The condition key {{key}} works only with
  specific AWS services and must be scoped to supported services"; the keys are the ones the
  reference's section names (aws:VpceAccount, aws:VpceOrgID, aws:VpceOrgPaths). Neither the
  reference nor the catalogue lists the supporting services, so only statements that are
  certainly not scoped to some services are reported: NotAction, or an Action entry whose
  service prefix is a wildcard ("*", "*:Get*").
- DYNAMODB_ATTRIBUTES_WITHOUT_SELECT: a statement restricting dynamodb:Attributes without a
  StringEquals condition setting dynamodb:Select to SPECIFIC_ATTRIBUTES. StringEqualsIfExists
  is accepted too: it is what AWS's own example policy "Amazon DynamoDB: Allows access to
  specific attributes" uses
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_dynamodb_attributes.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote, register, rules
from ssm_tui.iam.glob import has_wildcard
from ssm_tui.iam.keys import DEPRECATED_GLOBAL
from ssm_tui.iam.operators import parse_operator
from ssm_tui.policy.model import ConditionEntry, Statement

RULES = rules(
    (
        "DEPRECATED_GLOBAL_CONDITION_KEY",
        "Deprecated global condition key",
        "aws:ARN is deprecated. Use aws:PrincipalArn for the ARN of the principal making the "
        "request, or aws:SourceArn for the resource making a service-to-service request.",
    ),
    (
        "INVALID_SERVICE_PRINCIPAL_FORMAT",
        "Service principal not in the expected format",
        "Keys such as aws:PrincipalServiceName take service principals, written in lowercase "
        "as service-name.amazonaws.com (kms:ViaService: service-name.Region.amazonaws.com).",
    ),
    (
        "USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES",
        "Condition key used beyond the services that support it",
        "aws:VpceAccount, aws:VpceOrgID and aws:VpceOrgPaths work only with some AWS "
        "services. Scope the statement to actions of services that support the key.",
    ),
    (
        "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT",
        "dynamodb:Attributes without dynamodb:Select",
        "Read requests that omit a projection expression return whole items. Add a "
        'StringEquals condition setting dynamodb:Select to "SPECIFIC_ATTRIBUTES".',
    ),
)

# Global keys whose values are service principal names, from the AWS global condition
# context keys page
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
# aws:PrincipalServiceName, aws:PrincipalServiceNamesList and aws:CalledVia(First/Last)
# compare service principals such as "athena.amazonaws.com".
SERVICE_PRINCIPAL_KEYS = frozenset(
    {
        "aws:principalservicename",
        "aws:principalservicenameslist",
        "aws:calledvia",
        "aws:calledviafirst",
        "aws:calledvialast",
    }
)
# kms:ViaService takes service-name.AWS_region.amazonaws.com (the reference's section).
VIA_SERVICE = "kms:viaservice"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_SERVICE_PRINCIPAL = re.compile(rf"(?:{_LABEL}\.)+amazonaws\.com")
_VIA_SERVICE = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.{_LABEL}\.amazonaws\.com")

# The keys the reference's USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES section names.
SERVICE_SCOPED_KEYS = frozenset({"aws:vpceaccount", "aws:vpceorgid", "aws:vpceorgpaths"})

ATTRIBUTES = "dynamodb:attributes"
SELECT = "dynamodb:select"
# the dynamodb:Select value that limits a request to the attributes it names
SPECIFIC_ATTRIBUTES = "SPECIFIC_ATTRIBUTES"


def _deprecated(ctx: CheckContext, entry: ConditionEntry) -> Iterator[Finding]:
    if entry.key.lower() == DEPRECATED_GLOBAL:
        yield ctx.finding(
            Severity.WARNING,
            "DEPRECATED_GLOBAL_CONDITION_KEY",
            f"{quote(entry.key)} is a deprecated global condition key. Update it to the newer "
            f"aws:PrincipalArn (the ARN of the principal making the request) or aws:SourceArn "
            f"(the resource making a service-to-service request).",
            entry.pointer,
            key=True,
        )


def _principal_format(ctx: CheckContext, entry: ConditionEntry) -> Iterator[Finding]:
    lower = entry.key.lower()
    via = lower == VIA_SERVICE
    if not via and lower not in SERVICE_PRINCIPAL_KEYS:
        return
    op = parse_operator(entry.operator)
    if op is None or op.family != "String" or op.negated:
        return
    pattern, expected = (
        (_VIA_SERVICE, "service-name.Region.amazonaws.com")
        if via
        else (_SERVICE_PRINCIPAL, "service-name.amazonaws.com")
    )
    for located in entry.values:
        value = located.value
        if not isinstance(value, str) or "${" in value or has_wildcard(value):
            continue
        if pattern.fullmatch(value) or ctx.reported(located.pointer):
            continue
        yield ctx.finding(
            Severity.ERROR,
            "INVALID_SERVICE_PRINCIPAL_FORMAT",
            f"{quote(value)} is not a service principal in the format {quote(entry.key)} "
            f"expects: write it in lowercase as {expected}.",
            located.pointer,
        )


def _unscoped(statement: Statement) -> bool:
    """The statement certainly covers services a service-scoped key does not work with."""
    if statement.not_action is not None:
        return True
    for located in statement.action or ():
        prefix = str(located.value).split(":", 1)[0]
        if has_wildcard(prefix):
            return True
    return False


def _scoped_keys(ctx: CheckContext, statement: Statement) -> Iterator[Finding]:
    if not _unscoped(statement):
        return
    reported: set[str] = set()
    for entry in statement.condition or ():
        lower = entry.key.lower()
        if lower not in SERVICE_SCOPED_KEYS or lower in reported:
            continue
        reported.add(lower)
        yield ctx.finding(
            Severity.WARNING,
            "USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES",
            f"The condition key {quote(entry.key)} works only with specific AWS services, but "
            f"{statement.label} covers every service ({_scope(statement)}). Scope the "
            f"statement to actions of the services that support the key.",
            entry.pointer,
            key=True,
        )


def _scope(statement: Statement) -> str:
    return "it uses NotAction" if statement.not_action is not None else "a wildcard service"


def _sets_select(entry: ConditionEntry) -> bool:
    if entry.key.lower() != SELECT:
        return False
    op = parse_operator(entry.operator)
    if op is None or op.base != "StringEquals" or op.qualifier is not None:
        return False
    values = {located.value for located in entry.values}
    return values == {SPECIFIC_ATTRIBUTES}


def _attributes(ctx: CheckContext, statement: Statement) -> Iterator[Finding]:
    entries = statement.condition or ()
    first = next((e for e in entries if e.key.lower() == ATTRIBUTES), None)
    if first is None or any(_sets_select(e) for e in entries):
        return
    yield ctx.finding(
        Severity.SECURITY_WARNING,
        "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT",
        f"{statement.label} restricts {quote(first.key)} without also setting "
        f"dynamodb:Select to SPECIFIC_ATTRIBUTES, so read requests that omit a projection "
        f"expression return all attributes. Add "
        f'"StringEquals": {{"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}} to the statement.',
        first.pointer,
        key=True,
    )


@register("conditions", rules=RULES)
def service_condition_keys(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.document is None:
        return
    for statement in ctx.document.statements:
        for entry in statement.condition or ():
            yield from _deprecated(ctx, entry)
            yield from _principal_format(ctx, entry)
        yield from _scoped_keys(ctx, statement)
        yield from _attributes(ctx, statement)
