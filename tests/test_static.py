"""ruff and mypy stay clean (configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT, capture_output=True, text=True, check=False
    )


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (PROJECT / ".venv").exists(),
    reason="ruff is not installed",
)
def test_ruff() -> None:
    result = run_tool("ruff", "check", "src", "tests", "scripts", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_on_src() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
