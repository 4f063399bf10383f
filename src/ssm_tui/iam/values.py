"""The formats of the values policies hold, each read once: numbers, Booleans, base64, IP
ranges, account IDs, Regions, partitions, VPC, VPC endpoint and EC2 instance IDs (dates are
in dates.py).

Each `parse_*` returns the value IAM reads (a Decimal, a bool, bytes, a network) or None when
the text is not of that format.  The validator reports a value whose parse is None; the
simulator never matches it.  Sources are cited where each format is defined.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ssm_tui.iam.catalog import Catalog
from ssm_tui.iam.dates import DateValue, describe_instant, parse_date

__all__ = [
    "DateValue",
    "IpNetwork",
    "IpRange",
    "JsonKind",
    "describe_instant",
    "is_account_id",
    "is_canonical_bool",
    "is_instance_id",
    "is_partition",
    "is_region",
    "is_vpc_endpoint_id",
    "is_vpc_id",
    "json_kind",
    "parse_base64",
    "parse_bool",
    "parse_date",
    "parse_ip_address",
    "parse_ip_range",
    "parse_number",
    "text_of",
]

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
JsonKind = Literal["boolean", "number", "string"]

# "an integer or decimal value" (IAM User Guide, Numeric condition operators): digits with an
# optional sign and decimal point; no exponent, no spaces, no NaN or Infinity; ASCII digits
# only (Python's \d and Decimal also take other scripts' digits).
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z", re.ASCII)
# RFC 4648 base64 with padding ("a base-64 encoded representation of the binary value",
# IAM User Guide, Binary condition operators).
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z")
# "The value must be in the standard CIDR format ... If you specify an IP address without
# the associated routing prefix, IAM uses the default prefix value of /32" (IP address
# condition operators): an IPv4 or IPv6 address, optionally /prefix; nothing around it.
_CIDR_TEXT = re.compile(r"[0-9A-Fa-f:.]+(?:/[0-9]{1,3})?\Z")
# Account IDs are 12 digits (Access Analyzer INVALID_ARN_ACCOUNT: "Provide a 12-digit
# account ID").
_ACCOUNT = re.compile(r"[0-9]{12}\Z")
# Access Analyzer INVALID_VPC_FORMAT / INVALID_VPCE_FORMAT: the prefix plus 8 or 17 letters
# and digits.
_VPC = re.compile(r"vpc-(?:[0-9A-Za-z]{8}|[0-9A-Za-z]{17})\Z")
_VPCE = re.compile(r"vpce-(?:[0-9A-Za-z]{8}|[0-9A-Za-z]{17})\Z")
# EC2 instance IDs: i- and 8 or 17 lower-case hexadecimal characters (EC2 User Guide,
# "Resource IDs", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html:
# i-1a2b3c4d before 2016, i-1234567890abcdef0 since).
_INSTANCE_ID = re.compile(r"i-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z")


def json_kind(value: object) -> JsonKind:
    """The JSON type of a condition value, as messages name it."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def text_of(value: object) -> str:
    """A condition value as the text String and ARN operators compare (JSON true as true)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_number(value: object) -> Decimal | None:
    """The number a Numeric operator reads: a JSON number, or a text of digits with an
    optional sign and decimal point."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMBER.match(value):
        return Decimal(value)
    return None


def parse_bool(value: object) -> bool | None:
    """The truth value Bool and Null read: JSON true/false or "true"/"false" in any case.

    IAM compares Boolean values without regard to case (observed against AWS: prowler PR
    bridgecrewio/prowler#27, "AWS will honor secureTransport with different capitalization");
    the documented spelling is lower case, which the validator recommends.  Nothing else
    (no spaces, no yes/1) is a Boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
    return None


def is_canonical_bool(value: object) -> bool:
    """JSON true/false or the documented lower-case "true"/"false"."""
    return isinstance(value, bool) or value in ("true", "false")


def parse_base64(value: object) -> bytes | None:
    """The bytes a BinaryEquals value encodes, or None when it is not padded base64 text."""
    if not isinstance(value, str) or not value or not _BASE64.match(value):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):  # pragma: no cover - the pattern admits only base64
        return None


@dataclass(frozen=True, slots=True)
class IpRange:
    """An IP address condition value: the network it names and whether bits are set after
    the prefix (IAM ignores them: Access Analyzer IMPROVE_IP_RANGE)."""

    network: IpNetwork
    host_bits: bool


def parse_ip_range(value: object) -> IpRange | None:
    """The range an IpAddress/NotIpAddress value names, or None when it is not CIDR text."""
    if not isinstance(value, str) or not _CIDR_TEXT.match(value):
        return None
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    address = value.split("/", 1)[0]
    host_bits = "/" in value and network.network_address != ipaddress.ip_address(address)
    return IpRange(network, host_bits)


def parse_ip_address(value: object) -> IpAddress | None:
    """A request's IP address (aws:SourceIp and the like), or None."""
    if not isinstance(value, str) or not _CIDR_TEXT.match(value) or "/" in value:
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_account_id(text: str) -> bool:
    return _ACCOUNT.match(text) is not None


def is_region(catalog: Catalog, code: str) -> bool:
    """A Region code of some partition (us-west-2, cn-north-1, ...), from the catalogue."""
    return catalog.is_region(code)


def is_partition(catalog: Catalog, name: str) -> bool:
    """aws, aws-cn, aws-us-gov, ... (the catalogue's partition list)."""
    return name in catalog.partitions


def is_vpc_id(text: str) -> bool:
    return _VPC.match(text) is not None


def is_vpc_endpoint_id(text: str) -> bool:
    return _VPCE.match(text) is not None


def is_instance_id(text: str) -> bool:
    return _INSTANCE_ID.match(text) is not None
