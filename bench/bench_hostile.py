"""Benchmark: every engine and command on hostile inputs of about 200,000 characters.

Why: 200,000 non-whitespace characters is the largest text `validate()` checks in full
(`MAX_CHECKED_CHARS`; up to 1,000,000 characters in all, `MAX_TEXT_CHARS`);
every command must finish such an input in well under a second.  Each case below is built to
hit one place where work can grow faster than the input: many statements with the same Sid,
10,000 misspelled actions, thousands of distinct ARNs, duplicate keys, very long strings,
many conditions, one huge statement, many statements with wildcards for the permissions
engine, and so on.

For each case the script times, in process: `validate()`, `fix_text()`, `effective_permissions()`,
`diff_permissions()` (against a variant of the case), `simulate()` and `export()` to every format;
then the CLI in a subprocess: `check`, `check --diff`, `permissions`, `diff`, `simulate` and
`export --to terraform`.  It prints seconds per case and operation and flags every one over
the limit (1 s by default).  CLI figures include the interpreter's start-up, shown apart as
the `startup` row (the same commands on a one-statement policy).

It is a script, not a test: it always exits 0 unless `--strict` is given (then 1 when a case is
over the limit).

    python bench/bench_hostile.py                 # every case, in process and CLI
    python bench/bench_hostile.py --only dup_sids --skip-cli
    python bench/bench_hostile.py --json          # machine-readable
    python bench/bench_hostile.py --list          # case names and sizes
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "src"))

from ssm_tui.access.permissions import diff_permissions, effective_permissions  # noqa: E402
from ssm_tui.access.simulate import PolicyError, Request, simulate  # noqa: E402
from ssm_tui.checks import MAX_CHECKED_CHARS, validate  # noqa: E402
from ssm_tui.checks.fixes import fix_text  # noqa: E402
from ssm_tui.export.formats import FORMATS, export  # noqa: E402
from ssm_tui.iam.catalog import get_catalog  # noqa: E402

LIMIT = MAX_CHECKED_CHARS - 1_000  # every case stays under the size validate() checks in full
ACCOUNT = "123456789012"
PARAM_ARN = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/db"
SIM_ACTION = "ssm:GetParameter"


# --- building the cases -------------------------------------------------------------------


def _policy(statements: list[Any], *, compact: bool = True) -> str:
    doc = {"Version": "2012-10-17", "Statement": statements}
    if compact:
        return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _fill(make: Callable[[int], Any], *, compact: bool = True, limit: int = LIMIT) -> str:
    """The largest policy of statements make(0), make(1)... under `limit` characters."""
    statements: list[Any] = []
    size = len(_policy([], compact=compact))
    for i in range(1_000_000):
        statement = make(i)
        piece = len(json.dumps(statement, separators=(",", ":") if compact else None)) + 1
        if size + piece * (1 if compact else 1.3) > limit:
            break
        statements.append(statement)
        size += piece
    text = _policy(statements, compact=compact)
    while len(text) > limit:  # the pretty-printed estimate was short
        statements.pop()
        text = _policy(statements, compact=compact)
    return text


def _fill_list(items: Iterator[str], wrap: Callable[[list[str]], Any]) -> str:
    """One statement wrap(values) with as many `items` as fit under LIMIT."""
    values: list[str] = []
    size = len(_policy([wrap([])]))
    for item in items:
        piece = len(item) + 3
        if size + piece > LIMIT:
            break
        values.append(item)
        size += piece
    text = _policy([wrap(values)])
    while len(text) > LIMIT:  # wrap() adds more per value than the estimate
        del values[-max(1, len(values) // 50) :]
        text = _policy([wrap(values)])
    return text


def _misspellings(services: tuple[str, ...]) -> Iterator[str]:
    """Real action names with one letter dropped (each has a close real match)."""
    catalog = get_catalog()
    seen: set[str] = set()
    for service in services:
        for action in catalog.actions(service).values():
            name = action.full_name
            prefix, _, short = name.partition(":")
            for cut in range(1, len(short)):
                wrong = f"{prefix}:{short[:cut]}{short[cut + 1 :]}"
                if wrong not in seen and not catalog.has_action(wrong):
                    seen.add(wrong)
                    yield wrong


def _short_misspellings(count: int) -> Iterator[str]:
    ssm = sorted(_misspellings(("ssm",)), key=len)[:200]
    for i in range(count):
        yield ssm[i % len(ssm)]


def _real_actions() -> Iterator[str]:
    catalog = get_catalog()
    for service in catalog.services:
        for action in catalog.actions(service).values():
            yield action.full_name


def _long(n: int) -> str:
    return ("abcdefghij" * (n // 10 + 1))[:n]


def _statement(i: int) -> dict[str, Any]:
    """A varied, realistic statement: wildcards, Deny, NotAction, conditions, variables."""
    kind = i % 6
    resource = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app{i}/*"
    if kind == 0:
        return {
            "Sid": f"S{i}",
            "Effect": "Allow",
            "Action": ["ssm:Get*", "ssm:Describe*"],
            "Resource": resource,
        }
    if kind == 1:
        return {
            "Effect": "Allow",
            "Action": "ec2:Describe*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": f"us-east-{i % 2 + 1}"}},
        }
    if kind == 2:
        return {
            "Effect": "Deny",
            "Action": ["ssm:SendCommand", "ssm:StartSession"],
            "Resource": f"arn:aws:ec2:*:{ACCOUNT}:instance/i-{i:017x}",
        }
    if kind == 3:
        return {
            "Effect": "Allow",
            "NotAction": ["iam:*", "organizations:*"],
            "Resource": f"arn:aws:s3:::bucket{i}/${{aws:username}}/*",
        }
    if kind == 4:
        return {"Effect": "Allow", "Action": "s3:*", "NotResource": f"arn:aws:s3:::secret{i}"}
    return {
        "Effect": "Allow",
        "Action": f"ssm:{['GetParameter', 'PutParameter'][i % 2]}",
        "Resource": resource,
        "Condition": {
            "StringLike": {"ssm:resourceTag/team": ["a*", f"b{i}"]},
            "Bool": {"aws:SecureTransport": "true"},
        },
    }


def _cases() -> dict[str, tuple[str, str]]:
    """name -> (text, variant for diff)."""
    cases: dict[str, tuple[str, str]] = {}

    def add(name: str, text: str, variant: str | None = None) -> None:
        cases[name] = (text, variant if variant is not None else _policy([]))

    same_sid = {
        "Sid": "Same",
        "Effect": "Allow",
        "Action": "ssm:GetParameter",
        "Resource": PARAM_ARN,
    }
    add("dup_sids", _fill(lambda i: same_sid))
    add("dup_sids_pretty", _fill(lambda i: same_sid, compact=False))
    add(
        "dup_sids_2500",
        _policy(
            [{"Sid": "S", "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}] * 2_500
        ),
    )
    add(
        "misspelled_10000",
        _fill_list(
            _short_misspellings(10_000), lambda v: {"Effect": "Allow", "Action": v, "Resource": "*"}
        ),
    )
    add(
        "misspelled_distinct",
        _fill_list(
            _misspellings(("ssm", "ec2", "s3", "iam", "kms", "lambda")),
            lambda v: {"Effect": "Allow", "Action": v, "Resource": "*"},
        ),
    )
    add(
        "misspelled_per_statement",
        _fill(lambda i: {"Effect": "Allow", "Action": "ssm:GetParamter", "Resource": "*"}),
    )
    add(
        "distinct_arns_s3",
        _fill_list(
            (f"arn:aws:s3:::b{i:05d}" for i in range(100_000)),
            lambda v: {"Effect": "Allow", "Action": "s3:GetObject", "Resource": v},
        ),
    )
    add(
        "distinct_arns_ssm",
        _fill_list(
            (f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/p{i}" for i in range(100_000)),
            lambda v: {"Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:*"], "Resource": v},
        ),
    )
    add(
        "bad_arns",
        _fill_list(
            (f"arn:aws:ssm:us-east-1:{ACCOUNT}:paramter/p{i}" for i in range(100_000)),
            lambda v: {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": v},
        ),
    )
    dup_key = '{"Effect":"Allow","Effect":"Allow","Action":"ssm:GetParameter","Resource":"*"}'
    n = (LIMIT - 60) // (len(dup_key) + 1)
    add(
        "dup_keys_statements",
        '{"Version":"2012-10-17","Statement":[' + ",".join([dup_key] * n) + "]}",
    )
    n = (LIMIT - 120) // len('"Sid":"x",')
    add(
        "dup_keys_one_object",
        '{"Version":"2012-10-17","Statement":[{'
        + '"Sid":"x",' * n
        + '"Effect":"Allow","Action":"ssm:GetParameter","Resource":"*"}]}',
    )
    n = (LIMIT - 200) // len('"aws:username":"a",')
    add(
        "dup_condition_keys",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter",'
        '"Resource":"*","Condition":{"StringEquals":{'
        + '"aws:username":"a",' * n
        + '"aws:username":"b"}}}]}',
    )
    quarter = (LIMIT - 400) // 4
    add(
        "long_strings",
        _policy(
            [
                {
                    "Sid": _long(quarter),
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": "*",
                },
                {"Effect": "Allow", "Action": "ssm:" + _long(quarter), "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/" + _long(quarter),
                },
                {
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:username": _long(quarter)}},
                },
            ]
        ),
    )
    add(
        "long_wildcards",
        _policy(
            [
                {"Effect": "Allow", "Action": "ssm:" + "*a" * (quarter // 2), "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/"
                    + "*?" * (quarter // 2),
                },
                {
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": "*",
                    "Condition": {"StringLike": {"aws:username": "*a" * (quarter // 2)}},
                },
                {
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": "${aws:username}" * (quarter // 16),
                },
            ]
        ),
    )
    add(
        "long_unicode",
        _policy(
            [
                {
                    "Sid": "S",
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "aws:username": "\u201cx\u201d\u200b" * ((LIMIT - 300) // 4)
                        }
                    },
                }
            ],
            compact=False,
        ),
    )
    add(
        "many_condition_keys",
        _fill_list(
            (f"aws:ResourceTag/k{i}" for i in range(100_000)),
            lambda v: {
                "Effect": "Allow",
                "Action": "ssm:GetParameter",
                "Resource": "*",
                "Condition": {"StringEquals": {k: "v" for k in v}},
            },
        ),
    )
    add(
        "many_condition_values",
        _fill_list(
            (f"user{i}" for i in range(100_000)),
            lambda v: {
                "Effect": "Allow",
                "Action": "ssm:GetParameter",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:username": v},
                    "ForAnyValue:StringLike": {"aws:TagKeys": v},
                },
            },
        ),
    )
    add(
        "many_conditions_statements",
        _fill(
            lambda i: {
                "Effect": "Allow",
                "Action": "ssm:GetParameter",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:username": f"u{i}"},
                    "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                    "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                },
            }
        ),
    )
    add(
        "huge_statement_actions",
        _fill_list(_real_actions(), lambda v: {"Effect": "Allow", "Action": v, "Resource": "*"}),
    )
    add(
        "huge_statement_notaction",
        _fill_list(_real_actions(), lambda v: {"Effect": "Allow", "NotAction": v, "Resource": "*"}),
    )
    many = _fill(_statement)
    add("many_statements", many, _fill(lambda i: _statement(i + 1)))
    add(
        "many_star_statements",
        _fill(lambda i: {"Effect": "Allow", "Action": "*", "Resource": f"arn:aws:s3:::b{i}"}),
        _fill(lambda i: {"Effect": "Allow", "Action": "*", "Resource": f"arn:aws:s3:::c{i}"}),
    )
    add(
        "many_service_wildcards",
        _fill(
            lambda i: {
                "Effect": ["Allow", "Deny"][i % 2],
                "Action": ["ec2:*", "s3:*", "iam:*", "ssm:*"][i % 4],
                "Resource": "*",
            }
        ),
        _fill(lambda i: {"Effect": "Allow", "Action": ["ec2:*", "s3:*"][i % 2], "Resource": "*"}),
    )
    add(
        "many_notaction_statements",
        _fill(lambda i: {"Effect": "Allow", "NotAction": f"ssm:Get{i}*", "NotResource": "*"}),
    )
    add(
        "many_deny_conditions",
        _fill(
            lambda i: {
                "Effect": "Deny",
                "Action": "ssm:*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {f"aws:PrincipalTag/t{i}": "x"}},
            }
        ),
    )
    return cases


# --- timing -------------------------------------------------------------------------------


@dataclass(slots=True)
class Timing:
    case: str
    chars: int
    operation: str
    seconds: float
    note: str = ""


def _time(call: Callable[[], object]) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        call()
        note = ""
    except PolicyError as error:
        note = f"PolicyError: {str(error)[:60]}"
    except Exception as error:  # the bench reports whatever happened
        note = f"{type(error).__name__}: {str(error)[:60]}"
    return time.perf_counter() - start, note


def _request() -> Request:
    return Request(
        action=SIM_ACTION,
        resource=PARAM_ARN,
        context={"aws:username": ["alice"], "aws:SecureTransport": ["true"]},
    )


def in_process(
    name: str, text: str, variant: str, only: list[str] | None = None
) -> Iterator[Timing]:
    operations: list[tuple[str, Callable[[], object]]] = [
        ("validate", lambda: validate(text)),
        ("fix_text", lambda: fix_text(text)),
        ("effective_permissions", lambda: effective_permissions(text + " ")),  # skip the cache
        ("diff_permissions", lambda: diff_permissions(text + "  ", variant + "  ")),
        ("simulate", lambda: simulate([text], _request())),
    ]
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    for fmt in FORMATS:
        operations.append((f"export {fmt}", lambda fmt=fmt: export(value, fmt)))
    for operation, call in operations:
        if only and not any(operation.startswith(o) for o in only):
            continue
        seconds, note = _time(call)
        yield Timing(name, len(text), operation, seconds, note)


def _cli_commands(path: str, variant: str) -> list[tuple[str, list[str]]]:
    return [
        ("check", ["check", path]),
        ("check --diff", ["check", "--diff", path]),
        ("permissions", ["permissions", path]),
        ("diff", ["diff", path, variant]),
        (
            "simulate",
            [
                "simulate",
                "--action",
                SIM_ACTION,
                "--resource",
                PARAM_ARN,
                "--context",
                "aws:username=alice",
                path,
            ],
        ),
        ("export --to terraform", ["export", "--to", "terraform", path]),
    ]


def cli(name: str, text: str, variant: str, folder: Path, timeout: float) -> Iterator[Timing]:
    path, other = folder / f"{name}.json", folder / f"{name}.b.json"
    path.write_text(text, encoding="utf-8")
    other.write_text(variant, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT / "src"))
    for operation, args in _cli_commands(str(path), str(other)):
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "ssm_tui", *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
                check=False,
            )
            note = f"exit {done.returncode}"
            if "Traceback" in done.stderr:
                note += " TRACEBACK"
        except subprocess.TimeoutExpired:
            note = f"timeout after {timeout:g} s"
        yield Timing(name, len(text), f"cli {operation}", time.perf_counter() - start, note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run only this case (repeatable)")
    parser.add_argument("--skip-cli", action="store_true", help="in-process timings only")
    parser.add_argument("--skip-inprocess", action="store_true", help="CLI timings only")
    parser.add_argument(
        "--op", action="append", help="in-process operations starting with this (repeatable)"
    )
    parser.add_argument("--limit", type=float, default=1.0, help="seconds a case may take")
    parser.add_argument("--timeout", type=float, default=120.0, help="per CLI command")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a case is slow")
    args = parser.parse_args(argv)

    get_catalog()
    cases = _cases()
    if args.list:
        for name, (text, _) in cases.items():
            print(f"{name:28} {len(text):>8,} chars")
        return 0
    if args.only:
        unknown = set(args.only) - set(cases)
        if unknown:
            parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
        cases = {k: v for k, v in cases.items() if k in args.only}

    validate(_policy([_statement(5)]))  # warm the catalogue and the imports
    timings: list[Timing] = []

    def report(timing: Timing) -> None:
        timings.append(timing)
        if not args.json:
            flag = "SLOW" if timing.seconds > args.limit else ""
            print(
                f"{timing.case:28} {timing.operation:24} {timing.seconds:8.3f} s {flag:4} "
                f"{timing.note}",
                flush=True,
            )

    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        if not args.skip_cli:
            small = _policy([_statement(5)])
            for timing in cli("startup", small, small, folder, args.timeout):
                report(timing)
        for name, (text, variant) in cases.items():
            if not args.skip_inprocess:
                for timing in in_process(name, text, variant, args.op):
                    report(timing)
            if not args.skip_cli:
                for timing in cli(name, text, variant, folder, args.timeout):
                    report(timing)

    slow = [t for t in timings if t.seconds > args.limit]
    if args.json:
        print(
            json.dumps(
                {
                    "limit_seconds": args.limit,
                    "timings": [asdict(t) for t in timings],
                    "slow": len(slow),
                },
                indent=2,
            )
        )
    else:
        print()
        print(f"{len(slow)} of {len(timings)} timings over {args.limit:g} s")
        for timing in sorted(slow, key=lambda t: -t.seconds):
            print(f"  {timing.seconds:8.3f} s  {timing.case} / {timing.operation}")
    return 1 if args.strict and slow else 0


if __name__ == "__main__":
    sys.exit(main())
