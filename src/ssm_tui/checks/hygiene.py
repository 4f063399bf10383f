"""Suggestions that keep a policy tidy: redundant actions, resources and statements, Sids."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote, register, rules
from ssm_tui.iam.arn import arn_covers
from ssm_tui.iam.glob import has_wildcard, pattern_covers
from ssm_tui.policy.model import Located, Statement

RULES = rules(
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
    (
        "MISSING_SID",
        "Statement without Sid",
        "In a policy with several statements, a Sid says what each is for.",
        False,
    ),
)


def _redundant_entries(
    ctx: CheckContext, entries: tuple[Located, ...], is_action: bool
) -> Iterator[tuple[Located, Located]]:
    """(redundant entry, the entry that covers it) pairs; exact duplicates keep the first.
    Only wildcard entries can cover others, so each entry is compared with those alone."""
    usable = [e for e in entries if not ctx.reported(e.pointer)]
    wildcards = [e for e in usable if has_wildcard(e.value)]
    first_seen: dict[str, Located] = {}
    for entry in usable:
        key = entry.value.lower() if is_action else entry.value
        earlier = first_seen.get(key)
        if earlier is not None:
            yield entry, earlier
            continue
        first_seen[key] = entry
        for other in wildcards:
            if other is entry or (other.value.lower() if is_action else other.value) == key:
                continue
            if is_action:
                covered = pattern_covers(other.value, entry.value, ignore_case=True)
            else:
                covered = arn_covers(other.value, entry.value)
            if covered:
                yield entry, other
                break


@register("hygiene", rules=RULES)
def redundant_entries(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    for statement in document.statements:
        if ctx.is_dead(statement.pointer):
            continue
        for name, entries, is_action in (
            ("Action", statement.action, True),
            ("NotAction", statement.not_action, True),
            ("Resource", statement.resource, False),
            ("NotResource", statement.not_resource, False),
        ):
            if not entries or len(entries) < 2:
                continue
            for entry, cover in _redundant_entries(ctx, entries, is_action):
                code = "REDUNDANT_ACTION" if is_action else "REDUNDANT_RESOURCE"
                how = "repeats" if entry.value.lower() == cover.value.lower() else "is covered by"
                yield ctx.finding(
                    Severity.SUGGESTION,
                    code,
                    f"{quote(entry.value)} {how} {quote(cover.value)} in the same {name}; "
                    f"remove it.",
                    entry.pointer,
                    fix=ctx.remove_item(entry.pointer, f"remove {entry.value} from {name}"),
                )


def _frozen(value: Any) -> Hashable:
    """A hashable form of a JSON value in which key order does not matter."""
    if isinstance(value, dict):
        return frozenset((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return (type(value).__name__, value)


def _model_key(statement: Statement) -> Hashable:
    """A cheap key that identical statements share (collisions are confirmed in full)."""

    def first(entries: tuple[Located, ...] | None) -> Hashable:
        return None if entries is None else (len(entries), entries[0].value if entries else None)

    return (
        statement.effect.value if statement.effect else None,
        first(statement.action),
        first(statement.not_action),
        first(statement.resource),
        first(statement.not_resource),
        len(statement.condition or ()),
    )


def _canonical_statement(ctx: CheckContext, statement: Statement) -> Hashable | None:
    node = ctx.policy.json.node(statement.pointer)
    if node is None or not isinstance(node.value, dict):
        return None
    return _frozen({k: v for k, v in node.value.items() if k != "Sid"})


@register("hygiene", rules=RULES)
def redundant_statements(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None or len(document.statements) < 2:
        return
    # Identical statements have identical models: compare full canonical forms only for
    # statements whose model-level key collides.
    keys = [_model_key(statement) for statement in document.statements]
    by_key: dict[Hashable, int] = {}
    for key in keys:
        by_key[key] = by_key.get(key, 0) + 1
    seen: dict[Hashable, Statement] = {}
    for statement, key in zip(document.statements, keys, strict=True):
        if by_key[key] < 2:
            continue
        canonical = _canonical_statement(ctx, statement)
        if canonical is None:
            continue
        first = seen.get(canonical)
        if first is None:
            seen[canonical] = statement
            continue
        fix = (
            ctx.remove_item(statement.pointer, f"remove {statement.label}, a copy of {first.label}")
            if document.statement_is_list
            else None
        )
        yield ctx.finding(
            Severity.SUGGESTION,
            "REDUNDANT_STATEMENT",
            f"{statement.label.capitalize()} is identical to {first.label} (apart from the "
            f"Sid); remove it.",
            statement.pointer,
            head=True,
            fix=fix,
        )


@register("hygiene", rules=RULES)
def missing_sids(ctx: CheckContext) -> Iterator[Finding]:
    """One suggestion per policy, at the first statement without a Sid, naming them all."""
    document = ctx.document
    if document is None or len(document.statements) < 2:
        return
    unnamed = [s for s in document.statements if "Sid" not in s.elements]
    if not unnamed:
        return
    numbers = [str(s.index + 1) for s in unnamed]
    which = (
        f"Statement {numbers[0]} has"
        if len(numbers) == 1
        else f"Statements {', '.join(numbers[:-1])} and {numbers[-1]} have"
    )
    yield ctx.finding(
        Severity.SUGGESTION,
        "MISSING_SID",
        f"{which} no Sid. In a policy with several statements, a Sid (letters and digits, "
        f'e.g. "ReadParameters") says what each one is for and names it in simulator and '
        f"validator results.",
        unnamed[0].pointer,
        head=True,
    )
