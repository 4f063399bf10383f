"""Condition blocks: operators, keys and values (IAM-REFERENCE.md 2.4-2.6).

For each `"operator": {"key": value-or-values}` entry: is the operator one of the 27 base
operators (with `IfExists` and `ForAllValues:`/`ForAnyValue:`), is the key a real condition
key (global `aws:` key, or a key of the service its prefix names), do the statement's
actions support it, does the operator fit the key's type, and do the values fit the
operator (numbers, dates, booleans, CIDR ranges, base64, Regions, VPC IDs, variables)?

What IAM means (operators, key types, value formats, which actions support which keys) is
in ssm_tui.iam, which the simulator and the builder read too; the modules here word the
findings, one concern each:
- blocks: operator names, duplicate keys in a block;
- keys: key format, unknown keys, keys the actions do not support, empty value lists;
- qualifiers: operator against key type, set qualifiers, what a missing key does;
- values: value formats, wildcards without Like, policy variables;
- network: IP ranges and aws:SourceIp, VPC and VPC endpoint IDs, Regions;
- checker: the walk that hands each entry to them;
- rules: the rules of the codes they report.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, register
from ssm_tui.checks.conditions.checker import ConditionChecker
from ssm_tui.checks.conditions.rules import RULES
from ssm_tui.iam.operators import VALID_OPERATORS, Operator, operator_candidates, parse_operator

__all__ = ["VALID_OPERATORS", "Operator", "conditions", "operator_candidates", "parse_operator"]


@register("conditions", rules=RULES)
def conditions(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.document is None:
        return
    yield from ConditionChecker(ctx).run()


# Checks of their own (each module registers one, with its rules), after the main walk.
from ssm_tui.checks.conditions import equivalence, sensitive, services  # noqa: E402, F401
