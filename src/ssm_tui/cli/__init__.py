"""Command line: `ssm-tui check` for scripts and CI (more subcommands come with later faces).

Exit status of `check`: 0 when no finding is at or above --fail-on, 1 when one is, 2 for a
usage error or an unreadable file (one line on stderr, never a traceback).  Every command:
3 (`EXIT_INTERNAL`) for an unexpected internal error, after one line on stderr saying where
the traceback was written (``<state dir>/crash-reports``).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ssm_tui import __version__
from ssm_tui.export.files import FileProblem, FileSnapshot, NotUtf8, TooLarge, read_policy_file
from ssm_tui.textsafe import escape_control

if TYPE_CHECKING:
    from ssm_tui.checks import ValidationResult
    from ssm_tui.checks.base import PolicyType

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
STDIN_NAME = "<stdin>"
PROGRESS_THRESHOLD = 20  # show a progress bar on a terminal from this many policies on
# the largest policy text a command reads; mirrors ssm_tui.checks.MAX_CHECKED_CHARS (a test
# keeps them equal) without importing the validator
MAX_INPUT_CHARS = 200_000
# no file larger than this is read at all (check reports an oversized text as a finding, but
# need not hold a multi-gigabyte file in memory to do so)
MAX_READ_BYTES = 64 * 1024 * 1024
CRASH_FOLDER = "crash-reports"


class UsageError(Exception):
    """A problem with how the command was called or with an input file: exit status 2."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    text: str
    path: str | None = None  # the file it was read from; None for stdin and embedded policies
    snapshot: FileSnapshot | None = None  # what the file was when read (for --fix)
    not_utf8: NotUtf8 | None = None  # its first byte that is not UTF-8 (became U+FFFD)
    problem: str | None = None  # why a policy inside a document could not be read


def decode_policy_bytes(data: bytes) -> str:
    """Policy text from bytes; bytes that are not UTF-8 become U+FFFD, which the validator
    reports with their position instead of failing."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors="replace")


def _too_long(name: str, chars: int, max_chars: int) -> UsageError:
    return UsageError(
        f"{escape_control(name)}: {chars:,} characters; ssm-tui reads policies up to "
        f"{max_chars:,} characters"
    )


def read_source(
    path: str,
    stdin: TextIO | None = None,
    *,
    max_chars: int | None = None,
    strict_utf8: bool = False,
) -> Source:
    """The policy at `path` ('-': standard input).  Only regular files are read: a FIFO, a
    device or a folder is refused without being opened, so no command ever hangs on one.
    Bytes that are not UTF-8 become U+FFFD (the validator reports them; --fix refuses the
    file).  With `max_chars`, a longer text is a `UsageError` (as are all problems here: one
    line, file names escaped for the terminal).  With `strict_utf8` a file that is not UTF-8
    is refused, naming the first bad byte's line and column."""
    limit = MAX_READ_BYTES if max_chars is None else min(MAX_READ_BYTES, 4 * max_chars + 3)
    if path == "-":
        stream = stdin or sys.stdin
        buffer = getattr(stream, "buffer", None)
        try:
            raw = buffer.read(limit + 1) if buffer is not None else stream.read(limit + 1)
        except OSError as exc:
            raise UsageError(f"{STDIN_NAME}: cannot read ({exc.strerror or exc})") from None
        text = decode_policy_bytes(raw) if isinstance(raw, bytes) else raw
        if len(raw) > limit and max_chars is None:
            raise UsageError(f"{STDIN_NAME}: more than {limit:,} bytes; ssm-tui reads up to that")
        if max_chars is not None and len(text) > max_chars:
            raise _too_long(STDIN_NAME, len(text), max_chars)
        return Source(STDIN_NAME, text, None)
    try:
        loaded = read_policy_file(path, max_bytes=limit, strict_utf8=strict_utf8)
    except TooLarge as exc:
        if max_chars is None:
            raise UsageError(escape_control(str(exc))) from None
        raise UsageError(
            f"{escape_control(path)}: larger than {max_chars:,} characters; ssm-tui reads "
            f"policies up to {max_chars:,} characters"
        ) from None
    except FileProblem as exc:
        raise UsageError(escape_control(str(exc))) from None
    if max_chars is not None and len(loaded.text) > max_chars:
        raise _too_long(path, len(loaded.text), max_chars)
    return Source(path, loaded.text, path, loaded.snapshot, loaded.not_utf8)


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
            # not a policy but the account's JSON: bytes that are not UTF-8 are named here
            text = read_source(args.account_details, strict_utf8=True).text
            policies = read_account_details(text, include_aws_managed=args.include_aws_managed)
        except UsageError as exc:
            print(f"ssm-tui check: {exc}", file=err)
            return [], True
        except AccountDetailsError as exc:
            print(f"ssm-tui check: {escape_control(f'{args.account_details}: {exc}')}", file=err)
            return [], True
        listed = [
            (Source(p.name, p.text, None, problem=p.problem), p.policy_type) for p in policies
        ]
        return listed, False
    policy_type = PolicyType(args.policy_type)
    found: list[tuple[Source, PolicyType]] = []
    unreadable = False
    if not args.paths and sys.stdin is not None and sys.stdin.isatty():
        print("ssm-tui check: reading a policy from standard input (ctrl+d ends it)", file=err)
    for path in args.paths or ["-"]:
        try:
            found.append((read_source(path), policy_type))
        except UsageError as exc:
            print(f"ssm-tui check: {exc}", file=err)
            unreadable = True
    return found, unreadable


_DIFF_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LINE_END = re.compile(r"(\r\n|\r|\n)\Z")


def _diff_lines(before: str, after: str, name: str) -> list[str]:
    """A unified diff of two policy texts: lines split at line breaks only (not at the form
    feeds and separators `str.splitlines` also breaks at), line endings kept, a missing final
    line break marked as diff(1) does, control characters escaped (a hostile file must not
    drive the terminal through a patch)."""
    import difflib

    label = escape_control(name)
    lines: list[str] = []
    diff = difflib.unified_diff(
        _DIFF_LINE.findall(before), _DIFF_LINE.findall(after), fromfile=label, tofile=label
    )
    for number, line in enumerate(diff):
        if number < 2 or line.startswith("@@"):
            lines.append(line)
            continue
        end = _LINE_END.search(line)
        body = line[: end.start()] if end else line
        lines.append(line[0] + escape_control(body[1:]) + (end.group() if end else ""))
        if end is None:
            lines.append("\n\\ No newline at end of file\n")
    return lines


@dataclass(frozen=True, slots=True)
class _Fixed:
    source: Source
    policy_type: PolicyType
    result: ValidationResult | None  # validate(source.text), when fixing computed it


def _fix_one(
    source: Source, policy_type: PolicyType, diff: bool, out: TextIO, err: TextIO
) -> tuple[_Fixed, bool]:
    """Fix (or diff) one file; (what to check now, whether a problem stopped the fix)."""
    from ssm_tui.checks.fixes import fix_text
    from ssm_tui.export.files import ChangedOnDisk, ReadOnlyFile, save_policy_file

    assert source.path is not None  # run_check allows --fix/--diff on files only
    name = escape_control(source.path)
    unchanged = _Fixed(source, policy_type, None)
    if source.not_utf8 is not None:
        print(f"ssm-tui check: {escape_control(str(source.not_utf8))}", file=err)
        return unchanged, True
    result = fix_text(source.text, policy_type)
    for refused in result.refused:
        print(
            f"{name}:{refused.line}:{refused.column}: not fixed {refused.code}: "
            f"{escape_control(refused.description)} (the result would have a new error)",
            file=err,
        )
    checked = _Fixed(Source(source.name, result.text, source.path), policy_type, result.result)
    if not result.changed:
        return _Fixed(source, policy_type, result.result), False
    if diff:
        out.writelines(_diff_lines(source.text, result.text, source.path))
        return checked, False
    try:
        save_policy_file(source.path, result.text, expected=source.snapshot)
    except ChangedOnDisk:
        print(
            f"ssm-tui check: {name}: changed on disk since it was read; skipped, not fixed",
            file=err,
        )
        return unchanged, True
    except ReadOnlyFile:
        print(f"ssm-tui check: {name}: is read-only; not fixed", file=err)
        return unchanged, True
    except FileProblem as exc:
        print(f"ssm-tui check: {escape_control(str(exc))}", file=err)
        return unchanged, True
    for applied in result.applied:
        print(
            f"{name}:{applied.line}:{applied.column}: fixed {applied.code}: "
            f"{escape_control(applied.description)}",
            file=err,
        )
    if source.snapshot is not None and source.snapshot.links > 1:
        print(
            f"ssm-tui check: {name}: note: the file had {source.snapshot.links - 1} other hard "
            "link(s); they keep the old text (the fixed file replaced this name atomically)",
            file=err,
        )
    return checked, False


def _apply_fixes(
    sources: list[tuple[Source, PolicyType]], diff: bool, out: TextIO, err: TextIO
) -> tuple[list[_Fixed], bool]:
    """--fix writes the certain fixes to each file and says what changed on stderr; --diff
    prints them as a unified diff.  Returns what to check (the fixed text where it was
    written or diffed, else the text read), and whether some file could not be fixed (a
    non-UTF-8 file, one changed on disk since it was read, a read-only file, a failed
    write: one line each on stderr, the file untouched)."""
    done: list[_Fixed] = []
    problem = False
    first: dict[str, _Fixed] = {}  # a file named twice (or through a link) is fixed once
    for source, policy_type in sources:
        real = source.snapshot.real_path if source.snapshot else source.path
        if real is not None and real in first:
            done.append(first[real])
            continue
        fixed, failed = _fix_one(source, policy_type, diff, out, err)
        if real is not None:
            first[real] = fixed
        done.append(fixed)
        problem = problem or failed
    return done, problem


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.checks import Severity, validate
    from ssm_tui.report import Checked, dumps, text_lines, to_json, to_sarif, unreadable_policy

    if (args.fix or args.diff) and (args.account_details or not args.paths or "-" in args.paths):
        print(
            "ssm-tui check: --fix and --diff work on policy files named on the command line",
            file=err,
        )
        return EXIT_USAGE
    sources, unreadable = _sources(args, err)
    if args.fix or args.diff:
        todo, not_fixed = _apply_fixes(sources, args.diff, out, err)
        unreadable = unreadable or not_fixed
    else:
        todo = [_Fixed(source, policy_type, None) for source, policy_type in sources]
    checked: list[Checked] = []
    progress = _progress(len(todo), args.format, err)
    with progress or contextlib.nullcontext():
        task = progress.add_task("checking", total=len(todo)) if progress else None
        for item in todo:
            if item.source.problem is not None:  # named in the report, counted apart
                checked.append(
                    unreadable_policy(item.source.name, item.policy_type, item.source.problem)
                )
                unreadable = True
            else:
                result = item.result or validate(item.source.text, item.policy_type)
                checked.append(Checked(item.source.name, item.source.path, result))
            if progress is not None:
                progress.advance(task)
    if args.diff:
        pass  # the diff is the output
    elif args.format == "json":
        out.write(dumps(to_json(checked)))
    elif args.format == "sarif":
        out.write(dumps(to_sarif(checked)))
    else:
        out.writelines(line + "\n" for line in text_lines(checked))
    if unreadable:
        return EXIT_USAGE
    threshold = Severity(args.fail_on)
    failed = any(item.result.has_at_least(threshold) for item in checked)
    return EXIT_FINDINGS if failed else EXIT_OK


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
    # prog: subcommands' usage lines read "ssm-tui check ...", not the TUI's usage line
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog="ssm-tui")
    check = commands.add_parser(
        "check",
        help="validate identity policies (files, stdin, or a whole account)",
        description="Validate IAM identity policies offline: JSON syntax, grammar, actions, "
        "resources, conditions, action/resource compatibility, Systems Manager risk, hygiene "
        "and size. Prints PATH:LINE:COLUMN: SEVERITY CODE message per finding, then a summary.",
        epilog="Exit status: 0 when no finding is at or above --fail-on, 1 when one is, "
        "2 for a usage error, an unreadable file or a file --fix could not write, 3 for an "
        "internal error (a crash report is written).",
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
        "canonical case, duplicate Sids, redundant entries, typographic quotes) to the files "
        "and say what changed on stderr, then report what remains. A fix is kept only if the "
        "policy still parses and has no new error. The rest of each file is kept byte for "
        "byte (byte-order mark, line endings, mode, owner; a symlink's target is written, "
        "atomically). Not touched, exit status 2: a file that is not UTF-8, is read-only, or "
        "changed on disk while it was checked",
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
    from ssm_tui.cli.export import add_export_command
    from ssm_tui.cli.library import add_library_commands
    from ssm_tui.cli.simulate import add_simulate_command

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


INTERNAL_ERROR_NOTE = (
    "Exit status 3 means an internal error (a bug): one line on stderr names the crash report "
    "written to the crash-reports folder of ssm-tui's state folder; no traceback is printed."
)


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
