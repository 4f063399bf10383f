"""Copy text by every route the app has (OSC 52 to the terminal, a local clipboard) and
keep the last copy, so that it can be saved to a file when pasting does not work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from ssm_tui.tui.screens import ConfirmScreen

# What the core's hints say that the app says itself, naming its key (see `Copier.copy`).
_FILE_OFFERS = ("Not pasting? Save to a file instead.", "Save to a file instead.")


class Copier:
    """Copies for `app` and remembers the last copy; `file_key()` is the key that saves
    the last copy to a file (as the user sees it)."""

    def __init__(self, app: App[Any], file_key: Callable[[], str]) -> None:
        self.app = app
        self.file_key = file_key
        self.last: tuple[str, str] | None = None  # (text, title) of the last copy

    def copy(self, text: str, title: str) -> None:
        """Copy by every route and say what is known of it; the file key then saves the
        same text to a file (from every copy: editor, export screen, library panes), and
        when nothing reached a clipboard the app offers that at once."""
        from ssm_tui.export.clipboard import copy

        self.last = (text, title)
        outcome = copy(text, osc52=self.app.copy_to_clipboard)
        hint = outcome.hint or ""
        for offer in _FILE_OFFERS:
            hint = hint.replace(offer, "")  # said below, with the key
        hint = f" {hint.strip()}" if hint.strip() else ""
        if outcome.sent or outcome.copied:
            note = outcome.message + hint
            if outcome.offer_file:
                note += f" {self.file_key()} saves it to a file."
            self.app.notify(
                note,
                title="Copied" if outcome.copied else "Sent to the terminal",
                markup=False,
                timeout=8,
            )
            return

        def save(answer: bool | None) -> None:
            if answer:
                self.save_last()

        self.app.push_screen(
            ConfirmScreen(
                f"{outcome.message}{hint} Save it to a file instead?", yes="Save", no="Cancel"
            ),
            save,
        )

    def save_last(self) -> None:
        """Save the text of the last copy to a file in the state folder."""
        from ssm_tui.export.clipboard import save_fallback

        if self.last is None:
            self.app.notify("Nothing was copied yet.", markup=False)
            return
        text, title = self.last
        try:
            path = save_fallback(text, title)
        except OSError as exc:
            self.app.notify(f"Could not save: {exc}", severity="error", markup=False)
        else:
            self.app.notify(f"Saved the copied text to {path}", markup=False, timeout=10)
