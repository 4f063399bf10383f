"""Access levels as the IAM console's policy summary groups them, and names grouped by them.

The catalogue writes subcategories with their parent ("Tagging, Write", "Permissions
management, Write"); we group them under the subcategory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from ssm_tui.iam.catalog import ACCESS_LEVELS

UNKNOWN_LEVEL = "Unknown"
# The most specific level a combined catalogue level names, checked in this order.
_LEVEL_PRIORITY = ("Permissions management", "Tagging", "Write", "Read", "List")


@lru_cache(maxsize=64)
def access_level_group(level: str) -> str:
    """One of ACCESS_LEVELS for a catalogue access level (`Tagging, Write` → `Tagging`)."""
    parts = {part.strip() for part in level.split(",")}
    for candidate in _LEVEL_PRIORITY:
        if candidate in parts:
            return candidate
    return UNKNOWN_LEVEL


def level_order(level: str) -> int:
    """Where a level sorts: ACCESS_LEVELS order, anything else last."""
    return ACCESS_LEVELS.index(level) if level in ACCESS_LEVELS else len(ACCESS_LEVELS)


def by_level(names: Iterable[str], level_of: Mapping[str, str]) -> dict[str, list[str]]:
    """access level (in level order, non-empty only) -> the names of that level, sorted."""
    grouped: dict[str, list[str]] = {}
    for name in sorted(names):
        grouped.setdefault(level_of[name], []).append(name)
    return dict(sorted(grouped.items(), key=lambda item: level_order(item[0])))
