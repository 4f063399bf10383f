"""Access Analyzer's advice on condition entries that work but could be written better or
safer: REDUNDANT_CONDITION_VALUE_NUM (suggestion) and MISSING_PAIRED_CONDITION_KEYS
(security warning), as its "Access Analyzer policy check reference" defines them
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
"""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote
from ssm_tui.checks.conditions.common import EntryState, StatementState
from ssm_tui.iam.values import parse_number
from ssm_tui.policy.model import LocatedScalar

ADVICE_RULES = (
    (
        "REDUNDANT_CONDITION_VALUE_NUM",
        "Overlapping numeric values",
        "The values of a numeric operator are alternatives, so with LessThan only the greatest "
        "counts and with GreaterThan only the least. Keep that one value.",
    ),
    (
        "MISSING_PAIRED_CONDITION_KEYS",
        "Condition key without its paired key",
        "Some condition keys are more secure with a related key in the same condition block "
        "(aws:VpcSourceIp with aws:SourceVpc). Add the related key.",
    ),
)

# Keys Access Analyzer wants paired, with the keys to add: only the pair its reference
# documents (aws:VpcSourceIp with aws:SourceVpc, under MISSING_PAIRED_CONDITION_KEYS).
PAIRED_KEYS: dict[str, tuple[str, ...]] = {"aws:vpcsourceip": ("aws:SourceVpc",)}


def redundant_numbers(e: EntryState, values: list[LocatedScalar]) -> Iterator[Finding]:
    """Several values under NumericLessThan(Equals) or NumericGreaterThan(Equals): any one
    matching is enough, so only the greatest (LessThan) or least (GreaterThan) matters."""
    order = e.op.spec.order
    if e.op.family != "Numeric" or order not in (
        "LessThan",
        "LessThanEquals",
        "GreaterThan",
        "GreaterThanEquals",
    ):
        return
    parsed = [(v, parse_number(v.value)) for v in values]
    numbers = [(v, n) for v, n in parsed if n is not None]
    if len(numbers) < 2 or len(numbers) != len(parsed):
        return
    less = order.startswith("LessThan")
    which = "greatest" if less else "least"
    pick = max if less else min
    kept = pick(numbers, key=lambda pair: pair[1])[0].value
    yield e.finding(
        Severity.SUGGESTION,
        "REDUNDANT_CONDITION_VALUE_NUM",
        f"Multiple values in {e.op.text} are redundant: a request matches when it matches "
        f"any one of them, so only the {which} counts. Replace them with the {which} single "
        f"value for {quote(e.entry.key)}: {quote(str(kept))}.",
    )


def missing_pairs(ctx: CheckContext, state: StatementState) -> Iterator[Finding]:
    """A key of PAIRED_KEYS whose partners are absent from the statement's Condition."""
    entries = state.statement.condition or ()
    present = {entry.key.lower() for entry in entries}
    reported: set[str] = set()
    for entry in entries:
        lower = entry.key.lower()
        partners = PAIRED_KEYS.get(lower)
        if partners is None or lower in reported or ctx.reported(entry.pointer):
            continue
        missing = [p for p in partners if p.lower() not in present]
        if not missing:
            continue
        reported.add(lower)
        yield ctx.finding(
            Severity.SECURITY_WARNING,
            "MISSING_PAIRED_CONDITION_KEYS",
            f"Using the condition key {quote(entry.key)} can be overly permissive without "
            f"also using {', '.join(quote(p) for p in missing)}: keys like this one are more "
            f"secure when paired with a related key. Add {' and '.join(missing)} to the same "
            f"condition block.",
            entry.pointer,
            key=True,
            marks=False,
        )
