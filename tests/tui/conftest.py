"""TUI tests run with their own settings and drafts folders, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    state = tmp_path / "state"
    monkeypatch.setenv("SSM_TUI_CONFIG_DIR", str(config))
    monkeypatch.setenv("SSM_TUI_STATE_DIR", str(state))
    monkeypatch.delenv("TMUX", raising=False)
    return tmp_path
