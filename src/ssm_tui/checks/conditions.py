"""Condition blocks: operators, keys and values (IAM-REFERENCE.md 2.4-2.6).

For each `"operator": {"key": value-or-values}` entry: is the operator one of the 27 base
operators (with `IfExists` and `ForAllValues:`/`ForAnyValue:`), is the key a real condition
key (global `aws:` key, or a key of the service its prefix names), do the statement's
actions support it, does the operator fit the key's type, and do the values fit the
operator (numbers, dates, booleans, CIDR ranges, base64, Regions, VPC IDs, variables)?
Key names and types come from the catalogue; operator semantics from the reference.
"""

from __future__ import annotations

import ipaddress
import re
import weakref
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import groupby

from ssm_tui.checks.base import CheckContext, Finding, Fix, Severity, quote, register
from ssm_tui.checks.variables import check_variables, version_allows_variables, version_finding
from ssm_tui.iam.catalog import Action, Catalog, ConditionKey, closest, glob_regex, has_wildcard
from ssm_tui.policy.model import ConditionEntry, Located, LocatedScalar, Statement

# --- operators (IAM-REFERENCE.md 2.4) -------------------------------------------------------

_FAMILIES: dict[str, str] = {
    **dict.fromkeys(
        (
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ),
        "String",
    ),
    **dict.fromkeys(
        (
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ),
        "Numeric",
    ),
    **dict.fromkeys(
        (
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ),
        "Date",
    ),
    "Bool": "Bool",
    "BinaryEquals": "Binary",
    "IpAddress": "IP",
    "NotIpAddress": "IP",
    **dict.fromkeys(("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"), "ARN"),
    "Null": "Null",
}
_NEGATED = frozenset(
    {
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotEquals",
        "ArnNotLike",
    }
)
_QUALIFIERS = ("ForAllValues:", "ForAnyValue:")
_IF_EXISTS = "IfExists"
VALID_OPERATORS: tuple[str, ...] = tuple(
    qualifier + base + suffix
    for qualifier in ("", *_QUALIFIERS)
    for base in _FAMILIES
    for suffix in ("", _IF_EXISTS)
    if not (base == "Null" and suffix)
)
_VALID_LOWER = {op.lower(): op for op in VALID_OPERATORS}
# An operator that fits each key type, for messages.
_EXAMPLE_OPERATOR = {
    "String": "StringEquals",
    "ARN": "ArnLike",
    "Numeric": "NumericEquals",
    "Date": "DateGreaterThan",
    "Bool": "Bool",
    "IPAddress": "IpAddress",
    "Binary": "BinaryEquals",
}
# Operator families each key type can be compared with.  String operators also work on
# ARN keys (ARN operators are recommended); aws:EpochTime is Date or Numeric
# (IAM-REFERENCE.md 2.5).
_COMPATIBLE = {
    "String": frozenset({"String"}),
    "ARN": frozenset({"ARN", "String"}),
    "Numeric": frozenset({"Numeric"}),
    "Date": frozenset({"Date"}),
    "Bool": frozenset({"Bool"}),
    "IPAddress": frozenset({"IP"}),
    "Binary": frozenset({"Binary"}),
}
_DATE_AND_NUMERIC_KEYS = frozenset({"aws:epochtime"})
_LIKE_OF = {
    "StringEquals": "StringLike",
    "StringNotEquals": "StringNotLike",
    "StringEqualsIgnoreCase": "StringLike",
    "StringNotEqualsIgnoreCase": "StringNotLike",
    "ArnEquals": "ArnLike",
    "ArnNotEquals": "ArnNotLike",
}


@dataclass(frozen=True, slots=True)
class Operator:
    text: str
    base: str
    family: str
    qualifier: str | None  # "ForAllValues" or "ForAnyValue"
    if_exists: bool

    @property
    def negated(self) -> bool:
        return self.base in _NEGATED

    @property
    def is_like(self) -> bool:
        return self.base.endswith("Like")

    def when_missing(self, values: Iterable[LocatedScalar]) -> bool | None:
        """What the condition evaluates to for a request without the key (None: depends)."""
        if self.base == "Null":
            verdicts = {_as_bool(v.value) for v in values}
            return verdicts.pop() if len(verdicts) == 1 else None
        if self.if_exists or self.qualifier == "ForAllValues":
            return True
        if self.qualifier == "ForAnyValue":
            return False
        return self.negated


def _split_operator(text: str) -> tuple[str | None, str, bool]:
    qualifier = None
    rest = text
    for prefix in _QUALIFIERS:
        if text.startswith(prefix):
            qualifier, rest = prefix[:-1], text[len(prefix) :]
            break
    if rest.endswith(_IF_EXISTS):
        return qualifier, rest[: -len(_IF_EXISTS)], True
    return qualifier, rest, False


@lru_cache(maxsize=1024)
def parse_operator(text: str) -> Operator | None:
    """The operator, or None when it is not a valid operator (NullIfExists included)."""
    qualifier, base, if_exists = _split_operator(text)
    family = _FAMILIES.get(base)
    if family is None or (base == "Null" and if_exists):
        return None
    return Operator(text, base, family, qualifier, if_exists)


@lru_cache(maxsize=1024)
def operator_candidates(text: str) -> tuple[str, ...]:
    """Valid operators close to an invalid one: the case-insensitive match if there is one."""
    exact = _VALID_LOWER.get(text.strip().lower())
    if exact is not None:
        return (exact,)
    return tuple(closest(text.strip(), VALID_OPERATORS, 3))


# --- values ----------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{[^}]*\}")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_EPOCH = re.compile(r"-?\d+(?:\.\d+)?\Z")
# W3C profile of ISO 8601 (https://www.w3.org/TR/NOTE-datetime), which Access Analyzer's
# INVALID_DATE_VALUE recommends: YYYY, YYYY-MM, YYYY-MM-DD, then Thh:mm[:ss[.s]] with a zone.
_W3C_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"(Z|[+-](\d{2}):(\d{2})))?)?)?\Z"
)
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z")
_CIDR_TEXT = re.compile(r"[0-9A-Fa-f:.]+(?:/\d{1,3})?\Z")
# Access Analyzer INVALID_VPC_FORMAT / INVALID_VPCE_FORMAT: prefix plus 8 or 17 characters.
_VPC = re.compile(r"vpc-(?:[0-9A-Za-z]{8}|[0-9A-Za-z]{17})\Z")
_VPCE = re.compile(r"vpce-(?:[0-9A-Za-z]{8}|[0-9A-Za-z]{17})\Z")
_ONLY_STARS = re.compile(r"\*+\Z")
# Address blocks reserved for documentation (RFC 5737, RFC 3849).  Python counts them as
# private, but AWS's own examples use 203.0.113.0/24 as a public range: not reported.
_DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _shown(value: object) -> str:
    """A condition value as a message shows it: strings quoted, JSON literals as written."""
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _date_kind(value: object) -> str:
    """'ok' (W3C ISO 8601), 'epoch', 'odd' (other ISO 8601) or 'bad'."""
    if isinstance(value, bool):
        return "bad"
    if isinstance(value, int | float):
        return "epoch"
    text = str(value)
    match = _W3C_DATE.match(text)
    if match and _valid_w3c(match):
        return "ok"
    if _EPOCH.match(text):
        return "epoch"
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return "bad"
    return "odd"


def _valid_w3c(match: re.Match[str]) -> bool:
    year, month, day, hour, minute, second, _, zone_h, zone_m = match.groups()
    try:
        datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            min(int(second or 0), 59),  # a leap second (:60) is a valid ISO 8601 time
        )
    except ValueError:
        return False
    if second is not None and int(second) > 60:
        return False
    return zone_h is None or (int(zone_h) < 24 and int(zone_m) < 60)


def _epoch_text(value: object) -> str:
    try:
        moment = datetime.fromtimestamp(float(str(value)), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    return f" ({moment.strftime('%Y-%m-%dT%H:%M:%SZ')})"


def _ip_network(
    text: str,
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, bool] | None:
    """The network a CIDR value names and whether host bits are set; None if not CIDR."""
    if not _CIDR_TEXT.match(text):
        return None
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    address = text.split("/", 1)[0]
    return network, "/" in text and network.network_address != ipaddress.ip_address(address)


def _is_private(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped  # ::ffff:203.0.113.7 is an IPv4 address
        if mapped is not None:
            return _is_private(ipaddress.IPv4Network(f"{mapped}/{network.prefixlen - 96}"))
    if any(
        network.version == doc.version and network.subnet_of(doc)  # type: ignore[arg-type]
        for doc in _DOCUMENTATION_NETWORKS
    ):
        return False
    return network.is_private


def _without_variables(text: str) -> str:
    return _VARIABLE.sub("", text) if "${" in text else text


# --- condition keys --------------------------------------------------------------------------

# Tag keys and aws:TagKeys are listed per action in each service's data; every other aws:
# key applies to every action (IAM-REFERENCE.md 2.5).
_PER_ACTION_GLOBAL = ("aws:requesttag/", "aws:resourcetag/")
_GLOBAL_TAG_PREFIXES = ("aws:requesttag/", "aws:resourcetag/", "aws:principaltag/")
_DEPRECATED_GLOBAL = "aws:arn"
_WHITESPACE = re.compile(r"\s")

_KeySet = tuple[frozenset[str], tuple[re.Pattern[str], ...]]


@lru_cache(maxsize=4096)
def _template_regex(template: str) -> re.Pattern[str]:
    """`ssm:resourceTag/${TagKey}` as a case-insensitive regex (the placeholder: 1+ chars)."""
    parts = _VARIABLE.split(template)
    return re.compile(".+".join(re.escape(p) for p in parts) + r"\Z", re.IGNORECASE)


def _key_set(keys: Iterable[str]) -> _KeySet:
    literal: set[str] = set()
    templates: list[re.Pattern[str]] = []
    for key in keys:
        if "${" in key:
            templates.append(_template_regex(key))
        else:
            literal.add(key.lower())
    return frozenset(literal), tuple(templates)


def _in_key_set(key_set: _KeySet, key: str) -> bool:
    literal, templates = key_set
    return key.lower() in literal or any(t.match(key) for t in templates)


def _is_per_action_global(lower: str) -> bool:
    return lower == "aws:tagkeys" or lower.startswith(_PER_ACTION_GLOBAL)


class _Keys:
    """Condition-key look-ups over one catalogue, cached for the life of the catalogue."""

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
                    if "${" in record.key:
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
            if _template_regex(template).match(key):
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
                    record.key.lower().split("${", 1)[0]
                    for record in self.catalog.condition_keys(prefix).values()
                    if record.key.endswith("}") and "/${" in record.key
                )
                found = tuple(dict.fromkeys(h for h in heads if h.startswith(prefix + ":")))
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
                r.key.split(":", 1)[1].split("/", 1)[0]
                for r in records
                if "/${" in r.key and r.key.endswith("}")
            }
            if lower_prefix == "aws":
                heads.update(("RequestTag", "ResourceTag", "PrincipalTag"))
            return [f"{prefix}:{h}/{tail}" for h in closest(head, sorted(heads), 3)]
        names = sorted({r.key.split(":", 1)[1] for r in records if "${" not in r.key})
        return [f"{prefix}:{n}" for n in closest(name, names, 3)]

    # which actions support a key ---------------------------------------------------------
    def action_keys(self, action: Action) -> _KeySet:
        """Keys the catalogue lists for the action and for its resource types."""
        found = self._action_keys.get(action.full_name)
        if found is None:
            keys = list(action.condition_keys)
            types = self.catalog.resource_types(action.service)
            for resource_type in action.resource_types:
                keys.extend(resource_type.condition_keys)
                record = types.get(resource_type.name.lower())
                if record is not None:
                    keys.extend(record.condition_keys)
            found = self._action_keys[action.full_name] = _key_set(keys)
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
            return _is_per_action_global(lower)
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

    def entry_supports(self, pattern: str, actions: list[Action], key: str) -> bool:
        cache_key = (pattern.lower(), key.lower())
        found = self._entry_support.get(cache_key)
        if found is None:
            found = self._entry_support[cache_key] = any(self.supports(a, key) for a in actions)
        return found


_RESOLVERS: weakref.WeakKeyDictionary[Catalog, _Keys] = weakref.WeakKeyDictionary()


def _keys(catalog: Catalog) -> _Keys:
    found = _RESOLVERS.get(catalog)
    if found is None:
        found = _RESOLVERS[catalog] = _Keys(catalog)
    return found


# --- messages --------------------------------------------------------------------------------


def _did_you_mean(candidates: Iterable[str]) -> str:
    shown = [quote(c) for c in candidates]
    if not shown:
        return ""
    return " Did you mean " + " or ".join(shown) + "?"


def _verb(statement: Statement) -> str:
    return "deny" if statement.is_deny else "grant" if statement.is_allow else "apply to"


def _absent(op: Operator | None, entry: ConditionEntry) -> bool | None:
    """What the condition evaluates to for a request without the key (None: unknown)."""
    return op.when_missing(entry.values) if op is not None else None


def _never_present(op: Operator | None, entry: ConditionEntry, statement: Statement) -> str:
    """For a key no request has: what the condition then does."""
    verdict = _absent(op, entry)
    if verdict is False:
        return (
            f"the condition is never true: {statement.label} does not {_verb(statement)} anything"
        )
    if verdict is True:
        return "the condition is always true and restricts nothing"
    return "the condition does not work as intended"


def _rename(ctx: CheckContext, pointer: str, new_key: str, description: str) -> Fix | None:
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


def _list_names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(quote(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# --- the check -------------------------------------------------------------------------------


@dataclass(slots=True)
class _StatementState:
    statement: Statement
    services: tuple[str, ...]
    actions: list[tuple[Located, list[Action]]] | None  # None: cannot tell (NotAction, "*")
    null_false: frozenset[str]  # keys with "Null": {key: false} in this statement
    dead_reason: bool = False
    never_present: set[str] = field(default_factory=set)  # keys none of the actions support


class _ConditionChecker:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.keys = _keys(ctx.catalog)
        document = ctx.document
        assert document is not None
        self.deny_null_true: frozenset[str] = frozenset(
            entry.key.lower()
            for statement in document.statements
            if statement.is_deny
            for entry in statement.condition or ()
            if entry.operator == "Null" and any(_as_bool(v.value) for v in entry.values)
        )

    # statements ---------------------------------------------------------------------------
    def run(self) -> Iterator[Finding]:
        document = self.ctx.document
        assert document is not None
        for statement in document.statements:
            if statement.condition:
                yield from self.statement(statement)

    def statement(self, statement: Statement) -> Iterator[Finding]:
        state = _StatementState(
            statement,
            self._services(statement),
            self._actions(statement),
            frozenset(
                entry.key.lower()
                for entry in statement.condition or ()
                if entry.operator == "Null"
                and any(_as_bool(v.value) is False for v in entry.values)
            ),
        )
        reported_keys: set[str] = set()
        for operator_pointer, group in groupby(
            statement.condition or (), key=lambda e: e.operator_pointer
        ):
            entries = list(group)
            if self.ctx.reported(operator_pointer):
                continue
            text = entries[0].operator
            op = parse_operator(text)
            if op is None:
                yield self._invalid_operator(text, operator_pointer)
            elif op.base == "Null" and op.qualifier is not None:
                yield self.ctx.finding(
                    Severity.SUGGESTION,
                    "NULL_WITH_QUALIFIER",
                    f"{quote(text)}: Null with {op.qualifier} is always "
                    f"{'true' if op.qualifier == 'ForAllValues' else 'false'}, whatever the "
                    f'request. Use plain "Null" to test whether a key is present.',
                    operator_pointer,
                    key=True,
                )
            yield from self._duplicate_case(entries)
            for entry in entries:
                if self.ctx.reported(entry.pointer):
                    continue
                yield from self.entry(state, op, entry, reported_keys)
        if state.dead_reason and (statement.is_allow or statement.is_deny):
            self.ctx.mark_dead(statement.pointer)

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

    # operator blocks ------------------------------------------------------------------------
    def _invalid_operator(self, text: str, pointer: str) -> Finding:
        qualifier, base, if_exists = _split_operator(text)
        if base == "Null" and if_exists:
            fixed = (qualifier + ":" if qualifier else "") + "Null"
            return self.ctx.finding(
                Severity.ERROR,
                "NULL_WITH_IF_EXISTS",
                f"{quote(text)} is not an operator: IfExists can be added to any operator "
                f"except Null, which itself tests whether the key is present. Use "
                f"{quote(fixed)}.",
                pointer,
                key=True,
                marks=False,
                suggestion=fixed,
                fix=_rename(self.ctx, pointer, fixed, f"rename {text} to {fixed}"),
            )
        candidates = operator_candidates(text)
        fix = None
        if len(candidates) == 1:
            fix = _rename(self.ctx, pointer, candidates[0], f"rename {text} to {candidates[0]}")
        return self.ctx.finding(
            Severity.ERROR,
            "INVALID_CONDITION_OPERATOR",
            f"{quote(text)} is not a condition operator (operator names are case-sensitive), "
            f"so this condition block cannot work.{_did_you_mean(candidates)}",
            pointer,
            key=True,
            marks=False,
            suggestion=candidates[0] if len(candidates) == 1 else None,
            fix=fix,
        )

    def _duplicate_case(self, entries: list[ConditionEntry]) -> Iterator[Finding]:
        seen: dict[str, str] = {}
        for entry in entries:
            lower = entry.key.lower()
            first = seen.setdefault(lower, entry.key)
            if first != entry.key and not self.ctx.reported(entry.pointer):
                yield self.ctx.finding(
                    Severity.ERROR,
                    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                    f"{quote(entry.key)} repeats {quote(first)} in this {entry.operator} "
                    f"block: condition key names are case-insensitive, so these are one key "
                    f"twice. Merge their values under one key.",
                    entry.pointer,
                    key=True,
                )

    # one key ------------------------------------------------------------------------------
    def entry(
        self,
        state: _StatementState,
        op: Operator | None,
        entry: ConditionEntry,
        reported_keys: set[str],
    ) -> Iterator[Finding]:
        ctx = self.ctx
        record, key_findings = self._key(state, op, entry)
        yield from key_findings
        if ctx.reported(entry.pointer):
            return
        if entry.values_is_list and not entry.values:
            yield from self._empty(state, entry)
            return
        if record is not None and entry.key.lower() not in reported_keys:
            finding = self._unsupported(state, op, entry, record)
            if finding is not None:
                reported_keys.add(entry.key.lower())
                yield finding
        if op is None or not entry.values:
            return
        yield from _EntryValues(self, state, op, entry, record).run()

    def _key(
        self, state: _StatementState, op: Operator | None, entry: ConditionEntry
    ) -> tuple[ConditionKey | None, list[Finding]]:
        """The key's catalogue record, or the finding saying why there is none."""
        ctx, key, pointer = self.ctx, entry.key, entry.pointer
        stripped = key.strip()
        prefix, sep, name = stripped.partition(":")
        if stripped != key or not sep or not prefix or not name or _WHITESPACE.search(stripped):
            suggestion = None
            compact = _WHITESPACE.sub("", key)
            if ":" in compact and self.keys.record(compact, state.services) is not None:
                suggestion = compact
            elif ":" not in compact and self.keys.record("aws:" + compact, ()) is not None:
                suggestion = "aws:" + compact
            return None, [
                ctx.finding(
                    Severity.ERROR,
                    "INVALID_CONDITION_KEY_FORMAT",
                    f"{quote(key)} is not a condition key: keys are written service:keyname "
                    f"(for example aws:SourceIp), without spaces."
                    f"{_did_you_mean([suggestion] if suggestion else [])}",
                    pointer,
                    key=True,
                    suggestion=suggestion,
                    fix=_rename(ctx, pointer, suggestion, f"rename the key to {suggestion}")
                    if suggestion
                    else None,
                )
            ]
        lower = key.lower()
        lower_prefix = prefix.lower()
        if lower_prefix == "aws" and lower == _DEPRECATED_GLOBAL:
            return None, [
                ctx.finding(
                    Severity.ERROR,
                    "UNSUPPORTED_GLOBAL_CONDITION_KEY",
                    f"{quote(key)} is a deprecated key that is no longer supported. Use "
                    f"aws:PrincipalArn for the ARN of the principal making the request, or "
                    f"aws:SourceArn for the resource making a service-to-service request.",
                    pointer,
                    key=True,
                )
            ]
        if lower.endswith("/") or self.keys.record(key, state.services) is None:
            tag_head = lower if lower.endswith("/") else lower + "/"
            if tag_head in self.keys.tag_prefixes(lower_prefix):
                return None, [
                    ctx.finding(
                        Severity.ERROR,
                        "MISSING_TAG_KEY_IN_CONDITION",
                        f"{quote(key)} names no tag: write the tag key after the slash, for "
                        f"example {quote(key.rstrip('/') + '/Environment')}.",
                        pointer,
                        key=True,
                    )
                ]
        record = self.keys.record(key, state.services)
        if record is not None:
            return record, []
        if "." in prefix or "/" in prefix:
            # An identity provider's key (accounts.google.com:aud, an OIDC provider URL):
            # the catalogue cannot list every provider, so it is not judged.
            return None, []
        return None, [self._unknown_key(state, op, entry, prefix, name)]

    def _unknown_key(
        self,
        state: _StatementState,
        op: Operator | None,
        entry: ConditionEntry,
        prefix: str,
        name: str,
    ) -> Finding:
        ctx, key, pointer = self.ctx, entry.key, entry.pointer
        effect = _never_present(op, entry, state.statement)
        if _absent(op, entry) is False:
            state.dead_reason = True
        if prefix.lower() == "aws":
            candidates = self.keys.suggestions(key, state.services)
            code = "INVALID_GLOBAL_CONDITION_KEY"
            message = (
                f"{quote(key)} is not an AWS global condition key, so no request has it and "
                f"{effect}.{_did_you_mean(candidates)}"
            )
        elif self.keys.known_prefix(prefix):
            candidates = self.keys.suggestions(key, ())
            label = ctx.catalog.service_name(prefix) or prefix
            code = "INVALID_SERVICE_CONDITION_KEY"
            message = (
                f"{quote(key)} is not a condition key of {label}, so no request has it and "
                f"{effect}.{_did_you_mean(candidates)}"
            )
        else:
            candidates = [
                f"{guess}:{name}"
                for guess in ctx.catalog.suggest_service(prefix)
                if self.keys.record(f"{guess}:{name}", state.services) is not None
            ]
            code = "INVALID_SERVICE"
            message = (
                f"{quote(prefix)} is not an AWS service prefix, so no request has the key "
                f"{quote(key)} and {effect}.{_did_you_mean(candidates)}"
            )
        fix = None
        if len(candidates) == 1:
            fix = _rename(ctx, pointer, candidates[0], f"rename {key} to {candidates[0]}")
        return ctx.finding(
            Severity.ERROR,
            code,
            message,
            pointer,
            key=True,
            suggestion=candidates[0] if len(candidates) == 1 else None,
            fix=fix,
        )

    def _empty(self, state: _StatementState, entry: ConditionEntry) -> Iterator[Finding]:
        """`"key": []` under a qualifier or IfExists with a positive operator (grammar
        reports the other cases as EMPTY_ARRAY_CONDITION; every negated operator name, and
        no other, contains "Not")."""
        if "Not" in entry.operator:
            return
        node = self.ctx.policy.json.node(entry.pointer)
        if node is None or node.kind != "array" or node.items:
            return  # every item had the wrong type: reported by grammar
        qualifier, _, if_exists = _split_operator(entry.operator)
        key = quote(entry.key)
        if qualifier == "ForAllValues":
            code = "EMPTY_ARRAY_CONDITION_FORALLVALUES"
            message = (
                f"ForAllValues with no values ([]) matches only requests without {key}. To "
                f'test that the key is absent, say so: "Null": {{{key}: "true"}}.'
            )
        elif if_exists:
            code = "EMPTY_ARRAY_CONDITION_IFEXISTS"
            message = (
                f"{entry.operator} with no values ([]) matches only requests without {key}. "
                f'To test that the key is absent, say so: "Null": {{{key}: "true"}}.'
            )
        elif qualifier == "ForAnyValue":
            code = "EMPTY_ARRAY_CONDITION_FORANYVALUE"
            message = (
                f"ForAnyValue with no values ([]) never matches, so "
                f"{state.statement.label} does not {_verb(state.statement)} anything. Give "
                f"{key} values or remove it."
            )
            state.dead_reason = True
        else:
            return
        yield self.ctx.finding(Severity.SUGGESTION, code, message, entry.pointer)

    def _unsupported(
        self,
        state: _StatementState,
        op: Operator | None,
        entry: ConditionEntry,
        record: ConditionKey,
    ) -> Finding | None:
        """UNSUPPORTED_ACTION_FOR_CONDITION_KEY: a key none of an action entry's actions
        (nor their resource types) supports is absent from those requests."""
        if state.actions is None or not self.keys.per_action(entry.key, record):
            return None
        keys = self.keys
        unsupported = [
            located.value
            for located, expanded in state.actions
            if not keys.entry_supports(located.value, expanded, entry.key)
        ]
        if not unsupported:
            return None
        every = len(unsupported) == len(state.actions)
        if every:
            state.never_present.add(entry.key.lower())
        verdict = _absent(op, entry)
        if verdict is False:
            effect = (
                f"for them the condition is never true, so the statement does not "
                f"{_verb(state.statement)} them"
            )
            state.dead_reason = state.dead_reason or every
        elif verdict is True:
            effect = "for them the condition is always true and restricts nothing"
        else:
            effect = "for them the condition does not work as intended"
        wildcard = any(has_wildcard(v) for v in unsupported)
        which = "None of the actions of" if every else "These actions of"
        verb = "supports" if every else "do not support"
        return self.ctx.finding(
            Severity.ERROR,
            "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            f"{which} {state.statement.label} {verb} {quote(entry.key)}: "
            f"{_list_names(unsupported)}"
            f"{' (nor any action these patterns match)' if wildcard else ''}. The "
            f"Service Authorization Reference lists the key for none of them nor their "
            f"resource types, so their requests never carry it: {effect}. Move these actions "
            f"to a statement without this condition, or use a key they support.",
            entry.pointer,
            key=True,
            marks=False,
        )


class _EntryValues:
    """The value checks of one condition entry whose operator is valid."""

    def __init__(
        self,
        checker: _ConditionChecker,
        state: _StatementState,
        op: Operator,
        entry: ConditionEntry,
        record: ConditionKey | None,
    ) -> None:
        self.ctx = checker.ctx
        self.checker = checker
        self.state = state
        self.op = op
        self.entry = entry
        self.record = record
        self.key_lower = entry.key.lower()
        self.flagged: set[str] = set()

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

    def run(self) -> Iterator[Finding]:
        ctx, op, entry = self.ctx, self.op, self.entry
        values = [v for v in entry.values if not ctx.reported(v.pointer)]
        kinds = {_kind(v.value) for v in values}
        if len(kinds) > 1:
            yield self.finding(
                Severity.ERROR,
                "INVALID_CONDITION_DATA_TYPE",
                f"The values of {quote(entry.key)} mix JSON types ({', '.join(sorted(kinds))}); "
                f"give them all as one type (strings are always accepted).",
            )
            return
        multivalued = self.record is not None and self.record.is_multivalued
        if op.family in ("Bool", "Null") and len(values) > 1 and not (op.qualifier or multivalued):
            yield self.finding(
                Severity.ERROR,
                "INVALID_CONDITION_MULTIPLE_BOOLEAN",
                f"{quote(entry.key)} has {len(values)} values under {op.text}, which takes "
                f"one Boolean value: true or false. Keep the one you mean.",
            )
            return
        type_ok = yield from self._key_type()
        for located in values:
            if "${" in str(located.value):
                yield from self._variables(located)
                if located.pointer in self.flagged or ctx.reported(located.pointer):
                    continue
            if not type_ok:
                continue
            finding = self._value(located)
            if finding is not None:
                self.flagged.add(located.pointer)
                yield finding
                continue
            yield from self._key_value(located)
        if type_ok:
            yield from self._entry_level(values)

    # key type ---------------------------------------------------------------------------------
    def _key_type(self) -> Generator[Finding, None, bool]:
        """Operator vs key findings; returns whether the values are worth checking."""
        op, record, entry = self.op, self.record, self.entry
        key = quote(entry.key)
        if record is None or op.family == "Null":
            return True
        key_type = record.type.removeprefix("ArrayOf")
        allowed = _COMPATIBLE.get(key_type)
        if allowed is not None and self.key_lower in _DATE_AND_NUMERIC_KEYS:
            allowed = allowed | {"Numeric"}
        if allowed is not None and op.family not in allowed:
            yield self.finding(
                Severity.WARNING,
                "TYPE_MISMATCH",
                f"{key} has type {record.type}, but {op.text} compares {op.family} values, so "
                f"the comparison does not work as intended. Use an operator for {key_type} "
                f"values, such as {_EXAMPLE_OPERATOR.get(key_type, key_type)}.",
                key=True,
            )
            return False
        statement = self.state.statement
        if op.qualifier == "ForAllValues" and not record.is_multivalued:
            yield self.finding(
                Severity.SECURITY_WARNING,
                "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                f"{key} is single-valued, and ForAllValues is also true when the key is "
                f"absent from the request, so {op.text} can allow more than intended. Remove "
                f"the ForAllValues: prefix.",
                key=True,
            )
        elif op.qualifier == "ForAnyValue" and not record.is_multivalued:
            yield self.finding(
                Severity.WARNING,
                "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
                f"{key} is single-valued; ForAnyValue is meant for multivalued keys (type "
                f"ArrayOf...). Remove the ForAnyValue: prefix to say what the condition does.",
                key=True,
            )
        elif op.qualifier is None and record.is_multivalued:
            yield self.finding(
                Severity.ERROR,
                "MISSING_QUALIFIER",
                f"{key} is multivalued ({record.type}): a request can carry several values, "
                f"so {op.text} needs ForAllValues: (every request value must be listed) or "
                f"ForAnyValue: (at least one must be).",
                key=True,
                marks=False,
            )
        elif self.key_lower in self.state.never_present:
            pass  # a Null check would not help: reported as unsupported by the actions
        elif (
            op.qualifier == "ForAllValues"
            and statement.is_allow
            and self.key_lower not in self.state.null_false
        ):
            yield self.finding(
                Severity.WARNING,
                "FORALLVALUES_ALLOW_WITHOUT_NULL_CHECK",
                f"ForAllValues is true when {key} is absent from the request, so this Allow "
                f"also applies to requests without it. If the key must be present, add "
                f'"Null": {{{key}: "false"}} to this statement.',
                key=True,
            )
        elif (
            op.qualifier == "ForAnyValue"
            and statement.is_deny
            and not op.if_exists
            and self.key_lower not in self.checker.deny_null_true
        ):
            yield self.finding(
                Severity.WARNING,
                "FORANYVALUE_DENY_WITHOUT_NULL_CHECK",
                f"ForAnyValue is false when {key} is absent from the request, so this Deny "
                f"does not apply to requests without it. If those must be denied too, add a "
                f'Deny statement with "Null": {{{key}: "true"}}.',
                key=True,
            )
        if op.base in ("StringLike", "StringNotLike") and key_type == "ARN":
            yield self.finding(
                Severity.SECURITY_WARNING,
                "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
                f"{key} is an ARN key. With {op.base}, a * can span the colons between ARN "
                f"fields (account, Region, resource), while "
                f"{'ArnLike' if op.base == 'StringLike' else 'ArnNotLike'} matches each field "
                f"separately. Use the ARN operator.",
                key=True,
            )
        return True

    # variables --------------------------------------------------------------------------------
    def _variables(self, located: LocatedScalar) -> Iterator[Finding]:
        ctx, op, pointer = self.ctx, self.op, located.pointer
        text = str(located.value)
        if op.family not in ("String", "ARN"):
            self.flagged.add(pointer)
            yield ctx.finding(
                Severity.ERROR,
                "INVALID_VARIABLE_FOR_OPERATOR",
                f"{quote(text)} contains a policy variable, but {op.text} is not a String or "
                f"ARN operator, and only those take variables. Write the value itself.",
                pointer,
            )
            return
        if not version_allows_variables(ctx):
            self.flagged.add(pointer)
            if ctx.first_time("VARIABLE_UNSUPPORTED_IN_VERSION"):
                yield version_finding(ctx, pointer)
            return
        found = list(check_variables(ctx, text, pointer, self.state.services))
        if found:
            self.flagged.add(pointer)
            yield from found

    # one value --------------------------------------------------------------------------------
    def _value(self, located: LocatedScalar) -> Finding | None:
        """A value that does not fit the operator, or None."""
        family, value, pointer = self.op.family, located.value, located.pointer
        if family == "String":
            return self._wildcard(located)
        if family == "ARN":
            return self._wildcard(located)
        if family == "Numeric":
            if _kind(value) == "number" or (isinstance(value, str) and _NUMBER.match(value)):
                return None
            return self.ctx.finding(
                Severity.WARNING,
                "TYPE_MISMATCH_NUMBER",
                f"{_shown(value)} is not a number, which {self.op.text} needs (for example "
                f"3600 or 1.5).",
                pointer,
                marks=True,
            )
        if family == "Date":
            return self._date(located)
        if family in ("Bool", "Null"):
            return self._boolean(located)
        if family == "Binary":
            if isinstance(value, str) and value and _BASE64.match(value):
                return None
            return self.ctx.finding(
                Severity.WARNING,
                "TYPE_MISMATCH_STRING",
                f"{_shown(value)} is not base64-encoded, which BinaryEquals needs.",
                pointer,
                marks=True,
            )
        if family == "IP":
            return self._ip(located)
        return None

    def _wildcard(self, located: LocatedScalar) -> Finding | None:
        op, value = self.op, located.value
        if op.is_like or not isinstance(value, str) or not has_wildcard(_without_variables(value)):
            return None
        like_base = _LIKE_OF[op.base]
        like = op.text.replace(op.base, like_base, 1)
        if op.family == "ARN":
            # ArnEquals and ArnLike behave the same, so the rename changes nothing but clarity.
            return self.ctx.finding(
                Severity.WARNING,
                "WILDCARD_WITHOUT_LIKE_OPERATOR",
                f"{quote(value)} has a wildcard (* or ?). {op.base} matches wildcards just as "
                f"{like_base} does, but {like_base} says so: use {quote(like)}.",
                located.pointer,
                fix=_rename(
                    self.ctx, self.entry.operator_pointer, like, f"rename {op.text} to {like}"
                ),
            )
        case_note = " (which is case-sensitive)" if "IgnoreCase" in op.base else ""
        return self.ctx.finding(
            Severity.WARNING,
            "WILDCARD_WITHOUT_LIKE_OPERATOR",
            f"{quote(value)} has * or ?, which {op.base} compares as literal characters. If "
            f"you meant a wildcard, use {quote(like)}{case_note}.",
            located.pointer,
        )

    def _date(self, located: LocatedScalar) -> Finding | None:
        value, pointer = located.value, located.pointer
        kind = _date_kind(value)
        if kind == "ok":
            return None
        if kind == "bad":
            return self.ctx.finding(
                Severity.WARNING,
                "TYPE_MISMATCH_DATE",
                f"{_shown(value)} is not a date, which {self.op.text} needs: use YYYY-MM-DD or "
                f"another ISO 8601 date/time such as 2025-01-31T12:00:00Z.",
                pointer,
                marks=True,
            )
        if self.key_lower in _DATE_AND_NUMERIC_KEYS:
            return None  # aws:EpochTime is epoch seconds by definition
        if kind == "epoch":
            detail = f"is read as Unix epoch seconds{_epoch_text(value)}, which"
        else:
            detail = "is not in the YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ form, so it"
        return self.ctx.finding(
            Severity.WARNING,
            "INVALID_DATE_VALUE",
            f"{_shown(value)} {detail} might not resolve to the time you expect. Use "
            f"YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (ISO 8601).",
            pointer,
        )

    def _boolean(self, located: LocatedScalar) -> Finding | None:
        value, pointer = located.value, located.pointer
        null = self.op.family == "Null"
        if isinstance(value, bool) or value in ("true", "false"):
            return None
        meaning = (
            'Null takes "true" (the key is absent) or "false" (it is present)'
            if null
            else f"{self.op.text} takes true or false"
        )
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return self.ctx.finding(
                Severity.WARNING,
                "TYPE_MISMATCH_BOOLEAN",
                f"{meaning}; write {quote(value)} in lower case, as {quote(value.lower())}.",
                pointer,
                marks=True,
                suggestion=value.lower(),
                fix=self.ctx.replace_value(pointer, value.lower(), f"write {value.lower()}"),
            )
        return self.ctx.finding(
            Severity.WARNING,
            "TYPE_MISMATCH_BOOLEAN",
            f"{_shown(value)} is not a Boolean value: {meaning}.",
            pointer,
            marks=True,
        )

    def _ip(self, located: LocatedScalar) -> Finding | None:
        value, pointer = located.value, located.pointer
        parsed = _ip_network(value) if isinstance(value, str) else None
        if parsed is None:
            return self.ctx.finding(
                Severity.ERROR,
                "TYPE_MISMATCH_IP_RANGE",
                f"{_shown(value)} is not an IP address or CIDR range, which {self.op.text} "
                f"needs (for example 203.0.113.0/24 or 2001:db8::/32).",
                pointer,
            )
        network, host_bits = parsed
        if host_bits:
            return self.ctx.finding(
                Severity.SUGGESTION,
                "IMPROVE_IP_RANGE",
                f"{quote(str(value))} has bits set after the /{network.prefixlen} mask, which "
                f"are ignored: the range is {network}. Write {quote(str(network))}.",
                pointer,
                suggestion=str(network),
                fix=self.ctx.replace_value(pointer, str(network), f"write {network}"),
            )
        return None

    def _key_value(self, located: LocatedScalar) -> Iterator[Finding]:
        """Checks that depend on the key: VPC and VPC endpoint IDs, Regions."""
        op, value = self.op, located.value
        if op.family != "String" or not isinstance(value, str) or "${" in value:
            return
        if has_wildcard(value) and not op.is_like:
            return  # reported as a wildcard without Like
        key = self.key_lower
        if key in ("aws:sourcevpc", "aws:sourcevpce") and not has_wildcard(value):
            vpce = key == "aws:sourcevpce"
            if not (_VPCE if vpce else _VPC).match(value):
                yield self.ctx.finding(
                    Severity.ERROR,
                    "INVALID_VPCE_FORMAT" if vpce else "INVALID_VPC_FORMAT",
                    f"{quote(value)} is not a VPC {'endpoint ' if vpce else ''}ID: "
                    f"{self.entry.key} takes IDs such as "
                    f"{'vpce-1a2b3c4d' if vpce else 'vpc-1a2b3c4d'} ("
                    f"{'vpce-' if vpce else 'vpc-'} and 8 or 17 letters and digits).",
                    located.pointer,
                )
        elif key == "aws:requestedregion":
            yield from self._region(located, value)

    def _region(self, located: LocatedScalar, value: str) -> Iterator[Finding]:
        catalog = self.ctx.catalog
        regions = list(catalog.regions)
        ignore_case = "IgnoreCase" in self.op.base
        if has_wildcard(value):
            regex = glob_regex(value, ignore_case=False)
            if any(regex.match(r) for r in regions):
                return
            message = f"{quote(value)} matches no AWS Region code (such as us-west-2)."
            candidates: list[str] = []
        else:
            if catalog.is_region(value.lower() if ignore_case else value):
                return
            candidates = closest(value.lower(), regions, 3)
            message = (
                f"{quote(value)} is not an AWS Region code (such as us-west-2), so "
                f"aws:RequestedRegion never has this value.{_did_you_mean(candidates)}"
            )
        yield self.ctx.finding(
            Severity.ERROR,
            "INVALID_REGION",
            message,
            located.pointer,
            suggestion=candidates[0] if len(candidates) == 1 else None,
            fix=self.ctx.replace_value(located.pointer, candidates[0], f"write {candidates[0]}")
            if len(candidates) == 1
            else None,
        )

    # the whole entry --------------------------------------------------------------------------
    def _entry_level(self, values: list[LocatedScalar]) -> Iterator[Finding]:
        op = self.op
        good = [v for v in values if v.pointer not in self.flagged]
        if op.family == "IP" and self.key_lower == "aws:sourceip":
            yield from self._private(values)
        if op.base == "StringLike" and any(
            isinstance(v.value, str) and _ONLY_STARS.match(v.value) for v in good
        ):
            yield self._redundant_wildcard()

    def _private(self, values: list[LocatedScalar]) -> Iterator[Finding]:
        networks = [_ip_network(str(v.value)) for v in values]
        private = [n is not None and _is_private(n[0]) for n in networks]
        if not any(private) or any(n is None for n in networks):
            return
        negated = self.op.negated
        key = quote(self.entry.key)
        if all(private):
            if not negated and not self.op.if_exists and self.op.qualifier is None:
                self.state.dead_reason = True
            effect = "always true, so it excludes nothing" if negated else "never true"
            yield self.finding(
                Severity.ERROR,
                "PRIVATE_NOT_IP_ADDRESS" if negated else "PRIVATE_IP_ADDRESS",
                f"{key} is only ever a public address: requests from private addresses "
                f"(for example through a VPC endpoint) do not carry it. Every range here is "
                f"private, so this condition is {effect}. List public ranges, or use "
                f"aws:VpcSourceIp for private ones.",
            )
            return
        shown = ", ".join(quote(str(v.value)) for v, p in zip(values, private, strict=True) if p)
        yield self.finding(
            Severity.SUGGESTION,
            "PRIVATE_NOT_IP_ADDRESS_SUBSET" if negated else "PRIVATE_IP_ADDRESS_SUBSET",
            f"{key} is only ever a public address, so the private ranges here ({shown}) "
            f"{'exclude' if negated else 'match'} nothing. Remove them, or use aws:VpcSourceIp "
            f"for private ranges.",
        )

    def _redundant_wildcard(self) -> Finding:
        op, key = self.op, quote(self.entry.key)
        if op.if_exists or op.qualifier == "ForAllValues":
            what = "is true for every request"
            advice = "Remove the key"
        else:
            what = "matches every value, so it only tests that the key is present"
            advice = f'Remove it, or write "Null": {{{key}: "false"}} if presence is the point'
        return self.finding(
            Severity.SUGGESTION,
            "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
            f'{op.text} with the value "*" {what}. {advice}.',
            key=True,
        )


@register("conditions")
def conditions(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.document is None:
        return
    yield from _ConditionChecker(ctx).run()
