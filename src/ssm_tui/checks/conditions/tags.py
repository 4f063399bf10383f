"""Tag condition keys (aws:RequestTag/..., aws:ResourceTag/..., aws:TagKeys) the statement's
actions or services do not support: Access Analyzer's four
*_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE checks (IAM-REFERENCE.md 1.2, from its "Access
Analyzer policy check reference",
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html):
a suggestion in an Allow (the actions are never allowed through it), a security warning in a
Deny (the actions are not denied by it).

Which actions support which tag key is the catalogue's (ssm_tui.iam.keys): each service lists
the tag keys per action and resource type.
"""

from __future__ import annotations

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote
from ssm_tui.checks.conditions.common import StatementState, absent, list_names
from ssm_tui.iam.catalog import Catalog
from ssm_tui.iam.glob import pattern_covers
from ssm_tui.iam.keys import KeyIndex
from ssm_tui.iam.operators import Operator
from ssm_tui.policy.model import ConditionEntry

TAG_RULES = (
    (
        "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "Allow with a tag condition key some actions do not support",
        "Requests of these actions never carry the tag key, so this statement never allows "
        "them. Move them to a statement without the tag condition, or use a key they support.",
    ),
    (
        "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "Allow with NotAction and a tag condition key some services do not support",
        "NotAction with a tag condition covers services whose requests never carry the tag "
        "key, so the statement never allows their actions. List the actions with Action.",
    ),
    (
        "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "Deny with a tag condition key some actions do not support",
        "Requests of these actions never carry the tag key, so this Deny does not deny them "
        "as intended. Deny them in a statement without the tag condition.",
    ),
    (
        "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "Deny with NotAction and a tag condition key some services do not support",
        "NotAction with a tag condition covers services whose requests never carry the tag "
        "key, so the Deny does not deny their actions as intended.",
    ),
)


def _effect(op: Operator | None, entry: ConditionEntry, deny: bool) -> str:
    verdict = absent(op, entry)
    if verdict is False:
        return "is never denied by it" if deny else "is never allowed by it"
    if verdict is True:
        return "meets the condition whatever its tags, which restricts nothing"
    return "is not judged by the tag as intended"


def _prefixes(entries: list[str]) -> list[str]:
    return list(dict.fromkeys(e.split(":", 1)[0].lower() for e in entries))


def unsupported_tag_key(
    ctx: CheckContext,
    state: StatementState,
    op: Operator | None,
    entry: ConditionEntry,
    unsupported: list[str],
) -> Finding:
    """The finding for tag key `entry.key` that the Action entries `unsupported` ignore."""
    statement = state.statement
    deny = statement.is_deny
    return _tag_finding(
        ctx,
        entry,
        deny,
        "",
        f"{quote(entry.key)} is a tag condition key that these actions of {statement.label} "
        f"(services {', '.join(_prefixes(unsupported))}) do not support: "
        f"{list_names(unsupported)}. The Service Authorization Reference "
        f"lists it for none of them nor their resource types, so their requests never carry "
        f"it and each {_effect(op, entry, deny)}. Move these actions to a statement without "
        f"the tag condition, or use a condition key they support.",
    )


def not_action_services(
    catalog: Catalog, keys: KeyIndex, state: StatementState, key: str
) -> list[str]:
    """Services a NotAction statement covers (NotAction leaves some of their actions) whose
    actions support the tag key `key` for none of them."""
    statement = state.statement
    excluded = [located.value for located in statement.not_action or ()]
    found = []
    for service in catalog.services:
        everything = f"{service}:*"
        if any(pattern_covers(p, everything, ignore_case=True) for p in excluded):
            continue
        if catalog.actions(service) and not keys.service_supports(service, key):
            found.append(service)
    return found


def not_action_tag_key(
    ctx: CheckContext,
    state: StatementState,
    op: Operator | None,
    entry: ConditionEntry,
    services: list[str],
) -> Finding:
    statement = state.statement
    deny = statement.is_deny
    return _tag_finding(
        ctx,
        entry,
        deny,
        "_NOTACTION",
        f"{statement.label} uses NotAction with the tag condition key {quote(entry.key)}, so it "
        f"covers services that support that key for none of their actions, such as "
        f"{list_names(services, 3)}: their requests never carry it, and each of their actions "
        f"{_effect(op, entry, deny)}. List the actions with Action instead, or leave the tag "
        f"condition out.",
    )


def _tag_finding(
    ctx: CheckContext, entry: ConditionEntry, deny: bool, form: str, message: str
) -> Finding:
    """Access Analyzer's four tag-key codes: a suggestion in an Allow, a security warning in
    a Deny (which then fails to deny); `form` is "" or "_NOTACTION"."""
    return ctx.finding(
        Severity.SECURITY_WARNING if deny else Severity.SUGGESTION,
        f"{'DENY' if deny else 'ALLOW'}{form}_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        message,
        entry.pointer,
        key=True,
        marks=False,
    )
