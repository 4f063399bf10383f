"""Terminal control characters in untrusted text are shown, never sent raw."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ssm_tui.textsafe import escape_control, has_control


def test_escape_sequences_become_visible() -> None:
    assert escape_control("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert escape_control("\x1b]52;c;aGk=\x07") == "\\x1b]52;c;aGk=\\x07"
    assert escape_control("csi\x9b31m") == "csi\\x9b31m"
    assert escape_control("line\nbreak\r") == "line\\x0abreak\\x0d"
    assert escape_control("rtl\u202eevil") == "rtl\\u202eevil"


def test_plain_text_and_tabs_unchanged() -> None:
    text = 'ssm:GetParameter\t"arn:aws:ssm:*:*:parameter/é"'
    assert escape_control(text) == text
    assert not has_control(text)


@given(st.text())
def test_output_has_no_control_character(text: str) -> None:
    escaped = escape_control(text)
    assert not has_control(escaped)
    assert has_control(text) == (escaped != text)
