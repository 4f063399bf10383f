"""End to end: the real `ssm-tui` in a real pseudo-terminal, driven by keystrokes.

What the Pilot tests (tests/tui/) cannot see: the console script's argument handling, the
Linux driver, key escape sequences arriving over a tty, and the OSC 52 sequence that
`App.copy_to_clipboard` writes to the terminal.  The screen is rendered with pyte (a
VT100 emulator), so the assertions read the text a person would see.

One scenario: open a valid policy file, misspell its action by typing, wait for the
finding, copy (confirming, since the policy now has an error), check the OSC 52 payload,
quit (confirming, since the buffer is unsaved) and check that the process exits.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PARAMETERS, allow, policy
from ssm_tui.tui.draft_offers import OFFER_GRACE

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

COLUMNS, ROWS = 100, 30
STARTUP_TIMEOUT = 20.0  # first start of a cold interpreter on a busy CI machine
STEP_TIMEOUT = 30.0  # each later wait (only a failing test waits this long): the suite runs on
# every core (pytest-xdist), so a step can take seconds on a loaded 2-core machine
OSC52 = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)")

# The xterm sequences a terminal sends for the keys the test needs.
FUNCTION_KEYS = {
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "f5": "\x1b[15~",
    "f6": "\x1b[17~",
    "f7": "\x1b[18~",
    "f8": "\x1b[19~",
    "f9": "\x1b[20~",
    "f10": "\x1b[21~",
    "f11": "\x1b[23~",
    "f12": "\x1b[24~",
}
DOWN, END, LEFT = "\x1b[B", "\x1b[F", "\x1b[D"
CTRL_Q = "\x11"


def _has_pty() -> bool:
    if sys.platform == "win32" or not hasattr(os, "openpty"):
        return False
    try:
        primary, secondary = os.openpty()
    except OSError:
        return False
    os.close(primary)
    os.close(secondary)
    return True


pytestmark = pytest.mark.skipif(not _has_pty(), reason="no pseudo-terminal on this platform")


def _key_sequence(key: str) -> str:
    """The bytes a terminal sends for a Textual key name (function keys and ctrl+letter)."""
    if key in FUNCTION_KEYS:
        return FUNCTION_KEYS[key]
    match = re.fullmatch(r"ctrl\+([a-z])", key)
    if match:
        return chr(ord(match.group(1)) - ord("a") + 1)
    raise AssertionError(f"the test cannot type the key {key!r}; add its sequence")


def _copy_key() -> str:
    """The first key of the app's copy binding (id editor.copy), so that the test follows
    a change of key instead of pressing a stale one."""
    from textual.binding import Binding

    from ssm_tui.tui.app import SsmTuiApp

    for binding in SsmTuiApp.BINDINGS:
        if isinstance(binding, Binding) and binding.id == "editor.copy":
            return _key_sequence(binding.key.split(",")[0].strip())
    raise AssertionError("SsmTuiApp has no binding with id 'editor.copy'")


class Terminal:
    """A child process in a pty, its raw output, and the screen pyte renders from it."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        cwd: Path,
        size: tuple[int, int] = (COLUMNS, ROWS),
    ) -> None:
        columns, rows = size
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.output = bytearray()
        self.exited = False
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=env, cwd=str(cwd), dimensions=(rows, columns)
        )

    def pump(self, seconds: float) -> None:
        """Read whatever the child writes for `seconds` (less if it exits)."""
        deadline = time.monotonic() + seconds
        while not self.exited:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                data = self.child.read_nonblocking(65536, timeout=min(left, 0.05))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                self.exited = True
                return
            self.output.extend(data)
            self.stream.feed(data)

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def send(self, keys: str, settle: float = 0.05) -> None:
        self.child.send(keys)
        self.pump(settle)

    def wait_for(self, what: str, predicate: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.exited:
                raise AssertionError(f"ssm-tui exited while waiting for {what}\n{self.dump()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} after {timeout:.0f} s\n{self.dump()}")
            self.pump(0.1)

    def wait_for_text(self, text: str, timeout: float = STEP_TIMEOUT) -> None:
        self.wait_for(repr(text) + " on screen", lambda: text in self.text, timeout)

    def dump(self) -> str:
        tail = bytes(self.output[-400:])
        return f"--- screen ---\n{self.text}\n--- last output bytes ---\n{tail!r}"

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    """The child's environment: a known terminal, private settings and drafts folders, no
    local clipboard (no display, not over SSH), and this test run's ssm_tui on the path."""
    import ssm_tui

    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TEXTUAL", "SSM_TUI_"))
        and name
        not in {
            "NO_COLOR",
            "TMUX",
            "STY",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "SSH_CONNECTION",
            "SSH_CLIENT",
            "SSH_TTY",
            "COLUMNS",
            "LINES",
        }
    }
    source_root = str(Path(ssm_tui.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        [source_root, *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        SSM_TUI_CONFIG_DIR=str(tmp_path / "config"),
        SSM_TUI_STATE_DIR=str(tmp_path / "state"),
    )
    return env


def test_type_a_mistake_see_the_finding_copy_and_quit(
    tmp_path: Path, terminal_env: dict[str, str]
) -> None:
    text = policy(allow("ssm:GetParameter", PARAMETERS)) + "\n"
    path = tmp_path / "policy.json"
    path.write_text(text, encoding="utf-8")
    action_row = next(i for i, line in enumerate(text.splitlines()) if '"Action"' in line)
    copy_key = _copy_key()

    term = Terminal(
        [sys.executable, "-m", "ssm_tui", str(path), "--no-mouse"], terminal_env, tmp_path
    )
    try:
        # The file is open and checked (the findings title shows a summary), with no finding.
        term.wait_for_text('"ssm:GetParameter"', STARTUP_TIMEOUT)
        term.wait_for_text("Findings ·")
        assert "INVALID_ACTION" not in term.text

        # Misspell the action: the cursor starts at the top left of the editor.
        for _ in range(action_row):
            term.send(DOWN)
        term.send(END)
        term.send(LEFT + LEFT)  # before the closing quote and the comma
        term.send("x")
        term.wait_for_text('"ssm:GetParameterx"')
        term.wait_for_text("INVALID_ACTION")

        # Copy: the policy has an error, so the app asks first.
        term.send(copy_key)
        term.wait_for_text("Copy (y)")  # the confirm button
        before_copy = len(term.output)
        term.send("y")
        term.wait_for(
            "an OSC 52 sequence in the output",
            lambda: OSC52.search(term.output, before_copy) is not None,
            STEP_TIMEOUT,
        )
        match = OSC52.search(term.output, before_copy)
        assert match is not None
        copied = base64.b64decode(match.group(1), validate=True).decode("utf-8")
        assert "ssm:GetParameterx" in copied
        assert json.loads(copied) == json.loads(text.replace("GetParameter", "GetParameterx"))
        term.wait_for_text("Sent to the terminal")  # OSC 52 is never confirmed

        # Quit: the buffer is unsaved, so the app asks; the draft is kept.
        term.send(CTRL_Q)
        term.wait_for_text("Quit?")
        term.send("y")
        term.wait_for("the process to exit", lambda: term.exited, STEP_TIMEOUT)
        term.child.wait()
        assert term.child.exitstatus == 0, term.dump()
        from ssm_tui.drafts import DraftStore

        [found] = DraftStore().drafts_for(path)  # the process is gone: its draft is offered
        assert found.state == "abandoned" and "ssm:GetParameterx" in found.draft.text
        assert path.read_text(encoding="utf-8") == text  # quitting does not save the file
    finally:
        term.close()


FINDING_ROW = re.compile(r"(error|security|warning|hint)\s+(f\s+)?\d+:\d+ [A-Z][A-Z0-9_]+ ")


def test_the_readme_first_command_at_80x24(terminal_env: dict[str, str]) -> None:
    """The README's first command over SSH at 80x24: the policy readable, at least six
    findings of one line each, the navigation bar naming the library, a footer whose last
    cell is blank or part of a label, and F2 showing the managed policies."""
    root = Path(__file__).resolve().parents[1]
    demo = root / "examples" / "as-printed" / "run-document-on-instances.json"
    term = Terminal(
        [sys.executable, "-m", "ssm_tui", str(demo), "--no-mouse"],
        terminal_env,
        root,
        size=(80, 24),
    )
    try:
        term.wait_for_text("Findings ·", STARTUP_TIMEOUT)
        term.wait_for_text("INVALID_ACTION")
        term.wait_for("six finding rows", lambda: len(_finding_rows(term)) >= 6, STEP_TIMEOUT)
        lines = term.screen.display
        rows = _finding_rows(term)
        assert len(rows) >= 6, term.dump()
        # one line each: the rows follow one another with no wrapped continuation between
        assert rows == list(range(rows[0], rows[0] + len(rows))), term.dump()
        assert any('"ssm:SendCommand"' in line for line in lines), term.dump()  # wrapped
        assert "Library F2" in lines[0] and "Editor F3" in lines[0], term.dump()
        footer = lines[-1]
        assert len(footer) == 80 and "f4 Findings" in footer, term.dump()
        last = footer[-1]
        assert last == " " or footer.rstrip().split()[-1].endswith(last), term.dump()
        term.send(FUNCTION_KEYS["f2"])
        term.wait_for_text("AmazonSSMFullAccess")
        term.wait_for_text("Managed policies")
        term.send(CTRL_Q)
        term.wait_for("the process to exit", lambda: term.exited, STEP_TIMEOUT)
    finally:
        term.close()


def _finding_rows(term: Terminal) -> list[int]:
    return [i for i, line in enumerate(term.screen.display) if FINDING_ROW.search(line)]


def _drafts_holding(state: Path, needle: str) -> list[Path]:
    folder = state / "drafts"
    if not folder.is_dir():
        return []
    return [p for p in folder.glob("*.json") if needle in p.read_text(encoding="utf-8")]


def test_kill_9_then_the_same_file_offers_the_draft(
    tmp_path: Path, terminal_env: dict[str, str]
) -> None:
    import signal

    text = policy(allow("ssm:GetParameter", PARAMETERS)) + "\n"
    path = tmp_path / "policy.json"
    path.write_text(text, encoding="utf-8")
    action_row = next(i for i, line in enumerate(text.splitlines()) if '"Action"' in line)
    argv = [sys.executable, "-m", "ssm_tui", str(path), "--no-mouse"]

    term = Terminal(argv, terminal_env, tmp_path)
    try:
        term.wait_for_text('"ssm:GetParameter"', STARTUP_TIMEOUT)
        term.wait_for_text("Findings ·")
        for _ in range(action_row):
            term.send(DOWN)
        term.send(END)
        term.send(LEFT + LEFT)
        term.send("x")
        term.wait_for_text('"ssm:GetParameterx"')
        # the autosave (a couple of seconds after the last key), then kill -9
        term.wait_for(
            "the autosaved draft",
            lambda: bool(_drafts_holding(tmp_path / "state", "GetParameterx")),
            STEP_TIMEOUT,
        )
        term.child.kill(signal.SIGKILL)
        term.wait_for("the process to die", lambda: term.exited, STEP_TIMEOUT)
    finally:
        term.close()
    assert path.read_text(encoding="utf-8") == text

    again = Terminal(argv, terminal_env, tmp_path)
    try:
        again.wait_for_text("no longer running", STARTUP_TIMEOUT)
        again.wait_for_text("Restore (r)")
        assert "A draft of policy.json differs from the file:" in again.text
        assert "+1 −1 lines, saved " in again.text
        # the offer ignores keys for OFFER_GRACE s after it shows (so keys typed for the editor
        # do not answer it); a person reads it first, the test waits that long
        time.sleep(OFFER_GRACE + 0.2)
        again.send("r")
        again.wait_for_text('"ssm:GetParameterx"')
        again.send(CTRL_Q)
        again.wait_for_text("Quit?")
        again.send("y")
        again.wait_for("the process to exit", lambda: again.exited, STEP_TIMEOUT)
        again.child.wait()
        assert again.child.exitstatus == 0, again.dump()
    finally:
        again.close()
    assert _drafts_holding(tmp_path / "state", "GetParameterx")  # kept for next time


def test_a_file_that_is_not_utf8_is_refused_without_a_traceback(
    tmp_path: Path, terminal_env: dict[str, str]
) -> None:
    path = tmp_path / "latin1.json"
    data = '{"Version": "2012-10-17", "Statement": [], "Sid": "caf\xe9"}'.encode("latin-1")
    path.write_bytes(data)
    term = Terminal(
        [sys.executable, "-m", "ssm_tui", str(path), "--no-mouse"], terminal_env, tmp_path
    )
    try:
        term.wait_for_text("not UTF-8", STARTUP_TIMEOUT)
        assert "new policy" in term.text
        term.send(CTRL_Q)
        term.wait_for("the process to exit", lambda: term.exited, STEP_TIMEOUT)
        term.child.wait()
        assert term.child.exitstatus == 0, term.dump()
        assert b"Traceback" not in term.output
    finally:
        term.close()
    assert path.read_bytes() == data
