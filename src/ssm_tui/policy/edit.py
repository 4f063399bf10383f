"""Editing a policy document's text: append statements, reformat it, write a new one.

Pure functions from text to new text, so that a face (the TUI) edits a policy without
reading or writing JSON itself.  Each returns one of three results:

- `Edited`: the new text;
- `NotJson`: the text is not JSON, so nothing was edited (`error` says what and where,
  exactly as `check` reports the syntax error);
- `Unwritable`: the edited value cannot be written as JSON (a value nested deeper than
  this program can write, a number that is not finite, a value that is not JSON).

An edited document is written as `ssm-tui format` writes it (`ssm_tui.policy.format.pretty`:
canonical key order, 2-space indent), unless the edit says otherwise.

A caller that already holds a parse of the text (the validator's `ParsedJson`, on
`ValidationResult.policy.json`) passes it as `parsed`; it is used only when it is a
successful parse of exactly this text, else the text is read again, so a stale or failed
parse never changes the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ssm_tui.policy.format import PolicyJsonError, loads_policy, minify, pretty
from ssm_tui.policy.source import ParsedJson, parse_json

__all__ = [
    "NEW_POLICY_VERSION",
    "EditResult",
    "Edited",
    "Inserted",
    "NotJson",
    "Unwritable",
    "append_statements",
    "insert_statements",
    "new_document",
    "read_value",
    "reformat",
    "statements_of",
]

# The Version a policy made from scratch gets: the current policy language version (IAM
# User Guide, "IAM JSON policy elements: Version").
NEW_POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True, slots=True)
class Edited:
    """The edit was made: the document's new text."""

    text: str


@dataclass(frozen=True, slots=True)
class NotJson:
    """The text is not JSON: nothing was edited.  `str()` is the one-line error, "line 3,
    column 7: <what>"."""

    error: PolicyJsonError

    def __str__(self) -> str:
        return str(self.error)


@dataclass(frozen=True, slots=True)
class Unwritable:
    """The edited value cannot be written as JSON; `reason` says why, in one line."""

    reason: str

    def __str__(self) -> str:
        return self.reason


EditResult = Edited | NotJson | Unwritable


@dataclass(frozen=True, slots=True)
class Inserted:
    """The edit is one insertion: `text` goes in at `offset` of the document; the rest of
    the document, its formatting included, stays as the user wrote it."""

    offset: int
    text: str


def read_value(text: str, parsed: ParsedJson | None = None) -> Any:
    """The JSON value of `text`, read as strictly as `check` reads it: the value of
    `parsed` when that is a successful parse of `text`, else `loads_policy(text)`.  Raises
    PolicyJsonError for text that is not JSON.  The value may be the parse's own: read it,
    do not change it."""
    if parsed is not None and parsed.root is not None and parsed.text == text:
        return parsed.value
    return loads_policy(text)


def statements_of(policy: Any) -> list[Any]:
    """The statements of a policy value, as a new list: its Statement array, or its one
    Statement object as a one-item list; empty when it has no Statement, when Statement is
    neither an array nor an object, or when `policy` is not a JSON object."""
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        return [statements]
    if isinstance(statements, list):
        return list(statements)
    return []


def append_statements(
    text: str, statements: Sequence[Any], *, parsed: ParsedJson | None = None
) -> EditResult:
    """`text` with `statements` appended after its own, as one Statement array, the whole
    document written pretty.  The document's other elements are kept.  A Statement that is
    one object becomes the array's first item; a Statement that is neither an array nor an
    object is replaced.  JSON that is not an object (an array, a string) is not a policy:
    it is replaced by a new policy (Version `NEW_POLICY_VERSION`) of `statements` alone."""
    try:
        current = read_value(text, parsed)
    except PolicyJsonError as error:
        return NotJson(error)
    document = dict(current) if isinstance(current, dict) else {"Version": NEW_POLICY_VERSION}
    document["Statement"] = [*statements_of(current), *statements]
    return _written(document, minified=False)


def insert_statements(
    text: str, statements: Sequence[Any], *, parsed: ParsedJson | None = None
) -> Inserted | EditResult:
    """`statements` appended to the document's Statement array as one insertion after its
    last statement, in the document's own style (one line for a one-line document, else
    2-space indented at the last statement's indentation), so nothing else in the document
    moves.  A document without a non-empty Statement array is rewritten as
    `append_statements` does (the whole document written pretty)."""
    if parsed is None or parsed.text != text:
        parsed = parse_json(text)
    root = parsed.root
    array = root.get("Statement") if root is not None and root.kind == "object" else None
    if root is None or array is None or array.kind != "array" or not array.items:
        return append_statements(text, statements, parsed=parsed)
    last = array.items[-1]
    line_start = text.rfind("\n", 0, last.start) + 1
    indent = text[line_start : last.start]
    try:
        if "\n" not in text[array.start : array.end] or indent.strip():
            pieces = [minify(statement) for statement in statements]
            return Inserted(last.end, "".join(f", {piece}" for piece in pieces))
        pieces = [pretty(statement).rstrip("\n") for statement in statements]
    except ValueError as exc:
        return Unwritable(str(exc))
    shifted = ["\n".join(indent + row for row in piece.split("\n")) for piece in pieces]
    return Inserted(last.end, "".join(f",\n{piece}" for piece in shifted))


def reformat(text: str, *, minified: bool, parsed: ParsedJson | None = None) -> EditResult:
    """`text` written pretty (`minified=False`) or as the shortest JSON (`minified=True`),
    in canonical key order; the value is unchanged."""
    try:
        value = read_value(text, parsed)
    except PolicyJsonError as error:
        return NotJson(error)
    return _written(value, minified=minified)


def new_document(policy: Any) -> Edited | Unwritable:
    """The text of a new document holding `policy` (a JSON value, e.g. a rendered
    template), written pretty."""
    return _written(policy, minified=False)


def _written(value: Any, *, minified: bool) -> Edited | Unwritable:
    try:
        return Edited(minify(value) if minified else pretty(value))
    except ValueError as exc:
        return Unwritable(str(exc))
