"""Copying: OSC 52 and local routes, the user-facing wording, and the save-to-file fallback."""

from __future__ import annotations

import json
import stat
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import platformdirs
import pyperclip
import pytest

from ssm_tui.export import clipboard
from ssm_tui.export.clipboard import (
    ROUTE_LOCAL,
    ROUTE_OSC52,
    copy,
    fallback_path,
    forget_local_clipboard,
    local_clipboard_available,
    policy_text,
    safe_stem,
    save_fallback,
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
    assert outcome.copied
    assert outcome.characters == 12_345
    assert outcome.message == "Copied 12,345 characters via OSC 52 (terminal)."


def test_osc52_receives_policy_text_unchanged() -> None:
    text = policy_text(POLICY, "pretty")
    terminal = Recorder()
    copy(text, osc52=terminal, local=False)
    assert terminal.calls == [text]


def test_singular_character() -> None:
    assert copy("x", osc52=Recorder(), local=False).message == (
        "Copied 1 character via OSC 52 (terminal)."
    )


def test_osc52_hint_mentions_terminal_support() -> None:
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.hint is not None
    assert "terminal support" in outcome.hint
    assert "tmux" not in outcome.hint
    assert "screen" not in outcome.hint


def test_osc52_hint_in_tmux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.hint is not None
    assert "tmux" in outcome.hint
    assert "set -g set-clipboard on" in outcome.hint


def test_osc52_hint_in_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STY", "1234.pts-0.host")
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.hint is not None
    assert "screen" in outcome.hint
    assert "tmux" not in outcome.hint


def test_osc52_hint_in_macos_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM_PROGRAM", "Apple_Terminal")
    outcome = copy("{}", osc52=Recorder(), local=False)
    assert outcome.hint is not None
    assert "Terminal.app" in outcome.hint


def test_both_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    local = Recorder()
    fake_backend(monkeypatch, local)
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    terminal = Recorder()
    text = "a" * 1_000
    outcome = copy(text, osc52=terminal)  # local=None: detected
    assert terminal.calls == [text]
    assert local.calls == [text]
    assert outcome.routes == (ROUTE_OSC52, ROUTE_LOCAL)
    assert outcome.message == (
        "Copied 1,000 characters via OSC 52 (terminal) and the local clipboard."
    )
    assert outcome.hint is None  # the local clipboard surely has it


def test_local_only(monkeypatch: pytest.MonkeyPatch) -> None:
    local = Recorder()
    fake_backend(monkeypatch, local)
    outcome = copy("{}", osc52=None)
    assert local.calls == ["{}"]
    assert outcome.routes == (ROUTE_LOCAL,)
    assert outcome.message == "Copied 2 characters via the local clipboard."


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
    assert outcome.message.startswith("Copied 2 characters via OSC 52 (terminal).")
    assert "local clipboard failed" in outcome.message
    assert str(error) in outcome.message
    assert outcome.hint is not None


def test_forced_local_without_backend_fails_softly(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backend(monkeypatch, unavailable())  # pyperclip.copy will raise PyperclipException
    outcome = copy("{}", osc52=None, local=True)
    assert outcome.routes == ()
    assert not outcome.copied
    assert outcome.message.startswith("Nothing copied: the local clipboard failed")


def test_osc52_failure_is_reported_not_raised() -> None:
    def failing(text: str) -> None:
        raise RuntimeError("driver gone")

    outcome = copy("{}", osc52=failing, local=False)
    assert outcome.routes == ()
    assert "OSC 52 failed (driver gone)" in outcome.message


def test_no_route_at_all() -> None:
    # Not in the TUI (no OSC 52 callback) and no local clipboard detected.
    outcome = copy("{}", osc52=None)
    assert outcome.routes == ()
    assert not outcome.copied
    assert outcome.characters == 2
    assert outcome.message == (
        "Nothing copied: no terminal route (OSC 52) and no local clipboard here."
    )
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
