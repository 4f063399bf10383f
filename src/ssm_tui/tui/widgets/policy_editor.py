"""The JSON policy editor: a TextArea whose gutter marks the lines that have findings.

The mark is a symbol in the gutter drawn in reverse video (✗ error, ▲ security warning,
! warning, · suggestion), so it reads the same with NO_COLOR as in colour.  Control
characters in the text (NUL, ESC, DEL, ...) are drawn as their Unicode pictures (␀, ␛, ␡)
in reverse video, one cell each, so columns stay where they are and a jump to an
INVALID_CHARACTER finding shows what is there.  Long lines can be soft-wrapped; the marks
and the jumps go by the document's lines and columns either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import TextArea

if TYPE_CHECKING:
    from ssm_tui.checks import Finding

# C0 controls other than tab (shown as indentation) and DEL, each as its Control Pictures
# glyph (U+2400-U+2421): one cell, so a column in the document is a column on screen.
CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x09}
CONTROL_PICTURES[0x7F] = "\u2421"
_CONTROL_TABLE = str.maketrans(CONTROL_PICTURES)
_CONTROL_STYLE = Style(reverse=True, bold=True)
DARK_SYNTAX_THEME, LIGHT_SYNTAX_THEME = "monokai", "github_light"

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

    def __init__(self, text: str = "", *, highlight: bool = True, **kwargs: object) -> None:
        super().__init__(
            text,
            # tree-sitter's JSON grammar and query take ~10 ms to load: the app paints its
            # first frame without them and calls enable_highlighting() just after
            language="json" if highlight else None,
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

    # --- syntax highlighting of the rows in view ---------------------------------------------
    # TextArea rebuilds the highlights of the whole document after every edit (5 ms for a
    # 10 KB policy, measured by bench/bench_startup.py, of a 16 ms frame budget); the editor
    # only ever shows a screenful, so only the rows around the view are highlighted, and the
    # map is rebuilt when scrolling leaves them.
    HIGHLIGHT_MARGIN = 2  # screens above and below the view

    def _rows_in_view(self) -> tuple[int, int]:
        info = self.wrapped_document._offset_to_line_info
        if not info:
            return 0, 0
        top = min(int(self.scroll_offset.y), len(info) - 1)
        bottom = min(top + max(self.size.height, 1), len(info) - 1)
        first = info[top][0] if info[top] is not None else 0
        last = info[bottom][0] if info[bottom] is not None else first
        return first, last

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        if not self._highlight_query:
            return
        first, last = self._rows_in_view()
        span = max(self.size.height, 24) * self.HIGHLIGHT_MARGIN
        start, end = max(first - span, 0), last + span
        self._highlighted_rows = (start, end)
        captures = self.document.query_syntax_tree(
            self._highlight_query, start_point=(start, 0), end_point=(end + 1, 0)
        )
        for name, nodes in captures.items():
            for node in nodes:
                start_row, start_column = node.start_point
                end_row, end_column = node.end_point
                if start_row == end_row:
                    highlights[start_row].append((start_column, end_column, name))
                    continue
                highlights[start_row].append((start_column, None, name))
                for row in range(max(start_row + 1, start), min(end_row, end + 1)):
                    highlights[row].append((0, None, name))
                highlights[end_row].append((0, end_column, name))

    def _watch_scroll_y(self) -> None:
        super()._watch_scroll_y()
        rows = getattr(self, "_highlighted_rows", None)
        if rows is None or not self._highlight_query:
            return
        first, last = self._rows_in_view()
        if first < rows[0] or last > rows[1]:
            self._build_highlight_map()
            self.refresh()

    def enable_highlighting(self) -> None:
        """Turn on JSON syntax highlighting, keeping the cursor, the selection, the scroll
        position and the soft wrap (TextArea rebuilds its document for a new language and
        puts the cursor at the start)."""
        if self.language == "json":
            return
        selection, scroll = self.selection, self.scroll_offset
        self.language = "json"
        self._rewrap_and_refresh_virtual_size()
        self.selection = selection
        self.scroll_to(scroll.x, scroll.y, animate=False, immediate=True)

    def follow_theme(self, *, dark: bool) -> None:
        """Use a syntax theme that matches the app's theme (a light app, a light editor)."""
        self.theme = DARK_SYNTAX_THEME if dark else LIGHT_SYNTAX_THEME

    def wrap_long_lines(self, width: int | None = None) -> bool:
        """Soft-wrap when a line is wider than the editor (a policy printed on one line, as
        the guide and the AWS CLI print them); True when it does."""
        limit = width if width is not None else max(self.content_size.width - self.gutter_width, 20)
        longest = max((len(line) for line in self.document.lines), default=0)
        self.soft_wrap = longest > limit
        return self.soft_wrap

    def get_line(self, line_index: int) -> Text:
        # the document's line, not super()'s Text: Rich drops BEL, BS, VT, FF and CR from
        # a Text, which would shift every later column
        plain = self.document.get_line(line_index)
        if plain.isprintable() or not any(ord(c) in CONTROL_PICTURES for c in plain):
            return super().get_line(line_index)
        shown = Text(plain.translate(_CONTROL_TABLE), end="", no_wrap=True)
        for index, char in enumerate(plain):
            if ord(char) in CONTROL_PICTURES:
                shown.stylize(_CONTROL_STYLE, index, index + 1)
        return shown

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
        offset = self.scroll_offset.y + y
        try:
            line_info = self.wrapped_document._offset_to_line_info[offset]
        except IndexError:
            return strip
        if line_info is None:
            return strip
        line_index, section = line_info
        severity = self._marks.get(line_index)
        if severity is None or section != 0 or line_index >= self.document.line_count:
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
