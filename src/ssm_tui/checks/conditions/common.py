"""What the condition checks share: the state of a statement and of one entry, and the
wording of messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ssm_tui.checks.base import CheckContext, Finding, Fix, Severity, quote
from ssm_tui.iam.catalog import Action, ConditionKey
from ssm_tui.iam.operators import Operator
from ssm_tui.policy.model import ConditionEntry, Located, Statement


@dataclass(slots=True)
class StatementState:
    statement: Statement
    services: tuple[str, ...]
    actions: list[tuple[Located, list[Action]]] | None  # None: cannot tell (NotAction, "*")
    null_false: frozenset[str]  # keys with "Null": {key: false} in this statement
    dead_reason: bool = False
    never_present: set[str] = field(default_factory=set)  # keys none of the actions support


@dataclass(slots=True)
class EntryState:
    """One condition entry whose operator is valid, while its values are checked."""

    ctx: CheckContext
    state: StatementState
    op: Operator
    entry: ConditionEntry
    record: ConditionKey | None
    deny_null_true: frozenset[str]  # keys with "Null": {key: true} in some Deny
    key_lower: str = ""
    flagged: set[str] = field(default_factory=set)  # value pointers already reported

    def __post_init__(self) -> None:
        self.key_lower = self.entry.key.lower()

    def finding(
        self,
        severity: Severity,
        code: str,
        message: str,
        *,
        key: bool = False,
        marks: bool | None = None,
    ) -> Finding:
        """A finding about the whole entry (its key with `key=True`, else its values)."""
        return self.ctx.finding(severity, code, message, self.entry.pointer, key=key, marks=marks)


def shown(value: object) -> str:
    """A condition value as a message shows it: strings quoted, JSON literals as written."""
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def did_you_mean(candidates: Iterable[str]) -> str:
    shown_candidates = [quote(c) for c in candidates]
    if not shown_candidates:
        return ""
    return " Did you mean " + " or ".join(shown_candidates) + "?"


def verb(statement: Statement) -> str:
    return "deny" if statement.is_deny else "grant" if statement.is_allow else "apply to"


def absent(op: Operator | None, entry: ConditionEntry) -> bool | None:
    """What the condition evaluates to for a request without the key (None: unknown)."""
    return op.when_missing(v.value for v in entry.values) if op is not None else None


def never_present(op: Operator | None, entry: ConditionEntry, statement: Statement) -> str:
    """For a key no request has: what the condition then does."""
    verdict = absent(op, entry)
    if verdict is False:
        return f"the condition is never true: {statement.label} does not {verb(statement)} anything"
    if verdict is True:
        return "the condition is always true and restricts nothing"
    return "the condition does not work as intended"


def rename(ctx: CheckContext, pointer: str, new_key: str, description: str) -> Fix | None:
    """Fix that renames an operator or key, unless a sibling already has the new name (the
    rename would then make a duplicate key)."""
    parent = ctx.policy.json.node(pointer.rpartition("/")[0])
    own = ctx.policy.json.node(pointer)
    lower = new_key.lower()
    if parent is not None and any(
        m.value is not own and m.key.lower() == lower for m in parent.members
    ):
        return None
    return ctx.rename_key(pointer, new_key, description)


def list_names(names: list[str], limit: int = 5) -> str:
    listed = ", ".join(quote(n) for n in names[:limit])
    return listed + (f" and {len(names) - limit} more" if len(names) > limit else "")
