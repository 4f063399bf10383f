"""The source-mapped JSON parser: values, RFC 6901 pointers, spans, duplicates, errors."""

from __future__ import annotations

import json

import pytest

from ssm_tui.policy.source import (
    MAX_DEPTH,
    ParsedJson,
    Span,
    SyntaxProblem,
    escape_pointer_token,
    join_pointer,
    parse_json,
)

POLICY = (
    "{\n"  # line 1
    '  "Version": "2012-10-17",\n'  # line 2
    '  "Statement": [\n'  # line 3
    "    {\n"  # line 4
    '      "Effect": "Allow",\n'  # line 5
    '      "Action": ["ssm:GetParameter", "ssm:SendCommand"],\n'  # line 6
    '      "Resource": "*"\n'  # line 7
    "    }\n"  # line 8
    "  ]\n"  # line 9
    "}\n"  # line 10
)


def ok(text: str) -> ParsedJson:
    parsed = parse_json(text)
    assert parsed.syntax_error is None, parsed.syntax_error
    assert parsed.root is not None
    return parsed


def error(text: str) -> tuple[SyntaxProblem, int, int]:
    """The syntax problem of `text` and its 1-based (line, column)."""
    parsed = parse_json(text)
    assert parsed.root is None
    assert parsed.value is None
    problem = parsed.syntax_error
    assert isinstance(problem, SyntaxProblem)
    line, column = parsed.source_map.lines.position(problem.offset)
    return problem, line, column


def span_of(parsed: ParsedJson, pointer: str) -> Span:
    span = parsed.source_map.span(pointer)
    assert span is not None
    return span


def source(parsed: ParsedJson, span: Span) -> str:
    return parsed.text[span.offset : span.end_offset]


# --- values ------------------------------------------------------------------------------


def test_value_equals_json_loads() -> None:
    parsed = ok(POLICY)
    assert parsed.value == json.loads(POLICY)
    assert parsed.duplicates == []


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, -2.5, 3e2, 1E-2, 0], "b": {"c": null, "d": true, "e": false}}',
        '"just a string"',
        "42",
        "-0.5",
        "[]",
        "{}",
        "[[], {}, [{}]]",
        '{"esc": "tab\\t nl\\n quote\\" uni\\u00e9 slash\\/"}',
        "null",
    ],
)
def test_values_match_json_loads(text: str) -> None:
    parsed = ok(text)
    expected = json.loads(text)
    assert parsed.value == expected
    assert type(parsed.value) is type(expected)


def test_number_types() -> None:
    parsed = ok('{"i": 10, "f": 1.5, "e": 2e3, "n": -7}')
    assert parsed.node("/i").kind == "number"
    assert type(parsed.node("/i").value) is int
    assert type(parsed.node("/f").value) is float
    assert type(parsed.node("/e").value) is float
    assert parsed.node("/e").value == 2000.0
    assert parsed.node("/n").value == -7


def test_node_kinds() -> None:
    parsed = ok('{"o": {}, "a": [], "s": "x", "n": 1, "t": true, "f": false, "z": null}')
    kinds = {key: parsed.node("/" + key).kind for key in "oasntfz"}
    assert kinds == {
        "o": "object",
        "a": "array",
        "s": "string",
        "n": "number",
        "t": "bool",
        "f": "bool",
        "z": "null",
    }
    assert parsed.node("/t").value is True
    assert parsed.node("/f").value is False
    assert parsed.node("/z").value is None
    assert parsed.node("/z").kind_name == "null"
    assert parsed.node("/o").kind_name == "an object"
    assert parsed.node("/n").kind_name == "a number"


def test_byte_order_mark_is_skipped() -> None:
    parsed = ok('\ufeff{"a": 1}')
    assert parsed.value == {"a": 1}
    assert span_of(parsed, "").column == 2


def test_surrounding_whitespace_is_allowed() -> None:
    parsed = ok(' \n\t {"a": 1} \r\n ')
    assert parsed.value == {"a": 1}
    span = span_of(parsed, "")
    assert (span.line, span.column) == (2, 3)


# --- pointers and spans -----------------------------------------------------------------


def test_every_value_has_a_pointer() -> None:
    parsed = ok(POLICY)
    assert set(parsed.source_map.pointers()) == {
        "",
        "/Version",
        "/Statement",
        "/Statement/0",
        "/Statement/0/Effect",
        "/Statement/0/Action",
        "/Statement/0/Action/0",
        "/Statement/0/Action/1",
        "/Statement/0/Resource",
    }
    assert len(parsed.source_map) == 9
    assert "/Statement/0/Action/1" in parsed.source_map
    assert "/Statement/1" not in parsed.source_map


def test_node_pointers_match_their_position() -> None:
    parsed = ok(POLICY)
    statement = parsed.node("/Statement/0")
    assert statement is not None
    assert statement.pointer == "/Statement/0"
    assert [m.key for m in statement.members] == ["Effect", "Action", "Resource"]
    action = statement.get("Action")
    assert action is not None
    assert [item.pointer for item in action.items] == [
        "/Statement/0/Action/0",
        "/Statement/0/Action/1",
    ]


@pytest.mark.parametrize(
    ("pointer", "expected", "snippet"),
    [
        ("", (1, 1, 10, 2), None),
        ("/Version", (2, 14, 2, 26), '"2012-10-17"'),
        ("/Statement", (3, 16, 9, 4), None),
        ("/Statement/0", (4, 5, 8, 6), None),
        ("/Statement/0/Effect", (5, 17, 5, 24), '"Allow"'),
        (
            "/Statement/0/Action",
            (6, 17, 6, 56),
            '["ssm:GetParameter", "ssm:SendCommand"]',
        ),
        ("/Statement/0/Action/0", (6, 18, 6, 36), '"ssm:GetParameter"'),
        ("/Statement/0/Action/1", (6, 38, 6, 55), '"ssm:SendCommand"'),
        ("/Statement/0/Resource", (7, 19, 7, 22), '"*"'),
    ],
)
def test_spans_multiline(
    pointer: str, expected: tuple[int, int, int, int], snippet: str | None
) -> None:
    parsed = ok(POLICY)
    span = span_of(parsed, pointer)
    assert (span.line, span.column, span.end_line, span.end_column) == expected
    if snippet is not None:
        assert source(parsed, span) == snippet
    else:
        text = source(parsed, span)
        assert text[0] in "[{"
        assert text[-1] in "]}"


def test_container_span_covers_the_brackets() -> None:
    parsed = ok(POLICY)
    statement = source(parsed, span_of(parsed, "/Statement/0"))
    assert statement.startswith("{\n")
    assert statement.endswith("}")
    assert json.loads(statement) == json.loads(POLICY)["Statement"][0]
    root = source(parsed, span_of(parsed, ""))
    assert root == POLICY.rstrip("\n")


def test_span_offsets_are_consistent_with_text() -> None:
    parsed = ok(POLICY)
    for pointer in parsed.source_map.pointers():
        span = span_of(parsed, pointer)
        lines = POLICY.split("\n")
        # the offset and the (line, column) describe the same character
        assert lines[span.line - 1][span.column - 1] == POLICY[span.offset]
        # the end column is exclusive: the character before it is the last one of the value
        assert lines[span.end_line - 1][span.end_column - 2] == POLICY[span.end_offset - 1]


def test_key_span() -> None:
    parsed = ok(POLICY)
    key = parsed.source_map.key_span("/Version")
    assert key is not None
    assert (key.line, key.column, key.end_line, key.end_column) == (2, 3, 2, 12)
    assert source(parsed, key) == '"Version"'
    action_key = parsed.source_map.key_span("/Statement/0/Action")
    assert action_key is not None
    assert (action_key.line, action_key.column, action_key.end_column) == (6, 7, 15)
    assert source(parsed, action_key) == '"Action"'


def test_key_span_absent_for_array_items_root_and_unknown() -> None:
    parsed = ok(POLICY)
    assert parsed.source_map.key_span("") is None
    assert parsed.source_map.key_span("/Statement/0") is None
    assert parsed.source_map.key_span("/Statement/0/Action/1") is None
    assert parsed.source_map.key_span("/Nope") is None


def test_span_falls_back_to_nearest_ancestor() -> None:
    parsed = ok(POLICY)
    action = span_of(parsed, "/Statement/0/Action")
    assert span_of(parsed, "/Statement/0/Action/7") == action
    assert span_of(parsed, "/Statement/0/Action/7/deeper") == action
    statement = span_of(parsed, "/Statement/0")
    assert span_of(parsed, "/Statement/0/Condition") == statement
    assert span_of(parsed, "/Missing") == span_of(parsed, "")
    # an existing pointer gives its own span, not the parent's
    assert span_of(parsed, "/Statement/0/Action/1") != action


def test_span_without_any_value_is_none() -> None:
    parsed = parse_json("{")
    assert parsed.source_map.span("") is None
    assert parsed.source_map.span("/a/b") is None


def test_pointer_escaping_of_tilde_and_slash() -> None:
    parsed = ok('{"a/b": 1, "m~n": 2, "~/": {"x": [3]}, "": 4}')
    pointers = set(parsed.source_map.pointers())
    assert {"/a~1b", "/m~0n", "/~0~1", "/~0~1/x", "/~0~1/x/0", "/"} <= pointers
    assert "/a/b" not in pointers
    assert parsed.node("/a~1b").value == 1
    assert parsed.node("/m~0n").value == 2
    assert parsed.node("/~0~1/x/0").value == 3
    assert parsed.node("/").value == 4
    assert source(parsed, span_of(parsed, "/m~0n")) == "2"
    assert source(parsed, parsed.source_map.key_span("/a~1b")) == '"a/b"'


def test_escape_helpers() -> None:
    assert escape_pointer_token("a/b~c") == "a~1b~0c"
    # "~1" in a key must not turn into "/" when read back: ~ is escaped first
    assert escape_pointer_token("~1") == "~01"
    assert join_pointer("/Statement", 0) == "/Statement/0"
    assert join_pointer("", "a/b") == "/a~1b"


def test_pointer_of_key_containing_escaped_sequence_round_trips() -> None:
    parsed = ok('{"~1": "tilde-one", "/": "slash"}')
    assert parsed.node("/~01").value == "tilde-one"
    assert parsed.node("/~1").value == "slash"


def test_columns_count_characters_not_bytes() -> None:
    text = '{"é€😀": "x", "k": "ü"}'
    parsed = ok(text)
    span = span_of(parsed, "/é€😀")
    # {=1 "=2 é=3 €=4 😀=5 "=6 :=7 space=8 "=9
    assert (span.line, span.column, span.end_column) == (1, 9, 12)
    second = span_of(parsed, "/k")
    assert (second.column, second.end_column) == (19, 22)
    assert source(parsed, second) == '"ü"'


def test_columns_after_non_ascii_on_a_previous_line_reset() -> None:
    text = '{"a": "ééé",\n "b": 1}'
    parsed = ok(text)
    span = span_of(parsed, "/b")
    assert (span.line, span.column, span.end_line, span.end_column) == (2, 7, 2, 8)


def test_crlf_line_endings() -> None:
    text = '{\r\n  "a": 1\r\n}'
    parsed = ok(text)
    span = span_of(parsed, "/a")
    assert (span.line, span.column) == (2, 8)


# --- duplicates ---------------------------------------------------------------------------


def test_duplicate_keys_are_reported_and_last_wins() -> None:
    text = '{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}'
    parsed = ok(text)
    assert parsed.value == {"a": 3, "b": 2}
    assert parsed.node("/a").value == 3
    assert len(parsed.duplicates) == 1
    duplicate = parsed.duplicates[0]
    assert duplicate.key == "a"
    assert duplicate.object_pointer == ""
    assert text[duplicate.first_start : duplicate.first_end] == '"a"'
    assert text[duplicate.start : duplicate.end] == '"a"'
    lines = parsed.source_map.lines
    assert lines.position(duplicate.first_start) == (2, 3)
    assert lines.position(duplicate.start) == (4, 3)
    # the winning value owns the pointer
    span = span_of(parsed, "/a")
    assert (span.line, span.column) == (4, 8)
    key = parsed.source_map.key_span("/a")
    assert key is not None
    assert (key.line, key.column) == (4, 3)


def test_both_members_of_a_duplicate_are_kept() -> None:
    parsed = ok('{"a": 1, "a": 2}')
    root = parsed.root
    assert root is not None
    assert [(m.key, m.value.value) for m in root.members] == [("a", 1), ("a", 2)]
    member = root.member("a")
    assert member is not None
    assert member.value.value == 2
    assert root.get("a").value == 2


def test_triple_and_nested_duplicates() -> None:
    parsed = ok('{"s": [{"k": 1, "k": 2, "k": 3}], "x": {"y": 0, "y": 1}}')
    assert parsed.value == {"s": [{"k": 3}], "x": {"y": 1}}
    found = [(d.object_pointer, d.key) for d in parsed.duplicates]
    assert found == [("/s/0", "k"), ("/s/0", "k"), ("/x", "y")]
    # each later occurrence is paired with the previous one
    first, second = parsed.duplicates[0], parsed.duplicates[1]
    assert first.start == second.first_start
    assert first.first_start < first.start < second.start


def test_same_key_in_different_objects_is_not_a_duplicate() -> None:
    parsed = ok('[{"a": 1}, {"a": 2}]')
    assert parsed.duplicates == []


def test_duplicates_reported_even_with_a_later_syntax_error() -> None:
    parsed = parse_json('{"a": 1, "a": 2,}')
    assert parsed.syntax_error is not None
    assert [d.key for d in parsed.duplicates] == ["a"]


# --- syntax errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset", "line", "column", "words"),
    [
        ('{"a": 1,}', 8, 1, 9, ("trailing comma", "}")),
        ('{\n  "a": 1,\n}', 12, 3, 1, ("trailing comma", "}")),
        ("[1, 2,]", 6, 1, 7, ("trailing comma", "]")),
        ('{"a": [1,\n  2,\n]}', 15, 3, 1, ("trailing comma", "]")),
        ('{"a": 1\n "b": 2}', 9, 2, 2, ("missing ','",)),
        ('["a" "b"]', 5, 1, 6, ("missing ','",)),
        ("[1 2]", 3, 1, 4, ("','", "]")),
        ("{'a': 1}", 1, 1, 2, ("double quotes", "single quotes")),
        ("{\"a\": 'x'}", 6, 1, 7, ("double quotes", "single quotes")),
        ('{"a": "abc', 6, 1, 7, ("never closed",)),
        ('{"a": "ab\ncd"}', 9, 1, 10, ("line break",)),
        ('{"a": "a\tb"}', 8, 1, 9, ("control character",)),
        ('{"a":1} co', 8, 1, 9, ("extra text",)),
        ('{"a": 1}\n\n  x', 12, 3, 3, ("extra text",)),
        ("", 0, 1, 1, ("empty",)),
        ("  \n  ", 5, 2, 3, ("empty",)),
        ("not json", 0, 1, 1, ("expected a value", "'n'")),
        ('{"a": }', 6, 1, 7, ("expected a value", "'}'")),
        ('{"a" 1}', 5, 1, 6, ("':'", "'a'")),
        ('{"a": 1', 7, 1, 8, ("end of the text",)),
        ("[", 1, 1, 2, ("text ended",)),
        ("{1: 2}", 1, 1, 2, ("key in double quotes",)),
        ("-", 0, 1, 1, ("number",)),
        ("tru", 0, 1, 1, ("expected a value",)),
    ],
)
def test_syntax_errors(
    text: str, offset: int, line: int, column: int, words: tuple[str, ...]
) -> None:
    problem, found_line, found_column = error(text)
    assert problem.offset == offset
    assert (found_line, found_column) == (line, column)
    for word in words:
        assert word.lower() in problem.message.lower()


def test_syntax_error_message_is_readable() -> None:
    problem, _, _ = error('{"Effect": "Allow",}')
    assert problem.message == "Trailing comma before '}': remove the last comma"
    problem, _, _ = error("[1,]")
    assert problem.message == "Trailing comma before ']': remove the last comma"
    problem, _, _ = error('{"a": 1 "b": 2}')
    assert problem.message == "Missing ',' between two members of an object"
    problem, _, _ = error("not json")
    assert problem.message.startswith("Expected a value")
    assert "found 'n'" in problem.message


def test_exactly_one_problem_for_several_errors() -> None:
    parsed = parse_json("{'a': 1,, 'b' 2,}")
    assert isinstance(parsed.syntax_error, SyntaxProblem)
    assert parsed.syntax_error.offset == 1


def test_control_character_is_described_by_code_point() -> None:
    problem, _, _ = error('{"a": 1\x01}')
    assert problem.offset == 7
    assert "U+0001" in problem.message


def test_nesting_at_max_depth_is_accepted() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    parsed = ok(text)
    assert parsed.value == json.loads(text)


def test_nesting_deeper_than_max_depth() -> None:
    depth = MAX_DEPTH + 1
    problem, line, column = error("[" * depth + "]" * depth)
    assert problem.offset == MAX_DEPTH
    assert (line, column) == (1, MAX_DEPTH + 1)
    assert str(MAX_DEPTH) in problem.message
    assert "deeper" in problem.message


def test_nesting_deeper_than_max_depth_with_objects() -> None:
    text = '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
    problem, _, column = error(text)
    assert problem.offset == 5 * MAX_DEPTH
    assert column == 5 * MAX_DEPTH + 1
    assert "deeper" in problem.message


def test_very_deep_nesting_does_not_raise() -> None:
    parsed = parse_json("[" * 5000)
    assert parsed.syntax_error is not None
    assert "deeper" in parsed.syntax_error.message


# --- node() -------------------------------------------------------------------------------


def test_node_resolution() -> None:
    parsed = ok(POLICY)
    assert parsed.node("") is parsed.root
    assert parsed.node("/Version").value == "2012-10-17"
    assert parsed.node("/Statement/0/Action/1").value == "ssm:SendCommand"
    assert parsed.node("/Statement/0/Resource").value == "*"


@pytest.mark.parametrize(
    "pointer",
    [
        "/Nope",
        "/Statement/1",
        "/Statement/-1",
        "/Statement/x",
        "/Statement/0/Action/2",
        "/Version/0",
        "/Statement/0/Effect/x",
        "/Statement/0/Action/0/more",
    ],
)
def test_node_missing_is_none(pointer: str) -> None:
    assert ok(POLICY).node(pointer) is None


def test_node_on_failed_parse_is_none() -> None:
    parsed = parse_json("{")
    assert parsed.node("") is None
    assert parsed.node("/a") is None


def test_span_of_a_string_that_is_not_a_pointer_falls_back_to_the_document() -> None:
    parsed = ok("[1, 2]")
    assert span_of(parsed, "abc") == span_of(parsed, "")
    assert span_of(parsed, "Statement/0") == span_of(parsed, "")


def test_node_rejects_non_ascii_digits_and_leading_zeros() -> None:
    parsed = ok("[1, 2]")
    assert parsed.node("/\u00b2") is None
    assert parsed.node("/01") is None
    assert parsed.node("/1") is not None and parsed.node("/1").value == 2  # type: ignore[union-attr]


def test_a_replaced_duplicate_leaves_no_stale_pointers() -> None:
    parsed = ok('{"a": {"b": 1}, "a": 2}')
    assert "/a/b" not in parsed.source_map
    assert span_of(parsed, "/a/b") == span_of(parsed, "/a")


# --- numbers Python cannot hold as JSON does (issue 9) ------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"Version": ' + "9" * 5000 + "}", 12),
        ("[-" + "1" * 4301 + "]", 1),
        (
            '{"Statement": {"Condition": {"NumericLessThan": {"k": ' + "7" * 5000 + "}}}}",
            54,
        ),
        ("[1e400]", 1),
        ("[-" + "9" * 400 + ".5]", 1),
    ],
)
def test_numbers_too_large_are_a_syntax_problem_not_an_exception(text: str, where: int) -> None:
    parsed = parse_json(text)
    assert parsed.root is None
    assert parsed.syntax_error is not None
    assert parsed.syntax_error.offset == where
    assert "number" in parsed.syntax_error.message


def test_integers_at_the_digit_limit_are_read() -> None:
    parsed = parse_json("[" + "9" * 4300 + "]")
    assert parsed.syntax_error is None
    assert parsed.value == [int("9" * 4300)]


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_named(word: str) -> None:
    parsed = parse_json('{"a": [' + word + "]}")
    assert parsed.syntax_error is not None
    assert parsed.syntax_error.offset == 7
    assert parsed.syntax_error.message.startswith(f"{word} is not valid JSON")
