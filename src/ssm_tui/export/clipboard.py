"""Copying a policy: which route can carry it, and what to tell the user afterwards.

Admins run ssm-tui over SSH, often inside tmux, so the usual clipboard libraries copy to
the *server's* clipboard (or find none).  The route that reaches the admin's own machine is
OSC 52: an escape sequence the terminal turns into a clipboard write.  Textual sends it with
``App.copy_to_clipboard``, but the terminal never acknowledges it, tmux drops it unless
``set -g set-clipboard on``, and some terminals (macOS Terminal.app) ignore it
(TEXTUAL-NOTES.md §0 item 5 and §2.4).  So the decision and the wording live here, UI-free
and tested:

- `copy` sends the text through OSC 52 (the callback the TUI passes) and through pyperclip
  when a local clipboard really exists, and returns a `CopyOutcome` that never claims more
  than is known: only the local clipboard counts as "copied"; OSC 52 is "sent to the
  terminal", or, where it is known not to arrive (`osc52_path`: GNU screen, tmux without
  ``set-clipboard on``, terminals that ignore OSC 52), "nothing reached a clipboard".
  Unless the local clipboard took the text, the outcome offers the file (`offer_file`);
- `save_fallback` writes the text to a file in the user's state folder, for when no route
  works or the user cannot paste.  It raises nothing but OSError.

This module never imports textual (the TUI passes ``App.copy_to_clipboard`` in).  pyperclip
is imported only when a local clipboard is looked for, and its absence means "no local
clipboard".  `copy` may run external programs (xclip, wl-copy, pbcopy; tmux, to read its
setting): a TUI that calls it from a thread worker must pass an OSC 52 callback that is safe
off the app thread, e.g.
``lambda text: app.call_from_thread(app.copy_to_clipboard, text)``.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

from ssm_tui.export.files import FileProblem, write_atomic
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


# --- where an OSC 52 sequence can go -------------------------------------------------------

# tmux's `set-clipboard` values (options-table.c: "off", "external", "on").  Only "on" makes
# tmux take an application's OSC 52 and re-send it to the outer terminal: input.c returns
# early unless the option is 2 ("on").  "external" (the default since tmux 2.6) lets tmux's
# own copy mode set the terminal's clipboard but ignores applications; "off" ignores both.
TMUX_PASSES_OSC52 = frozenset({"on"})
TMUX_DROPS_OSC52 = frozenset({"external", "off"})
TMUX_TIMEOUT = 0.5  # seconds to wait for `tmux show-options` (it answers in milliseconds)


def tmux_set_clipboard() -> str | None:
    """The running tmux's ``set-clipboard`` value ("on", "external" or "off"), asked with
    ``tmux show-options -gv set-clipboard``; None when tmux cannot be asked (not installed,
    no server, an error, no answer within `TMUX_TIMEOUT` seconds, an unknown value).
    Never raises."""
    try:
        done = subprocess.run(
            ["tmux", "show-options", "-gv", "set-clipboard"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TMUX_TIMEOUT,
            check=False,
        )
    except Exception:  # not installed, hanging (TimeoutExpired), not executable...
        return None
    value = done.stdout.strip().lower()
    if done.returncode != 0 or value not in TMUX_PASSES_OSC52 | TMUX_DROPS_OSC52:
        return None
    return value


@dataclass(frozen=True)
class Osc52Path:
    """What is known about an OSC 52 sequence written here: `blocked` (or None) says why it
    is known not to reach any clipboard; `hint` says what to check or change."""

    blocked: str | None
    hint: str


_SUPPORT = (
    "OSC 52 needs terminal support (kitty, WezTerm, iTerm2 with clipboard access allowed, "
    "Windows Terminal, Alacritty, foot) and is never confirmed."
)
_SAVE = "Not pasting? Save to a file instead."


def osc52_path() -> Osc52Path:
    """Where an OSC 52 sequence written now is known to stop, from the environment and, in
    tmux, tmux's own ``set-clipboard`` setting.  Known stops:

    - GNU screen (``$STY``): it has no OSC 52 support and drops the sequence;
    - tmux (``$TMUX``) unless ``set-clipboard`` is ``on``;
    - macOS Terminal.app (``TERM_PROGRAM=Apple_Terminal``), which does not support OSC 52
      (Textual's ``App.copy_to_clipboard`` docstring);
    - VTE terminals (``$VTE_VERSION``: GNOME Terminal, Tilix, xfce4-terminal…): VTE parses
      OSC 52 and discards it (vteseq.cc; GNOME/vte#2495 is still open).

    The terminal checks apply only outside tmux and screen, whose panes carry the
    environment of wherever the multiplexer was started.  Never raises."""
    if os.environ.get("STY"):
        return Osc52Path(
            "GNU screen does not pass OSC 52 on to your terminal",
            "Run ssm-tui outside screen (or in tmux with "
            f"`{TMUX_SETTING}`) to copy through the terminal, or save to a file.",
        )
    if os.environ.get("TMUX"):
        setting = tmux_set_clipboard()
        if setting in TMUX_DROPS_OSC52:
            return Osc52Path(
                f"tmux drops OSC 52 from programs while set-clipboard is {setting}",
                f"Add `{TMUX_SETTING}` to ~/.tmux.conf (or run `tmux {TMUX_SETTING}`) "
                "and copy again, or save to a file.",
            )
        if setting is None:
            return Osc52Path(
                None,
                "Could not ask tmux for its set-clipboard setting; it passes OSC 52 on "
                f"only with `{TMUX_SETTING}` in ~/.tmux.conf. {_SUPPORT} {_SAVE}",
            )
        return Osc52Path(
            None,
            "tmux passes it on (set-clipboard is on) when it knows your terminal takes "
            "OSC 52; if nothing pastes, add `set -as terminal-features "
            "',<TERM outside tmux>:clipboard'` (tmux 3.2 or later). "
            f"{_SUPPORT} {_SAVE}",
        )
    program = os.environ.get("TERM_PROGRAM", "")
    if program == "Apple_Terminal":
        return Osc52Path(
            "macOS Terminal.app ignores OSC 52",
            "Use a terminal that supports OSC 52 (iTerm2, kitty, WezTerm…) or save to a file.",
        )
    if os.environ.get("VTE_VERSION"):
        return Osc52Path(
            "VTE terminals (GNOME Terminal, Tilix, xfce4-terminal…) ignore OSC 52, "
            "and VTE_VERSION is set",
            "Install xclip, xsel or wl-clipboard for a local copy, use a terminal that "
            "supports OSC 52, or save to a file.",
        )
    if program == "iTerm.app":
        return Osc52Path(
            None,
            "iTerm2 takes OSC 52 only with Settings > General > Selection > "
            f'"Applications in terminal may access clipboard" on. {_SAVE}',
        )
    return Osc52Path(None, f"{_SUPPORT} {_SAVE}")


# --- copying -------------------------------------------------------------------------------

Delivery = Literal["copied", "sent", "blocked", "none"]
DELIVERY_COPIED: Delivery = "copied"  # the local clipboard took it: certain
DELIVERY_SENT: Delivery = "sent"  # OSC 52 written to the terminal: cannot be confirmed
DELIVERY_BLOCKED: Delivery = "blocked"  # OSC 52 written but known not to arrive
DELIVERY_NONE: Delivery = "none"  # no route took it (no terminal route, failures)


@dataclass(frozen=True)
class CopyOutcome:
    """What `copy` did.

    - `characters`: the length of the text offered;
    - `routes`: the routes that took the text and may deliver it (empty: nothing reached
      any clipboard).  OSC 52 is left out when it is known not to arrive (`blocked_by`);
    - `delivery`: "copied" (the local clipboard has it), "sent" (written to the terminal
      as OSC 52, which no terminal confirms), "blocked" (written, but known not to arrive:
      nothing reached a clipboard) or "none" (no route took it);
    - `message`: the one-line summary for the user; `hint` (or None) what to check or
      change if pasting does not work;
    - `offer_file`: True whenever delivery is not certain, i.e. unless the local clipboard
      took it: the UI should offer `save_fallback`;
    - `osc52_sent`: the OSC 52 callback was called and did not fail (even when blocked:
      the app's own clipboard then still has the text);
    - `blocked_by`: why OSC 52 is known not to arrive, or None.
    """

    characters: int
    routes: tuple[str, ...]
    message: str
    hint: str | None
    delivery: Delivery = DELIVERY_NONE
    offer_file: bool = True
    osc52_sent: bool = False
    blocked_by: str | None = None

    @property
    def copied(self) -> bool:
        """Whether a clipboard surely has the text (only the local clipboard confirms)."""
        return self.delivery == DELIVERY_COPIED

    @property
    def sent(self) -> bool:
        """Whether the text may have reached a clipboard (`routes` is not empty)."""
        return bool(self.routes)


def _count(characters: int) -> str:
    return f"{characters:,} character{'' if characters == 1 else 's'}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _try(route: Callable[[], None], name: str, failures: list[str]) -> bool:
    """Run one copy route; a failure is noted in `failures`, never raised."""
    try:
        route()
    except Exception as error:
        failures.append(f"{name} failed ({_first_line(error)})")
        return False
    return True


def _copy_locally(text: str) -> None:
    copier = _local_copier()
    if copier is None:
        import pyperclip

        copier = pyperclip.copy
    copier(text)


def copy(
    text: str,
    *,
    osc52: Callable[[str], None] | None,
    local: bool | None = None,
) -> CopyOutcome:
    """Copy `text` by every route that can work here, and say truthfully what happened.

    `osc52` is the TUI's ``App.copy_to_clipboard`` (None: no terminal route, e.g. not in a
    TUI).  `local` forces the pyperclip route on (True) or off (False); None uses it when
    `local_clipboard_available()`.  No exception from either route escapes: a failure is
    reported in the message and the route is left out of `routes`.

    OSC 52 is always written when there is a callback (the app keeps its own copy, and a
    setting we misread costs nothing), but it is never reported as copied: the message says
    "sent to the terminal", or, where it is known not to arrive (`osc52_path`) and no local
    clipboard took the text, that nothing reached a clipboard.  Asking tmux (only in tmux,
    only when the local clipboard did not take the text) runs a subprocess for at most
    `TMUX_TIMEOUT` seconds.
    """
    failures: list[str] = []
    osc52_sent = osc52 is not None and _try(lambda: osc52(text), "OSC 52", failures)
    if local is None:
        local = local_clipboard_available()
    local_took = local and _try(lambda: _copy_locally(text), "the local clipboard", failures)

    count = _count(len(text))
    also = f" Also: {'; '.join(failures)}." if failures else ""
    if local_took:
        routes = (ROUTE_OSC52, ROUTE_LOCAL) if osc52_sent else (ROUTE_LOCAL,)
        terminal = " (also sent to the terminal as OSC 52)" if osc52_sent else ""
        return CopyOutcome(
            len(text),
            routes,
            f"Copied {count} via the local clipboard{terminal}.{also}",
            None,  # the local clipboard has it: nothing to troubleshoot
            delivery=DELIVERY_COPIED,
            offer_file=False,
            osc52_sent=osc52_sent,
        )
    if osc52_sent:
        path = osc52_path()
        if path.blocked is not None:
            return CopyOutcome(
                len(text),
                (),
                f"Nothing reached a clipboard: {path.blocked}.{also}",
                path.hint,
                delivery=DELIVERY_BLOCKED,
                osc52_sent=True,
                blocked_by=path.blocked,
            )
        return CopyOutcome(
            len(text),
            (ROUTE_OSC52,),
            f"Sent {count} to the terminal (OSC 52); terminals do not confirm a copy.{also}",
            path.hint,
            delivery=DELIVERY_SENT,
            osc52_sent=True,
        )
    if failures:
        why = "; ".join(failures)
    else:
        why = "no terminal route (OSC 52) and no local clipboard here"
    return CopyOutcome(len(text), (), f"Nothing copied: {why}.", "Save to a file instead.")


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
    stem = safe_stem(title)
    if stem.lower().endswith(suffix.lower()) and len(stem) > len(suffix):
        stem = stem[: -len(suffix)]  # "pol.json" saves as pol-<time>.json, not pol.json-<time>.json
    base = f"{stem}-{moment:%Y%m%d-%H%M%S}"
    folder = exports_dir()
    path = folder / f"{base}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{base}-{number}{suffix}"
        number += 1
    return path


def _save_error(error: BaseException, where: Path) -> FileProblem:
    """`error` as a one-line `FileProblem` (an OSError) naming where and why."""
    strerror = error.strerror if isinstance(error, OSError) else None
    reason = strerror or _first_line(error)
    problem = FileProblem(f"{where}: cannot save the copy ({reason})")
    problem.errno = getattr(error, "errno", None)
    return problem


def save_fallback(text: str, title: str, *, suffix: str = ".json") -> Path:
    """Write `text` atomically to `fallback_path(title)` (creating the folder, private to
    the user) and return the path, for the TUI to show.

    Raises only OSError (a `FileProblem`), whose message is one line naming the folder or
    file and the reason: the disk refuses (read-only, full, permissions), the state folder
    is unusable (a file in its place), or the text cannot be stored as UTF-8 (a lone
    surrogate).  A failed write leaves no partial file behind."""
    try:
        folder = exports_dir()
    except Exception as error:  # a broken environment or platformdirs failure
        raise _save_error(error, Path("the ssm-tui state folder")) from error
    try:
        ensure_dir(folder)
        path = fallback_path(title, suffix=suffix)
    except (OSError, ValueError) as error:
        raise _save_error(error, folder) from error
    try:
        write_atomic(path, text)
    except FileProblem:
        raise  # already one line naming the file (a lone surrogate, a full disk...)
    except (OSError, ValueError) as error:
        raise _save_error(error, path) from error
    return path
