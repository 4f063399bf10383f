"""Make untrusted text safe to print on a terminal.

Policy text, Sids, file names, account-details names and exception messages can hold
terminal control characters: ESC starts a sequence that can clear the screen, move the
cursor, set the window title or write the clipboard (OSC 52); C1 controls (U+0080-U+009F,
e.g. CSI U+009B) do the same on terminals that read them.  The CLI's text output passes every
such string through `escape_control`, which shows each control character as a visible escape
(``\\x1b``, ``\\u009b``) instead, so a hostile file can describe itself but not act.  Tab is
kept; line feed and carriage return are escaped too (one finding stays one line).

The TUI uses its own line filter (`ssm_tui.tui.terminal_safety`) over every rendered line;
this module is for plain text streams and never imports textual.
"""

from __future__ import annotations

import re

# C0 controls except tab, DEL, C1 controls; plus the Unicode line and paragraph separators
# and the bidirectional overrides that make a line read differently from what it holds.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """`text` with every terminal control character written as a visible escape."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def has_control(text: str) -> bool:
    """Whether `escape_control` would change `text`."""
    return _UNSAFE.search(text) is not None
