"""Which catalogue actions take which entries of a statement's Resource (or NotResource)
element, by the ARN templates of their resource types.

Indexed by the ARN's service field so that thousands of entries against the 22,000 actions
of `"Action": "*"` stay linear.  A pure function of the element strings and the catalogue;
the permissions engine's approximations are in ssm_tui.access.permissions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ssm_tui.iam.arn import arn_matches_template, split_arn
from ssm_tui.iam.catalog import Action, Catalog
from ssm_tui.iam.glob import glob_regex, has_wildcard, variables_as_wildcards
from ssm_tui.iam.variables import PLACEHOLDER


@dataclass(frozen=True, slots=True)
class CatalogIndex:
    """Every action of the catalogue by full name, and per-service action counts."""

    actions: Mapping[str, Action]
    totals: Mapping[str, int]  # service -> number of actions (services with none left out)


@lru_cache(maxsize=1)
def catalog_index(catalog: Catalog) -> CatalogIndex:
    actions: dict[str, Action] = {}
    totals: dict[str, int] = {}
    for service in catalog.services:
        found = catalog.actions(service)
        if found:
            totals[service] = len(found)
            actions.update((a.full_name, a) for a in found.values())
    return CatalogIndex(actions, totals)


@dataclass(frozen=True, slots=True)
class TemplateIndex:
    """One service's actions by the ARN templates they take, and those templates by their
    service field (built per service, so a policy of one service loads only that one)."""

    templates: Mapping[str, tuple[str, ...]]  # full name -> its resource types' templates
    by_template: Mapping[str, tuple[str, ...]]  # template -> full names of actions taking it
    by_service_field: Mapping[str, tuple[str, ...]]  # template's service field -> templates
    open_templates: tuple[str, ...]  # templates whose service field is not plain text


@lru_cache(maxsize=1024)
def template_index(catalog: Catalog, service: str) -> TemplateIndex:
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
    return TemplateIndex(
        templates,
        {t: tuple(names) for t, names in by_template.items()},
        {f: tuple(ts) for f, ts in by_service_field.items()},
        tuple(open_templates),
    )


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

    def relevant_templates(self, service_index: TemplateIndex) -> Iterable[str]:
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


def applicable(
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
        service_index = template_index(catalog, service)
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


def not_excluded(
    catalog: Catalog, candidates: Mapping[str, Action], entries: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """NotResource: the actions not wholly excluded, each with the entries that concern it.
    An action is wholly excluded when every ARN format of every resource type it takes is
    covered by some entry; one without resource types only by `"*"` (the request names
    `"*"`, which only `"*"` matches)."""
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
