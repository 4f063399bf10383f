"""Which Resource entries an action (or an Action pattern) can be granted on.

Pure functions of the strings and the catalogue, cached: the compatibility checks, the
effective permissions and the simulator all ask the same questions many times.
"""

from __future__ import annotations

from functools import lru_cache

from ssm_tui.iam.arn import arn_matches_template
from ssm_tui.iam.catalog import Action, Catalog


def action_takes(action: Action, resource: str) -> bool:
    """Can this action be granted on this Resource entry?"""
    if resource == "*":
        return True
    return any(
        arn_matches_template(resource, template)
        for rt in action.resource_types
        for template in rt.arn_templates
    )


@lru_cache(maxsize=8192)
def templates_taken(catalog: Catalog, pattern: str) -> frozenset[str]:
    """Every ARN template of every resource type of the actions a pattern matches."""
    return frozenset(
        t for x in catalog.expand(pattern) for rt in x.resource_types for t in rt.arn_templates
    )


@lru_cache(maxsize=16384)
def matches_some_action(catalog: Catalog, pattern: str) -> bool:
    return bool(catalog.expand(pattern))


@lru_cache(maxsize=65536)
def pattern_takes(catalog: Catalog, pattern: str, resource: str) -> bool:
    """Does some action an Action entry matches take this Resource entry?  A pure function
    of the two strings and the catalogue, so each distinct pair is worked out once."""
    if resource == "*":
        return True
    return any(arn_matches_template(resource, t) for t in templates_taken(catalog, pattern))


@lru_cache(maxsize=65536)
def types_named(catalog: Catalog, action_name: str, resource: str) -> frozenset[str]:
    """The resource types of an action that a Resource entry can name."""
    action = catalog.action(action_name)
    if action is None:
        return frozenset()
    return frozenset(
        rt.name
        for rt in action.resource_types
        if resource == "*" or any(arn_matches_template(resource, t) for t in rt.arn_templates)
    )
