"""Policy variables (`${aws:username}`, `${key, 'default'}`): syntax, known keys, Version.

The syntax is read by ssm_tui.iam.variables (the simulator reads variables with the same
parser); this module says what is wrong in words and asks the catalogue whether the key
exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote, rules
from ssm_tui.iam import variables
from ssm_tui.iam.keys import is_variable_key
from ssm_tui.iam.variables import Occurrence, Problem

# The codes of ${...} problems, reported by the condition checks (Condition values) and by
# checks/resources.py (Resource entries), which both take these rules.
RULES = rules(
    ("MISSING_BRACE_IN_VARIABLE", "Variable without closing brace", "Write variables as ${key}."),
    ("EMPTY_VARIABLE", "Empty variable", "${} names no variable."),
    (
        "UNSUPPORTED_SPACE_IN_VARIABLE",
        "Space in a variable name",
        "Variable names contain no spaces.",
    ),
    (
        "MISSING_QUOTE_IN_VARIABLE",
        "Default value not quoted",
        "A default value follows a comma and a space, in single quotes: ${key, 'default'}.",
    ),
    (
        "UNKNOWN_POLICY_VARIABLE",
        "Not a policy variable",
        "Variables are condition keys such as ${aws:username}; anything else (often an "
        "unrendered template placeholder) has no value, so the entry matches nothing.",
        False,
    ),
    (
        "VARIABLE_UNSUPPORTED_IN_VERSION",
        "Variables need Version 2012-10-17",
        'Set "Version": "2012-10-17"; otherwise ${...} is literal text.',
    ),
)


@dataclass(frozen=True, slots=True)
class VariableProblem:
    code: str
    message: str


def _syntax_problem(text: str, found: Occurrence) -> VariableProblem:
    name = found.body.partition(",")[0]
    if found.problem is Problem.UNCLOSED:
        return VariableProblem(
            "MISSING_BRACE_IN_VARIABLE",
            f"The policy variable starting at {quote(text[found.start : found.start + 30])} has "
            f"no closing brace; write it as ${{key}}.",
        )
    if found.problem is Problem.EMPTY:
        return VariableProblem(
            "EMPTY_VARIABLE", "${} names no variable; write a key such as ${aws:username}."
        )
    if found.problem is Problem.SPACE:
        return VariableProblem(
            "UNSUPPORTED_SPACE_IN_VARIABLE",
            f"The variable name {quote(name)} contains a space; variable names cannot.",
        )
    return VariableProblem(
        "MISSING_QUOTE_IN_VARIABLE",
        f"The default value in {quote('${' + found.body + '}')} must follow a comma and a "
        f"space, in single quotes: ${{{name}, 'default'}}.",
    )


def variable_problems(
    ctx: CheckContext, text: str, services: tuple[str, ...]
) -> list[VariableProblem]:
    """What is wrong with the `${...}` variables in one string (empty when all is well)."""
    problems: list[VariableProblem] = []
    for found in variables.scan(text):
        variable = found.variable
        if variable is None:
            problems.append(_syntax_problem(text, found))
        elif variable.special is None and not is_variable_key(ctx.catalog, variable.name, services):
            problems.append(
                VariableProblem(
                    "UNKNOWN_POLICY_VARIABLE",
                    f"{quote('${' + variable.name + '}')} is not a policy variable: variables "
                    f"are condition keys such as ${{aws:username}} or ${{aws:PrincipalTag/team}}. "
                    f"At request time it has no value, so every entry using it matches nothing. "
                    f"If it is a template placeholder, fill it in before use.",
                )
            )
    return problems


def version_allows_variables(ctx: CheckContext) -> bool:
    document = ctx.document
    return document is not None and variables.version_allows_variables(
        document.version.value if document.version is not None else None
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
