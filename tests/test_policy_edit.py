"""Editing a policy's text (ssm_tui.policy.edit): append statements, reformat, new documents,
and reading the value from a parse the caller holds."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssm_tui.policy.edit import (
    NEW_POLICY_VERSION,
    Edited,
    Inserted,
    NotJson,
    Unwritable,
    append_statements,
    insert_statements,
    new_document,
    read_value,
    reformat,
    statements_of,
)
from ssm_tui.policy.format import MAX_DEPTH, PolicyJsonError, loads_policy, minify, pretty
from ssm_tui.policy.source import parse_json

FINITE = st.floats(allow_nan=False, allow_infinity=False)  # JSON has no NaN or Infinity
SCALARS = st.none() | st.booleans() | st.integers() | FINITE | st.text()
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
STATEMENTS = st.lists(
    st.fixed_dictionaries(
        {"Effect": st.sampled_from(["Allow", "Deny"]), "Action": st.text(max_size=20)},
        optional={"Sid": st.text(max_size=8), "Resource": JSON_VALUES},
    ),
    max_size=3,
)
POLICIES = st.fixed_dictionaries(
    {"Statement": STATEMENTS | STATEMENTS.map(lambda s: s[0] if s else {})},
    optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17"]), "Id": st.text()},
)
NOT_JSON = ["", "   ", '{"Version": ', "{'a': 1}", '{"a": NaN}', "[1, 2,]", '{"a": 1} x']


def _text(value: Any, layout: int) -> str:
    """The value as JSON text, in one of three layouts (the edits must not care)."""
    return [pretty, minify, lambda v: json.dumps(v, indent=4, ensure_ascii=False)][layout](value)


def _edited(result: object) -> str:
    assert isinstance(result, Edited), result
    return result.text


@given(POLICIES, STATEMENTS, st.integers(0, 2))
def test_append_keeps_the_policy_and_adds_the_statements_after_its_own(
    policy: dict[str, Any], added: list[Any], layout: int
) -> None:
    text = _edited(append_statements(_text(policy, layout), added))
    value = loads_policy(text)
    assert value["Statement"] == statements_of(policy) + added
    assert {k: v for k, v in value.items() if k != "Statement"} == {
        k: v for k, v in policy.items() if k != "Statement"
    }
    assert text == pretty(value)  # written as `ssm-tui format` writes it


def test_append_to_a_single_statement_object_makes_an_array() -> None:
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*"}}'
    added = [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}]
    value = json.loads(_edited(append_statements(text, added)))
    assert value["Statement"] == [{"Effect": "Deny", "Action": "*"}, *added]


@pytest.mark.parametrize("statement", ['"x"', "null", "3", "[]"])
def test_append_replaces_a_statement_that_is_not_an_array_or_object(statement: str) -> None:
    added = [{"Effect": "Allow", "Action": "ssm:ListDocuments"}]
    text = f'{{"Version": "2012-10-17", "Statement": {statement}}}'
    assert json.loads(_edited(append_statements(text, added)))["Statement"] == added


@given(JSON_VALUES.filter(lambda v: not isinstance(v, dict)), STATEMENTS)
def test_json_that_is_not_an_object_becomes_a_new_policy_of_the_statements(
    value: Any, added: list[Any]
) -> None:
    text = _edited(append_statements(json.dumps(value), added))
    assert json.loads(text) == {"Version": NEW_POLICY_VERSION, "Statement": added}


@pytest.mark.parametrize("text", NOT_JSON)
def test_text_that_is_not_json_is_not_edited_and_says_where(text: str) -> None:
    with pytest.raises(PolicyJsonError) as expected:
        loads_policy(text)
    for result in (
        append_statements(text, [{"Effect": "Allow"}]),
        reformat(text, minified=False),
        reformat(text, minified=True),
    ):
        assert isinstance(result, NotJson)
        assert str(result) == str(expected.value)
        assert (result.error.line, result.error.column) == (
            expected.value.line,
            expected.value.column,
        )


@given(JSON_VALUES, st.integers(0, 2), st.booleans())
def test_reformat_keeps_the_value_and_writes_the_canonical_text(
    value: Any, layout: int, minified: bool
) -> None:
    text = _edited(reformat(_text(value, layout), minified=minified))
    assert loads_policy(text) == value
    assert text == (minify(value) if minified else pretty(value))


def test_reformat_minified_has_no_whitespace_between_tokens() -> None:
    text = _edited(reformat('{\n  "Statement": [ {"Effect": "Allow"} ]\n}\n', minified=True))
    assert text == '{"Statement":[{"Effect":"Allow"}]}'


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "bad", [_nested(100_000), math.nan, math.inf, {"a", "set"}], ids=["deep", "nan", "inf", "set"]
)
def test_a_value_that_cannot_be_written_is_unwritable_not_an_exception(bad: Any) -> None:
    for result in (
        append_statements('{"Statement": []}', [{"Effect": "Allow", "Resource": bad}]),
        new_document({"Statement": [{"Resource": bad}]}),
    ):
        assert isinstance(result, Unwritable)
        assert result.reason and "\n" not in str(result)


@given(POLICIES)
def test_a_new_document_is_the_pretty_text_of_the_policy(policy: dict[str, Any]) -> None:
    assert _edited(new_document(policy)) == pretty(policy)


@given(JSON_VALUES, st.integers(0, 2))
def test_a_parse_of_the_same_text_gives_the_value_loads_policy_gives(
    value: Any, layout: int
) -> None:
    text = _text(value, layout)
    assert read_value(text, parse_json(text)) == loads_policy(text) == read_value(text)


@given(JSON_VALUES, JSON_VALUES)
def test_a_parse_of_other_text_is_not_used(old: Any, new: Any) -> None:
    stale = parse_json(json.dumps(old))
    text = json.dumps(new)
    assert read_value(text, stale) == new


def test_the_parses_own_value_is_returned_and_never_changed_by_an_edit() -> None:
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}'
    parsed = parse_json(text)
    assert read_value(text, parsed) is parsed.value  # not read twice
    before = json.dumps(parsed.value)
    append_statements(text, [{"Effect": "Deny"}], parsed=parsed)
    reformat(text, minified=True, parsed=parsed)
    assert json.dumps(parsed.value) == before


def test_a_failed_parse_is_not_trusted() -> None:
    """A parse without a value (a syntax error, or the validator's stand-in for a text too
    large to check) does not decide: the text itself is read."""
    text = '{"Statement": []}'
    failed = parse_json("")
    failed.text = text  # what the validator does for a text too large to check
    assert read_value(text, failed) == {"Statement": []}
    assert isinstance(append_statements(text, [], parsed=failed), Edited)


@pytest.mark.parametrize("text", NOT_JSON)
def test_a_syntax_error_in_the_parse_gives_the_same_error(text: str) -> None:
    with pytest.raises(PolicyJsonError) as direct:
        read_value(text)
    with pytest.raises(PolicyJsonError) as from_parse:
        read_value(text, parse_json(text))
    assert str(from_parse.value) == str(direct.value)


def test_a_byte_order_mark_is_read_as_check_reads_it() -> None:
    text = '\ufeff{"Statement": [{"Effect": "Allow"}]}'
    value = read_value(text, parse_json(text))
    assert value == {"Statement": [{"Effect": "Allow"}]}
    assert _edited(reformat(text, minified=True)) == '{"Statement":[{"Effect":"Allow"}]}'


def test_nesting_deeper_than_the_limit_is_not_json() -> None:
    text = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert isinstance(reformat(text, minified=False), NotJson)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ({"Statement": [{"Sid": "a"}, {"Sid": "b"}]}, [{"Sid": "a"}, {"Sid": "b"}]),
        ({"Statement": {"Sid": "a"}}, [{"Sid": "a"}]),
        ({"Statement": "x"}, []),
        ({"Version": "2012-10-17"}, []),
        (["not", "a", "policy"], []),
        (None, []),
    ],
)
def test_statements_of(policy: Any, expected: list[Any]) -> None:
    assert statements_of(policy) == expected


def test_statements_of_is_a_new_list() -> None:
    policy = {"Statement": [{"Sid": "a"}]}
    statements_of(policy).append({"Sid": "b"})
    assert policy == {"Statement": [{"Sid": "a"}]}


# --- insert_statements: one insertion, the rest of the document as the user wrote it ------

USER_STYLE = """{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Mine", "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}
    ]
}
"""


def _applied(text: str, result: object) -> str:
    assert isinstance(result, Inserted)
    return text[: result.offset] + result.text + text[result.offset :]


def test_insert_keeps_the_users_formatting_and_indents_like_the_last_statement() -> None:
    added = [{"Effect": "Deny", "Action": "ssm:DeleteParameter", "Resource": "*"}]
    new = _applied(USER_STYLE, insert_statements(USER_STYLE, added))
    assert new.startswith(USER_STYLE.split("\n    ]")[0])  # everything before is untouched
    assert new.endswith("\n    ]\n}\n")
    assert '        {\n          "Effect": "Deny",' in new  # at the last statement's indent
    assert json.loads(new)["Statement"] == [*json.loads(USER_STYLE)["Statement"], *added]


@given(STATEMENTS, STATEMENTS.filter(bool))
def test_insert_means_the_same_as_append(mine: list[Any], added: list[Any]) -> None:
    for text in (json.dumps({"Statement": mine}), pretty({"Statement": mine})):
        result = insert_statements(text, added)
        new = _applied(text, result) if isinstance(result, Inserted) else _edited(result)
        assert json.loads(new)["Statement"] == [*mine, *added]


def test_a_one_line_policy_stays_on_one_line() -> None:
    text = '{ "Statement": [ { "Effect": "Allow", "Action": "ssm:*", "Resource": "*" } ] }'
    new = _applied(text, insert_statements(text, [{"Effect": "Deny", "Action": "ssm:Put*"}]))
    assert "\n" not in new
    assert new.endswith('"Resource": "*" }, {"Effect":"Deny","Action":"ssm:Put*"} ] }')


def test_no_statement_array_falls_back_to_a_rewrite() -> None:
    for text in ('{"Version": "2012-10-17"}', '{"Statement": []}', '{"Statement": {}}'):
        result = insert_statements(text, [{"Effect": "Allow"}])
        assert isinstance(result, Edited), text
