"""Modal screens: confirm, choose among several answers, ask for a path, help with every
key, terminal too small."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; y/n/escape work from the keyboard."""

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
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question))
            with Grid():
                yield Button(Content(f"{self.yes} (y)"), variant="warning", id="yes")
                yield Button(Content(f"{self.no} (n)"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ChoiceScreen(ModalScreen[str]):
    """A question with several answers, each a button with its key; escape gives
    `cancel` (said under the buttons).  The question is shown literally (it holds file
    names and titles)."""

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

    def __init__(
        self,
        question: str,
        choices: list[tuple[str, str, str]],
        *,
        cancel: str,
        title: str = "",
    ) -> None:
        """`choices` are (value, label, key); `cancel` is the value of escape."""
        super().__init__()
        self.question = question
        self.choices = choices
        self.cancel = cancel
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
            label = next((label for value, label, _ in self.choices if value == self.cancel), "")
            yield Static(Content(f"Escape: {label}"), classes="choice-escape")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            self.dismiss(self.cancel)
            return
        for value, _label, key in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(value)
                return


class PathScreen(ModalScreen[str | None]):
    """Ask for a file path (open or save); escape cancels."""

    DEFAULT_CSS = """
    PathScreen { align: center middle; }
    PathScreen > Vertical {
        width: 72; height: auto; max-width: 95%; border: thick $primary; padding: 1 2;
        background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="path.cancel")
    ]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.title_text))
            yield Input(value=self.value, placeholder="path/to/policy.json", id="path")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the app, with the binding ids used for remapping."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 98%; height: 90%; border: thick $primary; padding: 0 1;
        background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", id="help.close")
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        lines = [
            Content.assemble(("ssm-tui keys", "bold"), "  (remap a key by its id in settings)"),
            Content(""),
        ]
        for key, description, binding_id in self.rows:
            lines.append(
                Content.assemble(
                    (f"{key:<14}", "bold $accent"),
                    f"{description:<40} ",
                    (binding_id, "$text-muted"),
                )
            )
        lines += [
            Content(""),
            Content(
                "Over tmux, copying needs `set -g set-clipboard on`; for quick Escape, "
                "`set -sg escape-time 10`."
            ),
        ]
        with VerticalScroll():
            yield Static(Content("\n").join(lines))

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
