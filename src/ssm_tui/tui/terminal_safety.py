"""Keep control characters in shown text from reaching the terminal.

Policy text, file names, draft titles and exception messages are shown as `Content` (never
markup, TEXTUAL-NOTES §2.7), but `Content` removes only BEL, BS, VT, FF and CR: an ESC in a
file name, a policy file or a description would go to the terminal as is, and the terminal
would act on it (colours, cursor moves, an OSC 52 clipboard write, a window title).  The
TextArea passes control characters through as well.

`ControlCharacterFilter` is a Textual line filter the app applies to every rendered line: it
drops C0 and C1 control characters and DEL.  They take no cells (Rich gives them width 0),
so removing them keeps every line's width and the editor's cursor columns.  The rest of an
escape sequence (`[31m`) stays visible as the literal text it is.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


class ControlCharacterFilter(LineFilter):
    """Drops control characters from the text of every segment of a rendered line."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        search = CONTROL_CHARACTERS.search
        if not any(search(segment.text) for segment in segments if not segment.control):
            return segments
        cleaned: list[Segment] = []
        for segment in segments:
            if segment.control:
                cleaned.append(segment)
                continue
            text = CONTROL_CHARACTERS.sub("", segment.text)
            if text:
                cleaned.append(Segment(text, segment.style, segment.control))
        return cleaned
