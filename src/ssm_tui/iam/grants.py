"""Which Resource entries an action (or an Action pattern) can be granted on.

Pure functions of the strings and the catalogue, cached: the compatibility checks, the
effective permissions and the simulator all ask the same questions many times.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ssm_tui.iam.arn import absorbed_separators, arn_matches_template, split_arn
from ssm_tui.iam.catalog import Action, Catalog, ResourceType, get_catalog
from ssm_tui.iam.glob import has_wildcard, variables_as_wildcards
from ssm_tui.iam.variables import PLACEHOLDER

# ARN formats AWS documents for IAM policies that the Service Authorization Reference does
# not list as a resource type, with the actions the documentation grants on them.
_DOCUMENTED: tuple[tuple[ResourceType, frozenset[str]], ...] = (
    # "To allow AWS::Serverless transforms to create a change set, the policy should include
    # the arn:aws:cloudformation:<region>:aws:transform/Serverless-2016-10-31 resource-level
    # permission": https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-template.html
    (
        ResourceType(
            "cloudformation",
            "transform",
            "arn:${Partition}:cloudformation:${Region}:aws:transform/${TransformName}",
            (),
        ),
        frozenset({"cloudformation:createchangeset"}),
    ),
)


def _types_of(action: Action) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(resource type name, ARN templates) of each type the action can be granted on."""
    listed = tuple((rt.name, rt.arn_templates) for rt in action.resource_types)
    documented = tuple(
        (rt.name, (rt.arn_template,))
        for rt, actions in _DOCUMENTED
        if action.full_name.lower() in actions
    )
    return listed + documented


@lru_cache(maxsize=4)
def _formats_by_namespace(catalog: Catalog) -> dict[str, tuple[ResourceType, ...]]:
    """Every service's ARN formats (one ResourceType per format), by the ARN's service field.

    A format is filed under its own service field whichever service defines it: the root
    user's `arn:${Partition}:iam::${Account}:root` is defined by sts, Amazon Q's
    `arn:${Partition}:qdeveloper:...:plugin/${Identifier}` by q.  A format whose service
    field is a placeholder (AWS Backup's recovery points,
    `arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}`) names
    resources of whichever service made them; there the service's own formats describe the
    resource, except in the defining service's own namespace (`backup:...:recovery-point:ID`),
    so it is filed under the defining service's prefix.
    """
    index: dict[str, dict[str, ResourceType]] = {}
    for service in catalog.services:
        for rt in catalog.resource_types(service).values():
            for template in rt.arn_templates:
                fields = split_arn(template)
                if len(fields) < 6:
                    continue
                namespace = service if PLACEHOLDER.fullmatch(fields[2]) else fields[2]
                one = rt if template == rt.arn_template else replace(rt, arn_template=template)
                index.setdefault(namespace, {}).setdefault(template, one)
    for rt, _ in _DOCUMENTED:
        index.setdefault(split_arn(rt.arn_template)[2], {}).setdefault(rt.arn_template, rt)
    return {namespace: tuple(found.values()) for namespace, found in index.items()}


@lru_cache(maxsize=4096)
def arn_formats(catalog: Catalog, namespace: str) -> tuple[ResourceType, ...]:
    """The ARN formats a Resource entry whose service field is `namespace` can have: the
    namespace's own service's formats first, then those other services define in it."""
    own = tuple(catalog.arn_templates(namespace))
    known = {rt.arn_template for rt in own}
    extra = tuple(
        rt
        for rt in _formats_by_namespace(catalog).get(namespace, ())
        if rt.arn_template not in known
    )
    return own + extra


def action_takes(action: Action, resource: str) -> bool:
    """Can this action be granted on this Resource entry?"""
    if resource == "*":
        return True
    return any(
        names_format(get_catalog(), resource, template)
        for _, templates in _types_of(action)
        for template in templates
    )


@lru_cache(maxsize=1024)
def _listed_types(catalog: Catalog, service: str) -> frozenset[str]:
    """The resource types some action of the service lists."""
    return frozenset(rt.name for a in catalog.actions(service).values() for rt in a.resource_types)


def _refines(catalog: Catalog, other: ResourceType, mine: ResourceType) -> bool:
    """Can `other` be a finer resource type than `mine`, so that an ARN fitting it is not
    of `mine`?  Only between types one service defines, each with a placeholder; a type
    named as a variant of `mine` (lambda's `function alias` of `function`, ELB's
    `loadbalancer/net/` of `loadbalancer`) is the same resource to the Service
    Authorization Reference, which lists the broad type for actions that take either.  A type
    no action lists (API Gateway V2's, whose actions the catalogue merges into V1's under the
    shared `apigateway` prefix) is no evidence either."""
    return (
        other.service == mine.service
        and other.name in _listed_types(catalog, other.service)
        and other.arn_template != mine.arn_template
        and not other.name.lower().startswith(mine.name.lower())
        and PLACEHOLDER.search(split_arn(other.arn_template)[5]) is not None
    )


@lru_cache(maxsize=65536)
def names_format(catalog: Catalog, resource: str, template: str) -> bool:
    """Is the Resource entry an ARN of the format `template`?  It must match the template
    (arn_matches_template), and no more specific format of its service may fit it better:
    formats nest (a bucket's `${BucketName}` could swallow `my-bucket/*`, an object ARN;
    `table/${TableName}` could swallow `table/T/index/*`, an index ARN), so an ARN is of the
    format(s) that fit its own `/` and `:` best (absorbed_separators).  An ARN whose
    wildcards stand for a finer format's separators (`log-group:x:*`) is of both."""
    if not arn_matches_template(resource, template):
        return False
    fields = split_arn(variables_as_wildcards(resource))
    if has_wildcard(fields[2]):
        return True
    formats = arn_formats(catalog, fields[2])
    mine = next((rt for rt in formats if rt.arn_template == template), None)
    fit = absorbed_separators(fields[5], split_arn(template)[5])
    if mine is None or not fit:
        return True
    for other in formats:
        if not _refines(catalog, other, mine):
            continue
        better = absorbed_separators(fields[5], split_arn(other.arn_template)[5], exact=True)
        if (
            better is not None
            and better < fit
            and arn_matches_template(resource, other.arn_template)
        ):
            return False
    return True


@lru_cache(maxsize=8192)
def templates_taken(catalog: Catalog, pattern: str) -> frozenset[str]:
    """Every ARN template of every resource type of the actions a pattern matches."""
    return frozenset(
        t for x in catalog.expand(pattern) for _, templates in _types_of(x) for t in templates
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
    return any(names_format(catalog, resource, t) for t in templates_taken(catalog, pattern))


@lru_cache(maxsize=65536)
def types_named(catalog: Catalog, action_name: str, resource: str) -> frozenset[str]:
    """The resource types of an action that a Resource entry can name."""
    action = catalog.action(action_name)
    if action is None:
        return frozenset()
    return frozenset(
        name
        for name, templates in _types_of(action)
        if resource == "*" or any(names_format(catalog, resource, t) for t in templates)
    )
