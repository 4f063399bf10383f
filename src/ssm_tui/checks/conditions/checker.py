"""The walk over a policy's Condition blocks: statement by statement, operator block by
block, key by key, value by value, handing each concern to its module."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from ssm_tui.checks.base import CheckContext, Finding
from ssm_tui.checks.conditions.advice import missing_pairs, redundant_numbers
from ssm_tui.checks.conditions.blocks import duplicate_case, invalid_operator, null_with_qualifier
from ssm_tui.checks.conditions.common import EntryState, StatementState
from ssm_tui.checks.conditions.keys import KeyChecks
from ssm_tui.checks.conditions.network import key_value_findings, private_findings
from ssm_tui.checks.conditions.qualifiers import key_type_findings, redundant_wildcard
from ssm_tui.checks.conditions.values import entry_shape, value_finding, variable_findings
from ssm_tui.iam.catalog import Action
from ssm_tui.iam.operators import Operator, parse_operator
from ssm_tui.iam.values import parse_bool
from ssm_tui.policy.model import ConditionEntry, Located, LocatedScalar, Statement


def _null_keys(statement: Statement, verdict: bool) -> frozenset[str]:
    """Keys the statement tests with "Null": {key: verdict}."""
    return frozenset(
        entry.key.lower()
        for entry in statement.condition or ()
        if entry.operator == "Null" and any(parse_bool(v.value) is verdict for v in entry.values)
    )


class ConditionChecker:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.keys = KeyChecks(ctx)
        document = ctx.document
        assert document is not None
        self.deny_null_true = frozenset(
            key for s in document.statements if s.is_deny for key in _null_keys(s, True)
        )

    # statements ---------------------------------------------------------------------------
    def run(self) -> Iterator[Finding]:
        document = self.ctx.document
        assert document is not None
        for statement in document.statements:
            if statement.condition:
                yield from self.statement(statement)

    def statement(self, statement: Statement) -> Iterator[Finding]:
        ctx = self.ctx
        state = StatementState(
            statement,
            self._services(statement),
            self._actions(statement),
            _null_keys(statement, False),
        )
        reported_keys: set[str] = set()
        for operator_pointer, group in groupby(
            statement.condition or (), key=lambda e: e.operator_pointer
        ):
            entries = list(group)
            if ctx.reported(operator_pointer):
                continue
            text = entries[0].operator
            op = parse_operator(text)
            if op is None:
                yield invalid_operator(ctx, text, operator_pointer)
            elif op.null_with_qualifier:
                yield null_with_qualifier(ctx, op, operator_pointer)
            yield from duplicate_case(ctx, entries)
            for entry in entries:
                if ctx.reported(entry.pointer):
                    continue
                yield from self.entry(state, op, entry, reported_keys)
        yield from missing_pairs(ctx, state)
        if state.dead_reason and (statement.is_allow or statement.is_deny):
            ctx.mark_dead(statement.pointer)

    def _services(self, statement: Statement) -> tuple[str, ...]:
        catalog = self.ctx.catalog
        services = []
        for located in statement.action or ():
            prefix, sep, _ = located.value.partition(":")
            if sep and catalog.has_service(prefix):
                services.append(prefix.lower())
        return tuple(dict.fromkeys(services))

    def _actions(self, statement: Statement) -> list[tuple[Located, list[Action]]] | None:
        if statement.action is None or statement.not_action is not None:
            return None
        found = []
        for located in statement.action:
            if located.value.strip() == "*":
                return None
            if self.ctx.reported(located.pointer):
                continue
            expanded = self.ctx.catalog.expand(located.value)
            if expanded:
                found.append((located, expanded))
        return found or None

    # one key ------------------------------------------------------------------------------
    def entry(
        self,
        state: StatementState,
        op: Operator | None,
        entry: ConditionEntry,
        reported_keys: set[str],
    ) -> Iterator[Finding]:
        ctx = self.ctx
        record, key_findings = self.keys.record(state, op, entry)
        yield from key_findings
        if ctx.reported(entry.pointer):
            return
        if entry.values_is_list and not entry.values:
            yield from self.keys.empty(state, entry)
            return
        if record is not None and entry.key.lower() not in reported_keys:
            finding = self.keys.unsupported(state, op, entry, record)
            if finding is not None:
                reported_keys.add(entry.key.lower())
                yield finding
        if op is None or not entry.values:
            return
        yield from self._values(EntryState(ctx, state, op, entry, record, self.deny_null_true))

    # its values ---------------------------------------------------------------------------
    def _values(self, e: EntryState) -> Iterator[Finding]:
        ctx = self.ctx
        values = [v for v in e.entry.values if not ctx.reported(v.pointer)]
        shape = entry_shape(e, values)
        if shape is not None:
            yield shape
            return
        type_ok = yield from key_type_findings(e)
        for located in values:
            if "${" in str(located.value):
                yield from variable_findings(e, located)
                if located.pointer in e.flagged or ctx.reported(located.pointer):
                    continue
            if not type_ok:
                continue
            finding = value_finding(e, located)
            if finding is not None:
                e.flagged.add(located.pointer)
                yield finding
                continue
            yield from key_value_findings(e, located)
        if type_ok:
            yield from self._entry_level(e, values)

    def _entry_level(self, e: EntryState, values: list[LocatedScalar]) -> Iterator[Finding]:
        good = [v for v in values if v.pointer not in e.flagged]
        if e.op.family == "IP" and e.key_lower == "aws:sourceip":
            yield from private_findings(e, values)
        # only the forms that are always true; plain StringLike "*" is a presence test,
        # reported as EQUIVALENT_TO_NULL_FALSE (conditions/equivalence.py)
        if (
            e.op.base == "StringLike"
            and e.op.when_missing(()) is True
            and any(isinstance(v.value, str) and v.value and set(v.value) == {"*"} for v in good)
        ):
            yield redundant_wildcard(e)
        yield from redundant_numbers(e, good)
