"""Audit the validator on the default versions of every AWS managed policy.

    python scripts/audit_managed.py [CORPUS_DIR] [--type aws-managed|managed] [--json]

AWS accepted every one of these documents, so an `error` on one is a false error of ours or
a real defect AWS shipped (tests/test_aws_managed.py keeps the reasoned list of those).
Prints: how many policies get at least one error, errors per code (findings and policies),
and warnings per policy (distribution and the policies with the most).  Reads
../shared/corpus/aws-managed by default (see its SOURCES.md); writes nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from ssm_tui.checks import PolicyType, Severity, validate

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "aws-managed"


def _policy_type(name: str) -> PolicyType:
    try:
        return PolicyType(name)
    except ValueError:
        # before the AWS managed type existed the audit ran as customer managed
        return PolicyType.MANAGED


def audit(folder: Path, policy_type: PolicyType) -> dict[str, object]:
    files = sorted(folder.glob("*.json"))
    errors: Counter[str] = Counter()
    error_policies: Counter[str] = Counter()
    warnings_per_policy: dict[str, int] = {}
    with_errors: list[str] = []
    started = time.perf_counter()
    for path in files:
        result = validate(path.read_text(encoding="utf-8"), policy_type)
        codes = [f.code for f in result.findings if f.severity is Severity.ERROR]
        errors.update(codes)
        error_policies.update(set(codes))
        if codes:
            with_errors.append(path.stem)
        warnings_per_policy[path.stem] = sum(
            f.severity in (Severity.WARNING, Severity.SECURITY_WARNING) for f in result.findings
        )
    counts = list(warnings_per_policy.values())
    return {
        "policies": len(files),
        "policy_type": policy_type.value,
        "seconds": round(time.perf_counter() - started, 2),
        "policies_with_errors": len(with_errors),
        "errors_by_code": {c: [n, error_policies[c]] for c, n in errors.most_common()},
        "with_errors": with_errors,
        "warnings": {
            "total": sum(counts),
            "policies_with_any": sum(1 for n in counts if n),
            "median": statistics.median(counts) if counts else 0,
            "max": max(counts, default=0),
            "most": sorted(warnings_per_policy.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
        },
    }


def _print(report: dict[str, object]) -> None:
    total = report["policies"]
    bad = report["policies_with_errors"]
    assert isinstance(total, int) and isinstance(bad, int)
    share = 100 * bad / total if total else 0.0
    print(
        f"{total} AWS managed policies checked as {report['policy_type']} in "
        f"{report['seconds']} s: {bad} ({share:.1f}%) with at least one error"
    )
    errors = report["errors_by_code"]
    assert isinstance(errors, dict)
    for code, (findings, policies) in errors.items():
        print(f"  {code}: {findings} errors in {policies} policies")
    warnings = report["warnings"]
    assert isinstance(warnings, dict)
    print(
        f"warnings (incl. security warnings): {warnings['total']} in "
        f"{warnings['policies_with_any']} policies; per policy median {warnings['median']}, "
        f"max {warnings['max']}"
    )
    for name, count in warnings["most"]:
        print(f"  {count:4d}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--type", default="aws-managed", help="policy type to check as")
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus}: no such folder (see ../shared/corpus/SOURCES.md)", file=sys.stderr)
        return 2
    report = audit(args.corpus, _policy_type(args.type))
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        _print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
