"""Throughput of `ssm-tui check --account-details` on a generated account of N policies.

The account is built from the real policies of ../shared/corpus (or, when that folder is
absent, from one small policy), repeated as customer managed and inline policies until it
holds N.  Reports policies per second for the validator alone and for the whole command.

    python bench/bench_account.py [--policies 2000] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ssm_tui.account import read_account_details  # noqa: E402
from ssm_tui.checks import validate  # noqa: E402
from ssm_tui.cli import main  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
FALLBACK = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}],
}


def documents(corpus: Path) -> list[object]:
    found = []
    for path in sorted(corpus.glob("*.json")) if corpus.is_dir() else []:
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue  # the deliberately broken files are not JSON
    return found or [FALLBACK]


def account(count: int, docs: list[object]) -> dict[str, object]:
    managed = count // 2
    inline = count - managed
    return {
        "Policies": [
            {
                "PolicyName": f"p{i}",
                "Arn": f"arn:aws:iam::123456789012:policy/p{i}",
                "DefaultVersionId": "v1",
                "PolicyVersionList": [
                    {"VersionId": "v1", "IsDefaultVersion": True, "Document": docs[i % len(docs)]}
                ],
            }
            for i in range(managed)
        ],
        "RoleDetailList": [
            {
                "RoleName": f"r{i}",
                "RolePolicyList": [
                    {"PolicyName": "inline", "PolicyDocument": docs[(i + 7) % len(docs)]}
                ],
            }
            for i in range(inline)
        ],
    }


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    docs = documents(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "account.json"
        path.write_text(json.dumps(account(args.policies, docs)))
        policies = read_account_details(path.read_text())
        start = time.perf_counter()
        for policy in policies:
            validate(policy.text, policy.policy_type)
        validator = time.perf_counter() - start
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            main(["check", "--account-details", str(path), "--format", "json"])
        command = time.perf_counter() - start
    print(f"account of {len(policies):,} policies built from {len(docs)} corpus documents")
    print(f"validator alone: {validator:.2f} s, {len(policies) / validator:,.0f} policies/s")
    print(
        f"check --account-details --format json: {command:.2f} s, "
        f"{len(policies) / command:,.0f} policies/s (read, validate, write JSON)"
    )


if __name__ == "__main__":
    main_bench()
