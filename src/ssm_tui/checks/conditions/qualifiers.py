"""Operator against key: does the operator compare the key's type, does its set qualifier fit
the key, and what does a request without the key make of the condition?

Which operators fit which keys is ssm_tui.iam.operators.misfits (the builder offers exactly
the operators with none); this module words the findings and adds the ones that depend on
the statement (an Allow with ForAllValues and no Null check, and the like)."""

from __future__ import annotations

from collections.abc import Generator

from ssm_tui.checks.base import Finding, Severity, quote
from ssm_tui.checks.conditions.common import EntryState
from ssm_tui.iam.operators import EXAMPLE_OPERATOR, Misfit, key_type, misfits


def key_type_findings(e: EntryState) -> Generator[Finding, None, bool]:
    """Operator vs key findings; returns whether the values are worth checking."""
    op, record = e.op, e.record
    if record is None or op.base == "Null":
        return True  # Null fits every key
    found = misfits(op, record)
    key = quote(e.entry.key)
    if Misfit.TYPE in found:
        kind = key_type(record)
        yield e.finding(
            Severity.WARNING,
            "TYPE_MISMATCH",
            f"{key} has type {record.type}, but {op.text} compares {op.family} values, so "
            f"the comparison does not work as intended. Use an operator for {kind} "
            f"values, such as {EXAMPLE_OPERATOR.get(kind, kind)}.",
            key=True,
        )
        return False
    if Misfit.FORALL_SINGLE in found:
        yield e.finding(
            Severity.SECURITY_WARNING,
            "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
            f"{key} is single-valued, and ForAllValues is also true when the key is "
            f"absent from the request, so {op.text} can allow more than intended. Remove "
            f"the ForAllValues: prefix.",
            key=True,
        )
    elif Misfit.FORANY_SINGLE in found:
        yield e.finding(
            Severity.WARNING,
            "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
            f"{key} is single-valued; ForAnyValue is meant for multivalued keys (type "
            f"ArrayOf...). Remove the ForAnyValue: prefix to say what the condition does.",
            key=True,
        )
    elif Misfit.NO_QUALIFIER in found:
        yield e.finding(
            Severity.ERROR,
            "MISSING_QUALIFIER",
            f"{key} is multivalued ({record.type}): a request can carry several values, "
            f"so {op.text} needs ForAllValues: (every request value must be listed) or "
            f"ForAnyValue: (at least one must be).",
            key=True,
            marks=False,
        )
    else:
        finding = _missing_key(e)
        if finding is not None:
            yield finding
    if Misfit.STRING_LIKE_ARN in found:
        yield e.finding(
            Severity.SECURITY_WARNING,
            "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
            f"{key} is an ARN key. With {op.base}, a * can span the colons between ARN "
            f"fields (account, Region, resource), while "
            f"{'ArnLike' if op.base == 'StringLike' else 'ArnNotLike'} matches each field "
            f"separately. Use the ARN operator.",
            key=True,
        )
    return True


def _missing_key(e: EntryState) -> Finding | None:
    """A set qualifier whose verdict for a request without the key the statement does not
    guard with a Null check."""
    op, statement, key = e.op, e.state.statement, quote(e.entry.key)
    if e.key_lower in e.state.never_present:
        return None  # a Null check would not help: reported as unsupported by the actions
    if op.qualifier == "ForAllValues" and statement.is_allow:
        if e.key_lower in e.state.null_false:
            return None
        return e.finding(
            Severity.WARNING,
            "FORALLVALUES_ALLOW_WITHOUT_NULL_CHECK",
            f"ForAllValues is true when {key} is absent from the request, so this Allow "
            f"also applies to requests without it. If the key must be present, add "
            f'"Null": {{{key}: "false"}} to this statement.',
            key=True,
        )
    if (
        op.qualifier == "ForAnyValue"
        and statement.is_deny
        and not op.if_exists
        and e.key_lower not in e.deny_null_true
    ):
        return e.finding(
            Severity.WARNING,
            "FORANYVALUE_DENY_WITHOUT_NULL_CHECK",
            f"ForAnyValue is false when {key} is absent from the request, so this Deny "
            f"does not apply to requests without it. If those must be denied too, add a "
            f'Deny statement with "Null": {{{key}: "true"}}.',
            key=True,
        )
    return None


def redundant_wildcard(e: EntryState) -> Finding:
    """REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION: a Like "*" that is true for every request
    (IfExists, ForAllValues: a missing key passes too); plain StringLike "*" is a presence
    test, EQUIVALENT_TO_NULL_FALSE in conditions/equivalence.py."""
    return e.finding(
        Severity.SUGGESTION,
        "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
        f'{e.op.text} with the value "*" is true for every request. Remove the key.',
        key=True,
    )
