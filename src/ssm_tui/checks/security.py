"""Security warnings: Access Analyzer's PassRole/CreateServiceLinkedRole families,
NotAction/NotResource with Allow, and Systems Manager risk (the table in ssm_risks.py).

Only Allow statements that grant something are looked at: a statement an earlier check
found to grant nothing (`ctx.is_dead`) and values reported as malformed are left alone.
Each risk is reported once per statement, at the action entry that grants it (or at the
NotAction / NotResource key), however many of the statement's actions carry it.

The catalogue is consulted only for Systems Manager actions and for the few actions these
checks care about (`TARGETS`; see security_scope.py for how matching them stays cheap).
"""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Rule, Severity, quote, register, rules
from ssm_tui.checks.security_scope import (
    CREATE_SLR,
    PASS_ROLE,
    ROLE,
    Scope,
    Targets,
    covers_all,
    join_words,
    shown,
    statement_scope,
)
from ssm_tui.checks.ssm_risks import (
    RISK_ACTIONS,
    grants_risk_actions,
    passes_any_role_to_ssm,
    service_wildcards,
    ssm_risks,
)
from ssm_tui.checks.ssm_risks import RULES as SSM_RULES
from ssm_tui.iam.arn import split_arn
from ssm_tui.iam.glob import has_wildcard
from ssm_tui.iam.grants import action_takes
from ssm_tui.policy.model import Located, Statement
from ssm_tui.policy.source import join_pointer

__all__ = ["CODES", "RULES", "TARGETS", "covers_all", "security"]

# The actions these checks look for: Access Analyzer's two and the Systems Manager risks'.
TARGETS = Targets((PASS_ROLE, CREATE_SLR, *RISK_ACTIONS))

# --- Access Analyzer: iam:PassRole and iam:CreateServiceLinkedRole ------------------------
_AA_SEVERITY = {PASS_ROLE: Severity.SECURITY_WARNING, CREATE_SLR: Severity.WARNING}
# (action, how the action is granted, how the resource is given) -> Access Analyzer's rule
_AA_RULES = {
    (PASS_ROLE, "named", "star"): Rule(
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "iam:PassRole on every role",
        "Whoever may pass any role can hand an administrator's role to an AWS service and act "
        "through it. Name the roles in Resource and add an iam:PassedToService condition (which "
        "limits the receiving service, not the role).",
    ),
    (PASS_ROLE, "named", "not-resource"): Rule(
        "PASS_ROLE_WITH_NOT_RESOURCE",
        "iam:PassRole with NotResource",
        "NotResource with iam:PassRole allows passing every role not listed, including roles "
        "created later. Name the roles in Resource instead.",
    ),
    (PASS_ROLE, "wildcard", "star"): Rule(
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "Wildcard action granting iam:PassRole on every role",
        "A wildcard such as *, iam:* or iam:Pass* includes iam:PassRole, here on every role. "
        "List the actions needed and grant iam:PassRole on named roles only.",
    ),
    (PASS_ROLE, "wildcard", "not-resource"): Rule(
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "Wildcard action granting iam:PassRole with NotResource",
        "A wildcard action includes iam:PassRole and NotResource leaves every other role open. "
        "List the actions and the role ARNs instead.",
    ),
    (PASS_ROLE, "not-action", "star"): Rule(
        "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
        "NotAction granting iam:PassRole on every role",
        "The NotAction does not exclude iam:PassRole, so the statement allows passing any role. "
        "Use Action with the actions needed, and grant iam:PassRole on named roles only.",
    ),
    (PASS_ROLE, "not-action", "not-resource"): Rule(
        "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "NotAction and NotResource granting iam:PassRole",
        "The NotAction does not exclude iam:PassRole and NotResource leaves every other role "
        "open. Use Action and Resource with named roles.",
    ),
    (CREATE_SLR, "named", "star"): Rule(
        "CREATE_SLR_WITH_STAR_IN_RESOURCE",
        "iam:CreateServiceLinkedRole on every role",
        "Allows creating the service-linked role of any AWS service. Name the service-linked "
        "role ARN and add an iam:AWSServiceName condition.",
    ),
    (CREATE_SLR, "named", "not-resource"): Rule(
        "CREATE_SLR_WITH_NOT_RESOURCE",
        "iam:CreateServiceLinkedRole with NotResource",
        "NotResource allows creating every service-linked role not listed. Name the role ARN "
        "instead.",
    ),
    (CREATE_SLR, "wildcard", "star"): Rule(
        "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "Wildcard action granting iam:CreateServiceLinkedRole on every role",
        "A wildcard such as *, iam:* or iam:Create* includes iam:CreateServiceLinkedRole, here "
        "on every role. List the actions and name the service-linked role.",
    ),
    (CREATE_SLR, "wildcard", "not-resource"): Rule(
        "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "Wildcard action granting iam:CreateServiceLinkedRole with NotResource",
        "A wildcard action includes iam:CreateServiceLinkedRole and NotResource leaves every "
        "other role open. List the actions and name the role.",
    ),
    (CREATE_SLR, "not-action", "star"): Rule(
        "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
        "NotAction granting iam:CreateServiceLinkedRole on every role",
        "The NotAction does not exclude iam:CreateServiceLinkedRole, so the statement allows "
        "creating any service-linked role. Use Action, and name the role.",
    ),
    (CREATE_SLR, "not-action", "not-resource"): Rule(
        "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "NotAction and NotResource granting iam:CreateServiceLinkedRole",
        "The NotAction does not exclude iam:CreateServiceLinkedRole and NotResource leaves every "
        "other role open. Use Action and Resource.",
    ),
}

RULES = rules(
    *_AA_RULES.values(),
    (
        "ALLOW_WITH_NOT_ACTION",
        "Allow with NotAction",
        "Allow with NotAction grants every action of every service except those listed, "
        "including actions AWS adds later. List the actions to allow in Action instead.",
        False,
    ),
    (
        "ALLOW_WITH_NOT_RESOURCE",
        "Allow with NotResource",
        "Allow with NotResource grants the actions on every resource except those listed, "
        "including resources created later. List the resources in Resource instead.",
        False,
    ),
    *SSM_RULES.values(),
)
# Every code this module reports (tests of other families leave these aside).
CODES = frozenset(RULES)


# --- the check ----------------------------------------------------------------------------
@register("security", rules=RULES)
def security(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    allows: list[Scope] = []
    deny_statements: list[Statement] = []
    for statement in document.statements:
        if statement.is_allow:
            if not ctx.is_dead(statement.pointer):
                scope = statement_scope(ctx, statement, TARGETS)
                if scope is not None:
                    allows.append(scope)
        elif statement.is_deny:
            deny_statements.append(statement)
    if not allows:
        return
    catalog = ctx.catalog
    role_passers = [s for s in allows if PASS_ROLE in s.granted and passes_any_role_to_ssm(s)]
    denies: list[Scope] | None = None
    for scope in allows:
        if scope.negated_actions or scope.negated_resources:
            yield from _not_elements(ctx, scope)
        granted = scope.granted
        if PASS_ROLE in granted:
            yield from _access_analyzer_family(ctx, scope, PASS_ROLE)
        if CREATE_SLR in granted:
            yield from _access_analyzer_family(ctx, scope, CREATE_SLR)
        if grants_risk_actions(scope):
            if denies is None:
                scoped = (statement_scope(ctx, s, TARGETS) for s in deny_statements)
                denies = [d for d in scoped if d is not None and not ctx.is_dead(d.pointer)]
            yield from ssm_risks(ctx, catalog, scope, denies, role_passers)
        if not scope.negated_actions:
            yield from service_wildcards(ctx, catalog, scope)


def _access_analyzer_family(ctx: CheckContext, scope: Scope, target: str) -> Iterator[Finding]:
    """Access Analyzer's six checks per action, with its issue codes and severities."""
    entries = scope.granted.get(target)
    if entries is None:
        return
    if scope.negated_resources:
        if scope.excludes(ROLE):
            return  # NotResource excludes every role: the action is not granted
        resource_kind = "not-resource"
        star: Located | None = None
    else:
        star = scope.broad_entry((ROLE,))
        if star is None:
            return
        resource_kind = "star"
    explicit = [e for e in entries if not has_wildcard(e.value)]
    if scope.negated_actions:
        action_kind, how = "not-action", " (its NotAction does not exclude it)"
    elif explicit:
        action_kind, how = "named", ""
    else:
        action_kind, how = "wildcard", f" through {quote(entries[0].value)}"
    code = _AA_RULES[target, action_kind, resource_kind].code
    if resource_kind == "not-resource":
        excluded = shown(r.value for r in scope.resources)
        on = f"on every role except those its NotResource lists ({excluded})"
    else:
        assert star is not None
        on = f"on every role ({quote(star.value)})"
    why, advice = _aa_reason(scope, target)
    message = f"{scope.label} allows {target}{how} {on}: {why}. {advice}"
    if action_kind == "not-action":
        pointer, key = join_pointer(scope.pointer, "NotAction"), True
    elif action_kind == "wildcard":
        pointer, key = entries[0].pointer, False
    elif resource_kind == "not-resource":
        pointer, key = join_pointer(scope.pointer, "NotResource"), True
    else:
        assert star is not None
        pointer, key = star.pointer, False
    yield ctx.finding(_AA_SEVERITY[target], code, message, pointer, key=key)


def _aa_reason(scope: Scope, target: str) -> tuple[str, str]:
    """Why granting `target` on every role is a risk, and what to do instead."""
    if target == PASS_ROLE:
        why = (
            "the caller can hand any role, an administrator's included, to an AWS service "
            "and act through that service with the role's permissions"
        )
        condition = scope.condition_values("iam:passedtoservice")
        if condition is not None:
            why += (
                f". The iam:PassedToService condition ({shown(condition)}) limits which "
                f"service receives the role, not which role is passed"
            )
            advice = "Name the roles in Resource, e.g. arn:aws:iam::<account>:role/<RoleName>."
        else:
            advice = (
                "Name the roles in Resource, e.g. arn:aws:iam::<account>:role/<RoleName>, and "
                "add an iam:PassedToService condition for the service that needs them."
            )
    else:
        why = (
            "the caller can create the service-linked role of any AWS service, which lets "
            "that service act in the account with the role's permissions"
        )
        condition = scope.condition_values("iam:awsservicename")
        if condition is not None:
            why += (
                f". The iam:AWSServiceName condition ({shown(condition)}) limits the "
                f"services; naming the role ARN as well makes the intent explicit"
            )
            advice = (
                "Name the service-linked role in Resource, e.g. arn:aws:iam::<account>:role/"
                "aws-service-role/<service>.amazonaws.com/<RoleName>."
            )
        else:
            advice = (
                "Name the service-linked role in Resource, e.g. arn:aws:iam::<account>:role/"
                "aws-service-role/<service>.amazonaws.com/<RoleName>, and add an "
                "iam:AWSServiceName condition."
            )
    return why, advice


# --- Allow with NotAction / NotResource ---------------------------------------------------
def _not_elements(ctx: CheckContext, scope: Scope) -> Iterator[Finding]:
    if scope.negated_actions:
        yield ctx.finding(
            Severity.SECURITY_WARNING,
            "ALLOW_WITH_NOT_ACTION",
            _not_action_message(ctx, scope),
            join_pointer(scope.pointer, "NotAction"),
            key=True,
        )
    if scope.negated_resources:
        if scope.negated_actions:
            actions = "every action its NotAction does not exclude"
        else:
            actions = shown((e.value for e in scope.entries), 4)
        yield ctx.finding(
            Severity.SECURITY_WARNING,
            "ALLOW_WITH_NOT_RESOURCE",
            f"{scope.label} allows {actions} on every resource except "
            f"{shown(r.value for r in scope.resources)}, in every Region and account, "
            f"including resources created later. With Allow, list the resources in Resource "
            f"instead; NotResource is meant for Deny statements.",
            join_pointer(scope.pointer, "NotResource"),
            key=True,
        )


def _not_action_message(ctx: CheckContext, scope: Scope) -> str:
    catalog = ctx.catalog
    excluded: set[str] = set()
    prefixes: set[str] = set()
    for entry in scope.entries:
        prefix = entry.value.partition(":")[0].lower()
        if has_wildcard(prefix):
            prefixes.add("*")
            continue
        prefixes.add(prefix)
        excluded.update(a.full_name for a in catalog.expand(entry.value))
    parts = []
    for entry in scope.entries[:3]:
        if has_wildcard(entry.value) and not has_wildcard(entry.value.partition(":")[0]):
            count = len(catalog.expand(entry.value))
            parts.append(f"{quote(entry.value)} ({count} action{'s' if count != 1 else ''})")
        else:
            parts.append(quote(entry.value))
    if len(scope.entries) > 3:
        parts.append(f"{len(scope.entries) - 3} more")
    except_text = join_words(parts)
    advice = (
        " Allow with NotAction also grants every action AWS adds later; list the actions "
        "to allow in Action instead."
    )
    service = next(iter(prefixes)) if len(prefixes) == 1 else None
    if (
        service is not None
        and service != "*"
        and not scope.negated_resources
        and not scope.everything
        and all(_arn_service(r.value) == service for r in scope.resources)
    ):
        # NotAction names one service's actions and Resource only that service's ARNs:
        # in effect the statement grants that service's other actions on those ARNs.
        others = [
            a
            for a in catalog.actions(service).values()
            if a.full_name not in excluded
            and any(action_takes(a, r.value) for r in scope.resources)
        ]
        name = catalog.service_name(service) or service
        return (
            f"{scope.label} allows every {name} action except {except_text} on "
            f"{shown([r.value for r in scope.resources], 2)} ({len(others)} "
            f"{service} action{'s' if len(others) != 1 else ''} take these resources): "
            f"its NotAction lists only {service} actions and its Resource only {service} "
            f"ARNs, so other services' actions do not apply.{advice}"
        )
    if scope.negated_resources:
        on = f"every resource except {shown(r.value for r in scope.resources)}"
    elif scope.everything:
        on = "all resources"
    else:
        on = shown((r.value for r in scope.resources), 2)
    return (
        f"{scope.label} allows every action of every AWS service ({len(catalog.services)} "
        f"services) except {except_text}, on {on}.{advice}"
    )


def _arn_service(resource: str) -> str | None:
    fields = split_arn(resource)
    if len(fields) < 6 or fields[0] != "arn" or has_wildcard(fields[2]):
        return None
    return fields[2]
