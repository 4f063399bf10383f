"""Date/time values of the Date condition operators: which texts IAM reads, and as what.

"You must specify date/time values with one of the W3C implementations of the ISO 8601 date
formats (http://www.w3.org/TR/NOTE-datetime) or in epoch (UNIX) time" (IAM User Guide, "IAM
JSON policy elements: Condition operators", Date condition operators).  The W3C profile is
YYYY, YYYY-MM, YYYY-MM-DD, then Thh:mm, Thh:mm:ss or Thh:mm:ss.s with a zone (Z or +hh:mm);
each form names the first instant it covers ("2030-06" is 2030-06-01T00:00:00Z).  A text of
the W3C form is read as one even when it is also a number ("2030" is the year 2030, not 2030
seconds after 1970).  Epoch seconds are a JSON number or a decimal text; other ISO 8601
spellings (a time without a zone, a space for the T, basic format) are read as Python's ISO
parser reads them, a time without a zone as UTC; the validator warns about both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

DateForm = Literal["w3c", "epoch", "iso"]

_W3C_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
    r"(Z|([+-])(\d{2}):(\d{2})))?)?)?\Z",
    re.ASCII,
)
_EPOCH = re.compile(r"-?\d+(?:\.\d+)?\Z", re.ASCII)
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DateValue:
    """The instant a date value means (seconds since 1970-01-01T00:00:00Z) and its form."""

    seconds: Decimal
    form: DateForm


def _seconds(moment: datetime, fraction: Decimal = Decimal(0)) -> Decimal:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH_START
    whole = delta.days * 86400 + delta.seconds
    return Decimal(whole) + Decimal(delta.microseconds) / 1_000_000 + fraction


def _w3c(match: re.Match[str]) -> Decimal | None:
    year, month, day, hour, minute, second, fraction, zone, sign, zone_h, zone_m = match.groups()
    if second is not None and int(second) > 60:
        return None
    try:
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            min(int(second or 0), 59),  # a leap second (:60) is a valid ISO 8601 time
            tzinfo=UTC,
        )
    except ValueError:
        return None
    seconds = _seconds(moment, Decimal(fraction) if fraction else Decimal(0))
    if second == "60":
        seconds += 1
    if zone is not None and zone != "Z":
        if int(zone_h) >= 24 or int(zone_m) >= 60:
            return None
        offset = int(zone_h) * 3600 + int(zone_m) * 60
        seconds += -offset if sign == "+" else offset
    return seconds


def parse_date(value: object) -> DateValue | None:
    """The instant a Date operator reads in a policy or request value, or None when it
    reads none (not a date: the validator's TYPE_MISMATCH_DATE)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return DateValue(Decimal(value), "epoch")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return DateValue(Decimal(repr(value)), "epoch")
    if not isinstance(value, str):
        return None
    match = _W3C_DATE.match(value)
    if match is not None:
        seconds = _w3c(match)
        if seconds is not None:
            return DateValue(seconds, "w3c")
    if _EPOCH.match(value):
        try:
            return DateValue(Decimal(value), "epoch")
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return DateValue(_seconds(moment), "iso")


def describe_instant(seconds: Decimal) -> str | None:
    """`2025-01-01T00:00:00Z` for an instant, or None when it is beyond datetime's range."""
    try:
        moment = _EPOCH_START + timedelta(seconds=float(seconds))
    except (OverflowError, ValueError):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
