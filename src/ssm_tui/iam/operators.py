"""Condition operators, one table: what each means, which keys it fits, how it compares.

Source: IAM User Guide, "IAM JSON policy elements: Condition operators"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
and, for the set qualifiers, "Creating a condition with multiple keys or values"
(reference_policies_multi-value-conditions).  In short:
- 27 base operators in 8 families; `IfExists` may follow any of them but Null; the set
  qualifiers `ForAllValues:` and `ForAnyValue:` may precede any.  Operator names are
  case-sensitive (IAM refuses `stringEquals`: "MalformedPolicyDocument: Invalid Condition
  type", ministryofjustice/modernisation-platform-environments#8893), so a misspelled
  operator is no operator and its condition is never true.
- Only String and ARN operators take policy variables.
- String operators also work on ARN keys (ARN operators match field by field); aws:EpochTime
  is compared with Date or Numeric operators.
- ArnEquals and ArnLike "behave identically" (both take wildcards), as do their negations.
- Values: Numeric takes an integer or decimal, Date a W3C ISO 8601 date or epoch seconds,
  Bool and Null true or false (case-insensitive, see values.parse_bool), BinaryEquals base64,
  IpAddress CIDR (a bare address is /32).  A value that does not parse matches nothing.
- A key missing from the request: a positive operator is false, a negated one true,
  `...IfExists` true, ForAllValues true, ForAnyValue false; Null is true for "true".  Null
  with ForAllValues is always true and with ForAnyValue always false (Access Analyzer,
  NULL_WITH_QUALIFIER).

The validator's operator, key-type and value checks and the simulator's condition evaluation
both read this module, so they cannot disagree.
"""

from __future__ import annotations

import operator as compare
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from ssm_tui.iam.arn import arn_like, split_arn
from ssm_tui.iam.catalog import ConditionKey, closest
from ssm_tui.iam.glob import pattern_regex
from ssm_tui.iam.values import (
    parse_base64,
    parse_bool,
    parse_date,
    parse_ip_address,
    parse_ip_range,
    parse_number,
    text_of,
)
from ssm_tui.iam.variables import Resolve, Unresolved, substitute

QUALIFIERS = ("ForAllValues:", "ForAnyValue:")
IF_EXISTS = "IfExists"


def _date_seconds(value: object) -> Decimal | None:
    parsed = parse_date(value)
    return parsed.seconds if parsed is not None else None


@dataclass(frozen=True, slots=True)
class Family:
    """A family of operators: the key types it fits and how it reads a value."""

    name: str
    # Catalogue key types (without ArrayOf) the family fits; None: every key (Null).
    key_types: frozenset[str] | None
    takes_variables: bool
    # A policy or request value as the family reads it, or None when it is not one.
    parse: Callable[[object], Any]


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family("String", frozenset({"String", "ARN"}), True, text_of),
        Family("Numeric", frozenset({"Numeric"}), False, parse_number),
        Family("Date", frozenset({"Date"}), False, _date_seconds),
        Family("Bool", frozenset({"Bool"}), False, parse_bool),
        Family("Binary", frozenset({"Binary"}), False, parse_base64),
        Family("IP", frozenset({"IPAddress"}), False, parse_ip_range),
        Family("ARN", frozenset({"ARN"}), True, text_of),
        Family("Null", None, False, parse_bool),
    )
}
# aws:EpochTime has the type Date but is epoch seconds: Date or Numeric operators fit.
DATE_AND_NUMERIC_KEYS = frozenset({"aws:epochtime"})
# An operator that fits each key type, for messages.
EXAMPLE_OPERATOR = {
    "String": "StringEquals",
    "ARN": "ArnLike",
    "Numeric": "NumericEquals",
    "Date": "DateGreaterThan",
    "Bool": "Bool",
    "IPAddress": "IpAddress",
    "Binary": "BinaryEquals",
}

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": compare.eq,
    "NotEquals": compare.eq,
    "LessThan": compare.lt,
    "LessThanEquals": compare.le,
    "GreaterThan": compare.gt,
    "GreaterThanEquals": compare.ge,
}


@dataclass(frozen=True, slots=True)
class BaseOperator:
    """One of the 27 base operators."""

    name: str
    family: Family
    negated: bool = False
    wildcards: bool = False  # * and ? match (StringLike and every ARN operator)
    ignore_case: bool = False
    order: str = "Equals"  # for Numeric and Date: Equals, LessThan, ...

    @property
    def like_name(self) -> str | None:
        """The Like operator to use for wildcards in an Equals operator's value."""
        if self.family.name not in ("String", "ARN") or self.name.endswith("Like"):
            return None
        head = "ArnNot" if self.name.startswith("ArnNot") else "Arn"
        if self.family.name == "String":
            head = "StringNot" if self.negated else "String"
        return head + "Like"


def _bases() -> dict[str, BaseOperator]:
    string, arn = FAMILIES["String"], FAMILIES["ARN"]
    rows = [
        BaseOperator("StringEquals", string),
        BaseOperator("StringNotEquals", string, negated=True),
        BaseOperator("StringEqualsIgnoreCase", string, ignore_case=True),
        BaseOperator("StringNotEqualsIgnoreCase", string, negated=True, ignore_case=True),
        BaseOperator("StringLike", string, wildcards=True),
        BaseOperator("StringNotLike", string, negated=True, wildcards=True),
    ]
    for family in (FAMILIES["Numeric"], FAMILIES["Date"]):
        rows.extend(
            BaseOperator(family.name + order, family, negated=order == "NotEquals", order=order)
            for order in _ORDER
        )
    rows += [
        BaseOperator("Bool", FAMILIES["Bool"]),
        BaseOperator("BinaryEquals", FAMILIES["Binary"]),
        BaseOperator("IpAddress", FAMILIES["IP"]),
        BaseOperator("NotIpAddress", FAMILIES["IP"], negated=True),
        BaseOperator("ArnEquals", arn, wildcards=True),
        BaseOperator("ArnLike", arn, wildcards=True),
        BaseOperator("ArnNotEquals", arn, negated=True, wildcards=True),
        BaseOperator("ArnNotLike", arn, negated=True, wildcards=True),
        BaseOperator("Null", FAMILIES["Null"]),
    ]
    return {row.name: row for row in rows}


BASE_OPERATORS: dict[str, BaseOperator] = _bases()
VALID_OPERATORS: tuple[str, ...] = tuple(
    qualifier + base + suffix
    for qualifier in ("", *QUALIFIERS)
    for base in BASE_OPERATORS
    for suffix in ("", IF_EXISTS)
    if not (base == "Null" and suffix)
)
_VALID_LOWER = {op.lower(): op for op in VALID_OPERATORS}


@dataclass(frozen=True, slots=True)
class Operator:
    """An operator as written: a base operator, a set qualifier, IfExists."""

    text: str
    spec: BaseOperator
    qualifier: str | None  # "ForAllValues" or "ForAnyValue"
    if_exists: bool

    @property
    def base(self) -> str:
        return self.spec.name

    @property
    def family(self) -> str:
        return self.spec.family.name

    @property
    def negated(self) -> bool:
        return self.spec.negated

    @property
    def is_like(self) -> bool:
        """Named ...Like (ArnEquals takes wildcards too, but does not say so)."""
        return self.base.endswith("Like")

    @property
    def takes_variables(self) -> bool:
        return self.spec.family.takes_variables

    @property
    def null_with_qualifier(self) -> bool:
        """Null under ForAllValues (always true) or ForAnyValue (always false)."""
        return self.base == "Null" and self.qualifier is not None

    def when_missing(self, values: Iterable[object]) -> bool | None:
        """What the condition is for a request without the key, given the policy values
        (None: it cannot be told, as for a Null value that is not true or false)."""
        if self.base == "Null":
            if self.qualifier is not None:
                return self.qualifier == "ForAllValues"
            verdicts = [parse_bool(v) for v in values]
            if not verdicts or None in verdicts:
                return None
            return any(verdicts)
        if self.if_exists or self.qualifier == "ForAllValues":
            return True
        if self.qualifier == "ForAnyValue":
            return False
        return self.negated


def split_operator(text: str) -> tuple[str | None, str, bool]:
    """(qualifier, base name, IfExists) of an operator text, whether valid or not."""
    qualifier = None
    rest = text
    for prefix in QUALIFIERS:
        if text.startswith(prefix):
            qualifier, rest = prefix[:-1], text[len(prefix) :]
            break
    if rest.endswith(IF_EXISTS):
        return qualifier, rest[: -len(IF_EXISTS)], True
    return qualifier, rest, False


@lru_cache(maxsize=1024)
def parse_operator(text: str) -> Operator | None:
    """The operator, or None when it is not a valid operator (NullIfExists included;
    names are case-sensitive)."""
    qualifier, base, if_exists = split_operator(text)
    spec = BASE_OPERATORS.get(base)
    if spec is None or (base == "Null" and if_exists):
        return None
    return Operator(text, spec, qualifier, if_exists)


@lru_cache(maxsize=1024)
def operator_candidates(text: str) -> tuple[str, ...]:
    """Valid operators close to an invalid one: the case-insensitive match if there is one."""
    exact = _VALID_LOWER.get(text.strip().lower())
    if exact is not None:
        return (exact,)
    return tuple(closest(text.strip(), VALID_OPERATORS, 3))


# --- operators and keys -----------------------------------------------------------------------


class Misfit(Enum):
    """Why an operator does not fit a key (Access Analyzer's codes in comments)."""

    TYPE = "type"  # TYPE_MISMATCH: the family does not compare the key's type
    FORALL_SINGLE = "forall-single"  # FORALLVALUES_WITH_SINGLE_VALUED_KEY
    FORANY_SINGLE = "forany-single"  # FORANYVALUE_WITH_SINGLE_VALUED_KEY
    NO_QUALIFIER = "no-qualifier"  # MISSING_QUALIFIER: a multivalued key without one
    STRING_LIKE_ARN = "string-like-arn"  # STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS


def key_type(record: ConditionKey) -> str:
    """The key's type without ArrayOf (String, ARN, Numeric, Date, Bool, IPAddress...)."""
    return record.type.removeprefix("ArrayOf")


def fits_type(family: Family, record: ConditionKey) -> bool:
    """Whether the family compares values of the key's type (a type the table does not
    know is not judged)."""
    if family.key_types is None:
        return True
    kind = key_type(record)
    if not any(kind in f.key_types for f in FAMILIES.values() if f.key_types is not None):
        return True
    if family.name == "Numeric" and record.key.lower() in DATE_AND_NUMERIC_KEYS:
        return True
    return kind in family.key_types


def misfits(op: Operator, record: ConditionKey) -> tuple[Misfit, ...]:
    """What is wrong with `op` on the key, in the order the validator reports it; a type
    misfit comes alone (the rest is then moot).  Null fits every key."""
    if op.base == "Null":
        return ()
    if not fits_type(op.spec.family, record):
        return (Misfit.TYPE,)
    found: list[Misfit] = []
    if op.qualifier == "ForAllValues" and not record.is_multivalued:
        found.append(Misfit.FORALL_SINGLE)
    elif op.qualifier == "ForAnyValue" and not record.is_multivalued:
        found.append(Misfit.FORANY_SINGLE)
    elif op.qualifier is None and record.is_multivalued:
        found.append(Misfit.NO_QUALIFIER)
    if op.base in ("StringLike", "StringNotLike") and key_type(record) == "ARN":
        found.append(Misfit.STRING_LIKE_ARN)
    return tuple(found)


def _offer_rank(op: Operator, record: ConditionKey) -> tuple[int, int, int, int]:
    own = op.family == ("IP" if key_type(record) == "IPAddress" else key_type(record))
    names = list(BASE_OPERATORS)
    return (
        op.base == "Null",
        op.if_exists,
        not own,
        names.index(op.base) * 3 + ("ForAnyValue", None, "ForAllValues").index(op.qualifier),
    )


def operators_for(record: ConditionKey) -> tuple[str, ...]:
    """Every operator the validator accepts on the key with no operator, key-type or
    qualifier finding: the key's own family first, IfExists forms next, Null last."""
    fitting = [
        op
        for text in VALID_OPERATORS
        if (op := parse_operator(text)) is not None
        and not op.null_with_qualifier
        and not misfits(op, record)
    ]
    fitting.sort(key=lambda op: _offer_rank(op, record))
    return tuple(op.text for op in fitting)


# --- evaluation -------------------------------------------------------------------------------


def arn_match(pattern: str, value: str, resolve: Resolve | None) -> bool:
    """ArnLike: each of the six fields matched separately, case-sensitively, with wildcards
    and (with `resolve`) policy variables; an unresolved variable matches nothing."""
    if resolve is None or "${" not in pattern:
        return arn_like(pattern, value)
    pattern_fields = split_arn(pattern)
    value_fields = split_arn(value)
    if len(pattern_fields) != 6 or len(value_fields) != 6:
        return False
    try:
        return all(
            pattern_regex(p, resolve=resolve).match(v) is not None
            for p, v in zip(pattern_fields, value_fields, strict=True)
        )
    except Unresolved:
        return False


def _string_matches(spec: BaseOperator, policy: str, value: str, resolve: Resolve | None) -> bool:
    try:
        if spec.wildcards:
            return pattern_regex(policy, resolve=resolve).match(value) is not None
        text = substitute(policy, resolve) if resolve is not None else policy
    except Unresolved:
        return False
    if spec.ignore_case:
        return text.casefold() == value.casefold()
    return text == value


def value_matches(
    spec: BaseOperator, policy_value: object, request_value: str, resolve: Resolve | None
) -> bool:
    """Does one request value match one policy value (before negation)?  `resolve` reads
    policy variables (None: the policy's Version has none, `${...}` is literal text)."""
    family = spec.family.name
    if family == "String":
        return _string_matches(spec, text_of(policy_value), request_value, resolve)
    if family == "ARN":
        return arn_match(text_of(policy_value), request_value, resolve)
    if family == "IP":
        policy_range = parse_ip_range(policy_value)
        address = parse_ip_address(request_value)
        if policy_range is None or address is None:
            return False
        network = policy_range.network
        return address.version == network.version and address in network
    parse = spec.family.parse
    left, right = parse(request_value), parse(policy_value)
    if left is None or right is None:
        return False
    if family in ("Numeric", "Date"):
        return _ORDER[spec.order](left, right)
    return bool(left == right)


def condition_true(
    op: Operator,
    policy_values: Sequence[object],
    request_values: Sequence[str] | None,
    resolve: Resolve | None,
) -> bool:
    """One key of one operator: is it true for a request with these values of the key
    (None or empty: the request does not have the key)?"""
    if op.base == "Null":
        if op.qualifier is not None:
            return op.qualifier == "ForAllValues"
        absent = not request_values
        return any(parse_bool(p) is absent for p in policy_values)
    if not request_values:
        return bool(op.when_missing(policy_values))
    spec = op.spec

    def value_ok(value: str) -> bool:
        matched = any(value_matches(spec, p, value, resolve) for p in policy_values)
        return not matched if spec.negated else matched

    if op.qualifier == "ForAllValues":
        return all(value_ok(v) for v in request_values)
    if op.qualifier == "ForAnyValue":
        return any(value_ok(v) for v in request_values)
    if spec.negated:
        return all(value_ok(v) for v in request_values)
    return any(value_ok(v) for v in request_values)
