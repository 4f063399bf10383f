"""Command line: `ssm-tui check` for scripts and CI (more subcommands come with later faces).

Exit status of `check`: 0 when no finding is at or above --fail-on, 1 when one is, 2 for a
usage error or an unreadable file (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ssm_tui import __version__

if TYPE_CHECKING:
    from ssm_tui.checks.base import PolicyType

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
STDIN_NAME = "<stdin>"
PROGRESS_THRESHOLD = 20  # show a progress bar on a terminal from this many policies on


class UsageError(Exception):
    """A problem with how the command was called or with an input file: exit status 2."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    text: str
    path: str | None = None  # the file it was read from; None for stdin and embedded policies


def decode_policy_bytes(data: bytes) -> str:
    """Policy text from bytes; bytes that are not UTF-8 become U+FFFD, which the validator
    reports with their position instead of failing."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def read_source(path: str, stdin: TextIO | None = None) -> Source:
    if path == "-":
        stream = stdin or sys.stdin
        buffer = getattr(stream, "buffer", None)
        text = decode_policy_bytes(buffer.read()) if buffer is not None else stream.read()
        return Source(STDIN_NAME, text, None)
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a policy file") from None
    except PermissionError:
        raise UsageError(f"{path}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return Source(path, decode_policy_bytes(data), path)


def _progress(total: int, fmt: str, err: TextIO) -> Any:
    """A rich progress bar on stderr, only for text output to a terminal and many policies."""
    if fmt != "text" or total < PROGRESS_THRESHOLD or not err.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "checking",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=err),
        transient=True,
    )


def _sources(args: argparse.Namespace, err: TextIO) -> tuple[list[tuple[Source, PolicyType]], bool]:
    """(source, policy type) pairs to check, and whether some input could not be read."""
    from ssm_tui.checks import PolicyType

    if args.account_details:
        from ssm_tui.account import AccountDetailsError, read_account_details

        try:
            text = read_source(args.account_details).text
            policies = read_account_details(text, include_aws_managed=args.include_aws_managed)
        except UsageError as exc:
            print(f"ssm-tui check: {exc}", file=err)
            return [], True
        except AccountDetailsError as exc:
            print(f"ssm-tui check: {args.account_details}: {exc}", file=err)
            return [], True
        return [(Source(p.name, p.text, None), p.policy_type) for p in policies], False
    policy_type = PolicyType(args.policy_type)
    found: list[tuple[Source, PolicyType]] = []
    unreadable = False
    for path in args.paths or ["-"]:
        try:
            found.append((read_source(path), policy_type))
        except UsageError as exc:
            print(f"ssm-tui check: {exc}", file=err)
            unreadable = True
    return found, unreadable


def _apply_fixes(
    sources: list[tuple[Source, PolicyType]], diff: bool, out: TextIO, err: TextIO
) -> list[tuple[Source, PolicyType]]:
    """--fix writes the certain fixes to each file (atomically) and says what changed on
    stderr; --diff prints them as a unified diff.  Returns the sources with their fixed
    text, so that the exit status reflects what remains."""
    import difflib

    from ssm_tui.checks.fixes import fix_text
    from ssm_tui.export.files import write_atomic

    fixed = []
    for source, policy_type in sources:
        result = fix_text(source.text, policy_type)
        assert source.path is not None  # run_check allows --fix/--diff on files only
        if result.changed and diff:
            out.writelines(
                difflib.unified_diff(
                    source.text.splitlines(keepends=True),
                    result.text.splitlines(keepends=True),
                    fromfile=source.path,
                    tofile=source.path,
                )
            )
        elif result.changed:
            write_atomic(source.path, result.text)
            for applied in result.applied:
                print(
                    f"{source.path}:{applied.line}:{applied.column}: fixed {applied.code}: "
                    f"{applied.description}",
                    file=err,
                )
        fixed.append((Source(source.name, result.text, source.path), policy_type))
    return fixed


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.checks import Severity, validate
    from ssm_tui.report import Checked, text_lines, to_json, to_sarif

    if (args.fix or args.diff) and (args.account_details or not args.paths or "-" in args.paths):
        print(
            "ssm-tui check: --fix and --diff work on policy files named on the command line",
            file=err,
        )
        return EXIT_USAGE
    sources, unreadable = _sources(args, err)
    if args.fix or args.diff:
        sources = _apply_fixes(sources, args.diff, out, err)
    checked: list[Checked] = []
    progress = _progress(len(sources), args.format, err)
    with progress or contextlib.nullcontext():
        task = progress.add_task("checking", total=len(sources)) if progress else None
        for source, policy_type in sources:
            checked.append(Checked(source.name, source.path, validate(source.text, policy_type)))
            if progress is not None:
                progress.advance(task)
    if args.diff:
        pass  # the diff is the output
    elif args.format == "json":
        json.dump(to_json(checked), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "sarif":
        json.dump(to_sarif(checked), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.writelines(line + "\n" for line in text_lines(checked))
    if unreadable:
        return EXIT_USAGE
    threshold = Severity(args.fail_on)
    failed = any(item.result.has_at_least(threshold) for item in checked)
    return EXIT_FINDINGS if failed else EXIT_OK


def _version_text() -> str:
    from ssm_tui.catalog import get_catalog

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
    from ssm_tui.checks.base import PolicyType, Severity

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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate identity policies (files, stdin, or a whole account)",
        description="Validate IAM identity policies offline: JSON syntax, grammar, actions, "
        "resources, conditions, action/resource compatibility, Systems Manager risk, hygiene "
        "and size. Prints PATH:LINE:COLUMN: SEVERITY CODE message per finding, then a summary.",
        epilog="Exit status: 0 when no finding is at or above --fail-on, 1 when one is, "
        "2 for a usage error or an unreadable file.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="policy files to check; '-' or none reads standard input",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text lines, the JSON contract, or SARIF 2.1.0 for code scanning (default: text)",
    )
    check.add_argument(
        "--policy-type",
        choices=[t.value for t in PolicyType],
        default=PolicyType.MANAGED.value,
        help="where the policy lives; sets the size quota (default: managed, 6,144 characters)",
    )
    check.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default=Severity.ERROR.value,
        help="lowest severity that makes the exit status 1 (default: error)",
    )
    repair = check.add_mutually_exclusive_group()
    repair.add_argument(
        "--fix",
        action="store_true",
        help="apply the certain fixes (a misspelling with one close match, stray whitespace, "
        "canonical case, duplicate Sids, redundant entries) to the files, atomically; say what "
        "changed on stderr, then report what remains",
    )
    repair.add_argument(
        "--diff",
        action="store_true",
        help="print the certain fixes as a unified diff instead of writing them; the exit "
        "status reflects what would remain",
    )
    check.add_argument(
        "--account-details",
        metavar="FILE",
        help="check every customer managed policy (default version) and every inline user, "
        "group and role policy in the output of 'aws iam get-account-authorization-details', "
        "each with its own quota",
    )
    check.add_argument(
        "--include-aws-managed",
        action="store_true",
        help="with --account-details, check the AWS managed policies in the file too",
    )
    check.set_defaults(handler=run_check)
    from ssm_tui.cli_export import add_export_command
    from ssm_tui.cli_library import add_library_commands
    from ssm_tui.cli_simulate import add_simulate_command

    add_library_commands(commands)
    add_simulate_command(commands)
    add_export_command(commands)
    return parser


COMMANDS = ("check", "managed", "templates", "permissions", "diff", "simulate", "export")


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


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        request = _tui_request(arguments)
        if request is not None:
            _, path, mouse = request
            from ssm_tui.tui.app import run

            run(path, mouse=mouse)
            return EXIT_OK
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
        return EXIT_OK
    except SystemExit as exc:  # argparse's own usage errors and --help
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
