"""Unsaved editor work survives a crash, a dropped SSH connection or a quit.

The TUI saves the editor's text here as the user works (debounced) and on quit, clears it
once the work is saved to its file, and on start offers to restore what `load_draft` finds.
There is one current draft, ``current.json``; each save first moves the one before it to
``previous.json``, so a bad save (or a hasty clear) can still be undone by hand.  Writes are
atomic (`write_atomic`): a crash during a save leaves the last complete draft.  Reading
never raises, because a broken draft must not stop the app from starting.

The folder is platformdirs' ``user_state_path("ssm-tui")/drafts``, or
``$SSM_TUI_STATE_DIR/drafts`` when set (tests).  It is created private to the user: a policy
draft can hold account IDs and resource names.  This module never imports textual.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ssm_tui.export.files import write_atomic
from ssm_tui.paths import ensure_dir, state_dir

CURRENT_FILE = "current.json"
PREVIOUS_FILE = "previous.json"


class Draft(BaseModel):
    """One saved draft: the editor's text, the file it came from (None: a new policy), when
    it was saved (ISO 8601, UTC) and the title the TUI showed for it."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    text: str
    source_path: str | None = None
    saved_at: str
    title: str = ""

    @field_validator("saved_at")
    @classmethod
    def _iso_timestamp(cls, value: str) -> str:
        datetime.fromisoformat(value)  # ValueError (-> ValidationError) when it is not ISO
        return value

    @property
    def saved_at_datetime(self) -> datetime:
        return datetime.fromisoformat(self.saved_at)


def drafts_dir() -> Path:
    """``<state dir>/drafts`` (the state dir is ``$SSM_TUI_STATE_DIR`` when set)."""
    return state_dir() / "drafts"


def _read(path: Path) -> Draft | None:
    try:
        return Draft.model_validate_json(path.read_bytes())
    except (OSError, ValueError, ValidationError):
        return None


def save_draft(text: str, source_path: str | os.PathLike[str] | None, title: str) -> Draft:
    """Save `text` as the current draft (the former current one becomes the previous one)
    and return what was saved.  Raises OSError when the disk refuses (the TUI says so)."""
    folder = ensure_dir(drafts_dir())
    draft = Draft(
        text=text,
        source_path=None if source_path is None else os.fspath(source_path),
        saved_at=datetime.now(UTC).isoformat(timespec="seconds"),
        title=title,
    )
    current = folder / CURRENT_FILE
    before = _read(current)
    unchanged = before is not None and (before.text, before.source_path, before.title) == (
        draft.text,
        draft.source_path,
        draft.title,
    )
    # Saving the same work again (autosave) only refreshes the time: the previous draft
    # stays the last *different* one.
    if not unchanged and current.exists():
        os.replace(current, folder / PREVIOUS_FILE)
    write_atomic(current, draft.model_dump_json(indent=2) + "\n")
    return draft


def load_draft(*, previous: bool = False) -> Draft | None:
    """The current draft (or, with `previous`, the one before it); None when there is none
    or it cannot be read.  Never raises."""
    try:
        path = drafts_dir() / (PREVIOUS_FILE if previous else CURRENT_FILE)
    except Exception:
        return None
    return _read(path)


def clear_draft() -> None:
    """Forget the current draft (the work was saved or discarded).  It becomes the previous
    draft rather than vanishing, so a discard can still be undone by hand.  Never raises."""
    with contextlib.suppress(OSError):
        folder = drafts_dir()
        current = folder / CURRENT_FILE
        if current.exists():
            os.replace(current, folder / PREVIOUS_FILE)
