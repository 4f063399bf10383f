"""The JSON policy editor: a TextArea whose gutter marks the lines that have findings.

The mark is a symbol in the gutter drawn in reverse video (✗ error, ▲ security warning,
! warning, · suggestion), so it reads the same with NO_COLOR as in colour.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import TextArea

SEVERITY_SYMBOLS = {
    "error": "✗",
    "security_warning": "▲",
    "warning": "!",
    "suggestion": "·",
}
_RANK = {"error": 0, "security_warning": 1, "warning": 2, "suggestion": 3}


class PolicyEditor(TextArea):
    """A JSON code editor that shows which lines have findings."""

    DEFAULT_CSS = """
    PolicyEditor {
        height: 1fr;
        border: round $primary 40%;
    }
    PolicyEditor:focus {
        border: round $primary;
    }
    """

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(
            text,
            language="json",
            theme="monokai",
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            **kwargs,  # type: ignore[arg-type]
        )
        self.indent_width = 2
        self._marks: dict[int, str] = {}

    @property
    def marks(self) -> dict[int, str]:
        """0-based line → the most severe severity on that line."""
        return dict(self._marks)

    def set_marks(self, lines: dict[int, str]) -> None:
        """Mark lines (0-based) with a severity; redraws only when the marks changed."""
        if lines == self._marks:
            return
        self._marks = dict(lines)
        self._line_cache.clear()
        self.refresh()

    @staticmethod
    def marks_for(findings: list[tuple[int, int, str]]) -> dict[int, str]:
        """The mark of each line from (first line, last line, severity) triples (1-based)."""
        marks: dict[int, str] = {}
        for first, last, severity in findings:
            for line in range(first - 1, max(first, last)):
                known = marks.get(line)
                if known is None or _RANK[severity] < _RANK[known]:
                    marks[line] = severity
        return marks

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        if not self._marks or not self.show_line_numbers:
            return strip
        line_index = self.scroll_offset.y + y
        severity = self._marks.get(line_index)
        if severity is None or line_index >= self.document.line_count:
            return strip
        gutter_width = self.gutter_width
        gutter, rest = strip.divide([gutter_width, strip.cell_length])[:2]
        number = gutter.crop(0, gutter_width - 2)
        style = next((s.style for s in gutter if s.style is not None), None) or Style()
        mark = Strip(
            [
                Segment(SEVERITY_SYMBOLS[severity], style + Style(reverse=True, bold=True)),
                Segment(" ", style),
            ],
            2,
        )
        return Strip.join([number, mark, rest])
