"""Modal screens: confirm, choose among several answers, ask for a path, help with every
key, terminal too small.

Every dialog focuses its safe answer, so Enter never discards, replaces, restores or quits
unless the user moved to that answer; a dialog can also ignore keys for a moment after it
appears (`grace`), so keys typed for the screen underneath do not answer it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar, TypeVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

ResultType = TypeVar("ResultType")


class GuardedDialog(ModalScreen[ResultType]):
    """A modal screen that ignores every key for `grace` seconds after it is shown (or shown
    again), measured with `clock`; with a grace, keys that reach it before it is shown are
    ignored too."""

    def __init__(self, *, grace: float = 0.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.grace = grace
        self._clock = clock
        self._shown_at: float | None = None

    def on_screen_resume(self) -> None:
        self._shown_at = self._clock()

    def too_early(self) -> bool:
        """Whether a key now would come within the grace period (or before the dialog showed)."""
        if self.grace <= 0:
            return False
        return self._shown_at is None or self._clock() - self._shown_at < self.grace

    def on_key(self, event: events.Key) -> None:
        if self.too_early():  # not meant for this dialog: neither its keys nor its bindings
            event.stop()
            event.prevent_default()
            return
        self.dialog_key(event)

    def dialog_key(self, event: events.Key) -> None:
        """A key past the grace period that no widget of the dialog took."""


class ConfirmScreen(GuardedDialog[bool]):
    """A yes/no question; y/n work from the keyboard, escape and Enter give the safe answer
    (`safe`, "no" unless the caller says otherwise)."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 64; height: auto; max-width: 95%; border: thick $warning; padding: 1 2;
        background: $surface;
    }
    ConfirmScreen Grid { grid-size: 2; grid-gutter: 1 2; height: auto; margin-top: 1; }
    ConfirmScreen Button { width: 100%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Answer yes"),
        Binding("n", "answer(False)", "No", id="confirm.no", tooltip="Answer no"),
        Binding(
            "escape",
            "answer_safe",
            "Cancel",
            id="confirm.cancel",
            tooltip="Give the safe answer (the one focused when the question opened)",
        ),
    ]

    def __init__(
        self,
        question: str,
        yes: str = "Yes",
        no: str = "No",
        *,
        safe: bool = False,
        grace: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(grace=grace, clock=clock)
        self.question = question
        self.yes, self.no = yes, no
        self.safe = safe

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question))
            with Grid():
                yield Button(Content(f"{self.yes} (y)"), variant="warning", id="yes")
                yield Button(Content(f"{self.no} (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.safe else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_answer_safe(self) -> None:
        self.dismiss(self.safe)


class ChoiceScreen(GuardedDialog[str]):
    """A question with several answers, each a button with its key; the `safe` answer (by
    default `cancel`) has the focus, so Enter gives it, and escape gives `cancel` (said
    under the buttons).  The question is shown literally (it holds file names and titles)."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical {
        width: 76; height: auto; max-width: 95%; max-height: 95%; border: thick $warning;
        padding: 0 1; background: $surface;
    }
    ChoiceScreen Grid { grid-gutter: 0 1; height: auto; margin-top: 1; }
    ChoiceScreen Button { width: 100%; }
    ChoiceScreen .choice-escape { color: $text-muted; text-align: right; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="choice.cancel",
            tooltip="Give the answer named under the buttons (nothing is changed)",
        ),
    ]

    def __init__(
        self,
        question: str,
        choices: list[tuple[str, str, str]],
        *,
        cancel: str,
        title: str = "",
        safe: str | None = None,
        grace: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`choices` are (value, label, key); `cancel` is the value of escape, `safe` the
        value focused when the screen opens (default `cancel`)."""
        super().__init__(grace=grace, clock=clock)
        self.question = question
        self.choices = choices
        self.cancel = cancel
        self.safe = cancel if safe is None else safe
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content(self.title_text)
            yield Static(Content(self.question))
            grid = Grid()
            columns = 2 if len(self.choices) == 4 else min(len(self.choices), 3)
            grid.styles.grid_size_columns = columns
            with grid:
                for index, (value, label, key) in enumerate(self.choices):
                    yield Button(
                        Content(f"{label} ({key})"),
                        variant="warning" if index == 0 else "default",
                        id=f"choice-{value}",
                    )
            cancel = self._label_of(self.cancel)
            if self.safe == self.cancel:
                hint = f"Enter or Escape: {cancel}"
            else:
                hint = f"Enter: {self._label_of(self.safe)}   Escape: {cancel}"
            yield Static(Content(hint), classes="choice-escape")

    def _label_of(self, value: str) -> str:
        return next((label for v, label, _ in self.choices if v == value), "")

    def on_mount(self) -> None:
        for button in self.query(Button):
            if button.id == f"choice-{self.safe}":
                button.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def dialog_key(self, event: events.Key) -> None:
        for value, _label, key in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(self.cancel)


class PathScreen(ModalScreen[str | None]):
    """Ask for a file path (open or save); escape cancels.  With `check`, a path it finds a
    problem with (it returns the message) stays in the prompt, with the message under it,
    for the user to correct; a path it accepts (None) is the answer."""

    DEFAULT_CSS = """
    PathScreen { align: center middle; }
    PathScreen > Vertical {
        width: 72; height: auto; max-width: 95%; border: thick $primary; padding: 1 2;
        background: $surface;
    }
    PathScreen #path-problem { color: $error; margin-top: 1; }
    PathScreen #path-problem.-empty { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="path.cancel",
            tooltip="Close without opening or saving anything",
        )
    ]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.title_text))
            yield Input(value=self.value, placeholder="path/to/policy.json", id="path")
            yield Static("", id="path-problem", classes="-empty", markup=False)

    @property
    def problem(self) -> str:
        """The message shown under the path ("" when none)."""
        widget = self.query_one("#path-problem", Static)
        return "" if widget.has_class("-empty") else str(widget.content)

    def _show_problem(self, message: str) -> None:
        widget = self.query_one("#path-problem", Static)
        widget.update(Content(message))
        widget.set_class(not message, "-empty")

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.problem:
            self._show_problem("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if path and self.check is not None:
            message = self.check(path)
            if message:
                self._show_problem(message)
                field = self.query_one("#path", Input)
                field.focus()
                field.cursor_position = len(field.value)
                return
        self.dismiss(path or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


HelpRow = tuple[str, str, str] | tuple[str, str, str, str]
KEY_WIDTH = 18  # the key column of every section is as wide as the longest key, to this


def _printable(text: str) -> str:
    """`text` without control characters, for Rich text (which shows no markup anyway)."""
    return "".join(c if c.isprintable() else (" " if c in "\n\t" else "") for c in text)


def _shown_key(key: str) -> str:
    """A binding's key list as the help shows it: "question_mark,slash" is "?, /"."""
    parts = []
    for part in (p.strip() for p in key.split(",")):
        symbol = format_key(part) if len(part) > 1 else part
        parts.append(symbol if len(symbol) == 1 and symbol.isascii() else part)
    return ", ".join(parts)


class HelpScreen(ModalScreen[None]):
    """Every key of the app by section; it fits 80 columns (descriptions wrap, the list
    scrolls).  `section` is scrolled to and marked on open; `notes` are shown at the top
    (say, remapped keys that cannot work)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100%; max-width: 120; height: 100%; max-height: 60; border: thick $primary;
        padding: 0 1; background: $surface;
    }
    HelpScreen .help-section { margin-bottom: 1; padding: 0 1; }
    HelpScreen .help-section.-current {
        background: $boost; border-left: outer $accent; padding-left: 0;
    }
    HelpScreen .help-notes { color: $warning; margin-bottom: 1; padding: 0 1; }
    HelpScreen .help-tips { color: $text-muted; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", id="help.close", tooltip="Close the key list")
    ]

    def __init__(
        self,
        rows: list[HelpRow],
        *,
        section: str | None = None,
        notes: list[str] | None = None,
    ) -> None:
        """`rows` are (section, key, description) or (section, key, description, binding
        id), sections in the order of first use; an id is shown after its description."""
        super().__init__()
        self.rows = rows
        self.section = section
        self.notes = list(notes or [])

    def sections(self) -> dict[str, list[tuple[str, str, str]]]:
        """(key, description, binding id or "") by section, in the order shown."""
        found: dict[str, list[tuple[str, str, str]]] = {}
        for section, key, description, *binding_id in self.rows:
            found.setdefault(section, []).append((key, description, "".join(binding_id)))
        return found

    @property
    def current_section(self) -> Static | None:
        """The section asked for on open (None if not asked or not there)."""
        current = self.query(".help-section.-current")
        return current.first(Static) if current else None

    def _table(self, section: str, rows: list[tuple[str, str, str]], key_width: int) -> Table:
        accent = self.app.theme_variables.get("accent", "")
        table = Table(
            title=Text(_printable(section), style="bold"),
            title_justify="left",
            box=None,
            show_header=False,
            expand=True,
            padding=(0, 1),
            pad_edge=False,
        )
        table.add_column(min_width=key_width, overflow="fold", style=f"bold {accent}".strip())
        table.add_column(ratio=1, overflow="fold")
        for key, description, binding_id in rows:
            text = Text(_printable(description))
            if binding_id:
                text.append(f"  {_printable(binding_id)}", style="dim")
            table.add_row(Text(_printable(_shown_key(key))), text)
        return table

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "ssm-tui keys (remap a key in settings.json)"
            scroll.border_subtitle = "Escape closes"
            if self.notes:
                yield Static(
                    Content("\n").join(Content(n) for n in self.notes), classes="help-notes"
                )
            keys = [cell_len(_shown_key(row[1])) for row in self.rows]
            key_width = min(max(keys, default=1), KEY_WIDTH)
            for index, (name, rows) in enumerate(self.sections().items()):
                widget = Static(self._table(name, rows, key_width), id=f"help-section-{index}")
                widget.add_class("help-section")
                if self.section is not None and name.casefold() == self.section.casefold():
                    widget.add_class("-current")
                yield widget
            yield Static(
                Content(
                    "Over tmux, copying needs `set -g set-clipboard on`; for quick Escape, "
                    "`set -sg escape-time 10`."
                ),
                classes="help-tips",
            )

    def on_mount(self) -> None:
        target = self.current_section
        if target is not None:
            self.call_after_refresh(
                self.query_one(VerticalScroll).scroll_to_widget, target, top=True, animate=False
            )

    def action_close(self) -> None:
        self.dismiss(None)


class TooSmallScreen(Screen[None]):
    """Shown instead of a broken layout when the terminal is below the minimum size."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen Static { width: auto; text-align: center; }
    """

    def compose(self) -> ComposeResult:
        yield Static(
            Content(
                "The terminal is too small for ssm-tui.\nMake it at least 60 columns by 20 rows."
            )
        )
