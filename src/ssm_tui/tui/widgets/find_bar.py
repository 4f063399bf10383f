"""Find in the editor (ctrl+f) and go to a line (ctrl+l): one input line under the editor.

Find: the match is selected in the editor as you type; enter or down goes to the next
one, up to the previous one, escape closes (the selection stays).  Matching ignores case.
Go to line: `42` or `42:7` (line and column), enter goes there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label

Mode = Literal["find", "line"]
Location = tuple[int, int]  # 0-based (row, column), as TextArea's


def find_all(lines: list[str], query: str) -> list[Location]:
    """Every place `query` starts in `lines`, ignoring case, in reading order (a match does
    not span lines)."""
    if not query:
        return []
    needle = query.casefold()
    found: list[Location] = []
    for row, line in enumerate(lines):
        haystack = line.casefold()
        if len(haystack) != len(line):  # casefold changed lengths (ß): search the line as is
            haystack, needle_here = line, query
        else:
            needle_here = needle
        start = haystack.find(needle_here)
        while start != -1:
            found.append((row, start))
            start = haystack.find(needle_here, start + 1)
    return found


def parse_line_target(text: str, line_count: int) -> Location | None:
    """`42` or `42:7` (1-based) as a 0-based location inside the document, clamped to its
    last line; None when it is not a number."""
    line_part, _, column_part = text.strip().partition(":")
    try:
        line = int(line_part)
        column = int(column_part) if column_part.strip() else 1
    except ValueError:
        return None
    if line < 1 or column < 1:
        return None
    return (min(line, max(line_count, 1)) - 1, column - 1)


class FindBar(Horizontal):
    """The find / go-to-line input (see the module's docstring)."""

    DEFAULT_CSS = """
    FindBar {
        height: 1;
        display: none;
        background: $panel;
    }
    FindBar.-open {
        display: block;
    }
    FindBar > Label {
        width: auto;
        padding: 0 1;
    }
    FindBar > Input, FindBar > Input:focus {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }
    FindBar > #find-count {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "step(1)", "Next", id="find.next", tooltip="Next match"),
        Binding("up", "step(-1)", "Previous", id="find.previous", tooltip="Previous match"),
        Binding("escape", "close", "Close", id="find.close", tooltip="Back to the editor"),
    ]

    @dataclass
    class Go(Message):
        """Select `length` characters at `location` in the editor (0: put the cursor)."""

        location: Location
        length: int

    @dataclass
    class Closed(Message):
        pass

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.mode: Mode = "find"
        self.lines: list[str] = []
        self.matches: list[Location] = []
        self.index = 0
        self.last_query = ""
        self._cursor: Location = (0, 0)

    def compose(self) -> ComposeResult:
        yield Label("Find:", id="find-label")
        yield Input(id="find-input", select_on_focus=True)
        yield Label("", id="find-count")

    @property
    def input(self) -> Input:
        return self.query_one("#find-input", Input)

    def open(self, mode: Mode, lines: list[str], cursor: Location) -> None:
        """Show the bar in `mode` over the editor's `lines`; the cursor decides which match
        comes first."""
        self.mode = mode
        self.lines = lines
        self._cursor = cursor
        self.add_class("-open")
        label = "Find:" if mode == "find" else "Go to line[:column]:"
        self.query_one("#find-label", Label).update(label)
        self.input.placeholder = "text (case ignored)" if mode == "find" else "e.g. 42 or 42:7"
        self.input.value = self.last_query if mode == "find" else ""
        self._count("")
        self.input.focus()
        if mode == "find" and self.last_query:
            self._search(self.last_query, from_cursor=True)

    @on(Input.Changed, "#find-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.mode == "find":
            self.last_query = event.value
            self._search(event.value, from_cursor=True)

    @on(Input.Submitted, "#find-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.mode == "find":
            self.action_step(1)
            return
        target = parse_line_target(event.value, len(self.lines))
        if target is None:
            self._count("not a line number")
            return
        self.post_message(self.Go(target, 0))
        self.action_close()

    def _search(self, query: str, *, from_cursor: bool) -> None:
        self.matches = find_all(self.lines, query)
        if not self.matches:
            self._count("no match" if query else "")
            return
        if from_cursor:
            after = [i for i, m in enumerate(self.matches) if m >= self._cursor]
            self.index = after[0] if after else 0
        self._go()

    def _go(self) -> None:
        location = self.matches[self.index]
        self._count(f"{self.index + 1} of {len(self.matches)}")
        self.post_message(self.Go(location, len(self.input.value)))

    def action_step(self, step: int) -> None:
        if self.mode != "find" or not self.matches:
            return
        self.index = (self.index + step) % len(self.matches)
        self._go()

    def action_close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed())

    def _count(self, text: str) -> None:
        self.query_one("#find-count", Label).update(Content(text))
