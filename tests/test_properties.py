"""Property tests: the validator returns findings for any input and never raises; nor does
the simulator for any condition."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssm_tui.access.simulate import Request, simulate
from ssm_tui.checks import validate
from ssm_tui.iam.operators import VALID_OPERATORS
from ssm_tui.policy.source import parse_json

POLICY_WORDS = st.sampled_from(
    [
        "Version",
        "Statement",
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
        "Principal",
        "Id",
        "Allow",
        "Deny",
        "2012-10-17",
        "ssm:*",
        "ssm:GetParameter",
        "ssm:Get*",
        "*",
        "arn:aws:ssm:us-west-2:123456789012:document/x",
        "arn:aws::aws:ssm:x",
        "${aws:username}",
        "${",
        "StringEquals",
        "aws:SourceIp",
        "[/x]",
        "",
    ]
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | POLICY_WORDS,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=8) | POLICY_WORDS, children, max_size=6)
    ),
    max_leaves=30,
)
STATEMENTS = st.fixed_dictionaries(
    {},
    optional={
        "Sid": st.text(max_size=6) | POLICY_WORDS,
        "Effect": POLICY_WORDS | JSON_VALUES,
        "Action": POLICY_WORDS | st.lists(POLICY_WORDS, max_size=4) | JSON_VALUES,
        "NotAction": st.lists(POLICY_WORDS, max_size=3),
        "Resource": POLICY_WORDS | st.lists(POLICY_WORDS, max_size=4),
        "NotResource": POLICY_WORDS,
        "Condition": st.dictionaries(POLICY_WORDS, st.dictionaries(POLICY_WORDS, JSON_VALUES)),
    },
)
POLICIES = st.fixed_dictionaries(
    {"Statement": st.lists(STATEMENTS, max_size=4) | STATEMENTS},
    optional={"Version": POLICY_WORDS, "Id": JSON_VALUES},
)


def assert_sound(text: str) -> None:
    result = validate(text)
    lines = text.count("\n") + 1
    for finding in result.findings:
        assert 1 <= finding.line <= finding.end_line <= lines
        assert finding.column >= 1 and finding.message
    keys = [(f.code, f.pointer, f.line, f.column) for f in result.findings]
    assert len(keys) == len(set(keys)), "the same finding was reported twice"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    assert_sound(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_arbitrary_json_values(value: object) -> None:
    assert_sound(json.dumps(value))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POLICIES, st.booleans())
def test_policy_shaped_documents(document: dict[str, object], pretty: bool) -> None:
    assert_sound(json.dumps(document, indent=2 if pretty else None))


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_parser_agrees_with_the_standard_library(value: object) -> None:
    text = json.dumps(value, indent=1)
    parsed = parse_json(text)
    assert parsed.syntax_error is None
    assert parsed.value == json.loads(text)
    for pointer in parsed.source_map.pointers():
        span = parsed.source_map.span(pointer)
        assert span is not None
        fragment = text[span.offset : span.end_offset]
        assert json.loads(fragment) == parsed.node(pointer).value  # type: ignore[union-attr]


CONDITION_VALUES = st.one_of(
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["2030-06", "1e5", "True", "203.0.113.0/24", "QQ==", "${aws:username}", "${"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(VALID_OPERATORS) | st.text(max_size=12),
    st.sampled_from(["aws:CurrentTime", "aws:SourceIp", "aws:TagKeys", "aws:PrincipalArn", "k:x"]),
    st.lists(CONDITION_VALUES, max_size=3) | CONDITION_VALUES,
    st.lists(CONDITION_VALUES.map(str), max_size=3),
    st.sampled_from(["2012-10-17", "2008-10-17", None]),
)
def test_any_condition_validates_and_simulates(
    operator: str, key: str, values: object, context: list[str], version: str | None
) -> None:
    """Whatever the operator, key, values and request, both engines answer without raising."""
    condition = {operator: {key: values}}
    statement = {"Effect": "Allow", "Action": "ssm:*", "Resource": "*", "Condition": condition}
    document: dict[str, object] = {"Statement": [statement]}
    if version is not None:
        document["Version"] = version
    text = json.dumps(document)
    assert_sound(text)
    request = Request(action="ssm:GetParameter", context={key: context} if context else {})
    decision = simulate([text], request)
    assert decision.decision in ("allowed", "implicit_deny")
