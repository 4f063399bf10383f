"""A policy's effective permissions: its statements' grants merged per action, with the Deny
statements that may remove each; grouped by service and access level.

Built from text, a JSON value or a ParsedPolicy; a policy that cannot be evaluated
(ssm_tui.policy.evaluable) has no statements and an `error`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from ssm_tui.access.grant import StatementGrant, statement_grant, unreadable_grant
from ssm_tui.access.levels import access_level_group, by_level, level_order
from ssm_tui.iam.catalog import ACCESS_LEVELS, Action
from ssm_tui.policy.evaluable import PolicyFault, policy_fault, policy_text, statement_faults
from ssm_tui.policy.model import ParsedPolicy, parse_policy

PolicyInput = str | Mapping[str, Any] | ParsedPolicy


@dataclass(frozen=True, slots=True)
class ActionGrant:
    """One Allow statement's grant of an action."""

    statement: int
    resources: tuple[str, ...]  # the Resource entries that apply (NotResource: the exclusions)
    not_resource: bool
    conditional: bool
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GrantedAction:
    """An allowed action, merged across the statements that allow it.

    `conditional` is true only when every granting statement has a condition (one
    unconditional grant suffices).  `denied_by` lists the Deny statements that cover the
    action: they may remove it (conditions and resources decide); `certainly_denied` when
    one of them has no condition and `"Resource": "*"`."""

    full_name: str
    service: str
    access_level: str
    grants: tuple[ActionGrant, ...]
    denied_by: tuple[int, ...] = ()
    certainly_denied: bool = False

    @property
    def statements(self) -> tuple[int, ...]:
        return tuple(g.statement for g in self.grants)

    @property
    def resources(self) -> tuple[str, ...]:
        """The Resource entries it is granted on, across statements (NotResource grants
        contribute `*`: see `not_resources`)."""
        if len(self.grants) == 1 and not self.grants[0].not_resource:
            return self.grants[0].resources
        found: dict[str, None] = {}
        for grant in self.grants:
            for entry in ("*",) if grant.not_resource else grant.resources:
                found[entry] = None
        return tuple(found)

    @property
    def not_resources(self) -> tuple[str, ...]:
        """Entries excluded by the NotResource statements that grant it (union)."""
        if len(self.grants) == 1 and not self.grants[0].not_resource:
            return ()
        found = {e: None for g in self.grants if g.not_resource for e in g.resources}
        return tuple(found)

    @property
    def conditional(self) -> bool:
        return all(g.conditional for g in self.grants)

    @property
    def condition_keys(self) -> tuple[str, ...]:
        """The keys its conditions use; empty when some grant is unconditional."""
        if not self.conditional:
            return ()
        if len(self.grants) == 1:
            return self.grants[0].condition_keys
        return tuple(sorted({k for g in self.grants for k in g.condition_keys}))

    def to_json(self) -> dict[str, object]:
        return {
            "full_name": self.full_name,
            "service": self.service,
            "access_level": self.access_level,
            "resources": list(self.resources),
            "not_resources": list(self.not_resources),
            "conditional": self.conditional,
            "condition_keys": list(self.condition_keys),
            "statements": list(self.statements),
            "denied_by": list(self.denied_by),
            "certainly_denied": self.certainly_denied,
        }


@dataclass(frozen=True)
class EffectivePermissions:
    """A policy's grants and denials; `error` when it does not parse (then no statements)."""

    statements: tuple[StatementGrant, ...]
    error: str | None = None

    @property
    def allow_statements(self) -> tuple[StatementGrant, ...]:
        return tuple(s for s in self.statements if s.effect == "Allow")

    @property
    def deny_statements(self) -> tuple[StatementGrant, ...]:
        return tuple(s for s in self.statements if s.effect == "Deny")

    @property
    def grants_nothing(self) -> list[tuple[int, str]]:
        """(index, reason) of each Allow statement that grants nothing, and of each
        malformed statement whatever its effect."""
        return [
            (s.index, s.reason)
            for s in self.statements
            if s.reason is not None and (s.malformed or not s.is_deny)
        ]

    @cached_property
    def _merged(self) -> dict[str, GrantedAction]:
        # One ActionGrant (and one 1-tuple of it) per statement and distinct entries, shared
        # by its actions: "Action": "*" must not allocate a record per action more than once.
        pieces: dict[str, list[ActionGrant]] = {}
        records: dict[str, Action] = {}
        for statement in self.allow_statements:
            scope = statement._scope
            if scope is None:
                continue
            shared: dict[tuple[str, ...], ActionGrant] = {}
            for name, entries in scope.entries.items():
                grant = shared.get(entries)
                if grant is None:
                    grant = shared[entries] = ActionGrant(
                        statement.index,
                        entries,
                        statement.not_resource,
                        statement.conditional,
                        statement.condition_keys,
                    )
                earlier = pieces.get(name)
                if earlier is None:
                    pieces[name] = [grant]
                else:
                    earlier.append(grant)
            records.update(scope.records)
        # the Deny statements by the actions they cover (one pass over each Deny's actions,
        # rather than every Deny asked about every allowed action)
        denials: dict[str, list[int]] = {}
        certainly: set[str] = set()
        for deny in self.deny_statements:
            scope = deny._scope
            if scope is None:
                continue
            sure = not deny.conditional and not deny.not_resource
            for name, denied_entries in scope.entries.items():
                if name in pieces:
                    denials.setdefault(name, []).append(deny.index)
                    if sure and "*" in denied_entries:
                        certainly.add(name)
        levels: dict[str, str] = {}
        merged: dict[str, GrantedAction] = {}
        # equal grant sequences share one tuple ("Action": "*" in many statements)
        sequences: dict[tuple[int, ...], tuple[ActionGrant, ...]] = {}
        for name in sorted(pieces):
            action = records[name]
            level = levels.get(action.access_level)
            if level is None:
                level = levels[action.access_level] = access_level_group(action.access_level)
            grants = pieces[name]
            key = tuple(map(id, grants))
            sequence = sequences.get(key)
            if sequence is None:
                sequence = sequences[key] = tuple(grants)
            merged[name] = GrantedAction(
                name,
                action.service,
                level,
                sequence,
                tuple(denials.get(name, ())),
                name in certainly,
            )
        return merged

    def actions(self) -> dict[str, GrantedAction]:
        """Every allowed action by full name (sorted), merged across statements."""
        return dict(self._merged)

    def by_service(self) -> dict[str, dict[str, list[str]]]:
        """service -> access level (in ACCESS_LEVELS order, non-empty only) -> full names."""
        grouped: dict[str, dict[str, list[str]]] = {}
        for name, granted in self._merged.items():
            grouped.setdefault(granted.service, {}).setdefault(granted.access_level, []).append(
                name
            )
        return {
            service: dict(sorted(levels.items(), key=lambda item: level_order(item[0])))
            for service, levels in sorted(grouped.items())
        }

    def by_access_level(self) -> dict[str, list[str]]:
        """access level (in ACCESS_LEVELS order, non-empty only) -> full names, sorted."""
        return by_level(self._merged, {n: g.access_level for n, g in self._merged.items()})

    def counts_by_access_level(self) -> dict[str, int]:
        """Every access level (zero included, for a bar chart) -> how many actions."""
        counts = dict.fromkeys(ACCESS_LEVELS, 0)
        for granted in self._merged.values():
            counts[granted.access_level] = counts.get(granted.access_level, 0) + 1
        return counts

    def denied_actions(self) -> dict[str, tuple[int, ...]]:
        """What the Deny statements cover: full name -> indexes of those statements."""
        found: dict[str, list[int]] = {}
        for statement in self.deny_statements:
            for name in statement.actions:
                found.setdefault(name, []).append(statement.index)
        return {name: tuple(found[name]) for name in sorted(found)}

    def to_json(self) -> dict[str, object]:
        return {
            "error": self.error,
            "statements": [s.to_json() for s in self.statements],
            "actions": {name: g.to_json() for name, g in self._merged.items()},
            "by_service": self.by_service(),
            "counts_by_access_level": self.counts_by_access_level(),
            "denied_actions": {n: list(i) for n, i in self.denied_actions().items()},
            "grants_nothing": [{"index": i, "reason": r} for i, r in self.grants_nothing],
        }


# --- building it from a policy ---------------------------------------------------------------


def effective_permissions(policy: PolicyInput | EffectivePermissions) -> EffectivePermissions:
    """What a policy (text, a JSON value such as a dict, or a ParsedPolicy) allows and
    denies.  Never raises: a policy that does not parse has no statements and an `error`.
    Results for text (and JSON values, through their text) are cached: the answer is
    immutable, and a screen asks again for the same policy."""
    if isinstance(policy, EffectivePermissions):
        return policy
    if isinstance(policy, ParsedPolicy):
        return _from_parsed(policy)
    if isinstance(policy, str):
        return _from_text(policy)
    text = policy_text(policy)
    if isinstance(text, PolicyFault):
        return EffectivePermissions((), text.sentence)
    return _from_text(text)


@lru_cache(maxsize=16)
def _from_text(text: str) -> EffectivePermissions:
    return _from_parsed(parse_policy(text))


def _from_parsed(parsed: ParsedPolicy) -> EffectivePermissions:
    fault = policy_fault(parsed)
    if fault is not None or parsed.document is None:
        return EffectivePermissions((), fault.sentence if fault is not None else None)
    faults = statement_faults(parsed)
    grants = [unreadable_grant(f) for f in faults.values() if f.kind == "not_an_object"]
    grants.extend(statement_grant(s, faults.get(s.index)) for s in parsed.document.statements)
    grants.sort(key=lambda g: g.index)
    return EffectivePermissions(tuple(grants))
