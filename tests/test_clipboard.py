"""Copying: OSC 52 and local routes, the user-facing wording, and the save-to-file fallback."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import platformdirs
import pyperclip
import pytest

from ssm_tui.export import clipboard
from ssm_tui.export.clipboard import (
    DELIVERY_BLOCKED,
    DELIVERY_COPIED,
    DELIVERY_NONE,
    DELIVERY_SENT,
    ROUTE_LOCAL,
    ROUTE_OSC52,
    TMUX_SETTING,
    copy,
    fallback_path,
    forget_local_clipboard,
    local_clipboard_available,
    policy_text,
    safe_stem,
    save_fallback,
    tmux_set_clipboard,
)
from ssm_tui.policy.format import minify, pretty

POLICY = {
    "Statement": [{"Resource": "*", "Action": "ssm:GetParameter", "Effect": "Allow"}],
    "Version": "2012-10-17",
}
ENVIRONMENT = (
    "TMUX",
    "STY",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "SSH_CONNECTION",
    "SSH_CLIENT",
    "SSH_TTY",
    "TERM_PROGRAM",
    "VTE_VERSION",
    "SSM_TUI_STATE_DIR",
)


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A plain local terminal: no multiplexer, no SSH, no display; state under tmp_path;
    the cached clipboard answer forgotten before and after."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSM_TUI_STATE_DIR", str(tmp_path / "state"))
    forget_local_clipboard()
    yield
    forget_local_clipboard()


class Recorder:
    """Stands in for App.copy_to_clipboard or a pyperclip copy function."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, text: str) -> None:
        self.calls.append(text)


def fake_backend(monkeypatch: pytest.MonkeyPatch, copier: object) -> list[int]:
    """Make pyperclip.determine_clipboard return `copier`; count how often it is asked."""
    asked: list[int] = []

    def determine() -> tuple[object, object]:
        asked.append(1)
        return copier, lambda: ""

    monkeypatch.setattr(pyperclip, "determine_clipboard", determine)
    return asked


def unavailable() -> object:
    copier, _paste = pyperclip.init_no_clipboard()
    return copier


# --- policy text ---------------------------------------------------------------------------


def test_policy_text_formats() -> None:
    assert policy_text(POLICY, "pretty") == pretty(POLICY)
    assert policy_text(POLICY, "minified") == minify(POLICY)
    assert json.loads(policy_text(POLICY, "minified")) == POLICY
    assert "\n" not in policy_text(POLICY, "minified")


def test_policy_text_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="compact"):
        policy_text(POLICY, "compact")  # type: ignore[arg-type]


# --- local clipboard detection -------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux detection")
def test_no_local_clipboard_on_linux_without_display() -> None:
    # The real pyperclip lookup: without DISPLAY/WAYLAND_DISPLAY it finds nothing on Linux
    # (except under WSL, where clip.exe is the Windows host's clipboard).
    if "microsoft" in Path("/proc/version").read_text(errors="ignore").lower():
        pytest.skip("WSL has clip.exe")
    assert local_clipboard_available() is False


def test_available_when_pyperclip_finds_a_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backend(monkeypatch, Recorder())
    assert local_clipboard_available() is True


def test_not_available_when_pyperclip_finds_none(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backend(monkeypatch, unavailable())
    assert local_clipboard_available() is False


def test_detection_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> tuple[object, object]:
        raise pyperclip.PyperclipException("boom")

    monkeypatch.setattr(pyperclip, "determine_clipboard", broken)
    assert local_clipboard_available() is False


def test_not_available_without_pyperclip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyperclip", None)  # import raises ImportError
    assert local_clipboard_available() is False


def test_over_ssh_without_display_the_servers_clipboard_does_not_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = fake_backend(monkeypatch, Recorder())  # e.g. pbcopy on a macOS server
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
    assert local_clipboard_available() is False
    assert asked == []


def test_over_ssh_with_forwarded_display_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backend(monkeypatch, Recorder())
    monkeypatch.setenv("SSH_TTY", "/dev/pts/3")
    monkeypatch.setenv("DISPLAY", "localhost:10.0")
    assert local_clipboard_available() is True


def test_detection_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = fake_backend(monkeypatch, Recorder())
    assert local_clipboard_available()
    assert local_clipboard_available()
    assert len(asked) == 1
    forget_local_clipboard()
    assert local_clipboard_available()
    assert len(asked) == 2


# --- copy ----------------------------------------------------------------------------------


def test_osc52_receives_exact_text_and_message_counts_characters() -> None:
    text = "é" * 12_345  # characters, not bytes
    terminal = Recorder()
    outcome = copy(text, osc52=terminal, local=False)
    assert terminal.calls == [text]
    assert outcome.routes == (ROUTE_OSC52,)
    assert outcome.characters == 12_345
    assert outcome.message == (
        "Sent 12,345 characters to the terminal (OSC 52); terminals do not confirm a copy."
    )


def test_osc52_receives_policy_text_unchanged() -> None:
    text = policy_text(POLICY, "pretty")
    terminal = Recorder()
    copy(text, osc52=terminal, local=False)
    assert terminal.calls == [text]


def test_singular_character() -> None:
    assert copy("x", osc52=Recorder(), local=False).message.startswith(
        "Sent 1 character to the terminal (OSC 52)"
    )


def test_no_display_no_tmux_is_sent_not_copied_and_offers_the_file() -> None:
    # Over SSH or on a console: OSC 52 is written, nothing confirms it arrived.
    outcome = copy("{}", osc52=Recorder())  # local=None: none detected (no display)
    assert outcome.delivery == DELIVERY_SENT
    assert outcome.routes == (ROUTE_OSC52,)
    assert outcome.message == (
        "Sent 2 characters to the terminal (OSC 52); terminals do not confirm a copy."
    )
    assert "Copied" not in outcome.message
    assert not outcome.copied  # nothing confirms it
    assert outcome.sent
    assert outcome.offer_file
    assert outcome.osc52_sent
    assert outcome.blocked_by is None
    assert outcome.hint is not None
    assert "terminal support" in outcome.hint
    assert "file" in outcome.hint
    assert "tmux" not in outcome.hint
    assert "screen" not in outcome.hint


def test_iterm2_hint_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM_PROGRAM", "iTerm.app")
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.delivery == DELIVERY_SENT  # it can be allowed: not known to be ignored
    assert outcome.hint is not None
    assert "Applications in terminal may access clipboard" in outcome.hint


def test_screen_drops_osc52(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = fake_tmux(monkeypatch, tmp_path, "on")
    monkeypatch.setenv("STY", "1234.pts-0.host")
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")  # screen inside tmux
    terminal = Recorder()
    outcome = copy("{}", osc52=terminal, local=False)
    assert terminal.calls == ["{}"]  # still written: the app keeps its own copy
    assert outcome.delivery == DELIVERY_BLOCKED
    assert outcome.routes == ()
    assert outcome.message.startswith("Nothing reached a clipboard: GNU screen")
    assert outcome.offer_file
    assert outcome.blocked_by is not None and "screen" in outcome.blocked_by
    assert outcome.hint is not None and "file" in outcome.hint
    assert calls() == []  # no need to ask tmux


def test_macos_terminal_ignores_osc52(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM_PROGRAM", "Apple_Terminal")
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.delivery == DELIVERY_BLOCKED
    assert outcome.routes == ()
    assert outcome.message == "Nothing reached a clipboard: macOS Terminal.app ignores OSC 52."
    assert outcome.offer_file
    assert outcome.hint is not None and "file" in outcome.hint


def test_vte_terminals_ignore_osc52(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VTE_VERSION", "7600")
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.delivery == DELIVERY_BLOCKED
    assert "GNOME Terminal" in outcome.message
    assert "VTE_VERSION" in outcome.message  # says what the guess rests on
    assert outcome.offer_file


def test_terminal_guess_is_not_made_inside_tmux(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A tmux pane keeps the environment of wherever the server started; with
    # set-clipboard on, tmux re-sends to whichever terminal is attached now.
    fake_tmux(monkeypatch, tmp_path, "on")
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    monkeypatch.setenv("VTE_VERSION", "7600")
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.delivery == DELIVERY_SENT


# --- tmux ------------------------------------------------------------------------------------


def fake_tmux(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, answer: str, *, status: int = 0
) -> Callable[[], list[str]]:
    """Put a `tmux` first on PATH that prints `answer` and exits with `status`; return a
    function listing the argument lines it was called with."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    log = tmp_path / "tmux-calls"
    script = folder / "tmux"
    script.write_text(
        f'#!/bin/sh\necho "$*" >> {shlex.quote(str(log))}\n'
        f"printf '%s\\n' {shlex.quote(answer)}\nexit {status}\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")

    def calls() -> list[str]:
        return log.read_text().splitlines() if log.exists() else []

    return calls


def in_tmux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="a /bin/sh fake tmux")


@posix_only
@pytest.mark.parametrize("setting", ["off", "external"])
def test_tmux_without_set_clipboard_on_drops_osc52(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, setting: str
) -> None:
    # tmux's input.c handles an application's OSC 52 only when set-clipboard is "on";
    # "external" (the default) lets only tmux's own copy mode reach the terminal.
    calls = fake_tmux(monkeypatch, tmp_path, setting)
    in_tmux(monkeypatch)
    terminal = Recorder()
    outcome = copy("a" * 1_000, osc52=terminal, local=False)
    assert calls() == ["show-options -gv set-clipboard"]
    assert terminal.calls == ["a" * 1_000]
    assert outcome.delivery == DELIVERY_BLOCKED
    assert outcome.routes == ()
    assert not outcome.sent
    assert outcome.message == (
        "Nothing reached a clipboard: tmux drops OSC 52 from programs while "
        f"set-clipboard is {setting}."
    )
    assert outcome.offer_file
    assert outcome.osc52_sent
    assert outcome.hint is not None
    assert TMUX_SETTING in outcome.hint
    assert "file" in outcome.hint


@posix_only
def test_tmux_with_set_clipboard_on_is_sent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_tmux(monkeypatch, tmp_path, "on")
    in_tmux(monkeypatch)
    outcome = copy("a" * 1_000, osc52=Recorder(), local=False)
    assert outcome.delivery == DELIVERY_SENT
    assert outcome.routes == (ROUTE_OSC52,)
    assert outcome.message == (
        "Sent 1,000 characters to the terminal (OSC 52); terminals do not confirm a copy."
    )
    assert outcome.offer_file  # still not certain
    assert outcome.hint is not None
    assert "terminal-features" in outcome.hint


@posix_only
def test_tmux_missing_does_not_crash(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    in_tmux(monkeypatch)
    assert tmux_set_clipboard() is None
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.delivery == DELIVERY_SENT
    assert outcome.offer_file
    assert outcome.hint is not None
    assert "Could not ask tmux" in outcome.hint
    assert TMUX_SETTING in outcome.hint


@posix_only
def test_tmux_hanging_times_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "tmux").write_text("#!/bin/sh\nexec sleep 30\n")
    (folder / "tmux").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(clipboard, "TMUX_TIMEOUT", 0.2)
    in_tmux(monkeypatch)
    started = time.monotonic()
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert time.monotonic() - started < 5
    assert outcome.delivery == DELIVERY_SENT
    assert outcome.hint is not None and "Could not ask tmux" in outcome.hint


@posix_only
@pytest.mark.parametrize(
    ("answer", "status", "expected"),
    [
        ("on", 0, "on"),
        ("external", 0, "external"),
        ("off", 0, "off"),
        ("ON", 0, "on"),
        ("no server running on /tmp/tmux-1000/default", 1, None),
        ("on", 1, None),  # an error exit does not count, whatever it printed
        ("maybe", 0, None),
        ("", 0, None),
    ],
)
def test_tmux_set_clipboard_reads_the_answer(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    answer: str,
    status: int,
    expected: str | None,
) -> None:
    fake_tmux(monkeypatch, tmp_path, answer, status=status)
    assert tmux_set_clipboard() == expected


@pytest.mark.parametrize(
    "error",
    [
        subprocess.TimeoutExpired(["tmux"], 0.5),
        FileNotFoundError(2, "No such file or directory: 'tmux'"),
        PermissionError(13, "Permission denied"),
        OSError(8, "Exec format error"),
    ],
)
def test_tmux_set_clipboard_never_raises(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    asked: list[list[str]] = []

    def failing(command: list[str], **options: object) -> object:
        asked.append(command)
        assert options["timeout"] == clipboard.TMUX_TIMEOUT
        raise error

    monkeypatch.setattr(subprocess, "run", failing)
    assert tmux_set_clipboard() is None
    assert asked == [["tmux", "show-options", "-gv", "set-clipboard"]]
    in_tmux(monkeypatch)
    assert copy("{}", osc52=Recorder(), local=False).delivery == DELIVERY_SENT


def test_tmux_is_not_asked_outside_tmux(monkeypatch: pytest.MonkeyPatch) -> None:
    def unexpected(*args: object, **options: object) -> object:
        raise AssertionError("tmux asked outside tmux")

    monkeypatch.setattr(subprocess, "run", unexpected)
    assert copy("{}", osc52=Recorder(), local=False).delivery == DELIVERY_SENT


# --- the local clipboard ---------------------------------------------------------------------


@posix_only
def test_local_clipboard_is_copied_and_needs_no_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    local = Recorder()
    fake_backend(monkeypatch, local)
    calls = fake_tmux(monkeypatch, tmp_path, "off")
    in_tmux(monkeypatch)  # even where OSC 52 is dropped, the local copy stands
    terminal = Recorder()
    text = "a" * 1_000
    outcome = copy(text, osc52=terminal)  # local=None: detected
    assert terminal.calls == [text]
    assert local.calls == [text]
    assert outcome.delivery == DELIVERY_COPIED
    assert outcome.copied
    assert outcome.routes == (ROUTE_OSC52, ROUTE_LOCAL)
    assert outcome.message == (
        "Copied 1,000 characters via the local clipboard (also sent to the terminal as OSC 52)."
    )
    assert outcome.hint is None  # the local clipboard surely has it
    assert not outcome.offer_file
    assert calls() == []  # no need to ask tmux


def test_local_only(monkeypatch: pytest.MonkeyPatch) -> None:
    local = Recorder()
    fake_backend(monkeypatch, local)
    outcome = copy("{}", osc52=None)
    assert local.calls == ["{}"]
    assert outcome.routes == (ROUTE_LOCAL,)
    assert outcome.message == "Copied 2 characters via the local clipboard."
    assert outcome.delivery == DELIVERY_COPIED
    assert not outcome.offer_file
    assert not outcome.osc52_sent


def test_local_false_skips_pyperclip(monkeypatch: pytest.MonkeyPatch) -> None:
    local = Recorder()
    fake_backend(monkeypatch, local)
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert local.calls == []
    assert outcome.routes == (ROUTE_OSC52,)


def test_local_true_forces_pyperclip_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backend(monkeypatch, unavailable())
    local = Recorder()
    monkeypatch.setattr(pyperclip, "copy", local)
    outcome = copy("{}", osc52=None, local=True)
    assert local.calls == ["{}"]
    assert outcome.routes == (ROUTE_LOCAL,)


@pytest.mark.parametrize(
    "error",
    [pyperclip.PyperclipException("could not find a copy mechanism"), OSError("xclip died")],
)
def test_pyperclip_failure_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def failing(text: str) -> None:
        raise error

    fake_backend(monkeypatch, failing)
    terminal = Recorder()
    outcome = copy("{}", osc52=terminal)
    assert terminal.calls == ["{}"]
    assert outcome.routes == (ROUTE_OSC52,)
    assert outcome.message.startswith("Sent 2 characters to the terminal (OSC 52);")
    assert "local clipboard failed" in outcome.message
    assert str(error) in outcome.message
    assert outcome.delivery == DELIVERY_SENT
    assert outcome.offer_file
    assert outcome.hint is not None


def test_pyperclip_failure_where_osc52_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(text: str) -> None:
        raise OSError("xclip died")

    fake_backend(monkeypatch, failing)
    monkeypatch.setenv("TERM_PROGRAM", "Apple_Terminal")
    outcome = copy("{}", osc52=Recorder())
    assert outcome.delivery == DELIVERY_BLOCKED
    assert outcome.message == (
        "Nothing reached a clipboard: macOS Terminal.app ignores OSC 52. "
        "Also: the local clipboard failed (xclip died)."
    )
    assert outcome.offer_file


def test_forced_local_without_backend_fails_softly(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backend(monkeypatch, unavailable())  # pyperclip.copy will raise PyperclipException
    outcome = copy("{}", osc52=None, local=True)
    assert outcome.routes == ()
    assert not outcome.copied
    assert outcome.message.startswith("Nothing copied: the local clipboard failed")
    assert outcome.delivery == DELIVERY_NONE
    assert outcome.offer_file


def test_osc52_failure_is_reported_not_raised() -> None:
    def failing(text: str) -> None:
        raise RuntimeError("driver gone")

    outcome = copy("{}", osc52=failing, local=False)
    assert outcome.routes == ()
    assert "OSC 52 failed (driver gone)" in outcome.message
    assert outcome.delivery == DELIVERY_NONE
    assert not outcome.osc52_sent
    assert outcome.offer_file


def test_no_route_at_all() -> None:
    # Not in the TUI (no OSC 52 callback) and no local clipboard detected.
    outcome = copy("{}", osc52=None)
    assert outcome.routes == ()
    assert not outcome.copied
    assert outcome.characters == 2
    assert outcome.message == (
        "Nothing copied: no terminal route (OSC 52) and no local clipboard here."
    )
    assert outcome.delivery == DELIVERY_NONE
    assert outcome.offer_file
    assert outcome.hint is not None
    assert "file" in outcome.hint


# --- save to a file instead ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("AmazonSSMManagedInstanceCore v5", "AmazonSSMManagedInstanceCore-v5"),
        (
            "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
            "arn-aws-iam-aws-policy-AmazonSSMFullAccess",
        ),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("Café ☕ policy", "Cafe-policy"),
        ("", "policy"),
        ("☕☕", "policy"),
        ("NUL", "policy-NUL"),
        ("x" * 200, "x" * 60),
    ],
)
def test_safe_stem(title: str, stem: str) -> None:
    assert safe_stem(title) == stem


def test_fallback_path(tmp_path: Path) -> None:
    moment = datetime(2025, 3, 4, 5, 6, 7).astimezone()
    path = fallback_path("../My policy", now=moment)
    assert path == tmp_path / "state" / "exports" / "My-policy-20250304-050607.json"
    assert not path.parent.exists()  # computing a path creates nothing
    assert fallback_path("pol.json", now=moment).name == "pol-20250304-050607.json"


def test_fallback_path_avoids_existing_files(tmp_path: Path) -> None:
    moment = datetime(2025, 3, 4, 5, 6, 7).astimezone()
    first = fallback_path("p", now=moment)
    first.parent.mkdir(parents=True)
    first.write_text("taken")
    second = fallback_path("p", now=moment)
    assert second.name == "p-20250304-050607-2.json"


def test_fallback_path_defaults_to_platformdirs_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSM_TUI_STATE_DIR")
    expected = platformdirs.user_state_path("ssm-tui", appauthor=False) / "exports"
    assert fallback_path("p").parent == expected


def test_save_fallback_writes_the_text(tmp_path: Path) -> None:
    text = policy_text(POLICY, "pretty")
    path = save_fallback(text, "Read parameters")
    assert path.parent == tmp_path / "state" / "exports"
    assert path.name.startswith("Read-parameters-")
    assert path.suffix == ".json"
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left
    again = save_fallback("other", "Read parameters", suffix=".tf")
    assert again != path
    assert again.suffix == ".tf"
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_saved_file_is_private() -> None:
    path = save_fallback("{}", "p")
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


def test_module_attributes() -> None:
    assert clipboard.COPY_FORMATS == ("pretty", "minified")
    assert clipboard.ROUTE_OSC52 == "OSC 52 (terminal)"
    assert clipboard.ROUTE_LOCAL == "local clipboard"


# --- save_fallback raises nothing but OSError, with a clear message --------------------------


def test_save_fallback_where_a_file_blocks_the_folder(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("not a folder")
    with pytest.raises(OSError) as caught:
        save_fallback("{}", "p")
    message = str(caught.value)
    assert "\n" not in message
    assert str(tmp_path / "state" / "exports") in message
    assert "cannot save" in message
    assert not message.startswith("[Errno")


def test_save_fallback_with_an_unusable_folder_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard, "exports_dir", lambda: Path("/tmp/bad\0folder"))
    with pytest.raises(OSError, match="null byte"):  # not ValueError
        save_fallback("{}", "p")


def test_save_fallback_of_text_utf8_cannot_store(tmp_path: Path) -> None:
    # A lone surrogate (e.g. from a "\ud800" escape) cannot be written as UTF-8.
    with pytest.raises(OSError) as caught:  # not UnicodeEncodeError
        save_fallback('{"\ud800"}', "p")
    assert "\n" not in str(caught.value)
    assert str(tmp_path / "state" / "exports") in str(caught.value)
    folder = tmp_path / "state" / "exports"
    assert list(folder.iterdir()) == []  # no temporary file left behind


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="POSIX permissions; root ignores them"
)
def test_save_fallback_into_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "exports"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        with pytest.raises(OSError, match="Permission denied") as caught:
            save_fallback("{}", "p")
        assert str(folder) in str(caught.value)
        assert caught.value.errno == 13
    finally:
        folder.chmod(0o700)


def test_save_fallback_when_the_disk_is_full(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def full(path: object, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(clipboard, "write_atomic", full)
    with pytest.raises(OSError, match="No space left on device") as caught:
        save_fallback("{}", "p")
    assert caught.value.errno == 28
    assert str(tmp_path / "state" / "exports") in str(caught.value)
