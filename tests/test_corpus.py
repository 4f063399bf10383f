"""Every real-world policy in ../shared/corpus yields a result; AWS managed policies no error."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS
from ssm_tui.checks import validate
from ssm_tui.cli.common import decode_policy_bytes

FILES = sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FILES, reason="../shared/corpus is not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_is_checked_without_a_traceback(path: Path) -> None:
    result = validate(decode_policy_bytes(path.read_bytes()))
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1
        assert finding.message and finding.code.isupper()
    if path.name.startswith("mamip_"):
        errors = [(f.code, f.message) for f in result.findings if f.severity == "error"]
        assert errors == []
    if path.name.startswith("broken_"):
        assert result.findings, "a deliberately broken policy must produce findings"
