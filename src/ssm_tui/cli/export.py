"""CLI face of the export formats: ``ssm-tui export PATH --to FORMAT [--name NAME]``.

The text goes to stdout; exit status 0, or 2 with one line on stderr for an unreadable file,
a file over 200,000 characters or not UTF-8, text that is not JSON (read as strictly as
``check`` reads it: NaN, Infinity, integers over 4,300 digits and nesting over 100 levels
are refused with their line and column), a bad policy name or a policy the format cannot
carry.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ssm_tui.cli.common import EXIT_OK, EXIT_USAGE, UsageError, read_policy_source
from ssm_tui.export.formats import DEFAULT_NAME, FORMATS, export
from ssm_tui.textsafe import escape_control


def run_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.policy.format import PolicyJsonError, loads_policy

    prog = "ssm-tui export"
    try:
        source = read_policy_source(args.path)
    except UsageError as exc:
        print(f"{prog}: {escape_control(str(exc))}", file=err)
        return EXIT_USAGE
    bad = source.not_utf8
    if bad is not None:  # exporting would write U+FFFD in place of the byte
        print(
            f"{prog}: {escape_control(source.name)}: not UTF-8 text (byte 0x{bad.byte:02x} at "
            f"line {bad.line}, column {bad.column}); save it as UTF-8 first",
            file=err,
        )
        return EXIT_USAGE
    try:
        policy = loads_policy(source.text)
    except PolicyJsonError as exc:
        print(f"{prog}: {escape_control(source.name)}: {escape_control(str(exc))}", file=err)
        return EXIT_USAGE
    try:
        text = export(policy, args.to, name=args.name)
    except ValueError as exc:
        print(f"{prog}: {escape_control(str(exc))}", file=err)
        return EXIT_USAGE
    out.write(text)
    return EXIT_OK


def add_export_command(commands: Any) -> None:
    """Add ``export`` to the subparsers action `commands` of the ssm-tui parser."""
    parser = commands.add_parser(
        "export",
        help="print a policy as JSON, an AWS CLI command, Terraform or CloudFormation",
        description="Print the policy in PATH in another format: "
        + "; ".join(f"{name}: {text}" for name, text in FORMATS.items())
        + ".",
        epilog="Exit status: 0, or 2 for an unreadable or too large file, invalid JSON "
        "(as check reads it) or a bad name.",
    )
    parser.add_argument("path", metavar="PATH", help="policy file; '-' reads standard input")
    parser.add_argument("--to", required=True, choices=list(FORMATS), help="output format")
    parser.add_argument(
        "--name",
        default=DEFAULT_NAME,
        help=f"IAM policy name (1-128 of letters, digits and +=,.@_-; default: {DEFAULT_NAME})",
    )
    parser.set_defaults(handler=run_export)
