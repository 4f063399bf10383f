"""CLI face of the export formats: ``ssm-tui export PATH --to FORMAT [--name NAME]``.

The text goes to stdout; exit status 0, or 2 with one line on stderr for an unreadable file,
invalid JSON, a bad policy name or a policy the format cannot carry.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ssm_tui.export.formats import DEFAULT_NAME, FORMATS, export

EXIT_OK, EXIT_USAGE = 0, 2


def run_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.cli import UsageError, read_source

    try:
        source = read_source(args.path)
    except UsageError as exc:
        print(f"ssm-tui export: {exc}", file=err)
        return EXIT_USAGE
    try:
        policy = json.loads(source.text)
    except json.JSONDecodeError as exc:
        print(
            f"ssm-tui export: {source.name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}",
            file=err,
        )
        return EXIT_USAGE
    try:
        text = export(policy, args.to, name=args.name)
    except ValueError as exc:
        print(f"ssm-tui export: {exc}", file=err)
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
        epilog="Exit status: 0, or 2 for an unreadable file, invalid JSON or a bad name.",
    )
    parser.add_argument("path", metavar="PATH", help="policy file; '-' reads standard input")
    parser.add_argument("--to", required=True, choices=list(FORMATS), help="output format")
    parser.add_argument(
        "--name",
        default=DEFAULT_NAME,
        help=f"IAM policy name (1-128 of letters, digits and +=,.@_-; default: {DEFAULT_NAME})",
    )
    parser.set_defaults(handler=run_export)
