"""Drafts: saved, rotated, restored, cleared; a broken draft never raises."""

from __future__ import annotations

import json
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import pytest

from ssm_tui.drafts import Draft, clear_draft, drafts_dir, load_draft, save_draft


@pytest.fixture(autouse=True)
def state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("SSM_TUI_STATE_DIR", str(folder))
    return folder


def test_drafts_dir_from_env(state: Path) -> None:
    assert drafts_dir() == state / "drafts"


def test_drafts_dir_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSM_TUI_STATE_DIR")
    assert drafts_dir() == platformdirs.user_state_path("ssm-tui", appauthor=False) / "drafts"


def test_no_draft() -> None:
    assert load_draft() is None
    assert load_draft(previous=True) is None
    clear_draft()  # nothing to clear: no error


def test_round_trip(state: Path) -> None:
    saved = save_draft('{"Version": "2012-10-17"}\n', "/home/me/p.json", "p.json")
    loaded = load_draft()
    assert loaded == saved
    assert loaded.text == '{"Version": "2012-10-17"}\n'
    assert loaded.source_path == "/home/me/p.json"
    assert loaded.title == "p.json"
    moment = loaded.saved_at_datetime
    assert moment.tzinfo is not None
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=1)
    assert sorted(p.name for p in (state / "drafts").iterdir()) == ["current.json"]


def test_new_policy_and_path_object(tmp_path: Path) -> None:
    assert save_draft("{}", None, "Untitled").source_path is None
    assert save_draft("{}", tmp_path / "x.json", "x").source_path == str(tmp_path / "x.json")


def test_previous_is_kept(state: Path) -> None:
    save_draft("one", None, "first")
    save_draft("two", None, "second")
    save_draft("three", None, "third")
    current = load_draft()
    previous = load_draft(previous=True)
    assert current is not None and current.text == "three"
    assert previous is not None and previous.text == "two"
    assert sorted(p.name for p in (state / "drafts").iterdir()) == [
        "current.json",
        "previous.json",
    ]


def test_saving_the_same_work_keeps_the_previous_draft() -> None:
    save_draft("one", None, "t")
    save_draft("two", None, "t")
    save_draft("two", None, "t")  # autosave with nothing new
    previous = load_draft(previous=True)
    assert previous is not None and previous.text == "one"


def test_clear_moves_current_to_previous() -> None:
    save_draft("one", None, "t")
    clear_draft()
    assert load_draft() is None
    previous = load_draft(previous=True)
    assert previous is not None and previous.text == "one"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        json.dumps({"text": 5, "saved_at": "2025-01-01T00:00:00+00:00"}).encode(),
        json.dumps({"text": "x", "saved_at": "yesterday"}).encode(),
        json.dumps({"text": "x"}).encode(),
    ],
)
def test_unreadable_draft_is_none(state: Path, content: bytes) -> None:
    folder = state / "drafts"
    folder.mkdir(parents=True)
    (folder / "current.json").write_bytes(content)
    assert load_draft() is None


def test_draft_file_is_a_folder(state: Path) -> None:
    (state / "drafts" / "current.json").mkdir(parents=True)
    assert load_draft() is None


def test_unknown_fields_are_ignored(state: Path) -> None:
    folder = state / "drafts"
    folder.mkdir(parents=True)
    data = {"text": "x", "saved_at": "2025-01-01T00:00:00+00:00", "title": "t", "cursor": [1, 2]}
    (folder / "current.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_draft() == Draft(text="x", saved_at="2025-01-01T00:00:00+00:00", title="t")


def test_a_broken_current_draft_is_rotated_not_lost(state: Path) -> None:
    folder = state / "drafts"
    folder.mkdir(parents=True)
    (folder / "current.json").write_text("half-written", encoding="utf-8")
    save_draft("new", None, "t")
    assert (folder / "previous.json").read_text(encoding="utf-8") == "half-written"
    current = load_draft()
    assert current is not None and current.text == "new"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_drafts_are_private(state: Path) -> None:
    save_draft("{}", None, "t")
    assert stat.S_IMODE((state / "drafts").stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE((state / "drafts" / "current.json").stat().st_mode) & 0o077 == 0
