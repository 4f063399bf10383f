"""Command line: `ssm-tui check` for scripts and CI, and the library, simulator and export
commands; with no command (or a policy FILE) it opens the TUI.

Exit status of `check`: 0 when no finding is at or above --fail-on, 1 when one is, 2 for a
usage error or an unreadable file (one line on stderr, never a traceback).  Every command:
3 (`EXIT_INTERNAL`) for an unexpected internal error, after one line on stderr saying where
the traceback was written (``<state dir>/crash-reports``).

The package, one module per concern; arrows point one way only (no module here imports this
``__init__``):

- ``entry``: `main` (the console script ``ssm-tui = "ssm_tui.cli:main"``) and `build_parser`,
  which assembles each command module's ``add_*_command``;
- ``check``, ``library``, ``simulate``, ``export``: one command (or family) each;
- ``common``: exit statuses, `UsageError`, `Source`, `read_source`, output helpers.

The crash report and `EXIT_INTERNAL` live in `ssm_tui.crash`, below both faces.  This
``__init__`` only re-exports the console script's `main`.
"""

from ssm_tui.cli.entry import main

__all__ = ["main"]
