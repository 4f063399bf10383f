"""`check --fix` writes certain fixes atomically; `--diff` shows them without writing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PARAMETERS, PROJECT, allow, policy
from ssm_tui.checks import validate
from ssm_tui.checks.fixes import fix_text
from ssm_tui.cli import main

PRINTED = PROJECT / "examples" / "as-printed" / "run-document-on-instances.json"


def test_fix_text_repairs_the_certain_problems_only() -> None:
    result = fix_text(PRINTED.read_text())
    assert {a.code for a in result.applied} == {"INVALID_ACTION"}
    statements = json.loads(result.text)["Statement"]
    assert "ssm:ListDocumentVersions" in statements[0]["Action"]
    assert statements[5]["Action"] == "ssm:DescribeAutomationExecutions"
    remaining = {f.code for f in validate(result.text).findings}
    assert "INVALID_ACTION" not in remaining and "INVALID_ARN_RESOURCE" in remaining


def test_fix_writes_the_file_and_reports_what_remains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.json"
    path.write_text(policy(allow(["ssm:getParameter", "ssm:GetParameter "], Sid="Read")))
    path.chmod(0o640)
    code = main(["check", "--fix", str(path)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "fixed NON_CANONICAL_CASE" in err and "fixed INVALID_ACTION" in err
    fixed = json.loads(path.read_text())
    assert fixed["Statement"][0]["Action"] in (
        ["ssm:GetParameter"],
        ["ssm:GetParameter", "ssm:GetParameter"],
    )
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    assert "0 errors" in out


def test_diff_prints_a_patch_and_leaves_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.json"
    original = policy(allow("ec2:describeInstances"))
    path.write_text(original)
    code = main(["check", "--diff", str(path)])
    out, _ = capsys.readouterr()
    assert code == 0
    assert path.read_text() == original
    assert '-      "Action": "ec2:describeInstances",' in out
    assert '+      "Action": "ec2:DescribeInstances",' in out


def test_fix_needs_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--fix"]) == 2
    assert "--fix and --diff work on policy files" in capsys.readouterr().err


def test_nothing_to_fix_leaves_the_file_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.json"
    path.write_text(policy(allow("ssm:GetParameter")))
    before = path.stat().st_mtime_ns
    assert main(["check", "--fix", str(path)]) == 0
    assert path.stat().st_mtime_ns == before
    assert capsys.readouterr().err == ""


def test_grammar_fixes_are_certain_ones() -> None:
    text = policy(
        {"effect": "allow", "Action": "ssm:GetParameter", "Resource": PARAMETERS, "Sid": "A"},
        {"Effect": "Allow", "Action": "ssm:PutParameter", "Resource": PARAMETERS, "Sid": "A"},
    ).replace('"Statement"', '"statement"')
    result = fix_text(text)
    fixed = json.loads(result.text)
    assert set(fixed) == {"Version", "Statement"}
    first, second = fixed["Statement"]
    assert first["Effect"] == "Allow" and "effect" not in first
    assert second["Sid"] == "A2"
    assert not any(f.severity == "error" for f in validate(result.text).findings)
