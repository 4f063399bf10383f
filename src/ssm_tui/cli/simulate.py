"""CLI face of the simulator: `simulate PATH... --action A [--resource ARN] [--context K=V]`.

Exit status: 0 when the request is allowed, 1 when it is denied (explicitly or
implicitly), 2 for a usage error (unreadable file, a file over 200,000 characters, not a
policy, malformed --context).  Text output and messages show terminal control characters
from the policies, file names and arguments as visible escapes; JSON output writes them as
JSON escapes.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ssm_tui.cli.common import EXIT_USAGE, UsageError, read_policy_source, write_json, write_lines
from ssm_tui.textsafe import escape_control

EXIT_ALLOWED, EXIT_DENIED = 0, 1
PROG = "ssm-tui simulate"


def parse_context(pairs: list[str] | None) -> dict[str, list[str]]:
    """`KEY=VALUE` pairs to a context; a key given again adds a value.  ValueError when a
    pair has no `=` or an empty key."""
    context: dict[str, list[str]] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"--context must be KEY=VALUE, not {pair!r}")
        context.setdefault(key, []).append(value)
    return context


def run_simulate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pydantic import ValidationError

    from ssm_tui.access.simulate import PolicyError, Request, simulate

    try:
        sources = [read_policy_source(path) for path in args.paths]
        context = parse_context(args.context)
    except (UsageError, ValueError) as exc:
        print(f"{PROG}: {escape_control(str(exc))}", file=err)
        return EXIT_USAGE
    try:
        request = Request(action=args.action, resource=args.resource, context=context)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        print(f"{PROG}: {escape_control(message)}", file=err)
        return EXIT_USAGE
    try:
        decision = simulate([source.text for source in sources], request)
    except PolicyError as exc:
        name = escape_control(sources[exc.index].name)
        print(f"{PROG}: {name}: {escape_control(exc.reason)}", file=err)
        return EXIT_USAGE
    if args.format == "json":
        payload = decision.to_json()
        payload["policies"] = [source.name for source in sources]
        write_json(payload, out)
    else:
        write_lines(decision.summary().split("\n"), out)
    return EXIT_ALLOWED if decision.allowed else EXIT_DENIED


def add_simulate_command(commands: Any) -> None:
    """Add `simulate` to the top-level subparsers."""
    parser = commands.add_parser(
        "simulate",
        help="would these identity policies allow a request? (offline)",
        description="Evaluate one request against identity policies with IAM's logic: an "
        "explicit Deny wins, then an Allow, else implicit deny.  Condition values are read "
        "as `ssm-tui check` reads them (one table of operators and formats): W3C ISO 8601 "
        "dates such as 2030-06 before epoch seconds, integer or decimal numbers, Bool and "
        "Null in any case; a value check reports as unreadable matches nothing.  A statement "
        "check reports as malformed (no Effect, an element of the wrong type...) never "
        "matches.  Exit 0 allowed, 1 denied, 2 bad input.",
    )
    parser.add_argument("paths", metavar="PATH", nargs="+", help="policy file, or - for stdin")
    parser.add_argument("--action", required=True, help="the action, e.g. ssm:SendCommand")
    parser.add_argument("--resource", default="*", help='the resource ARN (default "*")')
    parser.add_argument(
        "--context",
        action="append",
        metavar="KEY=VALUE",
        help="a request context value (repeat a key for several values)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run_simulate)
