"""What one statement allows (or, for a Deny, denies), and its one-line summary.

A statement that cannot be evaluated (ssm_tui.policy.evaluable) covers nothing and says
why; conditions are never evaluated, only named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ssm_tui.access.resources import catalog_index
from ssm_tui.access.scope import Scope, quoted, statement_scope
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.policy.evaluable import StatementFault
from ssm_tui.policy.model import Statement

_SHOWN_SERVICES = 8  # how many services a one-line summary names before "and N more"


@dataclass(frozen=True, slots=True)
class StatementGrant:
    """What one statement allows (or, for a Deny, denies); `reason` says why it covers
    nothing.  `resources` are its Resource entries, or its NotResource entries when
    `not_resource` (then it covers every resource but those)."""

    index: int
    sid: str | None
    effect: str | None
    resources: tuple[str, ...] = ()
    not_resource: bool = False
    conditional: bool = False
    condition_keys: tuple[str, ...] = ()
    reason: str | None = None
    malformed: bool = False
    unmatched: tuple[str, ...] = ()
    _scope: Scope | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"statement {self.index + 1}" + (f" ({self.sid})" if self.sid else "")

    @property
    def is_deny(self) -> bool:
        return self.effect == "Deny"

    @property
    def actions(self) -> tuple[str, ...]:
        """Full names of the catalogue actions it covers, sorted."""
        return self._scope.names if self._scope else ()

    @property
    def coverage(self) -> Mapping[str, tuple[int, int]]:
        """Per service it touches: (actions covered, actions the service has)."""
        return self._scope.coverage if self._scope else {}

    def covers(self, full_name: str) -> tuple[str, ...] | None:
        """The entries of its (Not)Resource that concern this action, or None."""
        if self._scope is None:
            return None
        return self._scope.entries.get(full_name)

    def summary(self) -> str:
        """One line: `grants every action of every service except iam`."""
        verb = "denies" if self.is_deny else "grants"
        if self.reason is not None:
            return f"{verb} nothing: {self.reason}"
        text = f"{verb} {self._covered()}"
        if self.not_resource:
            text += f" on every resource except {quoted(self.resources)}"
        if self.conditional:
            text += f" under conditions on {', '.join(self.condition_keys) or '(none valid)'}"
        return text

    def _covered(self) -> str:
        """`every action of every service except iam`, `all 3 actions of sts`."""
        # "every action of every service except ..." reads best when most services are
        # wholly covered; only then is the whole catalogue loaded, to name the rest.
        catalog = get_catalog()
        broad = len(self.coverage) * 2 > len(catalog.services)
        totals = catalog_index(catalog).totals if broad else {}
        whole = [s for s, (n, total) in self.coverage.items() if n == total]
        if totals and len(whole) * 2 > len(totals):
            rest = []
            for service in totals:
                n, total = self.coverage.get(service, (0, totals[service]))
                if n < total:
                    rest.append(
                        service if n == 0 else f"{total - n} of {total} actions of {service}"
                    )
            if not rest:
                return "every action of every service"
            return f"every action of every service except {_listed(rest)}"
        parts = [
            f"all {total} actions of {s}" if n == total else f"{n} of {total} actions of {s}"
            for s, (n, total) in self.coverage.items()
        ]
        return _listed(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "actions": list(self.actions),
            "resources": list(self.resources),
            "not_resource": self.not_resource,
            "conditional": self.conditional,
            "condition_keys": list(self.condition_keys),
            "reason": self.reason,
            "malformed": self.malformed,
            "unmatched": list(self.unmatched),
            "summary": self.summary(),
        }


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN_SERVICES])
    more = len(items) - _SHOWN_SERVICES
    return shown + (f" and {more} more" if more > 0 else "")


def unreadable_grant(fault: StatementFault) -> StatementGrant:
    """An item of the Statement array that is no statement at all (not an object)."""
    return StatementGrant(fault.index, None, None, reason=fault.message, malformed=True)


def statement_grant(statement: Statement, fault: StatementFault | None) -> StatementGrant:
    """What the statement covers; nothing, with the fault's message, when it has one."""
    sid = statement.sid.value if statement.sid is not None else None
    effect = statement.effect.value if statement.effect is not None else None
    condition = statement.condition or ()
    keys = tuple(sorted({entry.key for entry in condition}))
    if fault is not None:
        return StatementGrant(
            statement.index,
            sid,
            effect,
            conditional=bool(condition),
            condition_keys=keys,
            reason=fault.message,
            malformed=True,
        )
    negated_actions = statement.action is None
    negated_resources = statement.resource is None
    action_element = statement.not_action if negated_actions else statement.action
    resource_element = statement.not_resource if negated_resources else statement.resource
    patterns = tuple(a.value for a in action_element or ())
    entries = tuple(r.value for r in resource_element or ())
    scope = statement_scope(patterns, negated_actions, entries, negated_resources)
    return StatementGrant(
        index=statement.index,
        sid=sid,
        effect=effect,
        resources=entries,
        not_resource=negated_resources,
        conditional=bool(condition),
        condition_keys=keys,
        reason=scope.reason,
        unmatched=scope.unmatched,
        _scope=scope if scope.reason is None else None,
    )
