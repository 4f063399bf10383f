"""Action/resource-type compatibility, and statements that can grant (or deny) nothing.

Access Analyzer checks an ARN's shape but not whether the statement's actions take that
kind of resource: `ssm:ListDocuments` on a document ARN is valid JSON, valid IAM, and
grants nothing, because ListDocuments supports no resource-level permissions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote, register, rules
from ssm_tui.iam.arn import split_arn
from ssm_tui.iam.catalog import Action
from ssm_tui.iam.glob import has_wildcard
from ssm_tui.iam.grants import matches_some_action, pattern_takes, types_named
from ssm_tui.policy.model import Located, Statement
from ssm_tui.policy.source import join_pointer

RULES = rules(
    (
        "STATEMENT_GRANTS_NOTHING",
        "Statement that grants (or denies) nothing",
        "No action of the statement applies to any of its resources (or NotAction/NotResource "
        "excludes everything), so the statement has no effect.",
        False,
    ),
    (
        "ACTION_RESOURCE_MISMATCH",
        "Action none of the resources apply to",
        "None of the statement's resources is of a type the action takes, so the statement does "
        "not grant it. Move the action to a statement with matching resources.",
        False,
    ),
    (
        "RESOURCE_MATCHES_NO_ACTION",
        "Resource no action takes",
        "The resource is not of a type any of the statement's actions takes.",
        False,
    ),
    (
        "MISSING_REQUIRED_RESOURCE_TYPE",
        "Required resource type not covered",
        "The action is authorized against a resource type the policy never grants it on (for "
        "example ssm:SendCommand needs the document too).",
        False,
    ),
)


@dataclass(slots=True)
class _Fit:
    """Which of a statement's action entries apply to which of its resource entries."""

    actions: list[tuple[Located, list[Action]]]
    resources: list[Located]
    table: dict[tuple[int, int], bool] = field(default_factory=dict)

    def row(self, a: int) -> list[bool]:
        return [self.table[a, r] for r in range(len(self.resources))]

    def column(self, r: int) -> list[bool]:
        return [self.table[a, r] for a in range(len(self.actions))]


def _describe_types(action: Action) -> str:
    if not action.resource_types:
        return (
            f"{action.full_name} supports no resource-level permissions: only "
            f'"Resource": "*" grants it'
        )
    names = ", ".join(rt.name for rt in action.resource_types)
    return f"{action.full_name} applies to {names} ARNs"


def _names_one_type(resource: str) -> bool:
    """True when the resource part's leading word (`document` in `document/x*`) has no
    wildcard, so the ARN is of one known resource type."""
    fields = split_arn(resource)
    if len(fields) < 6:
        return False
    words = [w for w in re.split(r"[/:]", fields[5]) if w]
    return bool(words) and not has_wildcard(words[0])


def _verb(statement: Statement) -> tuple[str, str]:
    return ("denies", "deny") if statement.is_deny else ("grants", "grant")


@register("compat", rules=RULES)
def compatibility(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    for statement in document.statements:
        if not (statement.is_allow or statement.is_deny):
            continue
        if statement.not_action is not None or statement.not_resource is not None:
            yield from _not_elements(ctx, statement)
        if statement.action is None or statement.resource is None:
            continue
        action_entries = [a for a in statement.action if not ctx.reported(a.pointer)]
        resources = [r for r in statement.resource if not ctx.reported(r.pointer)]
        if not action_entries or not resources:
            continue  # the cause is reported already (malformed or empty)
        if any(a.value == "*" for a in action_entries) or any(r.value == "*" for r in resources):
            continue
        if any("${" in r.value for r in resources) and not _variables_usable(ctx):
            continue
        catalog = ctx.catalog
        patterns = [a for a in action_entries if matches_some_action(catalog, a.value)]
        if not patterns:
            continue
        table = {
            (a, r): pattern_takes(catalog, located.value, resource.value)
            for a, located in enumerate(patterns)
            for r, resource in enumerate(resources)
        }
        if all(table.values()):
            continue  # every action applies to every resource: nothing to say
        fit = _Fit([(a, catalog.expand(a.value)) for a in patterns], resources, table)
        yield from _report(ctx, statement, fit)


def _variables_usable(ctx: CheckContext) -> bool:
    document = ctx.document
    return bool(document and document.version and document.version.value == "2012-10-17")


def _report(ctx: CheckContext, statement: Statement, fit: _Fit) -> Iterator[Finding]:
    verb, infinitive = _verb(statement)
    resource_pointer = join_pointer(statement.pointer, "Resource")
    if not any(fit.table.values()):
        reasons = []
        for located, expanded in fit.actions[:3]:
            if len(expanded) == 1:
                reasons.append(_describe_types(expanded[0]))
            else:
                reasons.append(
                    f"none of the {len(expanded)} actions of {quote(located.value)} "
                    f"takes these resources"
                )
        more = f" (and {len(fit.actions) - 3} more actions)" if len(fit.actions) > 3 else ""
        # The Service Authorization Reference lists resource types per action.  Where it
        # lists some and none fits, the mismatch is certain.  Where it lists none, a few
        # AWS managed policies still scope such actions to ARNs, so the data may lag the
        # service: say so with a warning rather than an error.
        # Certain only when the data lists resource types for the actions and each ARN
        # names one type (no wildcard in its type word): then the mismatch is a fact of the
        # data, not a gap in it.
        scoped = any(x.resource_types for _, expanded in fit.actions for x in expanded)
        specific = all(_names_one_type(r.value) for r in fit.resources)
        severity = Severity.ERROR if scoped and specific else Severity.WARNING
        ctx.mark_dead(statement.pointer)
        yield ctx.finding(
            severity,
            "STATEMENT_GRANTS_NOTHING",
            f"{statement.label.capitalize()} {verb} nothing: no action in it applies to any of "
            f"its resources. {'; '.join(reasons)}{more}. Use resources of the types the actions "
            f"take, or move the actions to a statement that can {infinitive} them."
            + (
                ""
                if scoped
                else " (Per the Service Authorization Reference; AWS's own "
                "managed policies occasionally scope such actions to ARNs anyway.)"
            ),
            resource_pointer,
            marks=True,
        )
        return
    for a, (located, expanded) in enumerate(fit.actions):
        if any(fit.row(a)):
            continue
        detail = (
            _describe_types(expanded[0])
            if len(expanded) == 1
            else (f"none of the {len(expanded)} actions it matches takes these resources")
        )
        yield ctx.finding(
            Severity.WARNING,
            "ACTION_RESOURCE_MISMATCH",
            f"None of this statement's resources applies to {quote(located.value)}, so the "
            f"statement does not {infinitive} it: {detail}. Move it to a statement with "
            f"matching resources.",
            located.pointer,
        )
    for r, resource in enumerate(fit.resources):
        if any(fit.column(r)):
            continue
        yield ctx.finding(
            Severity.WARNING,
            "RESOURCE_MATCHES_NO_ACTION",
            f"{quote(resource.value)} is not a resource type of any action in this statement, "
            f"so it {verb} nothing here. Remove it or pair it with the actions that take it.",
            resource.pointer,
        )


def _not_elements(ctx: CheckContext, statement: Statement) -> Iterator[Finding]:
    verb, _ = _verb(statement)
    for name, values, noun in (
        ("NotAction", statement.not_action, "action"),
        ("NotResource", statement.not_resource, "resource"),
    ):
        for located in values or ():
            if located.value == "*" and not ctx.reported(located.pointer):
                ctx.mark_dead(statement.pointer)
                yield ctx.finding(
                    Severity.ERROR,
                    "STATEMENT_GRANTS_NOTHING",
                    f'"{name}": "*" excludes every {noun}, so {statement.label} {verb} nothing.',
                    located.pointer,
                )


@register("compat", rules=RULES)
def required_resource_types(ctx: CheckContext) -> Iterator[Finding]:
    """An action none of whose required resource types (per the Service Authorization
    Reference) any Allow statement of this policy covers is never allowed by this policy
    alone.  Several required types are read as alternatives (states:DescribeExecution takes
    an execution or an express execution), so only a policy that covers none is reported."""
    document = ctx.document
    if document is None:
        return
    covered: dict[str, set[str]] = {}  # action -> resource type names some Allow covers
    first_seen: dict[str, tuple[Located, Action]] = {}
    for statement in document.statements:
        if not statement.is_allow or statement.action is None or statement.resource is None:
            continue
        actions: list[Action] = []
        for located in statement.action:
            if ctx.reported(located.pointer) or has_wildcard(located.value):
                continue
            action = ctx.catalog.action(located.value)
            if action is not None and action.required_resource_types:
                actions.append(action)
                first_seen.setdefault(action.full_name, (located, action))
        if not actions:
            continue
        resources = [r.value for r in statement.resource if not ctx.reported(r.pointer)]
        for action in actions:
            names = covered.setdefault(action.full_name, set())
            for resource in resources:
                names.update(types_named(ctx.catalog, action.full_name, resource))
    for full_name, (located, action) in first_seen.items():
        names = covered.get(full_name, set())
        if not names:
            continue  # nothing applies at all: reported by the compatibility check
        required = action.required_resource_types
        if any(rt.name in names for rt in required):
            continue
        shown = " or ".join(f"{rt.name} ({rt.arn_template})" for rt in required)
        yield ctx.finding(
            Severity.WARNING,
            "MISSING_REQUIRED_RESOURCE_TYPE",
            f"{action.full_name} needs permission on a {shown} as well: the Service "
            f"Authorization Reference marks it required. No Allow statement in this policy "
            f"covers one, so this policy alone never allows {action.full_name}. Add the "
            f"{required[0].name} ARN(s) to its Resource.",
            located.pointer,
        )
