"""The one table of condition operators: parsing, key fit, the builder's list, evaluation."""

from __future__ import annotations

import pytest

from ssm_tui.checks import conditions as checks_conditions
from ssm_tui.iam.catalog import ConditionKey, get_catalog
from ssm_tui.iam.operators import (
    BASE_OPERATORS,
    VALID_OPERATORS,
    Misfit,
    condition_true,
    misfits,
    operator_candidates,
    operators_for,
    parse_operator,
)
from ssm_tui.iam.variables import resolver


def key(name: str, services: tuple[str, ...] = ()) -> ConditionKey:
    record = get_catalog().condition_key(name, services=services)
    assert record is not None, name
    return record


def test_one_table() -> None:
    # the validator re-exports the same objects: there is no second table
    assert checks_conditions.VALID_OPERATORS is VALID_OPERATORS
    assert checks_conditions.parse_operator is parse_operator
    assert len(BASE_OPERATORS) == 27 and len(VALID_OPERATORS) == 3 * (27 * 2 - 1)
    families = {spec.family.name for spec in BASE_OPERATORS.values()}
    assert families == {"String", "Numeric", "Date", "Bool", "Binary", "IP", "ARN", "Null"}


def test_parse_operator() -> None:
    op = parse_operator("ForAnyValue:StringNotLikeIfExists")
    assert op is not None
    assert (op.base, op.family, op.qualifier, op.if_exists) == (
        "StringNotLike",
        "String",
        "ForAnyValue",
        True,
    )
    assert op.negated and op.is_like and op.takes_variables
    assert parse_operator("NullIfExists") is None
    assert parse_operator("stringEquals") is None  # names are case-sensitive
    assert operator_candidates("stringequals") == ("StringEquals",)
    arn_equals = parse_operator("ArnEquals")
    assert arn_equals is not None and arn_equals.spec.wildcards and not arn_equals.is_like
    assert arn_equals.spec.like_name == "ArnLike"
    ignore_case = parse_operator("StringNotEqualsIgnoreCase")
    assert ignore_case is not None and ignore_case.spec.like_name == "StringNotLike"
    date = parse_operator("DateEquals")
    assert date is not None and not date.takes_variables and date.spec.like_name is None


def test_when_missing() -> None:
    cases = {
        "StringEquals": False,
        "StringNotEquals": True,
        "NumericLessThanIfExists": True,
        "ForAllValues:StringEquals": True,
        "ForAnyValue:StringNotEquals": False,
        "ForAllValues:Null": True,
        "ForAnyValue:Null": False,
    }
    for text, expected in cases.items():
        op = parse_operator(text)
        assert op is not None and op.when_missing(["x"]) is expected, text
    null = parse_operator("Null")
    assert null is not None
    assert null.when_missing(["true"]) is True and null.when_missing([False]) is False
    assert null.when_missing(["TRUE", "false"]) is True
    assert null.when_missing(["maybe"]) is None


def test_misfits() -> None:
    def fit(text: str, name: str) -> tuple[Misfit, ...]:
        op = parse_operator(text)
        assert op is not None
        return misfits(op, key(name))

    assert fit("NumericEquals", "aws:SourceIp") == (Misfit.TYPE,)
    assert fit("NumericLessThan", "aws:EpochTime") == ()  # Date or Numeric
    assert fit("DateLessThan", "aws:EpochTime") == ()
    assert fit("StringEquals", "aws:PrincipalArn") == ()  # String operators fit ARN keys
    assert fit("StringLike", "aws:PrincipalArn") == (Misfit.STRING_LIKE_ARN,)
    assert fit("ForAllValues:StringEquals", "aws:username") == (Misfit.FORALL_SINGLE,)
    assert fit("ForAnyValue:StringEquals", "aws:username") == (Misfit.FORANY_SINGLE,)
    assert fit("StringEquals", "aws:TagKeys") == (Misfit.NO_QUALIFIER,)
    assert fit("Null", "aws:TagKeys") == ()
    assert fit("ArnLike", "aws:username") == (Misfit.TYPE,)


def test_operators_for() -> None:
    arn = operators_for(key("aws:PrincipalArn"))
    assert arn[:4] == ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike")
    # the builder now offers String operators on ARN keys too, as the validator accepts them
    assert {"StringEquals", "StringNotEqualsIgnoreCase", "StringEqualsIfExists"} <= set(arn)
    assert "StringLike" not in arn and arn[-1] == "Null"
    assert operators_for(key("aws:SecureTransport")) == ("Bool", "BoolIfExists", "Null")
    epoch = operators_for(key("aws:EpochTime"))
    assert epoch[0] == "DateEquals" and "NumericLessThan" in epoch
    tags = operators_for(key("aws:TagKeys"))
    assert tags[0] == "ForAnyValue:StringEquals" and "StringEquals" not in tags
    assert all(t.startswith("For") for t in tags[:-1]) and "ForAllValues:Null" not in tags
    ip = operators_for(key("aws:SourceIp"))
    assert ip == ("IpAddress", "NotIpAddress", "IpAddressIfExists", "NotIpAddressIfExists", "Null")


def test_condition_true() -> None:
    resolve = resolver(lambda name: ["alice"] if name.lower() == "aws:username" else None)

    def true(text: str, policy: list[object], request: list[str] | None) -> bool:
        op = parse_operator(text)
        assert op is not None
        return condition_true(op, policy, request, resolve)

    assert true("StringEquals", ["${aws:username}"], ["alice"])
    assert not true("StringEquals", ["${aws:userid}"], ["alice"])
    assert true("StringNotEquals", ["${aws:userid}"], ["alice"])  # unresolved: no match
    assert true("NumericLessThan", [10], ["9.99"]) and not true("NumericLessThan", [10], ["10"])
    assert true("DateGreaterThan", ["2030"], ["2030-01-01T00:00:01Z"])
    assert true("ForAllValues:StringLike", ["a*"], ["ab", "ac"])
    assert not true("ForAllValues:StringLike", ["a*"], ["ab", "b"])
    assert true("ForAnyValue:StringLike", ["a*"], ["b", "ab"])
    assert true("ForAllValues:StringLike", ["a*"], None)
    assert not true("ForAnyValue:StringLike", ["a*"], [])
    assert true("Null", ["true"], None) and not true("Null", ["true"], ["x"])
    assert true("ArnLike", ["arn:aws:iam::*:role/${aws:username}"], ["arn:aws:iam::1:role/alice"])
    assert true("ArnLike", ["arn:aws:iam::*:*"], ["arn:aws:iam::1:role:x:y"])  # 6th keeps ':'
    # the IAM User Guide's example: StringLike's * spans colons, ArnLike's does not
    pattern = ["arn:aws:someservice:*:111122223333:finance/*"]
    value = ["arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/doc.txt"]
    assert true("StringLike", pattern, value) and not true("ArnLike", pattern, value)
    assert not true("ArnEquals", pattern, value) and true("ArnNotEquals", pattern, value)


@pytest.mark.parametrize("text", VALID_OPERATORS)
def test_every_valid_operator_evaluates(text: str) -> None:
    op = parse_operator(text)
    assert op is not None
    assert isinstance(condition_true(op, ["x"], ["x"], None), bool)
    assert isinstance(condition_true(op, ["x"], None, None), bool)
