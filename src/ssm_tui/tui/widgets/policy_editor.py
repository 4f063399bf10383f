"""The JSON policy editor: a TextArea whose gutter marks the lines that have findings.

The mark is a symbol in the gutter drawn in reverse video (✗ error, ▲ security warning,
! warning, · suggestion), so it reads the same with NO_COLOR as in colour.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import TextArea

if TYPE_CHECKING:
    from ssm_tui.checks import Finding

SEVERITY_SYMBOLS = {
    "error": "✗",
    "security_warning": "▲",
    "warning": "!",
    "suggestion": "·",
}


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

    def mark_findings(self, findings: Iterable[Finding]) -> None:
        """Mark every line a finding spans with the most severe finding's severity."""
        self.set_marks(self.marks_for(findings))

    @staticmethod
    def marks_for(findings: Iterable[Finding]) -> dict[int, str]:
        """The mark of each line (0-based) a finding spans (its 1-based `line` to
        `end_line`): the value of the most severe severity there (`Severity.rank`)."""
        worst: dict[int, Finding] = {}
        for finding in findings:
            for line in range(finding.line - 1, max(finding.line, finding.end_line)):
                known = worst.get(line)
                if known is None or finding.severity.rank < known.severity.rank:
                    worst[line] = finding
        return {line: finding.severity.value for line, finding in worst.items()}

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
