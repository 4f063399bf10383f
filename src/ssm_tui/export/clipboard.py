"""Copying a policy: which route can carry it, and what to tell the user afterwards.

Admins run ssm-tui over SSH, often inside tmux, so the usual clipboard libraries copy to
the *server's* clipboard (or find none).  The route that reaches the admin's own machine is
OSC 52: an escape sequence the terminal turns into a clipboard write.  Textual sends it with
``App.copy_to_clipboard``, but the terminal never acknowledges it, tmux drops it unless
``set -g set-clipboard on``, and some terminals (macOS Terminal.app) ignore it
(TEXTUAL-NOTES.md §0 item 5 and §2.4).  So the decision and the wording live here, UI-free
and tested:

- `copy` sends the text through OSC 52 (the callback the TUI passes) and through pyperclip
  when a local clipboard really exists, and returns a `CopyOutcome` whose message says how
  many characters went by which route and whose hint says what to check if nothing pastes;
- `save_fallback` writes the text to a file in the user's state folder, for when no route
  works or the user cannot paste.

This module never imports textual (the TUI passes ``App.copy_to_clipboard`` in).  pyperclip
is imported only when a local clipboard is looked for, and its absence means "no local
clipboard".  `copy` may run an external program (xclip, wl-copy, pbcopy): a TUI that calls
it from a thread worker must pass an OSC 52 callback that is safe off the app thread, e.g.
``lambda text: app.call_from_thread(app.copy_to_clipboard, text)``.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

from ssm_tui.export.files import write_atomic
from ssm_tui.paths import ensure_dir, state_dir
from ssm_tui.policy.format import minify, pretty

CopyFormat = Literal["pretty", "minified"]
COPY_FORMATS: tuple[CopyFormat, ...] = get_args(CopyFormat)

ROUTE_OSC52 = "OSC 52 (terminal)"
ROUTE_LOCAL = "local clipboard"

TMUX_SETTING = "set -g set-clipboard on"

_SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")
_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY")


def policy_text(policy_value: Any, fmt: CopyFormat) -> str:
    """The policy as text to copy: ``pretty`` (2-space indent, canonical key order, final
    newline) or ``minified`` (no whitespace).  Raises ValueError for any other format."""
    if fmt == "pretty":
        return pretty(policy_value)
    if fmt == "minified":
        return minify(policy_value)
    raise ValueError(f"unknown copy format {fmt!r}; expected one of {', '.join(COPY_FORMATS)}")


# --- the local clipboard (pyperclip) -----------------------------------------------------


def _remote_without_display() -> bool:
    """An SSH session with no forwarded X11/Wayland display: any clipboard pyperclip finds
    (pbcopy on a macOS server, clip.exe under WSL) belongs to the server, not the admin."""
    over_ssh = any(os.environ.get(name) for name in _SSH_VARIABLES)
    has_display = any(os.environ.get(name) for name in _DISPLAY_VARIABLES)
    return over_ssh and not has_display


@functools.cache
def _local_copier() -> Callable[[str], object] | None:
    """pyperclip's copy function for this machine, or None when there is no working one.
    Looks (`determine_clipboard`) without copying anything; never raises."""
    if _remote_without_display():
        return None
    try:
        import pyperclip  # type: ignore[import-untyped]

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier, _paste = pyperclip.determine_clipboard()
        # pyperclip's "no clipboard" stand-in is a callable that is falsy and raises.
        if not copier or not callable(copier):
            return None
    except Exception:
        return None
    found: Callable[[str], object] = copier
    return found


def local_clipboard_available() -> bool:
    """Whether a local clipboard works here (pyperclip found xclip, xsel, wl-copy, pbcopy,
    Windows, Qt…).  False over SSH without a forwarded display, and on Linux without
    ``$DISPLAY``/``$WAYLAND_DISPLAY``.  Cached: call `forget_local_clipboard` to look again."""
    return _local_copier() is not None


def forget_local_clipboard() -> None:
    """Drop the cached answer of `local_clipboard_available` (tests; a changed environment)."""
    _local_copier.cache_clear()


# --- copying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyOutcome:
    """What `copy` did.  `characters` is the length of the text offered; `routes` lists the
    routes that accepted it (empty: nothing was copied); `message` is the one-line summary
    for the user; `hint` (or None) says what to check if pasting does not work."""

    characters: int
    routes: tuple[str, ...]
    message: str
    hint: str | None

    @property
    def copied(self) -> bool:
        return bool(self.routes)


def _count(characters: int) -> str:
    return f"{characters:,} character{'' if characters == 1 else 's'}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _osc52_hint() -> str:
    """What to check when an OSC 52 copy (never acknowledged) does not paste."""
    parts: list[str] = []
    if os.environ.get("TMUX"):
        parts.append(
            f"In tmux, OSC 52 reaches your terminal only with `{TMUX_SETTING}` in ~/.tmux.conf."
        )
    if os.environ.get("STY"):
        parts.append(
            "GNU screen usually does not pass OSC 52 on to your terminal; "
            "run ssm-tui outside screen to copy."
        )
    if os.environ.get("TERM_PROGRAM") == "Apple_Terminal":
        parts.append("macOS Terminal.app does not support OSC 52.")
    parts.append(
        "OSC 52 needs terminal support (kitty, WezTerm, iTerm2 with clipboard access allowed, "
        "Windows Terminal, Alacritty, foot) and is never confirmed."
    )
    parts.append("Not pasting? Save to a file instead.")
    return " ".join(parts)


def copy(
    text: str,
    *,
    osc52: Callable[[str], None] | None,
    local: bool | None = None,
) -> CopyOutcome:
    """Copy `text` by every route that can work here, and say what happened.

    `osc52` is the TUI's ``App.copy_to_clipboard`` (None: no terminal route, e.g. not in a
    TUI).  `local` forces the pyperclip route on (True) or off (False); None uses it when
    `local_clipboard_available()`.  No exception from either route escapes: a failure is
    reported in the message and the route is left out of `routes`.
    """
    routes: list[str] = []
    failures: list[str] = []
    if osc52 is not None:
        try:
            osc52(text)
        except Exception as error:
            failures.append(f"OSC 52 failed ({_first_line(error)})")
        else:
            routes.append(ROUTE_OSC52)
    if local is None:
        local = local_clipboard_available()
    if local:
        try:
            copier = _local_copier()
            if copier is None:
                import pyperclip

                copier = pyperclip.copy
            copier(text)
        except Exception as error:
            failures.append(f"the local clipboard failed ({_first_line(error)})")
        else:
            routes.append(ROUTE_LOCAL)

    characters = len(text)
    problems = f" Also: {'; '.join(failures)}." if failures and routes else ""
    if routes == [ROUTE_OSC52]:
        message = f"Copied {_count(characters)} via {ROUTE_OSC52}.{problems}"
        hint: str | None = _osc52_hint()
    elif routes:
        names = " and ".join(
            ROUTE_OSC52 if route == ROUTE_OSC52 else f"the {route}" for route in routes
        )
        message = f"Copied {_count(characters)} via {names}.{problems}"
        hint = None  # the local clipboard has it: nothing to troubleshoot
    else:
        if failures:
            why = "; ".join(failures)
        else:
            why = "no terminal route (OSC 52) and no local clipboard here"
        message = f"Nothing copied: {why}."
        hint = "Save to a file instead."
    return CopyOutcome(characters, tuple(routes), message, hint)


# --- saving instead ------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)}
)


def safe_stem(title: str, *, limit: int = 60) -> str:
    """A file-name stem from `title`: ASCII letters, digits, ``.``, ``_`` and ``-`` only,
    no leading dot (no hidden files, no ``..``), at most `limit` characters, never empty."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("-", ascii_title).strip(".-_")
    stem = re.sub(r"-{2,}", "-", stem)[:limit].rstrip(".-_")
    if not stem:
        return "policy"
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        return f"policy-{stem}"
    return stem


def exports_dir() -> Path:
    """Where `save_fallback` writes: ``<state dir>/exports``."""
    return state_dir() / "exports"


def fallback_path(title: str, *, suffix: str = ".json", now: datetime | None = None) -> Path:
    """Where to save a policy that could not be copied: ``<state dir>/exports/`` and a name
    made of the title and the local time (``-2``, ``-3``… when that name is taken)."""
    moment = (now or datetime.now()).astimezone()
    base = f"{safe_stem(title)}-{moment:%Y%m%d-%H%M%S}"
    folder = exports_dir()
    path = folder / f"{base}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{base}-{number}{suffix}"
        number += 1
    return path


def save_fallback(text: str, title: str, *, suffix: str = ".json") -> Path:
    """Write `text` atomically to `fallback_path(title)` (creating the folder) and return
    the path, for the TUI to show.  Raises OSError when the disk refuses."""
    ensure_dir(exports_dir())
    path = fallback_path(title, suffix=suffix)
    write_atomic(path, text)
    return path
