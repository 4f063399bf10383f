"""Value formats, each read once: what IAM reads in a policy value, or None."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ssm_tui.iam.catalog import get_catalog
from ssm_tui.iam.dates import describe_instant, parse_date
from ssm_tui.iam.values import (
    is_account_id,
    is_canonical_bool,
    is_instance_id,
    is_partition,
    is_region,
    is_vpc_endpoint_id,
    is_vpc_id,
    json_kind,
    parse_base64,
    parse_bool,
    parse_ip_address,
    parse_ip_range,
    parse_number,
    text_of,
)


def epoch(*parts: int) -> Decimal:
    return Decimal(int(datetime(*parts, tzinfo=UTC).timestamp()))  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "seconds", "form"),
    [
        ("2030", epoch(2030, 1, 1), "w3c"),  # a year, not 2030 epoch seconds
        ("2030-06", epoch(2030, 6, 1), "w3c"),
        ("2030-06-15", epoch(2030, 6, 15), "w3c"),
        ("2030-06-15T10:20Z", epoch(2030, 6, 15, 10, 20), "w3c"),
        ("2030-06-15T10:20:30Z", epoch(2030, 6, 15, 10, 20, 30), "w3c"),
        ("2030-06-15T10:20:30.25Z", epoch(2030, 6, 15, 10, 20, 30) + Decimal("0.25"), "w3c"),
        ("2030-06-15T12:20:30+02:00", epoch(2030, 6, 15, 10, 20, 30), "w3c"),
        ("2030-06-15T08:20:30-02:00", epoch(2030, 6, 15, 10, 20, 30), "w3c"),
        ("2016-12-31T23:59:60Z", epoch(2017, 1, 1), "w3c"),  # a leap second
        ("1735689600", epoch(2025, 1, 1), "epoch"),
        (1735689600, epoch(2025, 1, 1), "epoch"),
        ("-86400", epoch(1969, 12, 31), "epoch"),
        (1.5, Decimal("1.5"), "epoch"),
        ("2030-06-15T10:20:30", epoch(2030, 6, 15, 10, 20, 30), "iso"),  # no zone: UTC
        ("2030-06-15 10:20:30+00:00", epoch(2030, 6, 15, 10, 20, 30), "iso"),
    ],
)
def test_dates(value: object, seconds: Decimal, form: str) -> None:
    parsed = parse_date(value)
    assert parsed is not None and (parsed.seconds, parsed.form) == (seconds, form)


@pytest.mark.parametrize(
    "value",
    ["soon", "2030-13-01", "2030-02-30", "2030-06-15T25:00Z", "2030-06-15T10:20:61Z", " 2030",
     "2030 ", "", True, None, "2030-06-15T10:20+24:00", "1e9"],
)  # fmt: skip
def test_not_dates(value: object) -> None:
    assert parse_date(value) is None


def test_describe_instant() -> None:
    assert describe_instant(epoch(2025, 1, 1)) == "2025-01-01T00:00:00Z"
    assert describe_instant(Decimal("1e30")) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3600", Decimal(3600)), ("-1.5", Decimal("-1.5")), ("+.5", Decimal("0.5")),
     ("1.", Decimal(1)), (7, Decimal(7)), (0.1, Decimal("0.1")), ("007", Decimal(7))],
)  # fmt: skip
def test_numbers(value: object, expected: Decimal) -> None:
    assert parse_number(value) == expected


@pytest.mark.parametrize(
    "value", ["1e5", "nan", "NaN", "inf", "-Infinity", " 12", "12 ", "1_000", "0x10", "", ".",
              "+", True, False, float("nan"), float("inf"), None]
)  # fmt: skip
def test_not_numbers(value: object) -> None:
    assert parse_number(value) is None


def test_booleans() -> None:
    for value, expected in (("true", True), ("False", False), ("TRUE", True), (True, True)):
        assert parse_bool(value) is expected
    for value in (" true", "true ", "yes", "1", 1, "", None):
        assert parse_bool(value) is None
    assert is_canonical_bool("true") and is_canonical_bool(False)
    assert not is_canonical_bool("True")


def test_base64() -> None:
    assert parse_base64("QmluYXJ5VmFsdWVJbkJhc2U2NA==") == b"BinaryValueInBase64"
    assert parse_base64("QQ==") == b"A"
    for value in ("QQ", "Q===", "not base64!", "", "QQ== ", 5):
        assert parse_base64(value) is None


def test_ip_ranges_and_addresses() -> None:
    parsed = parse_ip_range("203.0.113.9/24")
    assert parsed is not None and parsed.network == ipaddress.ip_network("203.0.113.0/24")
    assert parsed.host_bits
    bare = parse_ip_range("203.0.113.9")
    assert bare is not None and bare.network.prefixlen == 32 and not bare.host_bits
    assert parse_ip_range("2001:DB8:1234:5678::/64") is not None
    for value in ("203.0.113.0/33", " 203.0.113.0/24", "x", "10.0.0.0/255.0.0.0", 5, ""):
        assert parse_ip_range(value) is None
    assert parse_ip_address("203.0.113.7") == ipaddress.ip_address("203.0.113.7")
    for value in ("203.0.113.0/24", " 203.0.113.7", "fe80::1%eth0", "x"):
        assert parse_ip_address(value) is None


def test_identifiers() -> None:
    catalog = get_catalog()
    assert is_account_id("123456789012")
    assert not is_account_id("12345678901") and not is_account_id("1234-5678-9012")
    assert is_region(catalog, "us-west-2") and is_region(catalog, "cn-north-1")
    assert not is_region(catalog, "us-west-9")
    assert is_partition(catalog, "aws") and not is_partition(catalog, "azure")
    assert is_vpc_id("vpc-1a2b3c4d") and is_vpc_id("vpc-0123456789abcdef0")
    assert not is_vpc_id("vpc-123") and not is_vpc_id("vpce-1a2b3c4d")
    assert is_vpc_endpoint_id("vpce-1a2b3c4d") and not is_vpc_endpoint_id("vpc-1a2b3c4d")
    assert is_instance_id("i-1a2b3c4d") and is_instance_id("i-0123456789abcdef0")
    assert not is_instance_id("i-0123456789ABCDEF0") and not is_instance_id("i-123")


def test_json_values() -> None:
    assert [json_kind(v) for v in (True, 3, 1.5, "x")] == ["boolean", "number", "number", "string"]
    assert [text_of(v) for v in (True, False, 3, "x")] == ["true", "false", "3", "x"]
