"""Actions: form, whitespace, service, existence with did-you-mean, wildcards, case."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ssm_tui.catalog import CERTAIN_SCORE, has_wildcard
from ssm_tui.checks.base import CheckContext, Finding, Severity, quote, register
from ssm_tui.policy.model import Located

_WHITESPACE = re.compile(r"\s")


def _did_you_mean(candidates: list[str]) -> str:
    if not candidates:
        return ""
    if len(candidates) == 1:
        return f" Did you mean {quote(candidates[0])}?"
    return " Did you mean " + " or ".join(quote(c) for c in candidates) + "?"


def check_action(ctx: CheckContext, located: Located) -> Iterator[Finding]:
    """Findings for one entry of Action or NotAction."""
    value, pointer = located.value, located.pointer
    catalog = ctx.catalog
    if value == "*":
        return
    stripped = value.strip()
    if stripped != value:
        where = "leading" if value[0].isspace() else "trailing"
        if value[0].isspace() and value[-1].isspace():
            where = "leading and trailing"
        yield ctx.finding(
            Severity.ERROR,
            "INVALID_ACTION",
            f"{quote(value)} has {where} whitespace, so it matches no action and grants "
            f"nothing. Remove the whitespace.",
            pointer,
            suggestion=stripped or None,
            fix=ctx.replace_value(pointer, stripped, f"remove the whitespace around {stripped}")
            if stripped
            else None,
        )
        return
    if "${" in value:
        yield ctx.finding(
            Severity.ERROR,
            "VARIABLE_UNSUPPORTED_IN_ELEMENT",
            f"{quote(value)} contains a policy variable; variables work only in Resource and "
            f"in Condition values, not in actions.",
            pointer,
        )
        return
    prefix, sep, name = value.partition(":")
    if not sep or not prefix or not name or ":" in name or _WHITESPACE.search(value) is not None:
        yield ctx.finding(
            Severity.ERROR,
            "INVALID_ACTION",
            f"{quote(value)} is not an action: write it as service:ActionName, for example "
            f'"ssm:GetParameter".',
            pointer,
        )
        return
    if has_wildcard(prefix):
        services = catalog.match_services(prefix)
        if not services:
            yield ctx.finding(
                Severity.ERROR,
                "INVALID_SERVICE_IN_ACTION",
                f"The service pattern {quote(prefix)} in {quote(value)} matches no AWS "
                f"service, so it grants nothing.",
                pointer,
            )
            return
        yield ctx.finding(
            Severity.SUGGESTION,
            "WILDCARD_IN_SERVICE_NAME",
            f"{quote(value)} has a wildcard in the service name, which matches "
            f"{len(services)} services ({', '.join(services[:5])}"
            f"{', ...' if len(services) > 5 else ''}) and any added later. Name the services.",
            pointer,
        )
        if not catalog.expand(value):
            yield ctx.finding(
                Severity.ERROR,
                "INVALID_ACTION",
                f"{quote(value)} matches no action of those services, so it grants nothing.",
                pointer,
            )
        return
    if not catalog.has_service(prefix):
        guesses = catalog.suggest_service(prefix)
        corrected = [
            f"{g}:{catalog.actions(g)[name.lower()].name}"
            for g in guesses
            if not has_wildcard(name) and name.lower() in catalog.actions(g)
        ]
        if has_wildcard(name):
            corrected = [f"{g}:{name}" for g in guesses if catalog.expand(f"{g}:{name}")]
        shown = corrected or [f"{g}:" for g in guesses]
        certain = corrected[0] if len(corrected) == 1 else None
        yield ctx.finding(
            Severity.ERROR,
            "INVALID_SERVICE_IN_ACTION",
            f"{quote(prefix)} is not an AWS service prefix, so {quote(value)} grants nothing."
            f"{_did_you_mean(shown)}",
            pointer,
            suggestion=certain,
            fix=ctx.replace_value(pointer, certain, f"write {certain}") if certain else None,
        )
        return
    if has_wildcard(name):
        if not catalog.expand(value):
            yield ctx.finding(
                Severity.ERROR,
                "INVALID_ACTION",
                f"{quote(value)} matches no action of {_service_label(ctx, prefix)}, so it "
                f"grants nothing.",
                pointer,
            )
            return
        if prefix != prefix.lower():
            canonical = f"{prefix.lower()}:{name}"
            yield _case_finding(ctx, value, canonical, pointer)
        return
    action = catalog.action(value)
    if action is None:
        guesses = catalog.suggest_action(value)
        # certain only when a single action is very close (a typo, not a different action)
        close = catalog.suggest_action(value, limit=2, cutoff=CERTAIN_SCORE)
        certain = close[0] if len(close) == 1 else None
        yield ctx.finding(
            Severity.ERROR,
            "INVALID_ACTION",
            f"{quote(value)} is not an action of {_service_label(ctx, prefix)}, so it grants "
            f"nothing."
            f"{_did_you_mean(guesses)}",
            pointer,
            suggestion=guesses[0] if guesses else None,
            fix=ctx.replace_value(pointer, certain, f"write {certain}") if certain else None,
        )
        return
    if value != action.full_name:
        yield _case_finding(ctx, value, action.full_name, pointer)


def _service_label(ctx: CheckContext, prefix: str) -> str:
    return ctx.catalog.service_name(prefix) or prefix


def _case_finding(ctx: CheckContext, value: str, canonical: str, pointer: str) -> Finding:
    return ctx.finding(
        Severity.SUGGESTION,
        "NON_CANONICAL_CASE",
        f"Actions are case-insensitive, so {quote(value)} works, but the documented form is "
        f"{quote(canonical)}; using it keeps policies easy to search and compare.",
        pointer,
        suggestion=canonical,
        fix=ctx.replace_value(pointer, canonical, f"write {canonical}"),
    )


@register("actions")
def actions(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    for statement in document.statements:
        for values in (statement.action, statement.not_action):
            for located in values or ():
                if not ctx.reported(located.pointer):
                    yield from check_action(ctx, located)
