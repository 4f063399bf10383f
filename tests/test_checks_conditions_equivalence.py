"""Like conditions with a "*" value that reduce to a Null check, or never match (Access
Analyzer's EQUIVALENT_TO_NULL_FALSE / _TRUE and REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION;
its reference gives messages but no example policy, so the examples here are ours)."""

from __future__ import annotations

from typing import Any

from conftest import allow, findings, only, policy

MINE = (
    "EQUIVALENT_TO_NULL_FALSE",
    "EQUIVALENT_TO_NULL_TRUE",
    "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION",
)


def cond(condition: dict[str, Any], action: str = "iam:ListUsers") -> str:
    return policy(allow(action, Condition=condition))


def mine(text: str) -> list[str]:
    return [f.code for f in findings(text) if f.code in MINE]


def test_string_like_star_is_null_false() -> None:
    finding = only(cond({"StringLike": {"aws:username": "*"}}), "EQUIVALENT_TO_NULL_FALSE")
    assert finding.severity == "suggestion"
    assert finding.pointer.endswith("/Condition/StringLike/aws:username")
    assert '"Null": {"aws:username": "false"}' in finding.message
    # ForAnyValue: a request without the key does not match, one with any value does
    any_value = cond({"ForAnyValue:StringLike": {"aws:TagKeys": ["*"]}}, "iam:TagRole")
    assert mine(any_value) == ["EQUIVALENT_TO_NULL_FALSE"]


def test_string_not_like_star_is_null_true() -> None:
    finding = only(cond({"StringNotLike": {"aws:username": "*"}}), "EQUIVALENT_TO_NULL_TRUE")
    assert finding.severity == "suggestion"
    assert '"Null": {"aws:username": "true"}' in finding.message
    for op in ("StringNotLikeIfExists", "ForAllValues:StringNotLike"):
        key = "aws:TagKeys" if op.startswith("For") else "aws:username"
        assert mine(cond({op: {key: ["x", "*"]}}, "iam:TagRole")) == ["EQUIVALENT_TO_NULL_TRUE"]


def test_for_any_value_string_not_like_star_never_matches() -> None:
    text = cond({"ForAnyValue:StringNotLike": {"aws:TagKeys": "*"}}, "iam:TagRole")
    finding = only(text, "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION")
    assert finding.severity == "suggestion"
    assert "does not match any values" in finding.message


def test_conditions_that_really_compare_are_not_reported() -> None:
    assert mine(cond({"StringLike": {"aws:username": "admin-*"}})) == []
    assert mine(cond({"StringNotLike": {"aws:username": ["a*", "?b"]}})) == []
    assert mine(cond({"Null": {"aws:username": "false"}})) == []
    # always matched: REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION's, not these codes
    always = cond({"StringLikeIfExists": {"aws:username": "*"}})
    assert mine(always) == []
    assert only(always, "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION")
    # a key of another type: TYPE_MISMATCH says what is wrong
    assert mine(cond({"StringLike": {"aws:MultiFactorAuthAge": "*"}})) == []
