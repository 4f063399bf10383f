"""Effective permissions of one identity policy, and the difference between two policies.

Which concrete catalogue actions a policy allows, on which of its Resource entries, under
conditions or not, grouped by service and access level; which its Deny statements cover.
Answers the managed policy browser's "what does this grant?" and "what did this version
add?" without AWS.  Per policy only: no SCPs, boundaries or resource policies, and
conditions are never evaluated (a conditional grant is marked, never dropped; a Deny is
flagged on the actions it may remove, never subtracted).

Approximations (documented in the report fields, not hidden):
- `NotResource`: an action is granted unless every ARN format of every resource type it
  takes is wholly covered by some entry (`arn:aws:iam::*:role/*` covers IAM roles;
  `role/admin-*` does not).  The partition field is not compared, as a policy lives in one
  partition.  Actions without resource types are granted unless an entry is `"*"`.
- Access levels: the catalogue writes subcategories with their parent ("Tagging, Write",
  "Permissions management, Write"); we group them under the subcategory, as the IAM
  console's policy summary does.
- A statement carrying a type error (which IAM would reject with the whole policy) grants
  nothing here and says why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from ssm_tui.iam.arn import PLACEHOLDER, arn_matches_template, split_arn, variables_as_wildcards
from ssm_tui.iam.catalog import (
    ACCESS_LEVELS,
    Action,
    Catalog,
    get_catalog,
    glob_regex,
    has_wildcard,
)
from ssm_tui.iam.grants import matches_some_action
from ssm_tui.policy.model import ParsedPolicy, Statement, parse_policy

UNKNOWN_LEVEL = "Unknown"
# The most specific level a combined catalogue level names, checked in this order.
_LEVEL_PRIORITY = ("Permissions management", "Tagging", "Write", "Read", "List")
_SHOWN_SERVICES = 8  # how many services a one-line summary names before "and N more"

PolicyInput = str | Mapping[str, Any] | ParsedPolicy


@lru_cache(maxsize=64)
def access_level_group(level: str) -> str:
    """One of ACCESS_LEVELS for a catalogue access level (`Tagging, Write` → `Tagging`)."""
    parts = {part.strip() for part in level.split(",")}
    for candidate in _LEVEL_PRIORITY:
        if candidate in parts:
            return candidate
    return UNKNOWN_LEVEL


def _level_order(level: str) -> int:
    return ACCESS_LEVELS.index(level) if level in ACCESS_LEVELS else len(ACCESS_LEVELS)


# --- the pure part: what one statement's Action and Resource elements cover ------------------


@dataclass(frozen=True, slots=True)
class _CatalogIndex:
    """Every action of the catalogue by full name, and per-service action counts."""

    actions: Mapping[str, Action]
    totals: Mapping[str, int]  # service -> number of actions (services with none left out)


@lru_cache(maxsize=1)
def _index(catalog: Catalog) -> _CatalogIndex:
    actions: dict[str, Action] = {}
    totals: dict[str, int] = {}
    for service in catalog.services:
        found = catalog.actions(service)
        if found:
            totals[service] = len(found)
            actions.update((a.full_name, a) for a in found.values())
    return _CatalogIndex(actions, totals)


@dataclass(frozen=True, slots=True)
class _TemplateIndex:
    """One service's actions by the ARN templates they take, and those templates by their
    service field (built per service, so a policy of one service loads only that one)."""

    templates: Mapping[str, tuple[str, ...]]  # full name -> its resource types' templates
    by_template: Mapping[str, tuple[str, ...]]  # template -> full names of actions taking it
    by_service_field: Mapping[str, tuple[str, ...]]  # template's service field -> templates
    open_templates: tuple[str, ...]  # templates whose service field is not plain text


@lru_cache(maxsize=1024)
def _template_index(catalog: Catalog, service: str) -> _TemplateIndex:
    templates = {a.full_name: _templates(a) for a in catalog.actions(service).values()}
    by_template: dict[str, list[str]] = {}
    for name, taken in templates.items():
        for template in dict.fromkeys(taken):
            by_template.setdefault(template, []).append(name)
    by_service_field: dict[str, list[str]] = {}
    open_templates = []
    for template in by_template:
        fields = split_arn(template)
        if len(fields) < 6:
            continue  # takes no entry
        if has_wildcard(fields[2]) or PLACEHOLDER.search(fields[2]):
            open_templates.append(template)
        else:
            by_service_field.setdefault(fields[2], []).append(template)
    return _TemplateIndex(
        templates,
        {t: tuple(names) for t, names in by_template.items()},
        {f: tuple(ts) for f, ts in by_service_field.items()},
        tuple(open_templates),
    )


@dataclass(frozen=True, slots=True)
class _Scope:
    """The actions a statement covers, each with the entries of its Resource (or
    NotResource) element that concern it; a pure function of the element strings.
    Two flat maps rather than a record per action: `"Action": "*"` covers 22,000."""

    records: Mapping[str, Action]  # full name -> catalogue record, sorted by name
    entries: Mapping[str, tuple[str, ...]]  # full name -> entries (equal tuples shared)
    names: tuple[str, ...]  # sorted
    coverage: Mapping[str, tuple[int, int]]  # service -> (actions covered, actions in service)
    unmatched: tuple[str, ...]  # Action/NotAction entries that match no catalogued action
    reason: str | None  # why nothing is covered


@lru_cache(maxsize=256)
def _covers(entry: str, template: str) -> bool:
    """Does the NotResource entry match every ARN of this catalogue format?  Each field of
    the entry, as a glob, must match the template's field with placeholders taken as text
    (only a wildcard run can match `${Region}`).  The partition is not compared."""
    if entry == "*":
        return True
    mine, theirs = split_arn(entry), split_arn(template)
    if (
        len(mine) != 6
        or len(theirs) != 6
        or not glob_regex(mine[0], ignore_case=False).match("arn")
    ):
        return False
    return all(
        glob_regex(mine[i], ignore_case=False).match(theirs[i]) is not None for i in (2, 3, 4, 5)
    )


def _templates(action: Action) -> tuple[str, ...]:
    return tuple(t for rt in action.resource_types for t in rt.arn_templates)


def _excluded_by(action: Action, entries: tuple[str, ...]) -> bool:
    """NotResource: is every resource type the action takes wholly excluded?"""
    templates = _templates(action)
    if not templates:
        return "*" in entries  # the request names "*", which only "*" matches
    return all(any(_covers(e, t) for e in entries) for t in templates)


class _EntryIndex:
    """Which Resource entries each ARN template can take, worked out once per template
    for one statement.  Entries are grouped by their service field, so a template is
    compared only with the entries of its service (and those with a wildcard there):
    thousands of ARNs against the 22,000 actions of `"Action": "*"` stay linear."""

    def __init__(self, entries: tuple[str, ...]) -> None:
        self.entries = entries
        self.stars = tuple(i for i, e in enumerate(entries) if e == "*")
        self.by_service: dict[str, list[int]] = {}
        self.open: list[int] = []  # entries whose service field has a wildcard
        self.arns: list[int] = []  # every entry that can match a template at all
        for i, entry in enumerate(entries):
            if entry == "*":
                continue
            fields = split_arn(variables_as_wildcards(entry))
            if len(fields) < 6:
                continue  # matches no template
            self.arns.append(i)
            if has_wildcard(fields[2]):
                self.open.append(i)
            else:
                self.by_service.setdefault(fields[2], []).append(i)
        self._hits: dict[str, frozenset[int]] = {}
        self._taken: dict[tuple[str, ...], tuple[str, ...]] = {}

    def hits(self, template: str) -> frozenset[int]:
        """Indexes of the entries (other than "*") that can name a resource of `template`."""
        found = self._hits.get(template)
        if found is None:
            fields = split_arn(template)
            if len(fields) < 6:
                candidates: list[int] = []
            elif has_wildcard(fields[2]) or PLACEHOLDER.search(fields[2]):
                candidates = self.arns
            else:
                candidates = self.by_service.get(fields[2], []) + self.open
            entries = self.entries
            found = frozenset(i for i in candidates if arn_matches_template(entries[i], template))
            self._hits[template] = found
        return found

    def relevant_templates(self, service_index: _TemplateIndex) -> Iterable[str]:
        """The templates of one service's actions that may take some entry other than "*"."""
        if self.open:
            return service_index.by_template
        found: list[str] = list(service_index.open_templates)
        for service in self.by_service:
            found.extend(service_index.by_service_field.get(service, ()))
        return found

    def taken(self, action: Action) -> tuple[str, ...]:
        """The entries the action takes, in their order (`*` takes every action)."""
        templates = _templates(action)
        return self.taken_by(templates)

    def taken_by(self, templates: tuple[str, ...]) -> tuple[str, ...]:
        """The entries an action with these templates takes, in their order."""
        found = self._taken.get(templates)
        if found is None:
            chosen = set(self.stars)
            for template in templates:
                chosen |= self.hits(template)
            found = tuple(self.entries[i] for i in sorted(chosen))
            self._taken[templates] = found
        return found


def _resource_level_reason(candidates: Mapping[str, Action], entries: tuple[str, ...]) -> str:
    unscoped = [name for name, action in candidates.items() if not action.resource_types]
    if len(candidates) == 1:
        name, action = next(iter(candidates.items()))
        if unscoped:
            return (
                f"{name} supports no resource-level permissions: only "
                f'"Resource": "*" covers it, not {_quoted(entries)}'
            )
        types = ", ".join(rt.name for rt in action.resource_types)
        return f"{name} applies to {types} ARNs, and none of {_quoted(entries)} is one"
    detail = (
        f"; {len(unscoped)} of them support no resource-level permissions, which only "
        f'"Resource": "*" covers'
        if unscoped
        else ""
    )
    return f"none of its {len(candidates)} actions takes {_quoted(entries)}{detail}"


def _quoted(values: Iterable[str], limit: int = 3) -> str:
    items = list(values)
    shown = ", ".join(f'"{v}"' for v in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


@lru_cache(maxsize=64)
def _candidates(catalog: Catalog, patterns: tuple[str, ...], negated: bool) -> dict[str, Action]:
    """The actions an Action (or NotAction) element covers; cached, so never modify it."""
    if negated:
        excluded = {id(a) for p in patterns for a in catalog.expand(p)}
        everything = _index(catalog).actions
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


def _applicable(
    catalog: Catalog,
    candidates: Mapping[str, Action],
    services: tuple[str, ...],
    entries: tuple[str, ...],
) -> dict[str, tuple[str, ...]]:
    """Resource: the entries each action takes (`*` takes all); actions taking none left out.
    `services` are the candidates' services."""
    if all(e == "*" for e in entries):
        return dict.fromkeys(candidates, entries)
    index = _EntryIndex(entries)
    # every action takes the "*" entries; only the actions of the templates that take some
    # other entry need a closer look (not all 22,000 of `"Action": "*"`)
    stars = index.taken_by(())
    found = dict.fromkeys(candidates, stars) if stars else {}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    done: set[str] = set()
    for service in services:
        service_index = _template_index(catalog, service)
        templates = service_index.templates
        for template in index.relevant_templates(service_index):
            if not index.hits(template):
                continue
            for name in service_index.by_template[template]:
                if name in candidates and name not in done:
                    done.add(name)
                    taken = index.taken_by(templates[name])
                    found[name] = shared.setdefault(taken, taken)
    return found


def _not_excluded(
    catalog: Catalog, candidates: Mapping[str, Action], entries: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """NotResource: the actions not wholly excluded, each with the entries that concern it."""
    index = _EntryIndex(entries)
    excluded: dict[str, bool] = {}  # template -> wholly covered by some entry

    def wholly_excluded(action: Action) -> bool:
        templates = _templates(action)
        if not templates:
            return "*" in entries
        for template in templates:
            covered = excluded.get(template)
            if covered is None:
                covered = excluded[template] = any(_covers(e, template) for e in entries)
            if not covered:
                return False
        return True

    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    found: dict[str, tuple[str, ...]] = {}
    for name, action in candidates.items():
        if not wholly_excluded(action):
            concerning = index.taken(action)
            found[name] = shared.setdefault(concerning, concerning)
    return found


@lru_cache(maxsize=256)
def _evaluate(
    patterns: tuple[str, ...],
    negated_actions: bool,
    entries: tuple[str, ...],
    negated_resources: bool,
) -> _Scope:
    catalog = get_catalog()
    unmatched = tuple(p for p in patterns if not matches_some_action(catalog, p))

    def nothing(reason: str) -> _Scope:
        return _Scope({}, {}, (), {}, unmatched, reason)

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
        return nothing(f"no catalogued action matches {_quoted(unmatched)}")
    if negated_resources:
        applies = _not_excluded(catalog, candidates, entries)
        if not applies:
            return nothing(
                f"its NotResource {_quoted(entries)} excludes every resource type its actions take"
            )
    else:
        services = _candidate_services(catalog, patterns, negated_actions)
        applies = _applicable(catalog, candidates, services, entries)
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
    return _Scope(records, applies, tuple(records), coverage, unmatched, None)


# --- the report ------------------------------------------------------------------------------


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
    _scope: _Scope | None = field(default=None, repr=False, compare=False)

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
        # "every action of every service except ..." reads best when most services are
        # wholly covered; only then is the whole catalogue loaded, to name the rest.
        catalog = get_catalog()
        broad = len(self.coverage) * 2 > len(catalog.services)
        totals = _index(catalog).totals if broad else {}
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
                text = f"{verb} every action of every service"
            else:
                text = f"{verb} every action of every service except {_listed(rest)}"
        else:
            parts = [
                f"all {total} actions of {s}" if n == total else f"{n} of {total} actions of {s}"
                for s, (n, total) in self.coverage.items()
            ]
            text = f"{verb} {_listed(parts)}"
        if self.not_resource:
            text += f" on every resource except {_quoted(self.resources)}"
        if self.conditional:
            text += f" under conditions on {', '.join(self.condition_keys) or '(none valid)'}"
        return text

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


def _by_level(names: Iterable[str], level_of: Mapping[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name in sorted(names):
        grouped.setdefault(level_of[name], []).append(name)
    return dict(sorted(grouped.items(), key=lambda item: _level_order(item[0])))


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
            service: dict(sorted(levels.items(), key=lambda item: _level_order(item[0])))
            for service, levels in sorted(grouped.items())
        }

    def by_access_level(self) -> dict[str, list[str]]:
        """access level (in ACCESS_LEVELS order, non-empty only) -> full names, sorted."""
        return _by_level(self._merged, {n: g.access_level for n, g in self._merged.items()})

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


def _check_parsed(parsed: ParsedPolicy) -> str | None:
    """Why the policy as a whole cannot be read, or None."""
    if parsed.json.syntax_error is not None:
        return f"the policy is not valid JSON: {parsed.json.syntax_error.message}"
    document = parsed.document
    if document is None:
        return "the policy is not a JSON object"
    if "Statement" not in document.elements:
        return "the policy has no Statement"
    for problem in parsed.type_problems:
        if problem.pointer == "/Statement" and problem.element == "Statement":
            return f"Statement must be {problem.expected}, not {problem.found}"
    return None


def _malformed(statement: Statement, problems: list[str]) -> str | None:
    if problems:
        return "; ".join(problems)
    effect = statement.effect
    if effect is None:
        return "it has no Effect"
    if effect.value not in ("Allow", "Deny"):
        return f'Effect must be "Allow" or "Deny", not "{effect.value}"'
    for positive, negative, name in (
        (statement.action, statement.not_action, "Action"),
        (statement.resource, statement.not_resource, "Resource"),
    ):
        if positive is None and negative is None:
            return f"it has neither {name} nor Not{name}"
        if positive is not None and negative is not None:
            return f"it has both {name} and Not{name}"
    return None


def _statement_grant(statement: Statement, problems: list[str]) -> StatementGrant:
    sid = statement.sid.value if statement.sid is not None else None
    effect = statement.effect.value if statement.effect is not None else None
    condition = statement.condition or ()
    keys = tuple(sorted({entry.key for entry in condition}))
    reason = _malformed(statement, problems)
    if reason is not None:
        return StatementGrant(
            statement.index,
            sid,
            effect,
            conditional=bool(condition),
            condition_keys=keys,
            reason=reason,
            malformed=True,
        )
    negated_actions = statement.action is None
    negated_resources = statement.resource is None
    action_element = statement.not_action if negated_actions else statement.action
    resource_element = statement.not_resource if negated_resources else statement.resource
    patterns = tuple(a.value for a in action_element or ())
    entries = tuple(r.value for r in resource_element or ())
    scope = _evaluate(patterns, negated_actions, entries, negated_resources)
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
    try:
        text = json.dumps(policy, allow_nan=False)
    except (TypeError, ValueError) as error:
        return EffectivePermissions((), f"the policy is not a JSON value: {error}")
    return _from_text(text)


@lru_cache(maxsize=16)
def _from_text(text: str) -> EffectivePermissions:
    return _from_parsed(parse_policy(text))


def _owner(pointer: str, statements: set[str]) -> str | None:
    """The statement pointer that `pointer` lies inside (statements never nest)."""
    end = pointer.rfind("/")
    while end > 0:
        if pointer[:end] in statements:
            return pointer[:end]
        end = pointer.rfind("/", 0, end)
    return None


def _from_parsed(parsed: ParsedPolicy) -> EffectivePermissions:
    error = _check_parsed(parsed)
    if error is not None or parsed.document is None:
        return EffectivePermissions((), error)
    problems: dict[str, list[str]] = {}
    grants: list[StatementGrant] = []
    statements = parsed.document.statements
    pointers = {s.pointer for s in statements}
    for problem in parsed.type_problems:
        text = f"{problem.element} must be {problem.expected}, not {problem.found}"
        if problem.element == "Statement" and problem.pointer not in pointers:
            position = problem.pointer.rsplit("/", 1)[-1]  # /Statement/N: not an object
            if not position.isdigit():
                continue
            grants.append(StatementGrant(int(position), None, None, reason=text, malformed=True))
            continue
        owner = _owner(problem.pointer, pointers)
        if owner is not None:
            problems.setdefault(owner, []).append(text)
    grants.extend(_statement_grant(s, problems.get(s.pointer, [])) for s in statements)
    grants.sort(key=lambda g: g.index)
    return EffectivePermissions(tuple(grants))


# --- diff ------------------------------------------------------------------------------------


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
        _by_level(new.keys() - old.keys(), levels),
        _by_level(old.keys() - new.keys(), levels),
        tuple(changed),
    )
