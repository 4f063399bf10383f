"""Command line: `ssm-tui check` for scripts and CI (more subcommands come with later faces).

Exit status of `check`: 0 when no finding is at or above --fail-on, 1 when one is, 2 for a
usage error or an unreadable file (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ssm_tui import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
STDIN_NAME = "<stdin>"


class UsageError(Exception):
    """A problem with how the command was called or with an input file: exit status 2."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    text: str


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
        return Source(STDIN_NAME, text)
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
    return Source(path, decode_policy_bytes(data))


def _catalog_json() -> dict[str, str]:
    from ssm_tui.catalog import get_catalog

    info = get_catalog().info
    return {"package": info.package, "version": info.version, "updated": info.updated}


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.checks import PolicyType, Severity, ValidationResult, validate

    paths: list[str] = args.paths or ["-"]
    policy_type = PolicyType(args.policy_type)
    threshold = Severity(args.fail_on)
    results: list[tuple[Source, ValidationResult]] = []
    unreadable = False
    for path in paths:
        try:
            source = read_source(path)
        except UsageError as exc:
            print(f"ssm-tui check: {exc}", file=err)
            unreadable = True
            continue
        results.append((source, validate(source.text, policy_type)))

    if args.format == "json":
        payload = {
            "version": 1,
            "catalog": _catalog_json(),
            "results": [
                {
                    "source": source.name,
                    "policy_type": policy_type.value,
                    "size": {"chars": result.size, "limit": result.size_limit},
                    "findings": [f.to_json() for f in result.findings],
                    "summary": result.summary(),
                }
                for source, result in results
            ],
        }
        json.dump(payload, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        totals = {severity.value: 0 for severity in Severity}
        for source, result in results:
            for finding in result.findings:
                message = finding.message.replace("\n", " ")
                out.write(
                    f"{source.name}:{finding.line}:{finding.column}: {finding.severity.value} "
                    f"{finding.code} {message}\n"
                )
            for key, count in result.summary().items():
                totals[key] += count
        out.write(
            f"{_plural(len(results), 'policy')} checked as {policy_type.label}: "
            f"{_plural(totals['error'], 'error')}, "
            f"{_plural(totals['security_warning'], 'security warning')}, "
            f"{_plural(totals['warning'], 'warning')}, "
            f"{_plural(totals['suggestion'], 'suggestion')}\n".replace("policys", "policies")
        )
    if unreadable:
        return EXIT_USAGE
    failed = any(result.has_at_least(threshold) for _, result in results)
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
        description="A terminal workbench for AWS Systems Manager IAM policies: check "
        "identity policies offline against the AWS action catalogue.",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate identity policies (files or stdin)",
        description="Validate IAM identity policies: JSON syntax, grammar, actions, resources, "
        "action/resource compatibility and size. Prints PATH:LINE:COLUMN: SEVERITY CODE "
        "message per finding, then a summary.",
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
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
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
    check.set_defaults(handler=run_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
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
