"""The validator and the simulator read condition values, operators and keys the same way.

For each operator family and generated values: validate() rejects a value (TYPE_MISMATCH_*)
exactly when simulate() cannot evaluate it (it then matches no request), and a value both
accept means the same to both (checked against independent readings: datetime, Decimal,
ipaddress, base64).  For catalogue keys and actions: the operators and keys ssm_tui.iam
offers (the TUI builder's lists) are exactly those the validator accepts.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GOOD_VALUE
from ssm_tui.access.simulate import Request, simulate
from ssm_tui.checks import Finding, validate
from ssm_tui.iam.catalog import ConditionKey, get_catalog
from ssm_tui.iam.keys import condition_keys_for, key_index
from ssm_tui.iam.operators import VALID_OPERATORS, operators_for, parse_operator
from ssm_tui.iam.variables import PLACEHOLDER

ACTION = "ssm:DescribeParameters"  # a List action on "*"
REJECTIONS = {
    "TYPE_MISMATCH_NUMBER",
    "TYPE_MISMATCH_DATE",
    "TYPE_MISMATCH_BOOLEAN",
    "TYPE_MISMATCH_STRING",
    "TYPE_MISMATCH_IP_RANGE",
}
# The findings that say an operator does not fit a key (the builder must not offer those).
OPERATOR_KEY_CODES = {
    "TYPE_MISMATCH",
    "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
    "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
    "MISSING_QUALIFIER",
    "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
    "NULL_WITH_QUALIFIER",
}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def document(operator: str, key: str, value: object) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ACTION,
                "Resource": "*",
                "Condition": {operator: {key: value}},
            }
        ],
    }


def rejection(operator: str, key: str, value: object) -> Finding | None:
    """The validator's finding that the value is not of the operator's type, if any.

    A Boolean in another case ("True") gets TYPE_MISMATCH_BOOLEAN with a lower-case fix:
    advice on the spelling of a value IAM reads, not a rejection."""
    pointer = f"/Statement/0/Condition/{operator}/{key}"
    for finding in validate(json.dumps(document(operator, key, value))).findings:
        if finding.code in REJECTIONS and finding.pointer.startswith(pointer):
            if finding.code == "TYPE_MISMATCH_BOOLEAN" and finding.suggestion is not None:
                continue
            return finding
    return None


def allowed(operator: str, key: str, value: object, values: list[str] | None) -> bool:
    """Does simulate() allow a request whose `key` has `values` (None: it has no key)?"""
    context = {} if values is None else {key: values}
    request = Request(action=ACTION, context=context)
    return simulate([document(operator, key, value)], request).allowed


# --- dates -----------------------------------------------------------------------------------

INSTANTS = st.datetimes(
    min_value=datetime(1000, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)
)


def w3c(moment: datetime) -> str:
    """A request time in full W3C form, to the microsecond."""
    # the year padded by hand: glibc's %Y writes year 999 (a microsecond before the earliest
    # instant drawn) as "999", which is no W3C date
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S.%f}Z"


def renderings(moment: datetime) -> list[tuple[object, datetime]]:
    """Every form IAM accepts for (a truncation of) the instant, with the instant it names."""
    year = moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    month = year.replace(month=moment.month)
    day = month.replace(day=moment.day)
    minute = moment.replace(second=0, microsecond=0)
    second = moment.replace(microsecond=0)
    east = timezone_rendering(second, 5, 30)
    epoch = int((second - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())
    forms: list[tuple[object, datetime]] = [
        (f"{year:%Y}", year),
        (f"{month:%Y-%m}", month),
        (f"{day:%Y-%m-%d}", day),
        (f"{minute:%Y-%m-%dT%H:%MZ}", minute),
        (f"{second:%Y-%m-%dT%H:%M:%SZ}", second),
        (w3c(moment), moment),
        (east, second),
        (f"{second:%Y-%m-%dT%H:%M:%S}", second),  # no zone: read as UTC (with a warning)
        (epoch, second),  # a JSON number: epoch seconds
    ]
    if len(str(abs(epoch))) != 4:  # a four-digit text is a year in the W3C profile
        forms.append((str(epoch), second))
    return forms


def timezone_rendering(moment: datetime, hours: int, minutes: int) -> str:
    local = moment + timedelta(hours=hours, minutes=minutes)
    return f"{local:%Y-%m-%dT%H:%M:%S}+{hours:02d}:{minutes:02d}"


@SETTINGS
@given(INSTANTS)
def test_every_accepted_date_form_means_its_instant(moment: datetime) -> None:
    for value, instant in renderings(moment):
        assert rejection("DateLessThan", "aws:CurrentTime", value) is None, value
        before = w3c(instant - timedelta(microseconds=1))
        assert allowed("DateLessThan", "aws:CurrentTime", value, [before]), value
        assert not allowed("DateLessThan", "aws:CurrentTime", value, [w3c(instant)]), value
        assert allowed("DateGreaterThanEquals", "aws:CurrentTime", value, [w3c(instant)])
        assert allowed("DateEquals", "aws:CurrentTime", value, [w3c(instant)]), value


def test_the_issue_example() -> None:
    value, now = "2030-06", ["2025-01-01T00:00:00Z"]
    assert rejection("DateLessThan", "aws:CurrentTime", value) is None
    text = json.dumps(document("DateLessThan", "aws:CurrentTime", value))
    assert [f.code for f in validate(text).findings] == []
    assert allowed("DateLessThan", "aws:CurrentTime", value, now)
    assert not allowed("DateLessThan", "aws:CurrentTime", value, ["2030-06-01T00:00:00Z"])


DATE_TEXTS = st.one_of(
    st.text(alphabet="0123456789-:TZ+. ", max_size=26),
    st.from_regex(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?)?)?",
                  fullmatch=True),
    st.sampled_from(["soon", "2030-13-01", "2030-02-30", " 2030", "1e9", "2030-06-15T10:20"]),
)  # fmt: skip


@SETTINGS
@given(DATE_TEXTS)
def test_a_date_is_rejected_exactly_when_it_cannot_be_evaluated(value: str) -> None:
    evaluable = allowed("DateEquals", "aws:CurrentTime", value, [value]) or allowed(
        "DateEquals", "aws:CurrentTime", value, [reference_time(value)]
    )
    assert (rejection("DateEquals", "aws:CurrentTime", value) is None) == evaluable, value


def reference_time(value: str) -> str:
    """The instant a date text names, read independently (datetime), as a request time; a
    placeholder when it names none."""
    for layout in ("%Y", "%Y-%m", "%Y-%m-%d"):
        try:
            return w3c(datetime.strptime(value, layout).replace(tzinfo=UTC))
        except ValueError:
            pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return "2000-01-01T00:00:00Z"
    return w3c(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


# --- numbers ---------------------------------------------------------------------------------

NUMBER_TEXTS = st.one_of(
    st.from_regex(r"[+-]?(\d{1,8}(\.\d{0,4})?|\.\d{1,4})", fullmatch=True),
    st.text(alphabet="0123456789+-.eE _xnaif", max_size=8),
    st.sampled_from(["1e5", "nan", "inf", " 12 ", "1_000", "0x10", "Infinity", "١٢"]),
)
NUMBERS = st.one_of(
    NUMBER_TEXTS,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


def oracle_number(value: object) -> Decimal | None:
    """An independent reading: JSON numbers, and texts of ASCII digits, sign and point."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(repr(value))
    text = str(value)
    body = text.lstrip("+-") if text[:1] in "+-" else text
    if not body or body == "." or not all(c in "0123456789." for c in body):
        return None
    if body.count(".") > 1:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@SETTINGS
@given(NUMBERS)
def test_a_number_is_rejected_exactly_when_it_cannot_be_evaluated(value: object) -> None:
    expected = oracle_number(value)
    rejected = rejection("NumericEquals", "aws:MultiFactorAuthAge", value) is not None
    assert rejected == (expected is None), value
    request = format(expected, "f") if expected is not None else str(value)
    assert allowed("NumericEquals", "aws:MultiFactorAuthAge", value, [request]) == (not rejected)


VALID_NUMBERS = st.one_of(
    st.from_regex(r"[+-]?([0-9]{1,8}(\.[0-9]{0,4})?|\.[0-9]{1,4})", fullmatch=True),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


@SETTINGS
@given(VALID_NUMBERS, VALID_NUMBERS)
def test_numbers_compare_as_decimals(policy: object, request: object) -> None:
    left, right = oracle_number(request), oracle_number(policy)
    assert left is not None and right is not None
    values = [format(left, "f")]
    assert allowed("NumericLessThan", "aws:MultiFactorAuthAge", policy, values) == (left < right)
    assert allowed("NumericEquals", "aws:MultiFactorAuthAge", policy, values) == (left == right)


# --- Booleans, Null, binary, IP ----------------------------------------------------------------

BOOLEANS = st.one_of(
    st.booleans(),
    st.sampled_from(["true", "false", "True", "FALSE", "tRuE", " true", "true ", "yes", "1", ""]),
    st.text(alphabet="trueTRUEfalsFALS ", max_size=6),
)


@SETTINGS
@given(BOOLEANS)
def test_a_boolean_is_rejected_exactly_when_it_cannot_be_evaluated(value: object) -> None:
    reading = (
        value if isinstance(value, bool) else {"true": True, "false": False}.get(str(value).lower())
    )
    key = "aws:SecureTransport"
    assert (rejection("Bool", key, value) is None) == (reading is not None), value
    assert allowed("Bool", key, value, ["true"]) == (reading is True)
    assert allowed("Bool", key, value, ["FALSE"]) == (reading is False)
    null = "aws:TokenIssueTime"
    assert (rejection("Null", null, value) is None) == (reading is not None), value
    assert allowed("Null", null, value, None) == (reading is True)
    assert allowed("Null", null, value, ["2025-01-01T00:00:00Z"]) == (reading is False)


BINARY = st.one_of(
    st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode()),
    st.text(alphabet="QUJDRA+/=x! ", max_size=12),
    st.integers(0, 99),
)


def oracle_bytes(value: object) -> bytes | None:
    if not isinstance(value, str) or not value:
        return None
    # padded base64; trailing bits need not be zero ("AAD=" decodes as "AAA=" does, as
    # RFC 4648 decoders that do not reject non-canonical text read it)
    if len(value) % 4:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return None


@SETTINGS
@given(BINARY, st.binary(max_size=12))
def test_binary_values(value: object, other: bytes) -> None:
    key = "oidc.example.com:aud"  # no catalogue key has the Binary type
    reading = oracle_bytes(value)
    assert (rejection("BinaryEquals", key, value) is None) == (reading is not None), value
    assert allowed("BinaryEquals", key, value, [str(value)]) == (reading is not None)
    request = base64.b64encode(other).decode()
    assert allowed("BinaryEquals", key, value, [request]) == (reading == other)


IPV4 = st.ip_addresses(v=4)
IPV6 = st.ip_addresses(v=6)
IP_TEXTS = st.one_of(
    st.tuples(IPV4, st.integers(0, 32)).map(lambda p: f"{p[0]}/{p[1]}"),
    st.tuples(IPV6, st.integers(0, 128)).map(lambda p: f"{p[0]}/{p[1]}"),
    IPV4.map(str),
    st.text(alphabet="0123456789abcdef:./ ", max_size=20),
    st.sampled_from(["203.0.113.0/33", " 203.0.113.0/24", "10.0.0.0/255.0.0.0", "x"]),
)


def oracle_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if value != value.strip() or not value or "%" in value:
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


@SETTINGS
@given(IP_TEXTS, st.one_of(IPV4, IPV6))
def test_ip_values(value: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    network = oracle_network(value)
    if network is not None and "/" in value and not value.split("/")[1].isdigit():
        network = None  # a netmask after the slash is not CIDR
    assert (rejection("IpAddress", "aws:SourceIp", value) is None) == (network is not None), value
    inside = str(network.network_address) if network is not None else "203.0.113.1"
    assert allowed("IpAddress", "aws:SourceIp", value, [inside]) == (network is not None)
    expected = network is not None and address.version == network.version and address in network
    assert allowed("IpAddress", "aws:SourceIp", value, [str(address)]) == expected


# --- operators for keys, keys for actions ------------------------------------------------------


def as_written(record: ConditionKey) -> str:
    """A key as a policy writes it: a template's placeholder filled in."""
    return PLACEHOLDER.sub("Example", record.key)


def _service_records() -> list[tuple[ConditionKey, str]]:
    """(key, an action that supports it) for the keys of a few services, and global keys."""
    catalog = get_catalog()
    index = key_index(catalog)
    found: dict[str, tuple[ConditionKey, str]] = {}
    for service in ("ssm", "ec2", "s3", "iam", "kms", "lambda"):
        for action in catalog.actions(service).values():
            for key in index.listed_for(action):
                record = index.record(key, (service,))
                if record is not None:
                    found.setdefault(record.key.lower(), (record, action.full_name))
    for record in catalog.global_condition_keys.values():
        found.setdefault(record.key.lower(), (record, ACTION))
    return sorted(found.values(), key=lambda pair: pair[0].key)


RECORDS = _service_records()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(RECORDS))
def test_the_operators_offered_for_a_key_are_those_the_validator_accepts(
    pair: tuple[ConditionKey, str],
) -> None:
    record, action = pair
    key = as_written(record)
    condition: dict[str, Any] = {}
    for text in VALID_OPERATORS:
        op = parse_operator(text)
        assert op is not None
        condition[text] = {key: GOOD_VALUE[op.family]}
    statement = {"Effect": "Deny", "Action": action, "Resource": "*", "Condition": condition}
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    flagged = {
        f.pointer.split("/")[4].replace("~1", "/").replace("~0", "~")
        for f in validate(text).findings
        if f.code in OPERATOR_KEY_CODES
    }
    offered = set(operators_for(record))
    assert offered == set(VALID_OPERATORS) - flagged, record.key


ACTION_NAMES = sorted(
    action.full_name
    for service in ("ssm", "ec2", "s3", "kms")
    for action in get_catalog().actions(service).values()
)


def _unsupported(actions: list[str], keys: list[str]) -> set[str]:
    """The keys validate() reports as unsupported by some of the actions."""
    statement = {
        "Effect": "Allow",
        "Action": actions,
        "Resource": "*",
        "Condition": {"Null": dict.fromkeys(keys, "false")},
    }
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return {
        f.pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
        for f in validate(text).findings
        if f.code
        in (
            "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            "MISSING_ACTION_FOR_CONDITION_KEY",
            "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        )
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ACTION_NAMES), min_size=1, max_size=3, unique=True), st.data())
def test_the_keys_offered_for_actions_are_those_the_validator_accepts(
    actions: list[str], data: st.DataObject
) -> None:
    catalog = get_catalog()
    offered = condition_keys_for(catalog, actions)
    offered_keys = [as_written(r) for r in offered]
    assert _unsupported(actions, offered_keys) == set()
    # keys some action of these services lists, but not offered: each is reported
    index = key_index(catalog)
    lowered = {r.key.lower() for r in offered}
    others = sorted(
        {
            as_written(record)
            for service in {a.split(":")[0] for a in actions}
            for action in catalog.actions(service).values()
            for key in index.listed_for(action)
            if (record := index.record(key, (service,))) is not None
            and record.key.lower() not in lowered
        }
    )
    if others:
        sample = data.draw(st.lists(st.sampled_from(others), min_size=1, max_size=4, unique=True))
        assert _unsupported(actions, sample) == set(sample)


@pytest.mark.parametrize("actions", [["ssm:SendCommand"], ["ssm:SendCommand", "ssm:GetParameter"]])
def test_examples_of_offered_keys(actions: list[str]) -> None:
    offered = [as_written(r) for r in condition_keys_for(get_catalog(), actions)]
    assert "aws:SourceIp" in offered and _unsupported(actions, offered) == set()
