"""Every command on hostile input: a clear outcome (exit 0, 1 or 2), never a traceback.

Hypothesis builds policy files from a valid Systems Manager policy with one hostile piece put
somewhere in it (wrong types, deep nesting, integers past Python's 4,300-digit limit,
NaN/Infinity, duplicate keys, lone surrogates, control characters) and one hostile encoding
(a BOM, CRLF line endings, NUL, bytes that are not UTF-8), then drives every command on it
in-process through `ssm_tui.cli.main`:

- the exit status is 0, 1 or 2 (3 is the internal-error status: a bug), and nothing that
  looks like a Python traceback reaches stdout or stderr;
- every finding `check --format json` reports has its line and column inside the text;
- `--fix` writes text that parses when the input parsed, has no error code the input did not
  have, and a second `--fix` changes nothing;
- the text outputs hold no raw ESC (a hostile file cannot drive the terminal).

A 5 MB file goes through every command once (outside hypothesis, it is slow to build).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ssm_tui.cli import main

BASE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadAppParameters",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParamter"],
            "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/app/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Team": "blue"}},
        }
    ],
}
# Where a hostile piece goes: a JSON pointer-like path into BASE ("" = the whole document).
PLACES = (
    "",
    "Version",
    "Statement",
    "Statement/0",
    "Statement/0/Sid",
    "Statement/0/Action",
    "Statement/0/Action/0",
    "Statement/0/Resource",
    "Statement/0/Condition",
    "Statement/0/Condition/StringEquals/aws:ResourceTag~1Team",
)
MARKER = "__HOSTILE__"
EXPORT_FORMATS = ("json", "min", "aws-cli", "terraform", "terraform-doc", "cloudformation")
OK_STATUSES = {0, 1, 2}
TRACEBACK = "Traceback (most recent call last)"

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@st.composite
def fragments(draw: st.DrawFn) -> str:
    """Raw JSON text (valid or not) to put in place of a value."""
    kind = draw(
        st.sampled_from(
            ["value", "deep", "bigint", "nonfinite", "surrogate", "control", "duplicate", "cut"]
        )
    )
    if kind == "value":
        return json.dumps(draw(json_values), ensure_ascii=draw(st.booleans()))
    if kind == "deep":
        depth = draw(st.sampled_from([150, 999, 1_500, 20_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return opener * depth + "1" + closer * depth
    if kind == "bigint":
        digits = draw(st.sampled_from(["", "-"])) + "9" * draw(st.sampled_from([4_301, 5_000]))
        return draw(st.sampled_from([digits, f'"{digits}"', f'"{digits}.5"', f"1e{digits}"]))
    if kind == "nonfinite":
        return draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "[NaN]"]))
    if kind == "surrogate":
        return draw(st.sampled_from(['"\\ud800"', '"ssm:\\udfffGet"', '"\\ud83d"']))
    if kind == "control":
        return json.dumps(
            draw(st.sampled_from(["\x1b[2J", "\x1b]52;c;aGk=\x07", "\x00", "\x7f", "\u009b31m"])),
            ensure_ascii=False,
        )
    if kind == "duplicate":
        return '{"Effect": "Allow", "Effect": "Deny", "Action": "ssm:*", "Action": "ec2:*"}'
    return draw(st.sampled_from(['{"Effect": ', "[", '"unterminated', "}"]))


def _place(document: Any, place: str) -> Any:
    """`document` with the value at `place` replaced by MARKER."""
    if not place:
        return MARKER
    tokens = [t.replace("~1", "/") for t in place.split("/")]
    copy = json.loads(json.dumps(document))
    node = copy
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    last = tokens[-1]
    node[int(last) if isinstance(node, list) else last] = MARKER
    return copy


@st.composite
def policy_files(draw: st.DrawFn) -> bytes:
    """The bytes of a hostile policy file."""
    text = json.dumps(_place(BASE, draw(st.sampled_from(PLACES))), indent=2)
    text = text.replace(json.dumps(MARKER), draw(fragments()))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "\x00" + text[at:]
    data = text.encode("utf-8", "surrogatepass")
    encoding = draw(st.sampled_from(["plain", "plain", "bom", "latin1", "junk"]))
    if encoding == "bom":
        data = b"\xef\xbb\xbf" + data
    elif encoding == "latin1":
        data = data.replace(b"GetParameter", b"GetParam\xe9ter")
    elif encoding == "junk":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff\xfe", b"\xc3", b"\x80\x80"])) + data[at:]
    return data


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """Run the CLI in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="replace")
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _stdin(fake_stdin),
    ):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _stdin(stream: io.TextIOWrapper) -> Iterator[None]:
    import sys

    saved = sys.stdin
    sys.stdin = stream
    try:
        yield
    finally:
        sys.stdin = saved


def assert_clean(argv: list[str], status: int, out: str, err: str) -> None:
    assert status in OK_STATUSES, (argv, status, err[-2000:])
    assert TRACEBACK not in out and TRACEBACK not in err, (argv, err[-2000:])
    assert "\x1b" not in err, argv
    if "--diff" not in argv:  # a unified diff is the file's own text, for `patch`
        assert "\x1b" not in out, (argv, out[:500])


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def assert_positions_inside(report: dict[str, Any], text: str) -> None:
    lines = text.split("\n")
    for result in report["results"]:
        for finding in result["findings"]:
            line, column = finding["line"], finding["column"]
            end_line, end_column = finding["end_line"], finding["end_column"]
            assert 1 <= line <= len(lines), finding
            assert 1 <= column <= len(lines[line - 1]) + 1, finding
            assert line <= end_line <= len(lines), finding
            assert 1 <= end_column <= len(lines[end_line - 1]) + 1, finding


def _errors(path: Path) -> set[str]:
    status, out, err = run(["check", "--format", "json", str(path)])
    assert status in OK_STATUSES, err
    report = json.loads(out)
    return {f["code"] for r in report["results"] for f in r["findings"] if f["severity"] == "error"}


def _account_details(data: bytes) -> bytes:
    """An account-authorization-details file holding the hostile text as a URL-encoded
    document (as the IAM API returns it) and, when it is JSON, as an object (the AWS CLI)."""
    text = _decoded(data)
    versions: list[dict[str, Any]] = [
        {"VersionId": "v1", "IsDefaultVersion": True, "Document": urllib.parse.quote(text)}
    ]
    return json.dumps(
        {
            "Policies": [
                {
                    "PolicyName": "Hostile",
                    "Arn": "arn:aws:iam::123456789012:policy/Hostile",
                    "DefaultVersionId": "v1",
                    "PolicyVersionList": versions,
                }
            ],
            "RoleDetailList": [
                {"RoleName": "R", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": text}]}
            ],
        }
    ).encode()


HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SAMPLES = [
    b'{"Version": ' + b"9" * 5000 + b"}",
    b"[" * 5000 + b"]" * 5000,
    b'{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ssm:*", '
    b'"Resource": NaN}}',
    b'\xef\xbb\xbf{"Version": "2012-10-17",\r\n "Statement": []}',
    b'{"Sid": "\x1b]52;c;aGk=\x07\x1b[2J"}',
    b"\xff\xfe\x00\x00binary",
    # certain-looking fixes that used to break the policy: typographic quotes inside a string,
    # NullIfExists (-> Null, then a second Null key), an invisible character that makes a
    # duplicate key when removed
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", '
    '"Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/Team": "\u201cblue\u201d"'
    "}}}]}".encode(),
    b'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", '
    b'"Resource": "*", "Condition": {"NullIfExists": {"aws:ResourceTag/Team": "true"}, '
    b'"Null": {"aws:ResourceTag/Owner": "false"}}}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", '
    '"Resource": "*", "Resource\u200b": "*"}]}'.encode(),
    b'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", '
    b'"Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "'
    + b"9" * 5000
    + b'"}, "DateLessThan": {"aws:CurrentTime": "9'
    + b"9" * 5000
    + b'"}}}]}',
]


def _with_file(data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "policy.json"
        path.write_bytes(data)
        yield path


@HYPOTHESIS
@given(policy_files())
@example(SAMPLES[0])
@example(SAMPLES[1])
@example(SAMPLES[2])
@example(SAMPLES[4])
@example(SAMPLES[5])
def test_check_in_every_format(data: bytes) -> None:
    for path in _with_file(data):
        text = _decoded(data)
        for fmt in ("text", "json", "sarif"):
            argv = ["check", "--format", fmt, str(path)]
            status, out, err = run(argv)
            assert_clean(argv, status, out, err)
            if fmt == "json" and status != 2:
                assert_positions_inside(json.loads(out), text)
            if fmt == "sarif" and status != 2:
                json.loads(out)
        argv = ["check", "--format", "json", "-"]
        status, out, err = run(argv, stdin=data)
        assert_clean(argv, status, out, err)


@HYPOTHESIS
@given(policy_files())
@example(SAMPLES[0])
@example(SAMPLES[3])
@example(SAMPLES[5])
@example(SAMPLES[6])
@example(SAMPLES[7])
@example(SAMPLES[8])
@example(SAMPLES[9])
def test_fix_and_diff(data: bytes) -> None:
    for path in _with_file(data):
        before_errors = _errors(path)
        parsed_before = _parses(data)
        argv = ["check", "--diff", str(path)]
        status, out, err = run(argv)
        assert_clean(argv, status, out, err)
        assert path.read_bytes() == data, "--diff must not write"

        argv = ["check", "--fix", str(path)]
        status, out, err = run(argv)
        assert_clean(argv, status, out, err)
        fixed = path.read_bytes()
        if fixed == data:
            continue
        assert data.startswith(b"\xef\xbb\xbf") == fixed.startswith(b"\xef\xbb\xbf"), "BOM kept"
        if b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""):
            assert b"\n" not in fixed.replace(b"\r\n", b""), "CRLF line endings kept"
        if parsed_before:
            assert _parses(fixed), "the fixed text must still parse"
        assert _errors(path) <= before_errors, "a fix introduced a new error"
        status, out, err = run(["check", "--fix", str(path)])
        assert path.read_bytes() == fixed, "a second --fix changes nothing"


def _parses(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return False
    return True


@HYPOTHESIS
@given(policy_files())
@example(SAMPLES[0])
@example(SAMPLES[1])
@example(SAMPLES[2])
@example(SAMPLES[4])
@example(SAMPLES[9])
def test_simulate_permissions_diff(data: bytes) -> None:
    for path in _with_file(data):
        base = path.with_name("base.json")
        base.write_text(json.dumps(BASE), encoding="utf-8")
        for argv in (
            ["simulate", str(path), "--action", "ssm:GetParameter"],
            [
                "simulate",
                str(path),
                "--action",
                "ssm:GetParameter",
                "--resource",
                "arn:aws:ssm:us-east-1:123456789012:parameter/app/x",
                "--context",
                "aws:ResourceTag/Team=blue",
                "--format",
                "json",
            ],
            ["permissions", str(path)],
            ["permissions", "--format", "json", str(path)],
            ["diff", str(base), str(path)],
            ["diff", "--format", "json", str(path), str(base)],
        ):
            status, out, err = run(argv)
            assert_clean(argv, status, out, err)


@HYPOTHESIS
@given(policy_files())
@example(SAMPLES[1])
@example(SAMPLES[2])
@example(SAMPLES[4])
def test_export_to_every_format(data: bytes) -> None:
    for path in _with_file(data):
        for fmt in EXPORT_FORMATS:
            argv = ["export", str(path), "--to", fmt]
            status, out, err = run(argv)
            assert_clean(argv, status, out, err)
            assert "\x1b" not in out, "no raw ESC in an export"
            if status == 0 and fmt in ("json", "min"):
                json.loads(out)  # strict JSON: NaN/Infinity would fail here


@HYPOTHESIS
@given(policy_files())
@example(SAMPLES[1])
@example(SAMPLES[2])
def test_account_details(data: bytes) -> None:
    for path in _with_file(_account_details(data)):
        for fmt in ("text", "json"):
            argv = ["check", "--account-details", str(path), "--format", fmt]
            status, out, err = run(argv)
            assert_clean(argv, status, out, err)
    for path in _with_file(data):  # the hostile text as the account file itself
        argv = ["check", "--account-details", str(path)]
        status, out, err = run(argv)
        assert_clean(argv, status, out, err)


@pytest.fixture(scope="module")
def five_megabytes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    statement = dict(BASE["Statement"][0])
    count = 5_000_000 // len(json.dumps(statement))
    document = {"Version": "2012-10-17", "Statement": [statement] * count}
    path = tmp_path_factory.mktemp("big") / "five-mb.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert path.stat().st_size >= 5_000_000
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{}"],
        ["check", "--format", "json", "{}"],
        ["check", "--diff", "{}"],
        ["check", "--fix", "{}"],
        ["check", "--account-details", "{account}"],
        ["simulate", "{}", "--action", "ssm:GetParameter"],
        ["permissions", "{}"],
        ["diff", "{}", "{}"],
        *(["export", "{}", "--to", fmt] for fmt in EXPORT_FORMATS),
    ],
    ids=lambda argv: " ".join(a for a in argv if a != "{}"),
)
def test_five_megabytes_is_refused_or_reported(five_megabytes: Path, argv: list[str]) -> None:
    before = five_megabytes.read_bytes()
    account = five_megabytes.with_name("account.json")
    account.write_bytes(_account_details(before))
    argv = [
        str(five_megabytes) if a == "{}" else str(account) if a == "{account}" else a for a in argv
    ]
    status, out, err = run(argv)
    assert_clean(argv, status, out, err)
    assert five_megabytes.read_bytes() == before, "nothing is written over a 5 MB file"
    if argv[0] == "check":
        assert status == 1 or "--diff" in argv or "--fix" in argv
        assert "far beyond the largest identity policy" in out or "--diff" in argv
    else:
        assert status == 2
        assert "200,000" in err, err


def test_every_command_is_driven() -> None:
    """The suite above covers each command the CLI has (a new one must be added here)."""
    from ssm_tui.cli.entry import COMMANDS

    driven = {"check", "simulate", "permissions", "diff", "export"}
    library = {"managed", "templates"}  # read bundled data only, no user file
    assert set(COMMANDS) == driven | library, set(COMMANDS) ^ (driven | library)
    assert os.environ.get("SSM_TUI_STATE_DIR"), "conftest isolates the user folders"
