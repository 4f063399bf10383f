"""JSON syntax, characters IAM rejects, and duplicate keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Fix, Severity, quote, register, rules
from ssm_tui.policy.source import join_pointer

RULES = rules(
    (
        "JSON_SYNTAX_ERROR",
        "Invalid JSON",
        "The policy is not valid JSON. Fix the text at the reported line and column.",
    ),
    (
        "DUPLICATE_KEY",
        "Duplicate key in one object",
        "A key appears twice in one JSON object; parsers keep only the last, so the first is "
        "silently lost. Merge the two.",
        False,
    ),
    (
        "INVALID_CHARACTER",
        "Character IAM does not accept",
        "IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF in a policy. "
        "Replace typographic quotes and dashes with ASCII ones and remove invisible characters.",
        False,
    ),
)

# IAM User Guide, IAM quotas: a JSON policy may contain tab, line feed, carriage return and
# the characters U+0020 through U+00FF.
_DISALLOWED = re.compile(r"[^\t\n\r\u0020-\u00ff]")
_LOOKALIKES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
    "\u200b": "",
    "\ufeff": "",
}


@register("syntax", rules=RULES)
def json_syntax(ctx: CheckContext) -> Iterator[Finding]:
    problem = ctx.policy.json.syntax_error
    if problem is None:
        return
    lines = ctx.source_map.lines
    text = ctx.policy.text
    end = min(problem.offset + 1, len(text)) if text else 0
    span = lines.span(problem.offset, max(end, problem.offset))
    yield ctx.finding(
        Severity.ERROR, "JSON_SYNTAX_ERROR", f"Invalid JSON: {problem.message}.", "", span=span
    )


_CURLY_DOUBLE = frozenset("\u201c\u201d")
# a JSON string from its opening ASCII quote; one left open ends at the end of its line
_STRING = re.compile(r'"((?:[^"\\\n]|\\[^\n])*)"?')


def _lookalike_replacements(text: str) -> dict[int, str]:
    """Replacements for the typographic double quotes (U+201C, U+201D) inside JSON strings,
    by offset.  There a plain '"' would end the string early (a value written with both
    kinds of quote would become two strings, invalid JSON).  A pair wrapping a whole string
    value is what a copy from a document adds around it, so the pair is dropped; any other
    one inside a string becomes an escaped quote.  Outside strings (a whole policy typed
    with typographic quotes) the plain '"' stands."""
    if not any(c in text for c in _CURLY_DOUBLE):
        return {}
    replacements: dict[int, str] = {}
    for match in _STRING.finditer(text):
        content = match.group(1)
        if not any(c in content for c in _CURLY_DOUBLE):
            continue
        start = match.start(1)
        last = len(content) - 1
        wrapped = last >= 1 and content[0] in _CURLY_DOUBLE and content[last] in _CURLY_DOUBLE
        for k, char in enumerate(content):
            if char in _CURLY_DOUBLE:
                replacements[start + k] = "" if wrapped and k in (0, last) else '\\"'
    return replacements


@register("syntax", rules=RULES)
def disallowed_characters(ctx: CheckContext) -> Iterator[Finding]:
    text = ctx.policy.text
    first = _DISALLOWED.search(text)
    if first is None:
        return
    count = sum(1 for _ in _DISALLOWED.finditer(text))
    char = first.group()
    name = unicodedata.name(char, "") or "a control character"
    if char == "\ufffd":
        what = "bytes that are not UTF-8 text (is this a binary file?)"
    else:
        what = f"U+{ord(char):04X} ({name})"
    more = f" and {count - 1} more like it" if count > 1 else ""
    message = (
        f"IAM accepts only tab, line feed, carriage return and characters U+0020 to U+00FF in a "
        f"policy; this text contains {what}{more}."
    )
    suggestion = None
    replacements: dict[int, str] = {}
    if char in _LOOKALIKES:
        replacements = _lookalike_replacements(text)
        # the advice is what the fix does with this occurrence
        replacement = replacements.get(first.start(), _LOOKALIKES[char])
        if replacement == '\\"':
            message += ' Replace it with \\" (an escaped quote: a plain one would end the string).'
        elif replacement:
            message += f" Replace it with {quote(replacement)}."
        elif char in _CURLY_DOUBLE:
            message += (
                " Remove it: a pair of typographic quotes around a whole string value is what a "
                "copy from a document adds, so the value is read without them."
            )
        else:
            message += " Remove it."
        suggestion = replacement
    span = ctx.source_map.lines.span(first.start(), first.end())
    fix = None
    if suggestion is not None:
        # every occurrence of a look-alike character has one certain replacement
        edits = tuple(
            ctx.edit(m.start(), m.end(), replacements.get(m.start(), _LOOKALIKES[m.group()]))
            for m in _DISALLOWED.finditer(text)
            if m.group() in _LOOKALIKES
        )
        if len(edits) == count:
            fix = Fix(description="replace typographic and invisible characters", edits=edits)
    yield ctx.finding(
        Severity.ERROR,
        "INVALID_CHARACTER",
        message,
        "",
        span=span,
        suggestion=suggestion,
        fix=fix,
    )


@register("syntax", rules=RULES)
def duplicate_keys(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.policy.json.syntax_error is not None:
        return
    lines = ctx.source_map.lines
    for duplicate in ctx.policy.json.duplicates:
        first_line, _ = lines.position(duplicate.first_start)
        where = "the policy" if not duplicate.object_pointer else "this object"
        yield ctx.finding(
            Severity.ERROR,
            "DUPLICATE_KEY",
            f"{quote(duplicate.key)} appears more than once in {where} (first on line "
            f"{first_line}). The IAM policy grammar does not allow the same key twice in one "
            f"object, and JSON parsers keep only the last one, so the earlier value is silently "
            f"lost. Merge the two into one.",
            join_pointer(duplicate.object_pointer, duplicate.key),
            span=lines.span(duplicate.start, duplicate.end),
        )
