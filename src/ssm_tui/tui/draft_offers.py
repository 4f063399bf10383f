"""Which kept drafts the app offers to restore, and how the offer reads.

The app offers the newest draft of the open document that differs from it: with a file
open, that file's drafts; with none, the untitled drafts of instances that are gone.  The
choice (restore, keep for later, discard) is a `ChoiceScreen`; texts are shown literally.
"""

from __future__ import annotations

import os
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


def offer_question(found: FoundDraft, name: str, text: str, more: int) -> str:
    """What the offer says of the draft `found` of the document `name` (whose editor holds
    `text`): what it is, how old, whose, whether the file changed, and `more` older ones."""
    from ssm_tui.drafts import describe_age, describe_changes, file_changed_since_draft

    draft = found.draft
    if found.state == "other-host":
        whose = f"by an ssm-tui on {draft.instance.host} (it may still run there)"
    else:
        whose = WHOSE[found.state]
    age = describe_age(draft.saved_at_datetime)
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


def offer_screen(question: str) -> ChoiceScreen:
    """The offer: restore (r), keep for later (k, and escape) or discard (d)."""
    return ChoiceScreen(question, list(CHOICES), cancel="keep", title="Unsaved draft")
