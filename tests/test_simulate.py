"""The offline simulator: expected decisions written from IAM's evaluation rules."""

from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssm_tui.access.permissions import effective_permissions
from ssm_tui.access.simulate import Decision, PolicyError, Request, condition_keys_used, simulate
from ssm_tui.cli.simulate import add_simulate_command, parse_context, run_simulate
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.policy.model import parse_policy

DOC = "arn:aws:ssm:us-east-1:123456789012:document/Deploy"
INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any = "ssm:SendCommand", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def when(operator: str, key: str, values: Any) -> dict[str, Any]:
    return allow(Condition={operator: {key: values}})


def decide(
    statement: dict[str, Any],
    context: dict[str, list[str]] | None = None,
    resource: str = "*",
    action: str = "ssm:SendCommand",
) -> str:
    request = Request(action=action, resource=resource, context=context or {})
    return simulate([policy(statement)], request).decision


ALLOWED, IMPLICIT, EXPLICIT = "allowed", "implicit_deny", "explicit_deny"


# --- actions and resources ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("ssm:SendCommand", ALLOWED),
        ("SSM:sendcommand", ALLOWED),  # case-insensitive
        ("ssm:Send*", ALLOWED),
        ("ssm:?endCommand", ALLOWED),
        ("ssm:*", ALLOWED),
        ("*", ALLOWED),
        ("ssm:Get*", IMPLICIT),
        ("ec2:*", IMPLICIT),
    ],
)
def test_action_matching(action: str, expected: str) -> None:
    assert decide(allow(action)) == expected


def test_not_action_allows_everything_else() -> None:
    statement = {"Effect": "Allow", "NotAction": ["ssm:Get*", "iam:*"], "Resource": "*"}
    assert decide(statement) == ALLOWED
    assert decide(statement, action="ssm:GetParameter") == IMPLICIT
    assert decide(statement, action="iam:PassRole") == IMPLICIT
    assert decide(statement, action="ec2:RunInstances") == ALLOWED


@pytest.mark.parametrize(
    ("entry", "resource", "expected"),
    [
        ("*", DOC, ALLOWED),
        (DOC, DOC, ALLOWED),
        ("arn:aws:ssm:*:*:document/*", DOC, ALLOWED),
        ("arn:aws:ssm:us-east-?:123456789012:document/Dep*", DOC, ALLOWED),
        ("arn:aws:ssm:*:*:document/deploy", DOC, IMPLICIT),  # case-sensitive
        ("arn:aws:ssm:*:*:parameter/*", DOC, IMPLICIT),
        ("arn:aws:ssm:*:*:*", DOC, ALLOWED),  # the last field keeps its slashes
        ("arn:aws:ssm:*:*:document/Deploy", "*", IMPLICIT),  # only "*" covers "*"
    ],
)
def test_resource_matching(entry: str, resource: str, expected: str) -> None:
    assert decide(allow(resource=entry), resource=resource) == expected


def test_not_resource() -> None:
    statement = {"Effect": "Allow", "Action": "ssm:*", "NotResource": "arn:aws:ssm:*:*:document/*"}
    assert decide(statement, resource=DOC) == IMPLICIT
    assert decide(statement, resource=INSTANCE) == ALLOWED


# --- condition operators -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "values", "given", "expected"),
    [
        ("StringEquals", "prod", ["prod"], ALLOWED),
        ("StringEquals", "prod", ["Prod"], IMPLICIT),
        ("StringEquals", ["dev", "prod"], ["prod"], ALLOWED),  # OR across values
        ("StringNotEquals", ["dev", "prod"], ["prod"], IMPLICIT),  # NOR across values
        ("StringNotEquals", ["dev", "prod"], ["test"], ALLOWED),
        ("StringEqualsIgnoreCase", "PROD", ["prod"], ALLOWED),
        ("StringNotEqualsIgnoreCase", "PROD", ["prod"], IMPLICIT),
        ("StringLike", "pr?d*", ["prod-1"], ALLOWED),
        ("StringLike", "pr?d*", ["Prod-1"], IMPLICIT),
        ("StringNotLike", "dev-*", ["prod"], ALLOWED),
        ("StringNotLike", "dev-*", ["dev-1"], IMPLICIT),
        ("StringEquals", "dev-*", ["dev-1"], IMPLICIT),  # no wildcards without Like
        ("NumericEquals", "3", ["3.0"], ALLOWED),
        ("NumericNotEquals", "3", ["3"], IMPLICIT),
        ("NumericLessThan", "3600", ["100"], ALLOWED),
        ("NumericLessThan", "3600", ["3600"], IMPLICIT),
        ("NumericLessThanEquals", 3600, ["3600"], ALLOWED),
        ("NumericGreaterThan", "10", ["11"], ALLOWED),
        ("NumericGreaterThanEquals", "10", ["9"], IMPLICIT),
        ("NumericEquals", "3", ["three"], IMPLICIT),
        ("DateLessThan", "2030-01-01T00:00:00Z", ["2025-06-01T12:00:00Z"], ALLOWED),
        ("DateGreaterThan", "2030-01-01T00:00:00Z", ["2025-06-01T12:00:00Z"], IMPLICIT),
        ("DateEquals", "2024-01-01T00:00:00Z", ["1704067200"], ALLOWED),  # epoch seconds
        ("DateNotEquals", "2024-01-01T00:00:00Z", ["1704067200"], IMPLICIT),
        ("DateGreaterThanEquals", "1704067200", ["2024-01-01T00:00:00+00:00"], ALLOWED),
        ("DateLessThanEquals", "2024-01-01", ["2024-01-02"], IMPLICIT),
        ("Bool", "true", ["true"], ALLOWED),
        ("Bool", True, ["true"], ALLOWED),
        ("Bool", "true", ["false"], IMPLICIT),
        ("BinaryEquals", "QmluYXJ5", ["QmluYXJ5"], ALLOWED),
        ("BinaryEquals", "QmluYXJ5", ["QmluYXJ6"], IMPLICIT),
        ("IpAddress", "203.0.113.0/24", ["203.0.113.7"], ALLOWED),
        ("IpAddress", "203.0.113.9/24", ["203.0.113.7"], ALLOWED),  # host bits ignored
        ("IpAddress", "203.0.113.0/24", ["198.51.100.1"], IMPLICIT),
        ("IpAddress", "2001:db8::/32", ["2001:db8::1"], ALLOWED),
        ("IpAddress", "2001:db8::/32", ["203.0.113.7"], IMPLICIT),
        ("NotIpAddress", "203.0.113.0/24", ["198.51.100.1"], ALLOWED),
        ("NotIpAddress", "203.0.113.0/24", ["203.0.113.7"], IMPLICIT),
        (
            "ArnLike",
            "arn:aws:iam::*:role/Ops*",
            ["arn:aws:iam::123456789012:role/OpsAdmin"],
            ALLOWED,
        ),
        ("ArnEquals", "arn:aws:iam::*:role/Ops*", ["arn:aws:iam::1:role/OpsAdmin"], ALLOWED),
        ("ArnLike", "arn:aws:iam::*:role/ops*", ["arn:aws:iam::1:role/OpsAdmin"], IMPLICIT),
        ("ArnNotLike", "arn:aws:iam::*:role/Ops*", ["arn:aws:iam::1:role/Dev"], ALLOWED),
        ("ArnNotEquals", "arn:aws:iam::*:role/Ops*", ["arn:aws:iam::1:role/Ops"], IMPLICIT),
        ("StringEqualsBogus", "x", ["x"], IMPLICIT),  # unknown operator never holds
    ],
)
def test_operators(operator: str, values: Any, given: list[str], expected: str) -> None:
    assert decide(when(operator, "aws:SomeKey", values), {"aws:SomeKey": given}) == expected


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", IMPLICIT),  # positive operator, key missing: false
        ("StringNotEquals", ALLOWED),  # negated operator, key missing: true
        ("StringNotLike", ALLOWED),
        ("NotIpAddress", ALLOWED),
        ("ArnNotLike", ALLOWED),
        ("NumericLessThan", IMPLICIT),
        ("StringEqualsIfExists", ALLOWED),
        ("NumericLessThanIfExists", ALLOWED),
        ("ForAllValues:StringEquals", ALLOWED),
        ("ForAnyValue:StringEquals", IMPLICIT),
    ],
)
def test_missing_key(operator: str, expected: str) -> None:
    assert decide(when(operator, "aws:SomeKey", "x")) == expected
    # an empty list of values behaves like a missing key
    assert decide(when(operator, "aws:SomeKey", "x"), {"aws:SomeKey": []}) == expected


def test_if_exists_present_key_still_checked() -> None:
    statement = when("StringEqualsIfExists", "ssm:resourceTag/env", "prod")
    assert decide(statement, {"ssm:resourceTag/env": ["prod"]}) == ALLOWED
    assert decide(statement, {"ssm:resourceTag/env": ["dev"]}) == IMPLICIT


def test_null() -> None:
    absent = when("Null", "aws:TokenIssueTime", "true")
    present = when("Null", "aws:TokenIssueTime", "false")
    assert decide(absent) == ALLOWED
    assert decide(absent, {"aws:TokenIssueTime": ["2024-01-01T00:00:00Z"]}) == IMPLICIT
    assert decide(present) == IMPLICIT
    assert decide(present, {"aws:TokenIssueTime": ["2024-01-01T00:00:00Z"]}) == ALLOWED
    assert decide(when("Null", "aws:TokenIssueTime", True)) == ALLOWED


def test_for_all_values() -> None:
    statement = when("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"])
    assert decide(statement, {"aws:TagKeys": ["env"]}) == ALLOWED
    assert decide(statement, {"aws:TagKeys": ["env", "team"]}) == ALLOWED
    assert decide(statement, {"aws:TagKeys": ["env", "owner"]}) == IMPLICIT
    assert decide(statement, {"aws:TagKeys": []}) == ALLOWED  # empty: true
    assert decide(statement) == ALLOWED  # missing: true


def test_for_any_value() -> None:
    statement = when("ForAnyValue:StringEquals", "aws:TagKeys", ["env", "team"])
    assert decide(statement, {"aws:TagKeys": ["owner", "team"]}) == ALLOWED
    assert decide(statement, {"aws:TagKeys": ["owner"]}) == IMPLICIT
    assert decide(statement, {"aws:TagKeys": []}) == IMPLICIT
    assert decide(statement) == IMPLICIT


def test_set_operators_with_negated_base() -> None:
    every = when("ForAllValues:StringNotEquals", "aws:TagKeys", ["secret"])
    assert decide(every, {"aws:TagKeys": ["env", "team"]}) == ALLOWED
    assert decide(every, {"aws:TagKeys": ["env", "secret"]}) == IMPLICIT
    some = when("ForAnyValue:StringNotLike", "aws:TagKeys", ["aws*"])
    assert decide(some, {"aws:TagKeys": ["awsx", "env"]}) == ALLOWED
    assert decide(some, {"aws:TagKeys": ["awsx"]}) == IMPLICIT


def test_and_across_keys_and_operators() -> None:
    statement = allow(
        Condition={
            "StringEquals": {"aws:RequestedRegion": "us-east-1", "aws:PrincipalTag/team": "ops"},
            "Bool": {"aws:SecureTransport": "true"},
        }
    )
    context = {
        "aws:RequestedRegion": ["us-east-1"],
        "aws:PrincipalTag/team": ["ops"],
        "aws:SecureTransport": ["true"],
    }
    assert decide(statement, context) == ALLOWED
    assert decide(statement, {**context, "aws:SecureTransport": ["false"]}) == IMPLICIT
    assert decide(statement, {**context, "aws:PrincipalTag/team": ["dev"]}) == IMPLICIT


def test_context_keys_are_case_insensitive() -> None:
    statement = when("StringEquals", "aws:RequestedRegion", "us-east-1")
    assert decide(statement, {"AWS:requestedregion": ["us-east-1"]}) == ALLOWED


# --- policy variables --------------------------------------------------------------------

HOME = "arn:aws:ssm:*:*:parameter/home/${aws:username}/*"


def param(name: str) -> str:
    return f"arn:aws:ssm:us-east-1:123456789012:parameter/home/{name}"


def test_variable_in_resource() -> None:
    statement = allow("ssm:GetParameter", HOME)
    alice = {"aws:username": ["alice"]}
    assert decide(statement, alice, param("alice/x"), "ssm:GetParameter") == ALLOWED
    assert decide(statement, alice, param("bob/x"), "ssm:GetParameter") == IMPLICIT
    # a missing variable makes the entry match nothing, not everything
    assert decide(statement, {}, param("alice/x"), "ssm:GetParameter") == IMPLICIT
    # a value is literal text, not a wildcard
    assert decide(statement, {"aws:username": ["*"]}, param("bob/x"), "ssm:GetParameter") == (
        IMPLICIT
    )


def test_variable_default_and_special() -> None:
    statement = allow(
        "ssm:GetParameter", "arn:aws:ssm:*:*:parameter/home/${aws:username, 'guest'}/*"
    )
    assert decide(statement, {}, param("guest/x"), "ssm:GetParameter") == ALLOWED
    assert decide(statement, {"aws:username": ["bo"]}, param("bo/x"), "ssm:GetParameter") == (
        ALLOWED
    )
    assert decide(statement, {}, param("bo/x"), "ssm:GetParameter") == IMPLICIT
    star = when("StringEquals", "aws:SomeKey", "a${*}b")
    assert decide(star, {"aws:SomeKey": ["a*b"]}) == ALLOWED
    assert decide(star, {"aws:SomeKey": ["axb"]}) == IMPLICIT


def test_variable_in_conditions() -> None:
    key = "ssm:resourceTag/owner"
    equals = when("StringEquals", key, "${aws:username}")
    assert decide(equals, {key: ["alice"], "aws:username": ["alice"]}) == ALLOWED
    assert decide(equals, {key: ["bob"], "aws:username": ["alice"]}) == IMPLICIT
    assert decide(equals, {key: ["alice"]}) == IMPLICIT  # no value: never matches
    not_equals = when("StringNotEquals", key, "${aws:username}")
    assert decide(not_equals, {key: ["alice"]}) == ALLOWED  # negated: no match → true
    like = when("StringLike", key, "${aws:username}-*")
    assert decide(like, {key: ["alice-2"], "aws:username": ["alice"]}) == ALLOWED
    arn = when("ArnLike", "aws:PrincipalArn", "arn:aws:iam::${aws:PrincipalAccount}:role/*")
    context = {"aws:PrincipalArn": ["arn:aws:iam::111122223333:role/x"]}
    assert decide(arn, {**context, "aws:PrincipalAccount": ["111122223333"]}) == ALLOWED
    assert decide(arn, {**context, "aws:PrincipalAccount": ["999999999999"]}) == IMPLICIT


# --- what the validator and the simulator used to read differently (issue 10) ---------------


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        ("2030-06", "2025-01-01T00:00:00Z", ALLOWED),  # the example
        ("2030", "2025-01-01T00:00:00Z", ALLOWED),  # the year 2030, not 2030 epoch seconds
        ("2030", "2031-01-01T00:00:00Z", IMPLICIT),
        ("2030-06", "2030-06-01T00:00:00Z", IMPLICIT),  # 2030-06 is its first instant
        ("2030-06", "2030-05-31T23:59:59Z", ALLOWED),
        ("2030-06-01T02:00+02:00", "2030-05-31T23:59:59Z", ALLOWED),
        ("2030-06-01T02:00+02:00", "2030-06-01T00:00:00Z", IMPLICIT),
        ("1735689600", "2024-12-31T23:59:59Z", ALLOWED),  # epoch seconds (2025-01-01)
        ("1735689600", "1735689600", IMPLICIT),
    ],
)
def test_dates_read_as_iam_reads_them(value: str, now: str, expected: str) -> None:
    statement = when("DateLessThan", "aws:CurrentTime", value)
    assert decide(statement, {"aws:CurrentTime": [now]}) == expected


@pytest.mark.parametrize("value", ["1e5", "nan", "inf", " 12 ", "1_000", "0x10", ""])
def test_numbers_are_integers_or_decimals_only(value: str) -> None:
    # float() reads all of these; IAM's numbers are digits with a sign and a decimal point.
    for request in (value, "100000", "12", "1000", "16"):
        assert decide(when("NumericEquals", "s3:max-keys", value), {"s3:max-keys": [request]}) == (
            IMPLICIT
        )
    assert decide(when("NumericEquals", "s3:max-keys", "+12.0"), {"s3:max-keys": ["12"]}) == (
        ALLOWED
    )


def test_booleans_ignore_case_but_not_spaces() -> None:
    statement = when("Bool", "aws:SecureTransport", "True")
    assert decide(statement, {"aws:SecureTransport": ["TRUE"]}) == ALLOWED
    for value in ("True", "TRUE", True):
        statement = when("Bool", "aws:SecureTransport", value)
        assert decide(statement, {"aws:SecureTransport": ["true"]}) == ALLOWED
    statement = when("Bool", "aws:SecureTransport", " true")
    assert decide(statement, {"aws:SecureTransport": ["true"]}) == IMPLICIT
    assert decide(when("Null", "aws:TokenIssueTime", "TRUE")) == ALLOWED
    assert decide(when("Null", "aws:TokenIssueTime", "true ")) == IMPLICIT


def test_binary_values_must_be_base64() -> None:
    # no more falling back to comparing the texts when they are not base64
    statement = when("BinaryEquals", "aws:SomeKey", "not base64!")
    assert decide(statement, {"aws:SomeKey": ["not base64!"]}) == IMPLICIT
    assert decide(when("BinaryEquals", "aws:SomeKey", 5), {"aws:SomeKey": ["5"]}) == IMPLICIT


def test_ip_values_are_not_stripped() -> None:
    statement = when("IpAddress", "aws:SourceIp", " 203.0.113.0/24")
    assert decide(statement, {"aws:SourceIp": ["203.0.113.7"]}) == IMPLICIT
    statement = when("IpAddress", "aws:SourceIp", "203.0.113.0/24")
    assert decide(statement, {"aws:SourceIp": [" 203.0.113.7"]}) == IMPLICIT
    assert decide(statement, {"aws:SourceIp": ["203.0.113.7"]}) == ALLOWED


def test_null_with_a_qualifier_is_constant() -> None:
    # Access Analyzer NULL_WITH_QUALIFIER: ForAllValues always true, ForAnyValue always false
    for value in ("true", "false"):
        every = when("ForAllValues:Null", "aws:TagKeys", value)
        some = when("ForAnyValue:Null", "aws:TagKeys", value)
        for context in ({}, {"aws:TagKeys": ["env"]}):
            assert decide(every, context) == ALLOWED
            assert decide(some, context) == IMPLICIT


def test_operator_names_are_case_sensitive() -> None:
    # IAM refuses "stringEquals" (Invalid Condition type), so it never holds here
    for operator in ("stringequals", "STRINGEQUALS", "stringNotEquals"):
        assert decide(when(operator, "aws:SomeKey", "x"), {"aws:SomeKey": ["x"]}) == IMPLICIT
        assert decide(when(operator, "aws:SomeKey", "x"), {"aws:SomeKey": ["y"]}) == IMPLICIT


def test_variable_defaults_in_the_documented_form_only() -> None:
    # "separate the variable text and the default value with a comma and space"
    for body in ("aws:username,'guest'", " aws:username, 'guest'", "aws:username , 'guest'"):
        statement = allow("ssm:GetParameter", f"arn:aws:ssm:*:*:parameter/home/${{{body}}}/*")
        assert decide(statement, {}, param("guest/x"), "ssm:GetParameter") == IMPLICIT, body
        alice = {"aws:username": ["alice"]}
        assert decide(statement, alice, param("alice/x"), "ssm:GetParameter") == IMPLICIT, body
    unclosed = when("StringEquals", "aws:SomeKey", "${aws:username")
    assert decide(unclosed, {"aws:SomeKey": ["${aws:username"]}) == IMPLICIT


def test_variables_are_literal_text_without_version_2012_10_17() -> None:
    statement = when("StringEquals", "aws:SomeKey", "${aws:username}")
    for version in ("2008-10-17", None):
        document: dict[str, Any] = {"Statement": [statement]}
        if version:
            document["Version"] = version
        literal = Request(action="ssm:SendCommand", context={"aws:SomeKey": ["${aws:username}"]})
        assert simulate([document], literal).allowed
        resolved = Request(
            action="ssm:SendCommand", context={"aws:SomeKey": ["bo"], "aws:username": ["bo"]}
        )
        assert not simulate([document], resolved).allowed
    assert decide(statement, {"aws:SomeKey": ["bo"], "aws:username": ["bo"]}) == ALLOWED


# --- decisions, deciding statements, missing keys, nearest --------------------------------


def test_deny_wins_across_policies() -> None:
    allowing = policy({"Sid": "Run", **allow("ssm:*")})
    denying = json.dumps(
        policy({"Sid": "NoSend", "Effect": "Deny", "Action": "ssm:SendCommand", "Resource": "*"}),
        indent=2,
    )
    decision = simulate([allowing, denying], Request(action="ssm:SendCommand"))
    assert decision.decision == EXPLICIT
    assert [(d.policy, d.statement, d.sid, d.effect) for d in decision.deciding] == [
        (1, 0, "NoSend", "Deny")
    ]
    assert (decision.deciding[0].line, decision.deciding[0].column) == (4, 5)
    assert decision.nearest is None
    other = simulate([allowing, denying], Request(action="ssm:GetParameter"))
    assert other.decision == ALLOWED
    assert [(d.policy, d.sid) for d in other.deciding] == [(0, "Run")]


def test_conditional_deny_only_when_condition_holds() -> None:
    deny = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }
    document = policy(allow("ssm:*"), deny)
    mfa = {"aws:MultiFactorAuthPresent": ["true"]}
    assert simulate([document], Request(action="ssm:SendCommand", context=mfa)).allowed
    no_mfa = simulate([document], Request(action="ssm:SendCommand"))
    assert no_mfa.decision == EXPLICIT
    assert no_mfa.missing_context_keys == ("aws:MultiFactorAuthPresent",)


def test_missing_context_keys_sorted_and_deduplicated() -> None:
    document = policy(
        when("StringEquals", "aws:RequestedRegion", "us-east-1"),
        when("StringLike", "ssm:resourceTag/env", "prod"),
        when("Null", "AWS:RequestedRegion", "false"),
        when("Bool", "aws:SecureTransport", "true"),
    )
    decision = simulate(
        [document], Request(action="ssm:SendCommand", context={"aws:securetransport": ["true"]})
    )
    assert decision.decision == ALLOWED
    assert decision.missing_context_keys == ("aws:RequestedRegion", "ssm:resourceTag/env")


def test_implicit_deny_has_no_deciding_and_reports_nearest() -> None:
    document = policy(
        {"Sid": "Other", **allow("ec2:*")},
        {"Sid": "Docs", **allow("ssm:SendCommand", "arn:aws:ssm:*:*:document/Other")},
        {
            "Sid": "Tagged",
            **allow(
                "ssm:SendCommand",
                Condition={
                    "StringEquals": {"aws:RequestedRegion": "us-east-1"},
                    "StringLike": {"ssm:resourceTag/env": "prod*"},
                },
            ),
        },
    )
    request = Request(
        action="ssm:SendCommand", resource=DOC, context={"aws:RequestedRegion": ["us-east-1"]}
    )
    decision = simulate([document], request)
    assert decision.decision == IMPLICIT
    assert decision.deciding == ()
    assert decision.nearest is not None
    assert decision.nearest.statement.sid == "Tagged"
    assert decision.nearest.why == "condition StringLike ssm:resourceTag/env"

    wrong_resource = simulate([policy(document["Statement"][1])], request)
    assert wrong_resource.nearest is not None and wrong_resource.nearest.why == "resource"
    wrong_action = simulate([policy(document["Statement"][0])], request)
    assert wrong_action.nearest is not None and wrong_action.nearest.why == "action"
    nothing = simulate([policy()], request)
    assert nothing.decision == IMPLICIT and nothing.nearest is None


def test_malformed_statements_never_match() -> None:
    document = policy(
        {"Effect": "Allow", "Action": "ssm:*", "NotAction": "ec2:*", "Resource": "*"},
        {"Action": "ssm:*", "Resource": "*"},
        {"Effect": "allow", "Action": "ssm:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "ssm:*"},
    )
    assert simulate([document], Request(action="ssm:SendCommand")).decision == IMPLICIT


def test_to_json_and_summary() -> None:
    decision = simulate(
        [policy({"Sid": "A", **when("StringEquals", "aws:SomeKey", "x")})],
        Request(action="ssm:SendCommand"),
    )
    data = decision.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["decision"] == IMPLICIT
    assert data["nearest"]["why"] == "condition StringEquals aws:SomeKey"
    assert data["nearest"]["statement"]["sid"] == "A"
    assert data["missing_context_keys"] == ["aws:SomeKey"]
    assert Decision.model_validate(data) == decision
    text = decision.summary()
    assert text.startswith("ssm:SendCommand on *: implicit deny")
    assert "nearest: policy 1 statement 1 (A)" in text
    assert "missing context keys: aws:SomeKey" in text


@pytest.mark.parametrize(
    ("bad", "message"),
    [("{", "not valid JSON"), ("[]", "not a JSON object"), ("{}", "no Statement")],
)
def test_unreadable_policies_raise(bad: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message) as info:
        simulate([policy(allow()), bad], Request(action="ssm:SendCommand"))
    assert info.value.index == 1


@pytest.mark.parametrize(
    "fields",
    [{"action": "SendCommand"}, {"action": "ssm:*"}, {"action": "ssm:X", "resource": "doc/x"}],
)
def test_request_validation(fields: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Request.model_validate(fields)


# --- property: agrees with effective_permissions on unconditional policies ----------------

_CATALOG = get_catalog()
_ACTIONS = [
    action
    for prefix in ("ssm", "ec2", "iam")
    for _, action in sorted(_CATALOG.actions(prefix).items())
]
_NAMES = [a.full_name for a in _ACTIONS]
_PATTERNS = st.one_of(
    st.sampled_from(
        [
            *("ssm:Get*", "ssm:*", "ssm:Describe*", "ec2:Describe*", "iam:*", "iam:List*", "*"),
            *("ssm:*Parameter*", "ec2:?un*", "SSM:send*", "ec2:*Instances"),
        ]
    ),
    st.sampled_from(_NAMES),
)
_STATEMENT = st.builds(
    lambda effect, negated, patterns: {
        "Effect": effect,
        ("NotAction" if negated else "Action"): patterns,
        "Resource": "*",
    },
    st.sampled_from(["Allow", "Allow", "Deny"]),
    st.booleans(),
    st.lists(_PATTERNS, min_size=1, max_size=3),
)


def _concrete(template: str) -> str:
    return re.sub(r"\$\{[^}]*\}", "x1", template)


@st.composite
def _request(draw: st.DrawFn) -> tuple[str, str]:
    action = draw(st.sampled_from(_ACTIONS))
    templates = [t for rt in action.resource_types for t in rt.arn_templates]
    resource = draw(st.sampled_from(["*", *map(_concrete, templates)]))
    return action.full_name, resource


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements=st.lists(_STATEMENT, min_size=1, max_size=4), target=_request())
def test_agrees_with_effective_permissions(
    statements: list[dict[str, Any]], target: tuple[str, str]
) -> None:
    action, resource = target
    document = policy(*statements)
    granted = effective_permissions(document).actions().get(action)
    expected = granted is not None and not granted.certainly_denied
    decision = simulate([document], Request(action=action, resource=resource))
    assert decision.allowed == expected
    assert simulate([document], Request(action=action)).allowed == expected


# --- CLI ---------------------------------------------------------------------------------


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ssm-tui")
    add_simulate_command(parser.add_subparsers(dest="command"))
    return parser.parse_args(["simulate", *argv])


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_simulate(_args(*argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {
        "allow": policy(
            {"Sid": "Run", **allow("ssm:*", Condition={"StringEquals": {"aws:TagKeys": "env"}})}
        ),
        "deny": policy({"Effect": "Deny", "Action": "ssm:DeleteDocument", "Resource": "*"}),
    }
    found = {}
    for name, document in paths.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document, indent=2))
        found[name] = str(path)
    (tmp_path / "bad.json").write_text("{ nope")
    found["bad"] = str(tmp_path / "bad.json")
    return found


def test_parse_context_repeats_keys() -> None:
    assert parse_context(["aws:TagKeys=a", "aws:TagKeys=b", "k=x=y"]) == {
        "aws:TagKeys": ["a", "b"],
        "k": ["x=y"],
    }
    with pytest.raises(ValueError):
        parse_context(["novalue"])


def test_cli_allowed_text(files: dict[str, str]) -> None:
    code, out, err = _run(
        files["allow"], files["deny"], "--action", "ssm:SendCommand", "--context", "aws:TagKeys=env"
    )
    assert (code, err) == (0, "")
    assert out.startswith("ssm:SendCommand on *: allowed")
    assert "policy 1 statement 1 (Run)" in out


def test_cli_denied_json(files: dict[str, str]) -> None:
    code, out, _ = _run(
        files["allow"],
        files["deny"],
        "--action",
        "ssm:DeleteDocument",
        "--resource",
        DOC,
        "--context",
        "aws:TagKeys=env",
        "--context",
        "aws:TagKeys=team",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 1
    assert data["decision"] == EXPLICIT
    assert data["resource"] == DOC
    assert data["policies"] == [files["allow"], files["deny"]]
    code, out, _ = _run(files["allow"], "--action", "ssm:SendCommand", "--format", "json")
    assert code == 1
    assert json.loads(out)["missing_context_keys"] == ["aws:TagKeys"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.json", "--action", "ssm:X"], "no such file"),
        (["BAD", "--action", "ssm:X"], "not valid JSON"),
        (["ALLOW", "--action", "ssm:X", "--context", "oops"], "KEY=VALUE"),
        (["ALLOW", "--action", "nope"], "service:Name"),
        (["ALLOW", "--action", "ssm:X", "--resource", "doc"], "ARN"),
    ],
)
def test_cli_bad_input(
    files: dict[str, str], tmp_path: Path, argv: list[str], message: str
) -> None:
    argv = [{"BAD": files["bad"], "ALLOW": files["allow"]}.get(a, a) for a in argv]
    code, out, err = _run(*argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and err.startswith("ssm-tui simulate: ")


# --- the condition keys a policy uses ----------------------------------------------------

KEY_SPELLINGS = st.sampled_from(
    ["aws:SourceIp", "AWS:sourceip", "aws:RequestedRegion", "ssm:resourceTag/env", "aws:TagKeys"]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Allow", "Deny", "Maybe"]),
            st.lists(st.tuples(st.sampled_from(["StringEquals", "Null", "bogus"]), KEY_SPELLINGS)),
        ),
        max_size=4,
    ),
    st.lists(KEY_SPELLINGS, max_size=3),
)
def test_missing_context_keys_are_the_used_keys_the_request_lacks(
    statements: list[tuple[str, list[tuple[str, str]]]], present: list[str]
) -> None:
    document = policy(
        *(
            {
                "Effect": effect,
                "Action": "ssm:SendCommand",
                "Resource": "*",
                "Condition": {op: {key: "x"} for op, key in entries},
            }
            for effect, entries in statements
        )
    )
    in_order: list[str] = []
    for _, entries in statements:
        # the Condition block keeps one key per operator: the last written
        for key in {op: key for op, key in entries}.values():
            if key.lower() not in {k.lower() for k in in_order}:
                in_order.append(key)
    used = condition_keys_used([parse_policy(json.dumps(document))])
    assert used == tuple(in_order)
    request = Request(action="ssm:SendCommand", context={key: ["x"] for key in present})
    lacking = {k.lower() for k in present}
    expected = sorted((k for k in used if k.lower() not in lacking), key=str.lower)
    assert simulate([document], request).missing_context_keys == tuple(expected)


def test_condition_keys_used_skips_what_is_not_a_policy() -> None:
    assert condition_keys_used([parse_policy("not json"), parse_policy("[1]")]) == ()
