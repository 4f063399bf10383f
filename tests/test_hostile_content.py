"""Hostile policy content (issue 9): huge integers, deep nesting, NaN/Infinity, wrong types.

`loads_policy` is the strict reader every command uses; these tests pin its contract (only
PolicyJsonError, with a line and a column inside the text) and drive each command the
helper owns with the same inputs.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssm_tui.checks import validate
from ssm_tui.policy.format import PolicyJsonError, loads_policy, minify, pretty
from ssm_tui.policy.source import MAX_DEPTH

HUGE = "9" * 5000
DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000

HOSTILE_TEXTS = {
    "nan": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": NaN}]}',
    "infinity": '{"Version": Infinity}',
    "minus-infinity": '{"Statement": [-Infinity]}',
    "huge-int": '{"Version": ' + HUGE + "}",
    "huge-int-condition": (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", '
        '"Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": ' + HUGE + "}}}]}"
    ),
    "huge-float": '{"Version": 1e400}',
    "deep-array": DEEP,
    "deep-object": DEEP_OBJECT,
    "deep-in-statement": '{"Statement": [{"Condition": ' + DEEP + "}]}",
}


def _position_inside(text: str, line: int, column: int) -> bool:
    lines = text.split("\n")
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_loads_policy_refuses_with_line_and_column(name: str) -> None:
    text = HOSTILE_TEXTS[name]
    with pytest.raises(PolicyJsonError) as caught:
        loads_policy(text)
    error = caught.value
    assert _position_inside(text, error.line, error.column)
    assert str(error) == f"line {error.line}, column {error.column}: {error.message}"
    assert "\n" not in str(error)


def test_loads_policy_message_names_the_problem() -> None:
    with pytest.raises(PolicyJsonError, match=r"^line 2, column 14: NaN is not valid JSON"):
        loads_policy('{"Statement":\n  {"Action": NaN}}')
    with pytest.raises(PolicyJsonError, match="5,000 digits"):
        loads_policy(HOSTILE_TEXTS["huge-int"])
    with pytest.raises(PolicyJsonError, match=f"deeper than {MAX_DEPTH} levels"):
        loads_policy(DEEP)


def test_loads_policy_reads_what_json_loads_reads() -> None:
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "n": [1, 2.5, -0]}]}'
    assert loads_policy(text) == json.loads(text)
    assert loads_policy('{"a": 1, "a": 2}') == {"a": 2}  # the last duplicate wins
    assert loads_policy("\ufeff[1]") == [1]  # a byte-order mark is skipped, as check does
    assert loads_policy("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_loads_policy_accepts_what_check_accepts_and_refuses_what_it_refuses() -> None:
    for text in HOSTILE_TEXTS.values():
        findings = validate(text).findings
        assert [f.code for f in findings] == ["JSON_SYNTAX_ERROR"], text[:40]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_loads_policy_raises_only_policy_json_error(text: str) -> None:
    try:
        value = loads_policy(text)
    except PolicyJsonError as error:
        assert _position_inside(text, error.line, error.column)
    else:
        pretty(value)
        minify(value)


@pytest.mark.parametrize(
    "text",
    ["\x00", "\ud800", '"\ud800"', '"\\ud800"', "{" * 5000, "[" * 200_000, '"' + "a" * 1000],
)
def test_loads_policy_odd_text(text: str) -> None:
    try:
        value = loads_policy(text)
    except PolicyJsonError:
        return
    pretty(value).encode("utf-8")  # a lone surrogate is written as an escape


def test_pretty_and_minify_escape_what_a_terminal_acts_on() -> None:
    value = {"Sid": "a\x9b2J\x7f\u2028\u202e", "s": "\ud800"}
    for text in (pretty(value), minify(value)):
        assert json.loads(text) == value
        assert not any(0x7F <= ord(c) <= 0x9F for c in text)
        assert "\u2028" not in text and "\u202e" not in text
        text.encode("utf-8")


def test_pretty_of_a_deep_value_is_a_value_error_not_recursion() -> None:
    value: list[object] = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(ValueError, match="nested deeper"):
        pretty(value)
    with pytest.raises(ValueError, match="not finite"):
        minify({"a": float("nan")})


def _account(document_text: str) -> str:
    """An account-details file holding `document_text` as a URL-encoded inline policy."""
    import urllib.parse

    role = {"RoleName": "r", "RolePolicyList": [{"PolicyName": "p"}]}
    role["RolePolicyList"][0]["PolicyDocument"] = urllib.parse.quote(document_text)
    return json.dumps({"RoleDetailList": [role]})


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
@pytest.mark.parametrize(
    "command",
    ["export", "simulate", "permissions", "diff", "account-file", "account-document"],
)
def test_every_command_gives_a_clear_outcome(
    tmp_path: object, name: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from ssm_tui.cli import main

    text = HOSTILE_TEXTS[name]
    path = Path(str(tmp_path)) / "policy.json"
    path.write_text(_account(text) if command == "account-document" else text, "utf-8")
    argv = {
        "export": ["export", str(path), "--to", "terraform"],
        "simulate": ["simulate", str(path), "--action", "ssm:GetParameter"],
        "permissions": ["permissions", str(path)],
        "diff": ["diff", str(path), str(path)],
        "account-file": ["check", "--account-details", str(path)],
        "account-document": ["check", "--account-details", str(path)],
    }[command]
    code = main(argv)
    out, err = capsys.readouterr()
    if command == "account-document":  # the policy is checked: a syntax-error finding
        assert code == 1 and "JSON_SYNTAX_ERROR" in out and err == ""
    else:
        assert code == 2
        assert out == "" or command == "account-file"  # check prints its summary line
        assert err.count("\n") == 1 and "Traceback" not in err
        assert "line 1, column" in err or "line 2, column" in err or "not valid JSON" in err
