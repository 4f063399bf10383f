"""The last resort of every command and of the TUI: an unexpected exception becomes a crash
report in ``<state dir>/crash-reports``, one line on stderr naming it, and exit status 3.

Below both faces (the CLI launches the TUI, and the TUI writes crash reports), so neither
imports the other for it."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ssm_tui import __version__
from ssm_tui.textsafe import escape_control

# exit status of an internal error (a bug), for every command and the TUI
EXIT_INTERNAL = 3
CRASH_FOLDER = "crash-reports"

INTERNAL_ERROR_NOTE = (
    "Exit status 3 means an internal error (a bug): one line on stderr names the crash report "
    "written to the crash-reports folder of ssm-tui's state folder; no traceback is printed."
)


def write_crash_report(exc: BaseException, argv: Sequence[str]) -> Path | str:
    """Write the traceback of `exc` to ``<state dir>/crash-reports/crash-<time>-<pid>.txt``
    (atomically, private to the user) and return its path, or, if even that fails, a short
    reason why.  Never raises."""
    try:
        import datetime
        import os
        import platform
        import traceback

        from ssm_tui.export.files import write_atomic
        from ssm_tui.paths import ensure_dir, state_dir

        now = datetime.datetime.now().astimezone()
        folder = ensure_dir(state_dir() / CRASH_FOLDER)
        path = folder / f"crash-{now:%Y%m%d-%H%M%S}-{os.getpid()}.txt"
        report = (
            f"ssm-tui {__version__} internal error at {now.isoformat(timespec='seconds')}\n"
            f"python {platform.python_version()} on {platform.platform()}\n"
            f"arguments: {list(argv)!r}\n\n"
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        )
        write_atomic(path, report)
        return path
    except Exception as failure:  # the report is best effort
        return f"{type(failure).__name__}: {failure}".splitlines()[0][:200]


def internal_error(exc: BaseException, argv: Sequence[str], err: TextIO | None = None) -> int:
    """The last resort: one line on stderr naming where the traceback went; EXIT_INTERNAL."""
    stream = err or sys.stderr
    where = write_crash_report(exc, argv)
    kind = type(exc).__name__
    if isinstance(where, Path):
        line = (
            f"ssm-tui: internal error ({kind}); a report was written to "
            f"{escape_control(str(where))} - please file it"
        )
    else:
        line = (
            f"ssm-tui: internal error ({kind}); no report could be written "
            f"({escape_control(where)})"
        )
    with contextlib.suppress(Exception):
        print(line, file=stream)
        stream.flush()
    return EXIT_INTERNAL
