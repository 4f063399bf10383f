"""No raw terminal control character in the CLI's output (issue 9).

A policy whose Sid, action, resource and condition key hold an OSC 52 clipboard write
(``ESC ] 52 ; c ; ... BEL``), a clear-screen (``ESC [ 2J``) and a C1 CSI (U+009B) goes
through every command; the text outputs show them as visible escapes, the JSON outputs as
JSON escapes, and the values still round-trip.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ssm_tui.cli import main

OSC52 = "\x1b]52;c;aGk=\x07"
CLEAR = "\x1b[2J"
CSI = "\x9b31m"
HOSTILE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": OSC52 + CLEAR,
            "Effect": "Allow",
            "Action": ["ssm:GetParameter" + CLEAR, "ssm:Get" + CSI + "Parameters"],
            "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/app/" + OSC52,
            "Condition": {"StringEquals": {"aws:ResourceTag/Team" + CSI: "blue" + CLEAR}},
        },
        {
            "Sid": "Near" + CLEAR,
            "Effect": "Allow",
            "Action": "ssm:GetParameter",
            "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/other/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/" + OSC52: "x"}},
        },
        {"Sid": OSC52, "Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"},
    ],
}
# what a terminal acts on: C0 controls but tab and line feed, DEL, C1
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE, ensure_ascii=False), encoding="utf-8")
    return path


def _clean(out: str, err: str) -> None:
    assert RAW.search(out) is None, RAW.search(out)
    assert RAW.search(err) is None, RAW.search(err)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_check(hostile: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", "--format", fmt, str(hostile)], capsys)
    assert code in (0, 1)
    assert "\x1b" not in out and "\x07" not in out
    if fmt == "text":
        _clean(out, err)
        assert "Statement 3 (\\x1b]52;c;aGk=\\x07) allows ssm:SendCommand" in out
    else:
        json.loads(out)


def test_check_account_details_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    details = {
        "RoleDetailList": [
            {
                "RoleName": "r" + CLEAR,
                "RolePolicyList": [{"PolicyName": OSC52, "PolicyDocument": HOSTILE}],
            }
        ]
    }
    path = tmp_path / "account.json"
    path.write_text(json.dumps(details), encoding="utf-8")
    code, out, err = run(["check", "--account-details", str(path)], capsys)
    assert code in (0, 1)
    _clean(out, err)
    assert "role/r\\x1b[2J inline policy \\x1b]52;c;aGk=\\x07:" in out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_simulate(hostile: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", str(hostile), "--action", "ssm:GetParameter", "--format", fmt]
    argv += ["--resource", "arn:aws:ssm:us-east-1:123456789012:parameter/other/x"]
    code, out, err = run(argv, capsys)
    assert code == 1  # the context key is missing: implicit deny
    _clean(out, err)
    if fmt == "text":
        assert "Near\\x1b[2J" in out  # the nearest statement
        assert "aws:ResourceTag/\\x1b]52;c;aGk=\\x07" in out  # missing context keys
    else:
        assert "aws:ResourceTag/" + OSC52 in json.loads(out)["missing_context_keys"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_permissions_and_diff(hostile: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = hostile.with_name("base.json")
    base.write_text(json.dumps({"Version": "2012-10-17", "Statement": []}), encoding="utf-8")
    for argv in (
        ["permissions", "--format", fmt, str(hostile)],
        ["diff", "--format", fmt, str(base), str(hostile)],
    ):
        code, out, err = run(argv, capsys)
        assert code == 0, err
        _clean(out, err)
        if fmt == "json":
            json.loads(out)


@pytest.mark.parametrize(
    "fmt", ["json", "min", "aws-cli", "terraform", "terraform-doc", "cloudformation"]
)
def test_export(hostile: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["export", str(hostile), "--to", fmt], capsys)
    assert code == 0, err
    _clean(out, err)
    if fmt in ("json", "min"):
        assert json.loads(out) == HOSTILE


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "{}", "--to", "json"],
        ["simulate", "{}", "--action", "ssm:GetParameter"],
        ["permissions", "{}"],
        ["diff", "{}", "{}"],
    ],
    ids=lambda argv: argv[0],
)
def test_file_names_in_messages(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"evil{CLEAR}{CSI}.json"
    path.write_text('{"Version": NaN}', encoding="utf-8")
    code, out, err = run([str(path) if a == "{}" else a for a in argv], capsys)
    assert code == 2
    _clean(out, err)
    assert "evil\\x1b[2J\\x9b31m.json" in err
