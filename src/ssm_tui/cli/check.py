"""`ssm-tui check`: validate policy files, standard input or a whole account; --fix writes
the certain fixes, --diff prints them.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for a usage error,
an unreadable file or a file --fix could not write.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from ssm_tui.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Source, UsageError, read_source
from ssm_tui.export.files import FileProblem
from ssm_tui.textsafe import escape_control

if TYPE_CHECKING:
    from ssm_tui.checks import ValidationResult
    from ssm_tui.checks.base import PolicyType

PROGRESS_THRESHOLD = 20  # show a progress bar on a terminal from this many policies on


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


def add_check_command(commands: Any) -> None:
    """Add `check` to the top-level subparsers."""
    from ssm_tui.checks.base import PolicyType, Severity

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
        help="where the policy lives; sets the size quota IAM counts (characters not counting "
        "whitespace): managed, a customer managed policy, 6,144 (the default); user-inline, "
        "group-inline, role-inline, the inline policies of one user, group or role, 2,048, "
        "5,120, 10,240 in total; aws-managed, a policy AWS maintains "
        "(arn:aws:iam::aws:policy/...), no quota",
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
        help="with --account-details, check the AWS managed policies in the file too (as "
        "--policy-type aws-managed: no size quota)",
    )
    check.set_defaults(handler=run_check)
