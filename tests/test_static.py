"""ruff and mypy stay clean (configured in pyproject.toml; both are test dependencies)."""

from __future__ import annotations

import subprocess
import sys

from conftest import PROJECT


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT, capture_output=True, text=True, check=False
    )


def test_ruff() -> None:
    folders = [name for name in ("src", "tests", "scripts", "bench") if (PROJECT / name).is_dir()]
    result = run_tool("ruff", "check", *folders)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_on_src() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
