"""SARIF 2.1.0 output, validated against models generated from the official schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic_sarif.model import StaticAnalysisResultsFormatSarifVersion210JsonSchema as SarifLog

from conftest import PARAMETERS, allow, policy
from ssm_tui.checks.rules import RULES
from ssm_tui.cli import main


def sarif_of(paths: list[Path], capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    code = main(["check", "--format", "sarif", *map(str, paths)])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return json.loads(out)  # type: ignore[no-any-return]


def test_sarif_is_valid_and_has_rules_and_regions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(policy(allow(["ssm:GetParamter", "ssm:getParameters"], PARAMETERS)))
    good = tmp_path / "good.json"
    good.write_text(policy(allow("ssm:GetParameter", PARAMETERS)))
    log = sarif_of([bad, good], capsys)
    SarifLog.model_validate(log)  # raises on anything the schema does not allow
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["INVALID_ACTION", "NON_CANONICAL_CASE"]
    assert all(r["help"]["text"] for r in rules)
    assert rules[0]["shortDescription"]["text"] == RULES["INVALID_ACTION"].title
    first = run["results"][0]
    assert first["ruleId"] == "INVALID_ACTION" and first["level"] == "error"
    assert run["results"][1]["level"] == "note"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("bad.json")
    assert location["region"] == {"startLine": 7, "startColumn": 9, "endLine": 7, "endColumn": 26}


def test_sarif_carries_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(policy(allow("ssm:getParameter", PARAMETERS)))
    log = sarif_of([path], capsys)
    SarifLog.model_validate(log)
    fix = log["runs"][0]["results"][0]["fixes"][0]
    replacement = fix["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == '"ssm:GetParameter"'


def test_empty_sarif_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "good.json"
    path.write_text(policy(allow("ssm:GetParameter", PARAMETERS)))
    log = sarif_of([path], capsys)
    SarifLog.model_validate(log)
    assert log["runs"][0]["results"] == []
