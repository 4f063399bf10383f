"""Wildcards in sensitive condition keys: WILDCARD_USAGE_TOO_PERMISSIVE (error), for AWS's
list of sensitive keys (IAM User Guide, AWS global condition context keys, "Sensitive
condition keys")."""

from __future__ import annotations

from typing import Any

from conftest import PARAMETERS, allow, codes, only, policy
from ssm_tui.checks.base import Severity
from ssm_tui.checks.conditions.sensitive import SENSITIVE_KEYS

CODE = "WILDCARD_USAGE_TOO_PERMISSIVE"


def cond(condition: dict[str, Any], effect: str = "Allow") -> str:
    statement = allow("ssm:GetParameter", PARAMETERS, Condition=condition)
    statement["Effect"] = effect
    return policy(statement)


def test_wildcard_in_a_sensitive_key_is_an_error() -> None:
    text = cond({"StringLike": {"aws:PrincipalOrgID": "o-a1b2*"}})
    finding = only(text, CODE)
    assert finding.severity is Severity.ERROR
    assert finding.pointer == "/Statement/0/Condition/StringLike/aws:PrincipalOrgID"
    assert "o-a1b2*" in finding.message and "aws:PrincipalOrgID" in finding.message


def test_every_listed_key_any_case_any_wildcard_operator() -> None:
    for key in SENSITIVE_KEYS:
        for operator in ("StringLike", "ForAnyValue:StringNotLikeIfExists"):
            text = cond({operator: {key.lower(): ["111122223333", "1111?2223333"]}}, "Deny")
            finding = only(text, CODE)
            assert finding.pointer.endswith("/1"), (key, operator)


def test_exact_values_variables_and_other_keys_are_not_reported() -> None:
    clean = [
        # AWS's own data-perimeter pattern: a variable is not a wildcard
        {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}},
        {"StringLike": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}},
        {"StringLike": {"aws:SourceAccount": "1111${*}"}},  # ${*} is a literal *
        {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        # aws:PrincipalOrgPaths is not on AWS's list (its documented examples use wildcards)
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-1*"}},
    ]
    for condition in clean:
        assert CODE not in codes(cond(condition)), condition


def test_literal_star_under_equals_is_left_to_wildcard_without_like() -> None:
    text = cond({"StringEquals": {"aws:PrincipalAccount": "1111*"}})
    found = codes(text)
    assert CODE not in found
    assert "WILDCARD_WITHOUT_LIKE_OPERATOR" in found


UNTRUSTWORTHY = "UNTRUSTWORTHY_CONDITION_KEY"


def test_caller_supplied_keys_are_untrustworthy_in_allow_and_deny() -> None:
    # AWS's own example of aws:Referer: allow only requests "from" a site
    # (reference_policies_condition-keys.html#condition-keys-referer)
    for effect in ("Allow", "Deny"):
        text = cond({"StringLike": {"aws:Referer": "https://www.example.com/*"}}, effect)
        finding = only(text, UNTRUSTWORTHY)
        assert finding.severity is Severity.SECURITY_WARNING
        assert finding.pointer == "/Statement/0/Condition/StringLike/aws:Referer"
        assert "aws:Referer" in finding.message and "Referer header" in finding.message
    text = cond({"StringEquals": {"AWS:USERAGENT": "my-client/1.0"}})
    assert "User-Agent header" in only(text, UNTRUSTWORTHY).message


def test_keys_aws_sets_are_not_untrustworthy() -> None:
    for key, value in (
        ("aws:SourceIp", "203.0.113.0/24"),
        ("aws:SourceVpce", "vpce-1a2b3c4d"),
        ("aws:PrincipalTag/Team", "ops"),
        ("aws:RequestedRegion", "eu-west-1"),
    ):
        operator = "IpAddress" if key == "aws:SourceIp" else "StringEquals"
        assert UNTRUSTWORTHY not in codes(cond({operator: {key: value}})), key
