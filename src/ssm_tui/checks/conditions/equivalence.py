"""Condition entries that a wildcard reduces to a Null check or to nothing: Access Analyzer's
EQUIVALENT_TO_NULL_FALSE, EQUIVALENT_TO_NULL_TRUE and
REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION, all three suggestions in its "IAM policy
validation check reference"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html,
sections "Suggestion - Equivalent to null false", "... null true" and "Suggestion - Redundant
statement due to wildcard in condition"). The reference gives the messages ("We recommend
replacing the key {key} in the condition block of {operator} with {recommendedKey}: false",
resp. true; "The key {key} in the condition block of {operator} does not match any values")
but lists no forms, so the forms here follow from how IAM evaluates a Like operator whose
values include "*" (a value of only `*` matches every string):

| request                    | StringLike "*" | StringNotLike "*" |
|----------------------------|----------------|-------------------|
| carries the key            | true           | false             |
| lacks it (plain)           | false          | true              |
| lacks it (IfExists/ForAll) | true           | true              |
| lacks it (ForAnyValue)     | false          | false             |

(what a request without the key gives is ssm_tui.iam.operators.Operator.when_missing). So:
true with the key, false without is `"Null": {key: "false"}` (EQUIVALENT_TO_NULL_FALSE:
StringLike, ForAnyValue:StringLike); false with, true without is `"Null": {key: "true"}`
(EQUIVALENT_TO_NULL_TRUE: StringNotLike[IfExists], ForAllValues:StringNotLike[IfExists],
ForAnyValue:StringNotLikeIfExists); false either way never matches
(REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION: ForAnyValue:StringNotLike); true either way
is always matched, which is REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION, reported by
qualifiers.redundant_wildcard and not here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote, register, rules
from ssm_tui.iam.keys import key_index
from ssm_tui.iam.operators import Misfit, Operator, misfits, parse_operator
from ssm_tui.policy.model import ConditionEntry, Statement

NULL_FALSE = "EQUIVALENT_TO_NULL_FALSE"
NULL_TRUE = "EQUIVALENT_TO_NULL_TRUE"
NEVER = "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION"

RULES = rules(
    (
        NULL_FALSE,
        "Condition equivalent to Null false",
        'StringLike "*" (or ForAnyValue:StringLike "*") only tests that the key is present. '
        'Write "Null": {key: "false"} instead.',
    ),
    (
        NULL_TRUE,
        "Condition equivalent to Null true",
        'StringNotLike "*" only tests that the key is absent. Write "Null": {key: "true"} instead.',
    ),
    (
        NEVER,
        "Condition that never matches",
        'ForAnyValue:StringNotLike "*" matches no request, so the statement never applies. '
        "Remove the key, or the statement.",
    ),
)

_LIKE = ("StringLike", "StringNotLike")


def _verdicts(op: Operator, entry: ConditionEntry) -> tuple[bool, bool] | None:
    """(with the key, without it) for an entry whose values include a value of only `*`;
    None when it has none, or is not a StringLike/StringNotLike entry."""
    if op.base not in _LIKE:
        return None
    if not any(
        isinstance(v.value, str) and v.value and set(v.value) == {"*"} for v in entry.values
    ):
        return None
    without = op.when_missing(v.value for v in entry.values)
    if without is None:
        return None
    return (not op.negated, without)


def _type_misfit(ctx: CheckContext, statement: Statement, op: Operator, key: str) -> bool:
    """StringLike on a key of another type: TYPE_MISMATCH says so; nothing to add here."""
    services = tuple(
        dict.fromkeys(
            a.value.split(":", 1)[0].lower()
            for a in statement.action or ()
            if isinstance(a.value, str) and ":" in a.value
        )
    )
    record = key_index(ctx.catalog).record(key, services)
    return record is not None and Misfit.TYPE in misfits(op, record)


def _finding(ctx: CheckContext, op: Operator, entry: ConditionEntry, code: str) -> Finding:
    key = quote(entry.key)
    where = f"The key {key} in the condition block of {op.text}"
    if code == NEVER:
        message = (
            f'{where} does not match any values: "*" matches every value, so no request '
            f"value is unlike it, and a request without the key does not match ForAnyValue "
            f"either. The condition is never true, so the statement never applies. Remove "
            f"this key (or the statement)."
        )
    else:
        present = code == NULL_FALSE
        tests = "present" if present else "absent"
        value = "false" if present else "true"
        message = (
            f'{where} with the value "*" is true exactly when the request '
            f"{'carries' if present else 'lacks'} the key, so it only tests that {key} is "
            f'{tests}. We recommend replacing it with "Null": {{{key}: "{value}"}}, which '
            f"says so."
        )
    return ctx.finding(Severity.SUGGESTION, code, message, entry.pointer, key=True)


@register("conditions", rules=RULES)
def wildcard_equivalence(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.document is None:
        return
    for statement in ctx.document.statements:
        for entry in statement.condition or ():
            op = parse_operator(entry.operator)
            if op is None or ctx.reported(entry.pointer):
                continue
            verdicts = _verdicts(op, entry)
            if verdicts is None or _type_misfit(ctx, statement, op, entry.key):
                continue
            code = {
                (True, False): NULL_FALSE,
                (False, True): NULL_TRUE,
                (False, False): NEVER,
            }.get(verdicts)
            if code is not None:  # (True, True): REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION
                yield _finding(ctx, op, entry, code)
