"""Which kept drafts the app offers to restore, and how the offer reads.

The app offers the newest draft of the open document that differs from it: with a file
open, that file's drafts; with none, the untitled drafts of instances that are gone.  The
choice (restore, keep for later, discard) is a `ChoiceScreen` whose safe answer, focused and
given by Enter and escape, is keep; it ignores keys for `OFFER_GRACE` seconds after it
appears, so what the user was typing into the editor does not answer it.  Texts are shown
literally.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from ssm_tui.tui.screens import ChoiceScreen

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

    from ssm_tui.drafts import DraftStore, FoundDraft

WHOSE = {
    "own": "by this ssm-tui",
    "abandoned": "by an ssm-tui that is no longer running",
    "running": "by an ssm-tui that is still running",
}
OFFER_GRACE = 0.4  # seconds after the offer appears during which keys are ignored
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHOICES = [
    ("restore", "Restore", "r"),
    ("keep", "Keep for later", "k"),
    ("discard", "Discard", "d"),
]


def drafts_to_offer(
    store: DraftStore,
    path: Path | None,
    text: str,
    *,
    skeleton: str,
    deferred: Collection[str],
) -> list[FoundDraft]:
    """The drafts to offer, newest first, for the document at `path` (None: untitled) whose
    editor holds `text`: a file's drafts that differ from `text`; else the untitled drafts
    of other instances that hold more than blanks or `skeleton`.  Drafts whose file is in
    `deferred` (kept for later by the user) are left out."""
    if path is None:
        found = [
            f
            for f in store.drafts_for(None)
            if f.state != "own" and f.draft.text.strip() and f.draft.text != skeleton
        ]
    else:
        found = [f for f in store.drafts_for(path) if f.draft.text != text]
    return [f for f in found if str(f.file) not in deferred]


def files_with_drafts(store: DraftStore) -> list[str]:
    """The files (real paths) that have drafts of gone instances differing from them, each
    once: they are offered when the file is opened."""
    from ssm_tui.drafts import differs_from_file

    names: list[str] = []
    for found in store.all_drafts():
        draft = found.draft
        if draft.untitled or found.state in ("own", "running"):
            continue
        if draft.real_path not in names and differs_from_file(draft):
            names.append(draft.real_path or "")
    return names


def files_with_drafts_notice(names: list[str]) -> str:
    """The notice for `files_with_drafts` (at most three named)."""
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"Unsaved drafts are kept for {shown}: open the file (ctrl+o) to restore one."


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' if count != 1 else ''} ago"


def human_time(saved_at: datetime, now: datetime | None = None, tz: tzinfo | None = None) -> str:
    """When `saved_at` (time-zone aware) was, said the way a person would, in the local
    time zone (`tz` for tests): "just now", "40 seconds ago", "4 minutes ago", "2 hours
    ago" (the same day), "yesterday at 14:05", "on 3 Nov at 09:12" (with the year if not
    this one).  A time in the future (another clock ahead) is "just now" within a minute,
    else said by its date and time ("today at 14:05")."""
    now = now or datetime.now(UTC)
    local, local_now = saved_at.astimezone(tz), now.astimezone(tz)
    seconds = (now - saved_at).total_seconds()
    if -60 < seconds < 5:
        return "just now"
    if seconds > 0:
        if seconds < 60:
            return _plural(int(seconds), "second")
        if seconds < 3600:
            return _plural(int(seconds // 60), "minute")
        if local.date() == local_now.date():
            return _plural(int(seconds // 3600), "hour")
    clock = f"{local:%H:%M}"
    if local.date() == local_now.date():
        return f"today at {clock}"
    if local.date() == local_now.date() - timedelta(days=1):
        return f"yesterday at {clock}"
    year = "" if local.year == local_now.year else f" {local.year}"
    return f"on {local.day} {MONTHS[local.month - 1]}{year} at {clock}"


def offer_question(found: FoundDraft, name: str, text: str, more: int) -> str:
    """What the offer says of the draft `found` of the document `name` (whose editor holds
    `text`): what it is, how old, whose, whether the file changed, and `more` older ones."""
    from ssm_tui.drafts import describe_changes, file_changed_since_draft

    draft = found.draft
    if found.state == "other-host":
        whose = f"by an ssm-tui on {draft.instance.host} (it may still run there)"
    else:
        whose = WHOSE[found.state]
    age = f"saved {human_time(draft.saved_at_datetime)}"
    if draft.untitled:
        count = len(draft.text.splitlines())
        lines = [
            f"An unsaved new policy {draft.title or 'untitled'!r} was kept:",
            f"{count} line{'s' if count != 1 else ''}, {age},",
        ]
    else:
        lines = [
            f"A draft of {name} differs from the file:",
            f"{describe_changes(text, draft.text)}, {age},",
        ]
    lines.append(f"{whose}.")
    if not draft.untitled and draft.real_path and not os.path.exists(draft.real_path):
        lines.append("The file no longer exists; restore and save to write it again.")
    elif not draft.untitled and file_changed_since_draft(draft):
        lines.append("The file was changed since that draft was made.")
    if more:
        lines.append(f"{more} older draft{'s' if more > 1 else ''} of it kept too.")
    return "\n".join(lines)


def offer_screen(
    question: str, *, grace: float | None = None, clock: Callable[[], float] = time.monotonic
) -> ChoiceScreen:
    """The offer: restore (r), keep for later (k, and Enter and escape) or discard (d); keys
    in the first `grace` seconds (default `OFFER_GRACE`) are ignored."""
    return ChoiceScreen(
        question,
        list(CHOICES),
        cancel="keep",
        safe="keep",
        title="Unsaved draft",
        grace=OFFER_GRACE if grace is None else grace,
        clock=clock,
    )
