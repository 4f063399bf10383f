"""Actions: form, whitespace, service, existence with did-you-mean, retired, wildcards, case.

What is wrong with an action string depends only on the string and the catalogue, so the
verdicts are computed once per distinct string (cached) and placed at each occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ssm_tui.checks.base import CheckContext, Finding, Severity, Verdict, quote, register, rules
from ssm_tui.iam.catalog import CERTAIN_SCORE, Catalog
from ssm_tui.iam.glob import has_wildcard
from ssm_tui.iam.retired import (
    RetiredService,
    Retirement,
    retired_action,
    retired_actions_matching,
    retired_service,
    retired_services_matching,
)
from ssm_tui.policy.model import Located

RULES = rules(
    (
        "INVALID_ACTION",
        "Action that does not exist",
        "The action is not in the AWS action catalogue (or has stray whitespace, or a wildcard "
        "that matches nothing), so it grants nothing. Use the suggested action.",
    ),
    (
        "INVALID_SERVICE_IN_ACTION",
        "Unknown service prefix",
        "The service prefix of the action is not an AWS service.",
    ),
    # Ours, not Access Analyzer's. A warning, not an error: Access Analyzer keeps `error` for
    # "a part of the policy is not functional" and `warning` for a policy that "does not
    # conform to policy writing best practices" (https://docs.aws.amazon.com/access-analyzer/
    # latest/APIReference/API_ValidatePolicyFinding.html). The name was right when written
    # and AWS still ships it in its own managed policies; keeping an entry for an API that no
    # longer exists is stale text to clean up, not a mistake to stop a deployment for. Not a
    # suggestion either: suggestions are stylistic, and the entry no longer matches anything.
    (
        "RETIRED_SERVICE_IN_ACTION",
        "Service that AWS has retired",
        "The service prefix was in the AWS catalogue and is no longer: the service was "
        "retired, so the action matches no action today. The message says when the catalogue "
        "last listed it. Remove the entry once nothing relies on it.",
    ),
    (
        "RETIRED_ACTION",
        "Action that AWS has retired",
        "The action was in the AWS catalogue and is no longer, so it matches no action today. The "
        "message says when the catalogue last listed it. Remove the entry once nothing relies "
        "on it.",
    ),
    (
        "WILDCARD_IN_SERVICE_NAME",
        "Wildcard in a service name",
        "A wildcard in the service part matches several services and any added later. Name the "
        "service.",
    ),
    (
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        "Policy variable outside Resource and Condition",
        "Policy variables work only in Resource and in Condition values.",
    ),
    (
        "NON_CANONICAL_CASE",
        "Action not in its documented case",
        "Actions are case-insensitive; writing them as documented keeps policies searchable.",
        False,
    ),
)

_WHITESPACE = re.compile(r"\s")


def _did_you_mean(candidates: list[str]) -> str:
    if not candidates:
        return ""
    if len(candidates) == 1:
        return f" Did you mean {quote(candidates[0])}?"
    return " Did you mean " + " or ".join(quote(c) for c in candidates) + "?"


def _case_verdict(value: str, canonical: str) -> Verdict:
    return Verdict(
        Severity.SUGGESTION,
        "NON_CANONICAL_CASE",
        f"Actions are case-insensitive, so {quote(value)} works, but the documented form is "
        f"{quote(canonical)}; using it keeps policies easy to search and compare.",
        suggestion=canonical,
        replacement=canonical,
        fix_description=f"write {canonical}",
    )


@lru_cache(maxsize=16384)
def action_verdicts(catalog: Catalog, value: str) -> tuple[Verdict, ...]:
    """What is wrong with one entry of Action or NotAction (empty when nothing is)."""
    if value == "*":
        return ()
    stripped = value.strip()
    if stripped != value:
        where = "leading" if value[0].isspace() else "trailing"
        if value[0].isspace() and value[-1].isspace():
            where = "leading and trailing"
        return (
            Verdict(
                Severity.ERROR,
                "INVALID_ACTION",
                f"{quote(value)} has {where} whitespace, so it matches no action and grants "
                f"nothing. Remove the whitespace.",
                suggestion=stripped or None,
                replacement=stripped or None,
                fix_description=f"remove the whitespace around {stripped}",
            ),
        )
    if "${" in value:
        return (
            Verdict(
                Severity.ERROR,
                "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                f"{quote(value)} contains a policy variable; variables work only in Resource "
                f"and in Condition values, not in actions.",
            ),
        )
    prefix, sep, name = value.partition(":")
    if not sep or not prefix or not name or ":" in name or _WHITESPACE.search(value) is not None:
        return (
            Verdict(
                Severity.ERROR,
                "INVALID_ACTION",
                f"{quote(value)} is not an action: write it as service:ActionName, for example "
                f'"ssm:GetParameter".',
            ),
        )
    if has_wildcard(prefix):
        return _wildcard_service_verdicts(catalog, value, prefix)
    if not catalog.has_service(prefix):
        service = retired_service(prefix)
        if service is not None:
            return (_retired_service_verdict(value, service, name),)
        return (_unknown_service_verdict(catalog, value, prefix, name),)
    service_label = catalog.service_name(prefix) or prefix
    if has_wildcard(name):
        if not catalog.expand(value):
            retired = retired_actions_matching(prefix, name)
            if retired:
                return (_retired_action_verdict(value, service_label, retired),)
            return (
                Verdict(
                    Severity.ERROR,
                    "INVALID_ACTION",
                    f"{quote(value)} matches no action of {service_label}, so it grants nothing.",
                ),
            )
        if prefix != prefix.lower():
            return (_case_verdict(value, f"{prefix.lower()}:{name}"),)
        return ()
    action = catalog.action(value)
    if action is None:
        return (_missing_action_verdict(catalog, value, prefix, name, service_label),)
    if value != action.full_name:
        return (_case_verdict(value, action.full_name),)
    return ()


def _missing_action_verdict(
    catalog: Catalog, value: str, prefix: str, name: str, service_label: str
) -> Verdict:
    gone = retired_action(prefix, name)
    if gone is not None:
        return _retired_action_verdict(value, service_label, [gone])
    scored = catalog.suggest_action_scored(value)
    guesses = [guess for guess, _ in scored]
    # certain only when a single action is very close (a typo, not a different action);
    # the best two of the three suggestions are the best two at the higher cut-off
    close = [guess for guess, score in scored[:2] if score >= CERTAIN_SCORE]
    certain = close[0] if len(close) == 1 else None
    return Verdict(
        Severity.ERROR,
        "INVALID_ACTION",
        f"{quote(value)} is not an action of {service_label}, so it grants nothing."
        f"{_did_you_mean(guesses)}",
        suggestion=guesses[0] if guesses else None,
        replacement=certain,
        fix_description=f"write {certain}",
    )


def _wildcard_service_verdicts(catalog: Catalog, value: str, prefix: str) -> tuple[Verdict, ...]:
    services = catalog.match_services(prefix)
    if not services:
        gone = retired_services_matching(prefix)
        if len(gone) == 1:
            return (_retired_service_verdict(value, gone[0], value.partition(":")[2]),)
        if gone:
            return (_retired_services_verdict(value, prefix, gone),)
        return (
            Verdict(
                Severity.ERROR,
                "INVALID_SERVICE_IN_ACTION",
                f"The service pattern {quote(prefix)} in {quote(value)} matches no AWS service, "
                f"so it grants nothing.",
            ),
        )
    found = [
        Verdict(
            Severity.SUGGESTION,
            "WILDCARD_IN_SERVICE_NAME",
            f"{quote(value)} has a wildcard in the service name, which matches "
            f"{len(services)} services ({', '.join(services[:5])}"
            f"{', ...' if len(services) > 5 else ''}) and any added later. Name the services.",
        )
    ]
    if not catalog.expand(value):
        found.append(
            Verdict(
                Severity.ERROR,
                "INVALID_ACTION",
                f"{quote(value)} matches no action of those services, so it grants nothing.",
            )
        )
    return tuple(found)


def _unknown_service_verdict(catalog: Catalog, value: str, prefix: str, name: str) -> Verdict:
    guesses = catalog.suggest_service(prefix)
    if has_wildcard(name):
        corrected = [f"{g}:{name}" for g in guesses if catalog.expand(f"{g}:{name}")]
    else:
        corrected = [
            f"{g}:{catalog.actions(g)[name.lower()].name}"
            for g in guesses
            if name.lower() in catalog.actions(g)
        ]
    shown = corrected or [f"{g}:" for g in guesses]
    certain = corrected[0] if len(corrected) == 1 else None
    return Verdict(
        Severity.ERROR,
        "INVALID_SERVICE_IN_ACTION",
        f"{quote(prefix)} is not an AWS service prefix, so {quote(value)} grants nothing."
        f"{_did_you_mean(shown)}",
        suggestion=certain,
        replacement=certain,
        fix_description=f"write {certain}",
    )


def _retired_service_verdict(value: str, service: RetiredService, name: str) -> Verdict:
    listed = service.matching(name) if has_wildcard(name) else service.action(name)
    never = (
        ""
        if listed
        else f" {quote(name)} was not one of its actions in any catalogue release read."
    )
    return Verdict(
        Severity.WARNING,
        "RETIRED_SERVICE_IN_ACTION",
        f"{quote(service.prefix)} is the prefix of {service.name}, a service AWS has retired: "
        f"{service.retirement.describe('it')}, so {quote(value)} matches no action today.{never} "
        f"Remove it once nothing relies on it.",
    )


def _retired_services_verdict(value: str, prefix: str, services: list[RetiredService]) -> Verdict:
    latest = max(services, key=lambda service: service.retirement.last_seen_date).retirement
    names = ", ".join(f"{service.prefix} ({service.name})" for service in services)
    when = latest.describe("the last of them")
    return Verdict(
        Severity.WARNING,
        "RETIRED_SERVICE_IN_ACTION",
        f"The service pattern {quote(prefix)} matches only services AWS has retired: {names}. "
        f"{when[0].upper()}{when[1:]}, so {quote(value)} matches no action today. Remove it "
        f"once nothing relies on it.",
    )


def _retired_action_verdict(
    value: str, service_label: str, retired: list[tuple[str, Retirement]]
) -> Verdict:
    latest = max(retired, key=lambda pair: pair[1].last_seen_date)[1]
    if len(retired) == 1 and not has_wildcard(value):
        what = (
            f"{quote(value)} was an action of {service_label} that AWS has since retired or renamed"
        )
        pronoun = "it"
    else:
        names = ", ".join(quote(name) for name, _ in retired[:3])
        more = ", ..." if len(retired) > 3 else ""
        what = (
            f"{quote(value)} matches only actions of {service_label} that AWS has since "
            f"retired or renamed ({names}{more})"
        )
        pronoun = "them"
    return Verdict(
        Severity.WARNING,
        "RETIRED_ACTION",
        f"{what}: {latest.describe(pronoun)}, so {quote(value)} matches no action today. "
        f"Remove it once nothing relies on it.",
    )


def check_action(ctx: CheckContext, located: Located) -> Iterator[Finding]:
    """Findings for one entry of Action or NotAction."""
    for verdict in action_verdicts(ctx.catalog, located.value):
        yield ctx.place(verdict, located.pointer)


@register("actions", rules=RULES)
def actions(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    for statement in document.statements:
        for values in (statement.action, statement.not_action):
            for located in values or ():
                if not ctx.reported(located.pointer):
                    yield from check_action(ctx, located)
