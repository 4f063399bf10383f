"""The `ssm-tui` command: the TUI when asked for it (nothing, a policy FILE, --no-mouse),
else the top-level parser assembled from each command module's `add_*_command`, and `main`,
which turns every outcome into an exit status.

The command modules are imported when the parser is built, not before: opening the TUI loads
none of them.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from ssm_tui import __version__
from ssm_tui.cli.common import EXIT_OK, EXIT_USAGE, UsageError
from ssm_tui.crash import INTERNAL_ERROR_NOTE, internal_error
from ssm_tui.textsafe import escape_control

COMMANDS = ("check", "managed", "templates", "permissions", "diff", "simulate", "export")


def _version_text() -> str:
    from ssm_tui.iam.catalog import get_catalog

    catalog = get_catalog()
    return (
        f"ssm-tui {__version__}\n"
        f"action catalogue: {catalog.info.describe()}\n"
        f"Regions: {catalog.regions_source()}"
    )


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            help="show the version and the catalogue's package, version and date, then exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(_version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    from ssm_tui.cli.check import add_check_command
    from ssm_tui.cli.export import add_export_command
    from ssm_tui.cli.library import add_library_commands
    from ssm_tui.cli.simulate import add_simulate_command

    parser = argparse.ArgumentParser(
        prog="ssm-tui",
        description="A terminal workbench for AWS Systems Manager IAM policies. With no "
        "COMMAND (or a policy FILE) it opens the TUI: managed policies, templates and an editor "
        "with live findings; the commands below serve scripts and CI.",
        usage="ssm-tui [FILE] [--no-mouse] | ssm-tui COMMAND ...",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--no-mouse",
        action="store_true",
        help="with no COMMAND: run the TUI without mouse reporting (ssm-tui [FILE] --no-mouse)",
    )
    # prog: subcommands' usage lines read "ssm-tui check ...", not the TUI's usage line
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog="ssm-tui")
    add_check_command(commands)
    add_library_commands(commands)
    add_simulate_command(commands)
    add_export_command(commands)
    parser.epilog = INTERNAL_ERROR_NOTE
    for sub in {id(p): p for p in commands.choices.values()}.values():
        if "internal error" not in (sub.epilog or ""):
            sub.epilog = (
                f"{sub.epilog} {INTERNAL_ERROR_NOTE}" if sub.epilog else INTERNAL_ERROR_NOTE
            )
    return parser


def _tui_request(argv: list[str]) -> tuple[bool, str | None, bool] | None:
    """(True, file or None, mouse) when the arguments ask for the TUI: nothing, a file
    path, and/or --no-mouse; None when they name a subcommand or ask for help/version."""
    mouse = "--no-mouse" not in argv
    rest = [a for a in argv if a != "--no-mouse"]
    if not rest:
        return True, None, mouse
    candidate = rest[0]
    if (
        len(rest) == 1
        and candidate not in COMMANDS
        and not candidate.startswith("-")
        and (Path(candidate).exists() or candidate.lower().endswith(".json"))
    ):
        return True, candidate, mouse  # an existing file, or a new *.json to write
    return None


def _not_a_file_for_the_tui(path: str | None) -> str | None:
    """Why `path` cannot be opened in the TUI (a FIFO, device or folder would block or fail
    there), escaped for the terminal; None when it is a regular file or does not exist yet."""
    import os
    import stat

    if path is None:
        return None
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None  # a new file to write
    except OSError as exc:
        return escape_control(f"{path}: cannot read ({exc.strerror or exc})")
    if stat.S_ISREG(mode):
        return None
    from ssm_tui.export.files import kind_of

    return escape_control(f"{path}: {kind_of(mode)}, not a policy file")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ssm-tui.  Exit status: 0 fine, 1 findings (check), 2 a usage error or unreadable
    input, 3 an internal error (the traceback is written to a crash report, never shown),
    130 interrupted."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        request = _tui_request(arguments)
        if request is not None:
            _, path, mouse = request
            refusal = _not_a_file_for_the_tui(path)
            if refusal is not None:
                print(f"ssm-tui: {refusal}", file=sys.stderr)
                return EXIT_USAGE
            from ssm_tui.tui.app import run

            return run(path, mouse=mouse)
        parser = build_parser()
        args = parser.parse_args(arguments)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return EXIT_OK
        return int(handler(args, sys.stdout, sys.stderr))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except SystemExit as exc:  # argparse's own usage errors and --help
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    except UsageError as exc:  # a handler that let one through
        print(f"ssm-tui: {escape_control(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # RecursionError, MemoryError, bugs
        return internal_error(exc, arguments)


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so that the interpreter's final flush
    does not print 'Exception ignored ... BrokenPipeError'."""
    with contextlib.suppress(Exception):
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
