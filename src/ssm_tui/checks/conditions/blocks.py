"""Operator blocks: is `"operator": {...}` a condition operator, and are its keys distinct?"""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote
from ssm_tui.checks.conditions.common import did_you_mean, rename
from ssm_tui.iam.operators import Operator, operator_candidates, split_operator
from ssm_tui.policy.model import ConditionEntry


def invalid_operator(ctx: CheckContext, text: str, pointer: str) -> Finding:
    """NULL_WITH_IF_EXISTS or INVALID_CONDITION_OPERATOR for an operator that is none."""
    qualifier, base, if_exists = split_operator(text)
    if base == "Null" and if_exists:
        fixed = (qualifier + ":" if qualifier else "") + "Null"
        return ctx.finding(
            Severity.ERROR,
            "NULL_WITH_IF_EXISTS",
            f"{quote(text)} is not an operator: IfExists can be added to any operator "
            f"except Null, which itself tests whether the key is present. Use "
            f"{quote(fixed)}.",
            pointer,
            key=True,
            marks=False,
            suggestion=fixed,
            fix=rename(ctx, pointer, fixed, f"rename {text} to {fixed}"),
        )
    candidates = operator_candidates(text)
    fix = None
    if len(candidates) == 1:
        fix = rename(ctx, pointer, candidates[0], f"rename {text} to {candidates[0]}")
    return ctx.finding(
        Severity.ERROR,
        "INVALID_CONDITION_OPERATOR",
        f"{quote(text)} is not a condition operator (operator names are case-sensitive), "
        f"so this condition block cannot work.{did_you_mean(candidates)}",
        pointer,
        key=True,
        marks=False,
        suggestion=candidates[0] if len(candidates) == 1 else None,
        fix=fix,
    )


def null_with_qualifier(ctx: CheckContext, op: Operator, pointer: str) -> Finding:
    return ctx.finding(
        Severity.SUGGESTION,
        "NULL_WITH_QUALIFIER",
        f"{quote(op.text)}: Null with {op.qualifier} is always "
        f"{'true' if op.qualifier == 'ForAllValues' else 'false'}, whatever the "
        f'request. Use plain "Null" to test whether a key is present.',
        pointer,
        key=True,
    )


def duplicate_case(ctx: CheckContext, entries: list[ConditionEntry]) -> Iterator[Finding]:
    """DUPLICATE_KEYS_WITH_DIFFERENT_CASE: one key twice in a block (names ignore case)."""
    seen: dict[str, str] = {}
    for entry in entries:
        lower = entry.key.lower()
        first = seen.setdefault(lower, entry.key)
        if first != entry.key and not ctx.reported(entry.pointer):
            yield ctx.finding(
                Severity.ERROR,
                "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                f"{quote(entry.key)} repeats {quote(first)} in this {entry.operator} "
                f"block: condition key names are case-insensitive, so these are one key "
                f"twice. Merge their values under one key.",
                entry.pointer,
                key=True,
            )
