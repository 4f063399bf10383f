"""JSON text to a value tree with a source map.

`json.loads` drops duplicate keys and forgets where values were; IAM findings need both.
This parser reuses the standard library's string and number scanners and keeps, for every
value, its RFC 6901 pointer and its line/column span (1-based, columns in characters).
"""

from __future__ import annotations

import bisect
import json
import math
import re
import sys
from dataclasses import dataclass
from itertools import accumulate, count
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import NUMBER_RE
from operator import add
from typing import Any, Literal

MAX_DEPTH = 100

NodeKind = Literal["object", "array", "string", "number", "bool", "null"]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SPACE_CHARS = " \t\n\r"
# A separator with the whitespace around it, matched in one step on the hot path.
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_AFTER_MEMBER = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*|\})")
_AFTER_ITEM = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*|\])")
# One item of an array of plain strings (no escapes, no control characters), with the
# separator after it.
_PLAIN_ITEM = re.compile(r'[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*([,\]])')
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")  # RFC 6901: no leading zeros, ASCII digits
_LITERALS = {"true": True, "false": False, "null": None}
_NOT_JSON_NUMBER = "{} is not valid JSON (JSON, and so IAM, has no NaN or Infinity)"
_KIND_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "number": "a number",
    "bool": "a boolean",
    "null": "null",
}


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(parent: str, token: str | int) -> str:
    token = str(token)
    if "~" in token or "/" in token:
        token = escape_pointer_token(token)
    return f"{parent}/{token}"


@dataclass(frozen=True, slots=True)
class Span:
    """A region of the text: 1-based lines and columns; the end column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    offset: int
    end_offset: int


@dataclass(slots=True)
class Member:
    key: str
    key_start: int
    key_end: int
    value: JsonNode


class JsonNode:
    """One JSON value with its place in the text (offsets) and in the document (pointer).
    Objects keep every member in order, duplicates included; arrays keep their items."""

    __slots__ = ("end", "items", "kind", "members", "pointer", "start", "value")

    def __init__(
        self,
        kind: NodeKind,
        value: Any,
        start: int,
        end: int,
        pointer: str,
        members: list[Member] | None = None,
        items: list[JsonNode] | None = None,
    ) -> None:
        self.kind = kind
        self.value = value
        self.start = start
        self.end = end
        self.pointer = pointer
        self.members: list[Member] = members if members is not None else []
        self.items: list[JsonNode] = items if items is not None else []

    def __repr__(self) -> str:
        return f"JsonNode({self.kind}, {self.pointer!r}, {self.start}:{self.end})"

    @property
    def kind_name(self) -> str:
        return _KIND_NAMES[self.kind]

    def get(self, key: str) -> JsonNode | None:
        """The value of `key` (the last one when the key is duplicated)."""
        found = None
        for member in self.members:
            if member.key == key:
                found = member.value
        return found

    def member(self, key: str) -> Member | None:
        found = None
        for member in self.members:
            if member.key == key:
                found = member
        return found


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key that appears more than once in one object."""

    object_pointer: str
    key: str
    first_start: int
    first_end: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    offset: int


class LineIndex:
    """Offsets to 1-based (line, column) with a binary search over line starts.  The line
    starts are found on first use: a policy without findings never needs them."""

    __slots__ = ("_line_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts: list[int] | None = None

    @property
    def _starts(self) -> list[int]:
        if self._line_starts is None:
            # line i starts after the lengths of lines 0..i-1 plus their i line feeds,
            # computed without a Python-level loop
            lengths = accumulate(map(len, self._text.split("\n")), initial=0)
            self._line_starts = list(map(add, lengths, count()))[:-1]
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self._text)))
        starts = self._line_starts or self._starts
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column, start, end)

    @property
    def line_count(self) -> int:
        return len(self._starts)


class SourceMap:
    """JSON pointer -> span of the value (and of its key, for object members)."""

    __slots__ = ("_keys", "_values", "lines")

    def __init__(self, lines: LineIndex) -> None:
        self.lines = lines
        self._values: dict[str, tuple[int, int]] = {}
        self._keys: dict[str, tuple[int, int]] = {}

    def _add(self, pointer: str, start: int, end: int) -> None:
        self._values[pointer] = (start, end)

    def _add_key(self, pointer: str, start: int, end: int) -> None:
        self._keys[pointer] = (start, end)

    def __contains__(self, pointer: object) -> bool:
        return pointer in self._values

    def __len__(self) -> int:
        return len(self._values)

    def pointers(self) -> list[str]:
        return list(self._values)

    def span(self, pointer: str) -> Span | None:
        """The span of the value at `pointer`, or of its nearest ancestor that exists."""
        if pointer and not pointer.startswith("/"):
            pointer = ""  # not a JSON pointer: the document itself is the nearest we know
        while True:
            found = self._values.get(pointer)
            if found is not None:
                return self.lines.span(*found)
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]

    def _forget_below(self, pointer: str) -> None:
        """Drop the entries inside a value that a duplicate key replaced."""
        prefix = pointer + "/"
        for table in (self._values, self._keys):
            for stale in [p for p in table if p.startswith(prefix)]:
                del table[stale]

    def key_span(self, pointer: str) -> Span | None:
        found = self._keys.get(pointer)
        return self.lines.span(*found) if found else None


@dataclass(slots=True)
class ParsedJson:
    text: str
    root: JsonNode | None
    source_map: SourceMap
    syntax_error: SyntaxProblem | None
    duplicates: list[DuplicateKey]

    @property
    def value(self) -> Any:
        return self.root.value if self.root is not None else None

    def node(self, pointer: str) -> JsonNode | None:
        """The node at an RFC 6901 pointer (the last of duplicated keys), or None."""
        node = self.root
        if not pointer:
            return node
        for token in pointer[1:].split("/"):
            if node is None:
                return None
            token = token.replace("~1", "/").replace("~0", "~")
            if node.kind == "object":
                node = node.get(token)
            elif node.kind == "array" and _ARRAY_INDEX.fullmatch(token):
                index = int(token)
                if index >= len(node.items):
                    return None
                node = node.items[index]
            else:
                return None
        return node


class _Failure(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def _describe(text: str, offset: int) -> str:
    if offset >= len(text):
        return "the end of the text"
    char = text[offset]
    if char == "\n":
        return "a line break"
    if char.isprintable():
        return repr(char)
    return f"the character U+{ord(char):04X}"


def _number(match: re.Match[str], pos: int) -> int | float:
    """The value of a number token; a _Failure for one Python cannot hold as JSON does:
    an integer beyond the interpreter's digit limit (4,300 by default; `int()` refuses it)
    or a number too large for a float (it would become infinity, which JSON cannot write)."""
    integer, frac, exp = match.groups()
    if not (frac or exp):
        try:
            return int(integer)
        except ValueError:
            digits = len(integer.lstrip("-"))
            limit = sys.get_int_max_str_digits()
            raise _Failure(
                f"This number has {digits:,} digits; ssm-tui reads integers of up to "
                f"{limit:,} digits",
                pos,
            ) from None
    number = float(integer + (frac or "") + (exp or ""))
    if math.isinf(number):
        raise _Failure(
            "This number is too large to read (beyond about 1.8e308, the largest a JSON "
            "reader keeps)",
            pos,
        )
    return number


class _Parser:
    def __init__(self, text: str, source_map: SourceMap) -> None:
        self.text = text
        self.source_map = source_map
        self.duplicates: list[DuplicateKey] = []
        self._whitespace = _WHITESPACE.match
        self._values = source_map._values
        self._keys = source_map._keys

    def skip(self, pos: int) -> int:
        text = self.text
        if pos < len(text) and text[pos] not in _SPACE_CHARS:
            return pos
        return self._whitespace(text, pos).end()  # type: ignore[union-attr]

    def fail(self, expected: str, pos: int) -> _Failure:
        return _Failure(f"Expected {expected} but found {_describe(self.text, pos)}", pos)

    def parse_value(self, pos: int, pointer: str, depth: int) -> JsonNode:
        text = self.text
        if pos >= len(text):
            raise _Failure("Expected a value but the text ended", pos)
        char = text[pos]
        if char == "{":
            return self.parse_object(pos, pointer, depth + 1)
        if char == "[":
            return self.parse_array(pos, pointer, depth + 1)
        if char == '"':
            value, end = self.parse_string(pos)
            node = JsonNode("string", value, pos, end, pointer)
        elif char in "-0123456789":
            match = NUMBER_RE.match(text, pos)
            if match is None or match.end() == pos:
                if text.startswith("-Infinity", pos):
                    raise _Failure(_NOT_JSON_NUMBER.format("-Infinity"), pos)
                raise self.fail("a number", pos)
            node = JsonNode("number", _number(match, pos), pos, match.end(), pointer)
        else:
            for word, literal in _LITERALS.items():
                if text.startswith(word, pos):
                    kind: NodeKind = "null" if literal is None else "bool"
                    node = JsonNode(kind, literal, pos, pos + len(word), pointer)
                    break
            else:
                if char == "'":
                    raise _Failure('Strings must use double quotes ("), not single quotes', pos)
                for word in ("NaN", "Infinity"):
                    if text.startswith(word, pos):
                        raise _Failure(_NOT_JSON_NUMBER.format(word), pos)
                raise self.fail("a value (object, array, string, number, true, false or null)", pos)
        self._values[pointer] = (node.start, node.end)
        return node

    def _string_array(self, start: int, pointer: str) -> JsonNode | None:
        """An array of plain strings (no escapes), the shape of most Action and Resource
        lists, read one regular-expression match per item; None when the array is not of
        that shape (the general loop then reads it)."""
        text = self.text
        match = _PLAIN_ITEM.match
        items: list[JsonNode] = []
        values: list[str] = []
        spans: list[tuple[str, int, int]] = []
        pos = start + 1
        while True:
            item = match(text, pos)
            if item is None:
                return None
            value = item.group(1)
            child_pointer = f"{pointer}/{len(items)}"
            item_start, item_end = item.span(1)
            node = JsonNode("string", value, item_start - 1, item_end + 1, child_pointer)
            items.append(node)
            values.append(value)
            spans.append((child_pointer, item_start - 1, item_end + 1))
            pos = item.end()
            if item.group(2) == "]":
                break
        record = self._values
        for child_pointer, child_start, child_end in spans:
            record[child_pointer] = (child_start, child_end)
        record[pointer] = (start, pos)
        return JsonNode("array", values, start, pos, pointer, items=items)

    def _string_node(self, pos: int, pointer: str) -> JsonNode:
        try:
            value, end = scanstring(self.text, pos + 1, True)
        except json.JSONDecodeError:
            value, end = self.parse_string(pos)  # raises the readable message
        self._values[pointer] = (pos, end)
        return JsonNode("string", value, pos, end, pointer)

    def parse_string(self, pos: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, pos + 1, True)  # type: ignore[no-any-return]
        except json.JSONDecodeError as exc:
            message = exc.msg
            if message.startswith("Unterminated string"):
                message = "This string is never closed: add the closing double quote"
            elif message.startswith("Invalid control character"):
                message = (
                    "A string contains a raw control character (a line break or tab "
                    "inside quotes); write it as \\n or \\t, or remove it"
                )
            raise _Failure(message, exc.pos) from None

    def _check_depth(self, depth: int, pos: int) -> None:
        if depth > MAX_DEPTH:
            raise _Failure(f"Nesting is deeper than {MAX_DEPTH} levels; this is not a policy", pos)

    def parse_object(self, start: int, pointer: str, depth: int) -> JsonNode:
        self._check_depth(depth, start)
        text = self.text
        node = JsonNode("object", None, start, start, pointer)
        value: dict[str, Any] = {}
        seen: dict[str, Member] = {}
        pos = self.skip(start + 1)
        if pos < len(text) and text[pos] == "}":
            node.end = pos + 1
            node.value = value
            self.source_map._add(pointer, start, node.end)
            return node
        while True:
            if pos >= len(text) or text[pos] != '"':
                if pos < len(text) and text[pos] == "}":
                    raise _Failure("Trailing comma before '}': remove the last comma", pos)
                if pos < len(text) and text[pos] == "'":
                    raise _Failure('Keys must use double quotes ("), not single quotes', pos)
                raise self.fail("a key in double quotes", pos)
            key, key_end = self.parse_string(pos)
            key_start = pos
            colon = _COLON.match(text, key_end)
            if colon is None:
                raise self.fail(f"':' after the key {key!r}", self.skip(key_end))
            pos = colon.end()
            child_pointer = join_pointer(pointer, key)
            if key in seen:
                # the later value wins: forget what the source map knew of the earlier one
                self.source_map._forget_below(child_pointer)
            if text.startswith('"', pos):  # strings are most values: skip the dispatch
                child = self._string_node(pos, child_pointer)
            else:
                child = self.parse_value(pos, child_pointer, depth)
            member = Member(key, key_start, key_end, child)
            if key in seen:
                first = seen[key]
                self.duplicates.append(
                    DuplicateKey(pointer, key, first.key_start, first.key_end, key_start, key_end)
                )
            seen[key] = member
            node.members.append(member)
            value[key] = child.value
            # parse_value recorded the child's span: the last duplicate owns the pointer
            self._keys[child_pointer] = (key_start, key_end)
            after = _AFTER_MEMBER.match(text, child.end)
            if after is not None:
                pos = after.end()
                if after.group(1):
                    continue
                node.end = pos
                break
            pos = self.skip(child.end)
            if pos < len(text) and text[pos] == '"':
                raise _Failure("Missing ',' between two members of an object", pos)
            raise self.fail("',' or '}' after an object member", pos)
        node.value = value
        self.source_map._add(pointer, start, node.end)
        return node

    def parse_array(self, start: int, pointer: str, depth: int) -> JsonNode:
        self._check_depth(depth, start)
        text = self.text
        simple = self._string_array(start, pointer)
        if simple is not None:
            return simple
        node = JsonNode("array", None, start, start, pointer)
        values: list[Any] = []
        pos = self.skip(start + 1)
        if pos < len(text) and text[pos] == "]":
            node.end = pos + 1
            node.value = values
            self.source_map._add(pointer, start, node.end)
            return node
        while True:
            if pos < len(text) and text[pos] == "]":
                raise _Failure("Trailing comma before ']': remove the last comma", pos)
            child_pointer = f"{pointer}/{len(node.items)}"
            if text.startswith('"', pos):
                child = self._string_node(pos, child_pointer)
            else:
                child = self.parse_value(pos, child_pointer, depth)
            node.items.append(child)
            values.append(child.value)
            after = _AFTER_ITEM.match(text, child.end)
            if after is not None:
                pos = after.end()
                if after.group(1):
                    continue
                node.end = pos
                break
            pos = self.skip(child.end)
            if pos < len(text) and text[pos] in '"{[':
                raise _Failure("Missing ',' between two items of an array", pos)
            raise self.fail("',' or ']' after an array item", pos)
        node.value = values
        self.source_map._add(pointer, start, node.end)
        return node


def parse_json(text: str) -> ParsedJson:
    """Parse `text`; never raises.  A syntax error is returned, not thrown."""
    lines = LineIndex(text)
    source_map = SourceMap(lines)
    parser = _Parser(text, source_map)
    pos = parser.skip(0)
    if text.startswith("\ufeff"):
        pos = parser.skip(1)
    if pos >= len(text):
        problem = SyntaxProblem("The text is empty: a policy is a JSON object", pos)
        return ParsedJson(text, None, source_map, problem, [])
    try:
        root = parser.parse_value(pos, "", 0)
        end = parser.skip(root.end)
        if end < len(text):
            raise _Failure(
                "Extra text after the end of the JSON value: remove everything after the "
                "closing brace",
                end,
            )
    except _Failure as failure:
        return ParsedJson(
            text,
            None,
            source_map,
            SyntaxProblem(failure.message, failure.offset),
            parser.duplicates,
        )
    return ParsedJson(text, root, source_map, None, parser.duplicates)
