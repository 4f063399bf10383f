"""The difference between two policies' effective permissions: actions gained and lost (by
access level), and actions both allow whose resources, conditions or denials differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssm_tui.access.effective import (
    EffectivePermissions,
    GrantedAction,
    PolicyInput,
    effective_permissions,
)
from ssm_tui.access.levels import by_level


@dataclass(frozen=True, slots=True)
class ScopeChange:
    """An action allowed by both policies whose resources, conditions or denials differ."""

    full_name: str
    access_level: str
    changes: tuple[str, ...]  # among "resources", "conditions", "denials"
    before: GrantedAction
    after: GrantedAction

    def describe(self) -> str:
        parts = []
        if "resources" in self.changes:
            parts.append(f"resources {_scope_text(self.before)} → {_scope_text(self.after)}")
        if "conditions" in self.changes:
            parts.append(
                f"conditions {_condition_text(self.before)} → {_condition_text(self.after)}"
            )
        if "denials" in self.changes:
            parts.append(f"deny {_deny_text(self.before)} → {_deny_text(self.after)}")
        return f"{self.full_name}: " + "; ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "full_name": self.full_name,
            "access_level": self.access_level,
            "changes": list(self.changes),
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "description": self.describe(),
        }


def _scope_text(granted: GrantedAction) -> str:
    text = ", ".join(granted.resources)
    if granted.not_resources:
        text += " except " + ", ".join(granted.not_resources)
    return f"[{text}]"


def _condition_text(granted: GrantedAction) -> str:
    return f"[{', '.join(granted.condition_keys)}]" if granted.conditional else "none"


def _deny_text(granted: GrantedAction) -> str:
    if granted.certainly_denied:
        return "certain"
    return "possible" if granted.denied_by else "none"


def _changes(before: GrantedAction, after: GrantedAction) -> tuple[str, ...]:
    found = []
    if (set(before.resources), set(before.not_resources)) != (
        set(after.resources),
        set(after.not_resources),
    ):
        found.append("resources")
    if (before.conditional, before.condition_keys) != (after.conditional, after.condition_keys):
        found.append("conditions")
    if _deny_text(before) != _deny_text(after):
        found.append("denials")
    return tuple(found)


@dataclass(frozen=True)
class PermissionDiff:
    """From policy `before` to policy `after`: actions gained and lost (by access level),
    and actions kept whose scope changed."""

    before: EffectivePermissions
    after: EffectivePermissions
    gained: dict[str, list[str]]
    lost: dict[str, list[str]]
    changed: tuple[ScopeChange, ...]

    def gained_actions(self) -> list[str]:
        return sorted(n for names in self.gained.values() for n in names)

    def lost_actions(self) -> list[str]:
        return sorted(n for names in self.lost.values() for n in names)

    @property
    def is_empty(self) -> bool:
        return not (self.gained or self.lost or self.changed)

    def summary(self) -> str:
        """`+2 actions (Tagging 2); -0; 1 changed scope`, errors first."""
        notes = [
            f"{side}: {perms.error}"
            for side, perms in (("before", self.before), ("after", self.after))
            if perms.error
        ]
        if self.is_empty:
            return "; ".join([*notes, "no change in effective permissions"])

        def counted(sign: str, grouped: dict[str, list[str]]) -> str:
            total = sum(len(v) for v in grouped.values())
            levels = ", ".join(f"{level} {len(names)}" for level, names in grouped.items())
            noun = "action" if total == 1 else "actions"
            return f"{sign}{total} {noun}" + (f" ({levels})" if levels else "")

        parts = [
            counted(sign, side) for sign, side in (("+", self.gained), ("-", self.lost)) if side
        ]
        if self.changed:
            parts.append(f"{len(self.changed)} changed scope")
        return "; ".join([*notes, *parts])

    def to_json(self) -> dict[str, object]:
        return {
            "before_error": self.before.error,
            "after_error": self.after.error,
            "gained": self.gained,
            "lost": self.lost,
            "changed": [c.to_json() for c in self.changed],
            "summary": self.summary(),
        }


def diff_permissions(
    a: PolicyInput | EffectivePermissions, b: PolicyInput | EffectivePermissions
) -> PermissionDiff:
    """What `b` allows that `a` does not (gained), the reverse (lost), and the actions both
    allow whose resources, conditions or denials differ.  Never raises."""
    before, after = effective_permissions(a), effective_permissions(b)
    old, new = before._merged, after._merged
    levels = {n: g.access_level for n, g in (*old.items(), *new.items())}
    changed = []
    for name in sorted(old.keys() & new.keys()):
        differences = _changes(old[name], new[name])
        if differences:
            changed.append(
                ScopeChange(name, new[name].access_level, differences, old[name], new[name])
            )
    return PermissionDiff(
        before,
        after,
        by_level(new.keys() - old.keys(), levels),
        by_level(old.keys() - new.keys(), levels),
        tuple(changed),
    )
