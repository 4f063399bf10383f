"""What one statement's Action (or NotAction) and Resource (or NotResource) elements cover:
the catalogue actions, each with the entries that concern it, or why nothing is covered.

A pure function of the element strings (cached), so equal statements are worked out once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ssm_tui.access.resources import applicable, catalog_index, not_excluded
from ssm_tui.iam.catalog import Action, Catalog, get_catalog
from ssm_tui.iam.grants import matches_some_action


@dataclass(frozen=True, slots=True)
class Scope:
    """The actions a statement covers, each with the entries of its Resource (or
    NotResource) element that concern it; a pure function of the element strings.
    Two flat maps rather than a record per action: `"Action": "*"` covers 22,000."""

    records: Mapping[str, Action]  # full name -> catalogue record, sorted by name
    entries: Mapping[str, tuple[str, ...]]  # full name -> entries (equal tuples shared)
    names: tuple[str, ...]  # sorted
    coverage: Mapping[str, tuple[int, int]]  # service -> (actions covered, actions in service)
    unmatched: tuple[str, ...]  # Action/NotAction entries that match no catalogued action
    reason: str | None  # why nothing is covered


def quoted(values: Iterable[str], limit: int = 3) -> str:
    """`"a", "b", "c" and 2 more`."""
    items = list(values)
    shown = ", ".join(f'"{v}"' for v in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _resource_level_reason(candidates: Mapping[str, Action], entries: tuple[str, ...]) -> str:
    unscoped = [name for name, action in candidates.items() if not action.resource_types]
    if len(candidates) == 1:
        name, action = next(iter(candidates.items()))
        if unscoped:
            return (
                f"{name} supports no resource-level permissions: only "
                f'"Resource": "*" covers it, not {quoted(entries)}'
            )
        types = ", ".join(rt.name for rt in action.resource_types)
        return f"{name} applies to {types} ARNs, and none of {quoted(entries)} is one"
    detail = (
        f"; {len(unscoped)} of them support no resource-level permissions, which only "
        f'"Resource": "*" covers'
        if unscoped
        else ""
    )
    return f"none of its {len(candidates)} actions takes {quoted(entries)}{detail}"


@lru_cache(maxsize=64)
def _candidates(catalog: Catalog, patterns: tuple[str, ...], negated: bool) -> dict[str, Action]:
    """The actions an Action (or NotAction) element covers; cached, so never modify it."""
    if negated:
        excluded = {id(a) for p in patterns for a in catalog.expand(p)}
        everything = catalog_index(catalog).actions
        if not excluded:
            return dict(everything)
        return {n: a for n, a in everything.items() if id(a) not in excluded}
    found: dict[str, Action] = {}
    for pattern in patterns:
        for action in catalog.expand(pattern):
            found.setdefault(action.full_name, action)
    return found


@lru_cache(maxsize=64)
def _candidate_services(
    catalog: Catalog, patterns: tuple[str, ...], negated: bool
) -> tuple[str, ...]:
    """The services of the actions `_candidates` returns for the same element."""
    return tuple(dict.fromkeys(a.service for a in _candidates(catalog, patterns, negated).values()))


@lru_cache(maxsize=256)
def statement_scope(
    patterns: tuple[str, ...],
    negated_actions: bool,
    entries: tuple[str, ...],
    negated_resources: bool,
) -> Scope:
    """What the Action (NotAction when `negated_actions`) patterns and the Resource
    (NotResource when `negated_resources`) entries cover together."""
    catalog = get_catalog()
    unmatched = tuple(p for p in patterns if not matches_some_action(catalog, p))

    def nothing(reason: str) -> Scope:
        return Scope({}, {}, (), {}, unmatched, reason)

    resource_element = "NotResource" if negated_resources else "Resource"
    if not patterns:
        return nothing(f'"{"NotAction" if negated_actions else "Action"}" is empty')
    if not entries:
        return nothing(f'"{resource_element}" is empty')
    if negated_resources and "*" in entries:
        return nothing('"NotResource": "*" excludes every resource')
    candidates = _candidates(catalog, patterns, negated_actions)
    if not candidates:
        if negated_actions:
            return nothing('"NotAction" excludes every action in the catalogue')
        return nothing(f"no catalogued action matches {quoted(unmatched)}")
    if negated_resources:
        applies = not_excluded(catalog, candidates, entries)
        if not applies:
            return nothing(
                f"its NotResource {quoted(entries)} excludes every resource type its actions take"
            )
    else:
        services = _candidate_services(catalog, patterns, negated_actions)
        applies = applicable(catalog, candidates, services, entries)
        if not applies:
            return nothing(
                "no action in it applies to its resources: "
                + _resource_level_reason(candidates, entries)
            )
    records = {name: candidates[name] for name in sorted(applies)}
    counts: dict[str, int] = {}
    for action in records.values():
        counts[action.service] = counts.get(action.service, 0) + 1
    coverage = {s: (n, len(catalog.actions(s))) for s, n in sorted(counts.items())}
    return Scope(records, applies, tuple(records), coverage, unmatched, None)
