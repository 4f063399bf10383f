"""Policy variables (`${aws:username}`, `${key, 'default'}`): syntax, known keys, Version."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote

SPECIAL_VARIABLES = ("*", "?", "$")


@dataclass(frozen=True, slots=True)
class VariableProblem:
    code: str
    message: str


def variable_problems(
    ctx: CheckContext, text: str, services: tuple[str, ...]
) -> list[VariableProblem]:
    """What is wrong with the `${...}` variables in one string (empty when all is well)."""
    problems: list[VariableProblem] = []
    pos = text.find("${")
    while pos != -1:
        end = text.find("}", pos)
        if end == -1:
            problems.append(
                VariableProblem(
                    "MISSING_BRACE_IN_VARIABLE",
                    f"The policy variable starting at {quote(text[pos : pos + 30])} has no closing "
                    f"brace; write it as ${{key}}.",
                )
            )
            break
        content = text[pos + 2 : end]
        name, comma, default = content.partition(",")
        if not content:
            problems.append(
                VariableProblem(
                    "EMPTY_VARIABLE", "${} names no variable; write a key such as ${aws:username}."
                )
            )
        elif " " in name.strip() or name != name.strip():
            problems.append(
                VariableProblem(
                    "UNSUPPORTED_SPACE_IN_VARIABLE",
                    f"The variable name {quote(name)} contains a space; variable names cannot.",
                )
            )
        elif comma and not (
            default.startswith(" '") and default.endswith("'") and len(default) >= 3
        ):
            problems.append(
                VariableProblem(
                    "MISSING_QUOTE_IN_VARIABLE",
                    f"The default value in {quote('${' + content + '}')} must follow a comma and a "
                    f"space, in single quotes: ${{{name}, 'default'}}.",
                )
            )
        elif (
            name not in SPECIAL_VARIABLES
            and ctx.catalog.condition_key(name, services=services) is None
        ):
            problems.append(
                VariableProblem(
                    "UNKNOWN_POLICY_VARIABLE",
                    f"{quote('${' + name + '}')} is not a policy variable: variables are "
                    f"condition keys such as ${{aws:username}} or ${{aws:PrincipalTag/team}}. At "
                    f"request time "
                    f"it has no value, so every entry using it matches nothing. If it is a "
                    f"template placeholder, fill it in before use.",
                )
            )
        pos = text.find("${", end + 1)
    return problems


def version_allows_variables(ctx: CheckContext) -> bool:
    document = ctx.document
    return (
        document is not None
        and document.version is not None
        and (document.version.value == "2012-10-17")
    )


def version_finding(ctx: CheckContext, pointer: str) -> Finding:
    document = ctx.document
    current = (
        f"Version is {quote(document.version.value)}"
        if document is not None and document.version is not None
        else "the policy has no Version"
    )
    return ctx.finding(
        Severity.ERROR,
        "VARIABLE_UNSUPPORTED_IN_VERSION",
        f'Policy variables need "Version": "2012-10-17", but {current}, so ${{...}} is read '
        f"as literal text and matches nothing. Set the Version to 2012-10-17.",
        pointer,
    )


def check_variables(
    ctx: CheckContext, text: str, pointer: str, services: tuple[str, ...]
) -> Iterator[Finding]:
    """Findings for the variables in one string.  An unknown variable (typically an
    unrendered template placeholder) is reported where it first occurs, once."""
    problems = variable_problems(ctx, text, services)
    for problem in problems:
        if problem.code == "UNKNOWN_POLICY_VARIABLE" and not ctx.first_time(problem.message):
            continue
        yield ctx.finding(Severity.ERROR, problem.code, problem.message, pointer)
    if problems:
        ctx.mark(pointer)
