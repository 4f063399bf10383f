"""Condition values: does each value fit its operator (numbers, dates, Booleans, base64, IP
ranges), are wildcards used with a Like operator, are variables allowed and well formed?

Whether a value parses is decided by ssm_tui.iam.values and iam.dates, which the simulator
reads too: a value reported here as not a number (date, Boolean...) is one the simulator
never matches, and every other value it reads as this module does."""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import Finding, Severity, quote
from ssm_tui.checks.conditions.common import EntryState, rename, shown
from ssm_tui.checks.conditions.network import ip_range_finding
from ssm_tui.checks.variables import check_variables, version_allows_variables, version_finding
from ssm_tui.iam.dates import describe_instant, parse_date
from ssm_tui.iam.glob import has_wildcard
from ssm_tui.iam.operators import DATE_AND_NUMERIC_KEYS
from ssm_tui.iam.values import (
    is_canonical_bool,
    json_kind,
    parse_base64,
    parse_bool,
    parse_number,
)
from ssm_tui.iam.variables import PLACEHOLDER
from ssm_tui.policy.model import LocatedScalar


def entry_shape(e: EntryState, values: list[LocatedScalar]) -> Finding | None:
    """INVALID_CONDITION_DATA_TYPE (mixed JSON types) or INVALID_CONDITION_MULTIPLE_BOOLEAN;
    either makes the values not worth checking one by one."""
    op, entry = e.op, e.entry
    kinds = {json_kind(v.value) for v in values}
    if len(kinds) > 1:
        return e.finding(
            Severity.ERROR,
            "INVALID_CONDITION_DATA_TYPE",
            f"The values of {quote(entry.key)} mix JSON types ({', '.join(sorted(kinds))}); "
            f"give them all as one type (strings are always accepted).",
        )
    multivalued = e.record is not None and e.record.is_multivalued
    if op.family in ("Bool", "Null") and len(values) > 1 and not (op.qualifier or multivalued):
        return e.finding(
            Severity.ERROR,
            "INVALID_CONDITION_MULTIPLE_BOOLEAN",
            f"{quote(entry.key)} has {len(values)} values under {op.text}, which takes "
            f"one Boolean value: true or false. Keep the one you mean.",
        )
    return None


def variable_findings(e: EntryState, located: LocatedScalar) -> Iterator[Finding]:
    """A value with `${`: only String and ARN operators take variables, under Version
    2012-10-17, and each must be well formed and known."""
    ctx, op, pointer = e.ctx, e.op, located.pointer
    text = str(located.value)
    if not op.takes_variables:
        e.flagged.add(pointer)
        yield ctx.finding(
            Severity.ERROR,
            "INVALID_VARIABLE_FOR_OPERATOR",
            f"{quote(text)} contains a policy variable, but {op.text} is not a String or "
            f"ARN operator, and only those take variables. Write the value itself.",
            pointer,
        )
        return
    if not version_allows_variables(ctx):
        e.flagged.add(pointer)
        if ctx.first_time("VARIABLE_UNSUPPORTED_IN_VERSION"):
            yield version_finding(ctx, pointer)
        return
    found = list(check_variables(ctx, text, pointer, e.state.services))
    if found:
        e.flagged.add(pointer)
        yield from found


def value_finding(e: EntryState, located: LocatedScalar) -> Finding | None:
    """A value that does not fit the operator, or None."""
    family, value, pointer = e.op.family, located.value, located.pointer
    if family in ("String", "ARN"):
        return _wildcard(e, located)
    if family == "Numeric":
        if parse_number(value) is not None:
            return None
        return e.ctx.finding(
            Severity.WARNING,
            "TYPE_MISMATCH_NUMBER",
            f"{shown(value)} is not a number, which {e.op.text} needs (for example 3600 or 1.5).",
            pointer,
            marks=True,
        )
    if family == "Date":
        return _date(e, located)
    if family in ("Bool", "Null"):
        return _boolean(e, located)
    if family == "Binary":
        if parse_base64(value) is not None:
            return None
        return e.ctx.finding(
            Severity.WARNING,
            "TYPE_MISMATCH_STRING",
            f"{shown(value)} is not base64-encoded, which BinaryEquals needs.",
            pointer,
            marks=True,
        )
    if family == "IP":
        return ip_range_finding(e, located)
    return None


def _without_variables(text: str) -> str:
    return PLACEHOLDER.sub("", text) if "${" in text else text


def _wildcard(e: EntryState, located: LocatedScalar) -> Finding | None:
    op, value = e.op, located.value
    if op.is_like or not isinstance(value, str) or not has_wildcard(_without_variables(value)):
        return None
    like_base = op.spec.like_name
    assert like_base is not None  # every String and ARN operator not named Like has one
    like = op.text.replace(op.base, like_base, 1)
    if op.family == "ARN":
        # ArnEquals and ArnLike behave the same, so the rename changes nothing but clarity.
        return e.ctx.finding(
            Severity.WARNING,
            "WILDCARD_WITHOUT_LIKE_OPERATOR",
            f"{quote(value)} has a wildcard (* or ?). {op.base} matches wildcards just as "
            f"{like_base} does, but {like_base} says so: use {quote(like)}.",
            located.pointer,
            fix=rename(e.ctx, e.entry.operator_pointer, like, f"rename {op.text} to {like}"),
        )
    case_note = " (which is case-sensitive)" if "IgnoreCase" in op.base else ""
    return e.ctx.finding(
        Severity.WARNING,
        "WILDCARD_WITHOUT_LIKE_OPERATOR",
        f"{quote(value)} has * or ?, which {op.base} compares as literal characters. If "
        f"you meant a wildcard, use {quote(like)}{case_note}.",
        located.pointer,
    )


def _date(e: EntryState, located: LocatedScalar) -> Finding | None:
    value, pointer = located.value, located.pointer
    parsed = parse_date(value)
    if parsed is None:
        return e.ctx.finding(
            Severity.WARNING,
            "TYPE_MISMATCH_DATE",
            f"{shown(value)} is not a date, which {e.op.text} needs: use YYYY-MM-DD or "
            f"another ISO 8601 date/time such as 2025-01-31T12:00:00Z.",
            pointer,
            marks=True,
        )
    if parsed.form == "w3c" or e.key_lower in DATE_AND_NUMERIC_KEYS:
        return None  # aws:EpochTime is epoch seconds by definition
    if parsed.form == "epoch":
        moment = describe_instant(parsed.seconds)
        detail = f"is read as Unix epoch seconds{f' ({moment})' if moment else ''}, which"
    else:
        detail = "is not in the YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ form, so it"
    return e.ctx.finding(
        Severity.WARNING,
        "INVALID_DATE_VALUE",
        f"{shown(value)} {detail} might not resolve to the time you expect. Use "
        f"YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (ISO 8601).",
        pointer,
    )


def _boolean(e: EntryState, located: LocatedScalar) -> Finding | None:
    value, pointer = located.value, located.pointer
    if is_canonical_bool(value):
        return None
    meaning = (
        'Null takes "true" (the key is absent) or "false" (it is present)'
        if e.op.family == "Null"
        else f"{e.op.text} takes true or false"
    )
    if isinstance(value, str) and parse_bool(value) is not None:
        # IAM reads it whatever the case (iam.values.parse_bool); the docs write lower case.
        lower = value.lower()
        return e.ctx.finding(
            Severity.WARNING,
            "TYPE_MISMATCH_BOOLEAN",
            f"{meaning}; IAM reads {quote(value)} as {lower}, but write it in lower case, as "
            f"{quote(lower)}.",
            pointer,
            marks=True,
            suggestion=lower,
            fix=e.ctx.replace_value(pointer, lower, f"write {lower}"),
        )
    return e.ctx.finding(
        Severity.WARNING,
        "TYPE_MISMATCH_BOOLEAN",
        f"{shown(value)} is not a Boolean value: {meaning}.",
        pointer,
        marks=True,
    )
