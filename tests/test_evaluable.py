"""Can a policy and its statements be evaluated (ssm_tui.policy.evaluable)?  The one answer
the simulator and the permissions engine share.

The property tests compare it with the copy the simulator had before it asked this module
(`_old_usable` and `_old_parse` below, kept as the reference), so that the switch changed
only what was settled: a statement with a type error cannot be evaluated, and a `Statement`
that is neither an object nor an array makes the policy unevaluable.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import allow, policy
from ssm_tui.access.permissions import effective_permissions
from ssm_tui.access.simulate import PolicyError, Request, simulate
from ssm_tui.policy.evaluable import (
    PolicyFault,
    StatementFault,
    policy_fault,
    read_policy,
    statement_fault,
    statement_faults,
)
from ssm_tui.policy.model import ParsedPolicy, Statement, parse_policy
from test_properties import JSON_VALUES, POLICIES, POLICY_WORDS, STATEMENTS

# --- an independent reading of the JSON types the grammar wants ------------------------------

_STRINGS = ("Sid", "Effect")
_STRING_LISTS = ("Action", "NotAction", "Resource", "NotResource")


def _is_string_list(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _is_condition(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    for block in value.values():
        if not isinstance(block, dict):
            return False
        for values in block.values():
            items = values if isinstance(values, list) else [values]
            if not all(_is_scalar(v) for v in items):
                return False
    return True


def _well_typed(statement: dict[str, Any]) -> bool:
    """Every element the model reads has its grammar's JSON type (read from json.loads)."""
    for name, value in statement.items():
        if name in _STRINGS and not isinstance(value, str):
            return False
        if name in _STRING_LISTS and not _is_string_list(value):
            return False
        if name == "Condition" and not _is_condition(value):
            return False
    return True


def _raw_statements(document: dict[str, Any]) -> list[object]:
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


# --- strategies: statements and policies with every kind of fault ----------------------------

_ELEMENT_VALUES = st.one_of(
    POLICY_WORDS,
    st.lists(POLICY_WORDS, max_size=3),
    st.lists(POLICY_WORDS | JSON_VALUES, max_size=3),
    st.dictionaries(POLICY_WORDS, st.dictionaries(POLICY_WORDS, JSON_VALUES, max_size=2)),
    JSON_VALUES,
)
_LOOSE_STATEMENTS = st.dictionaries(
    st.sampled_from(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource"])
    | st.sampled_from(["Condition", "Principal", "x"]),
    _ELEMENT_VALUES,
    max_size=6,
)
_ELEMENT_LISTS = POLICY_WORDS | st.lists(POLICY_WORDS, max_size=3)


def _pick(*names: str) -> st.SearchStrategy[dict[str, object]]:
    """Mostly exactly one of the names, sometimes none or both."""
    one = st.builds(lambda name, value: {name: value}, st.sampled_from(names), _ELEMENT_LISTS)
    other = st.dictionaries(st.sampled_from(names), _ELEMENT_LISTS, max_size=2)
    return st.builds(lambda roll, a, b: b if roll == 0 else a, st.integers(0, 4), one, other)


_CONDITIONS = st.dictionaries(
    st.sampled_from(["StringEquals", "Bool", "x"]),
    st.dictionaries(POLICY_WORDS, POLICY_WORDS | st.lists(st.integers() | st.booleans())),
    max_size=2,
)
# Statements near the grammar: an Effect; mostly one of Action/NotAction and of
# Resource/NotResource; a Sid or Condition that has the right type or not.
_NEAR_STATEMENTS = st.builds(
    lambda effect, actions, resources, extra: {"Effect": effect, **actions, **resources, **extra},
    st.sampled_from(["Allow", "Deny", "Allow", "Deny", "allow"]),
    _pick("Action", "NotAction"),
    _pick("Resource", "NotResource"),
    st.builds(
        lambda roll, good, bad: bad if roll == 0 else good,
        st.integers(0, 2),
        st.fixed_dictionaries(
            {}, optional={"Sid": st.text("Ab1", max_size=3), "Condition": _CONDITIONS}
        ),
        st.dictionaries(
            st.sampled_from(["Sid", "Condition", "Action"]), _ELEMENT_VALUES, max_size=2
        ),
    ),
)
_WRONG_TYPES = st.one_of(
    st.tuples(st.just("Sid"), st.integers() | st.lists(POLICY_WORDS, max_size=2)),
    st.tuples(st.just("Condition"), st.integers() | st.lists(POLICY_WORDS, max_size=2)),
    st.tuples(
        st.just("Condition"),
        st.dictionaries(
            POLICY_WORDS,
            st.integers() | st.lists(st.dictionaries(POLICY_WORDS, POLICY_WORDS), min_size=1),
            min_size=1,
        ),
    ),
    st.tuples(
        st.sampled_from(["Action", "Resource"]),
        st.lists(st.integers() | st.none(), min_size=1).map(lambda bad: ["*", *bad]),
    ),
)
# A statement fine but for one element of the wrong type (the simulator evaluated the rest).
_TYPE_ERRORS = st.builds(
    lambda effect, wrong: {
        "Effect": effect,
        "Action": "ssm:*",
        "Resource": "*",
        wrong[0]: wrong[1],
    },
    st.sampled_from(["Allow", "Deny"]),
    _WRONG_TYPES,
)
_ANY_STATEMENTS = st.one_of(
    _NEAR_STATEMENTS,
    _NEAR_STATEMENTS,
    _TYPE_ERRORS,
    _LOOSE_STATEMENTS,
    STATEMENTS,
    JSON_VALUES,
)
_STATEMENT_POLICIES = st.fixed_dictionaries(
    {"Statement": st.lists(_ANY_STATEMENTS, max_size=4) | _ANY_STATEMENTS},
    optional={"Version": POLICY_WORDS, "Id": JSON_VALUES},
)
_INPUTS = st.one_of(
    _STATEMENT_POLICIES,
    _STATEMENT_POLICIES,
    _STATEMENT_POLICIES.map(json.dumps),
    POLICIES,
    JSON_VALUES,
    st.text(max_size=40),
)
_SLOW = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _old_parse(policy: Any) -> ParsedPolicy:
    """The simulator's reading of a policy before it asked evaluable (the reference)."""
    if isinstance(policy, str):
        text = policy
    else:
        try:
            text = json.dumps(policy, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise PolicyError(0, f"not a JSON value: {error}") from None
    parsed = parse_policy(text)
    if parsed.json.syntax_error is not None:
        raise PolicyError(0, f"not valid JSON: {parsed.json.syntax_error.message}")
    if parsed.document is None:
        raise PolicyError(0, "not a JSON object")
    if "Statement" not in parsed.document.elements:
        raise PolicyError(0, "the policy has no Statement")
    return parsed


def _old_usable(statement: Statement) -> bool:
    """The simulator's test of a statement before it asked evaluable (the reference)."""
    if statement.effect is None or statement.effect.value not in ("Allow", "Deny"):
        return False
    return (statement.action is None) != (statement.not_action is None) and (
        statement.resource is None
    ) != (statement.not_resource is None)


def _simulator_reads(value: Any) -> ParsedPolicy | PolicyError:
    try:
        return _old_parse(value)
    except PolicyError as error:
        return error


# --- agreement with the simulator's copy ----------------------------------------------------


@_SLOW
@given(_INPUTS)
def test_policy_faults_agree_with_the_simulator(value: Any) -> None:
    read = read_policy(value)
    old = _simulator_reads(value)
    if isinstance(old, PolicyError):
        assert isinstance(read, PolicyFault)
        assert read.reason == old.reason
        assert str(PolicyError(0, read.reason)) == str(old)
        assert read.kind != "statement_type"
        return
    statement = json.loads(old.text)["Statement"]
    if isinstance(statement, dict | list):
        assert isinstance(read, ParsedPolicy)
        assert read.text == old.text and read.document == old.document
    else:  # settled: the simulator read it as a policy without statements
        assert isinstance(read, PolicyFault) and read.kind == "statement_type"
        assert old.document is not None and old.document.statements == ()


@_SLOW
@given(_INPUTS)
def test_statement_faults_agree_with_the_simulator(value: Any) -> None:
    old = _simulator_reads(value)
    if isinstance(old, PolicyError) or policy_fault(old) is not None:
        return
    assert old.document is not None
    faults = statement_faults(old)
    raw = _raw_statements(json.loads(old.text))
    statements = {s.index: s for s in old.document.statements}
    assert set(statements) | set(faults) == set(range(len(raw)))
    for index, item in enumerate(raw):
        if not isinstance(item, dict):  # neither reads it as a statement
            assert index not in statements and faults[index].kind == "not_an_object"
            continue
        statement = statements[index]
        usable = _old_usable(statement)
        # the drop-in for `_usable`: the same answer from the statement alone
        assert (statement_fault(statement) is None) == usable
        if _well_typed(item):
            assert (index not in faults) == usable
        else:  # settled: a type error makes the statement unusable
            assert faults[index].kind == "type"


@_SLOW
@given(_INPUTS)
def test_the_permissions_engine_reports_these_faults(value: Any) -> None:
    read = read_policy(value)
    permissions = effective_permissions(value)
    if isinstance(read, PolicyFault):
        assert permissions.error == read.sentence and permissions.statements == ()
        return
    assert permissions.error is None
    faults = statement_faults(read)
    for grant in permissions.statements:
        fault = faults.get(grant.index)
        assert grant.malformed == (fault is not None)
        if fault is not None:
            assert grant.reason == fault.message and grant.actions == ()


# --- each fault, in the words the CLI prints -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "reason", "sentence"),
    [
        ('{"Statement": [', "not_json", "not valid JSON: ", "the policy is not valid JSON: "),
        ("[]", "not_an_object", "not a JSON object", "the policy is not a JSON object"),
        ("{}", "no_statement", "the policy has no Statement", "the policy has no Statement"),
        (
            '{"Statement": 3}',
            "statement_type",
            "Statement must be an object or an array of objects, not a number",
            "Statement must be an object or an array of objects, not a number",
        ),
        (
            {"Statement": [], "x": {1}},
            "not_a_json_value",
            "not a JSON value: Object of type set is not JSON serializable",
            "the policy is not a JSON value: Object of type set is not JSON serializable",
        ),
    ],
)
def test_policy_faults(value: Any, kind: str, reason: str, sentence: str) -> None:
    fault = read_policy(value)
    assert isinstance(fault, PolicyFault) and fault.kind == kind
    assert fault.reason.startswith(reason) and fault.sentence.startswith(sentence)
    assert (fault.reason == reason) == (kind != "not_json")
    assert effective_permissions(value).error == fault.sentence


def test_a_policy_that_reads_has_a_document() -> None:
    read = read_policy({"Statement": []})
    assert isinstance(read, ParsedPolicy) and read.document is not None
    assert statement_faults(read) == {}


def _fault(statement: object) -> StatementFault | None:
    return statement_faults(parse_policy(json.dumps({"Statement": [statement]}))).get(0)


@pytest.mark.parametrize(
    ("statement", "kind", "message", "elements"),
    [
        (7, "not_an_object", "Statement must be an object, not a number", ("Statement",)),
        (
            allow(["ssm:Get*", 5], Condition=3),
            "type",
            "Action must be a string, not a number; "
            "Condition must be an object of operators, not a number",
            ("Action", "Condition"),
        ),
        ({"Sid": 1, **allow("ssm:*")}, "type", "Sid must be a string, not a number", ("Sid",)),
        ({"Action": "ssm:*", "Resource": "*"}, "no_effect", "it has no Effect", ("Effect",)),
        (
            {"Effect": "allow", "Action": "ssm:*", "Resource": "*"},
            "effect",
            'Effect must be "Allow" or "Deny", not "allow"',
            ("Effect",),
        ),
        (
            {"Effect": "Deny", "Resource": "*"},
            "no_action",
            "it has neither Action nor NotAction",
            ("Action", "NotAction"),
        ),
        (
            allow("ssm:*", NotAction="ec2:*"),
            "both_actions",
            "it has both Action and NotAction",
            ("Action", "NotAction"),
        ),
        (
            {"Effect": "Allow", "NotAction": "ssm:*"},
            "no_resource",
            "it has neither Resource nor NotResource",
            ("Resource", "NotResource"),
        ),
        (
            allow("ssm:*", NotResource="*"),
            "both_resources",
            "it has both Resource and NotResource",
            ("Resource", "NotResource"),
        ),
    ],
)
def test_statement_faults(
    statement: object, kind: str, message: str, elements: tuple[str, ...]
) -> None:
    fault = _fault(statement)
    assert fault == StatementFault(0, kind, message, elements)
    grants = effective_permissions(json.dumps({"Statement": [statement]})).grants_nothing
    assert grants == [(0, message)]


@pytest.mark.parametrize(
    "statement",
    [
        allow([]),
        {"Effect": "Deny", "NotAction": [], "NotResource": []},
        allow("nosuch:Thing", Condition={"StringEquals": {"aws:x": ["a", 1, True]}}),
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": 5, "x": None},
    ],
)
def test_statements_that_can_be_evaluated(statement: dict[str, Any]) -> None:
    assert _fault(statement) is None


def test_faults_of_a_single_statement_object_and_their_order() -> None:
    parsed = parse_policy(json.dumps({"Statement": allow("ssm:*", Condition=[])}))
    assert statement_faults(parsed) == {
        0: StatementFault(
            0, "type", "Condition must be an object of operators, not an array", ("Condition",)
        )
    }
    parsed = parse_policy(json.dumps({"Statement": [allow("ssm:*"), None, {"Sid": 2}, 3]}))
    faults = statement_faults(parsed)
    assert list(faults) == [1, 2, 3]
    assert [f.kind for f in faults.values()] == ["not_an_object", "type", "not_an_object"]


# --- what the settlement changed in the simulator, which asks evaluable -------------------------


def test_the_simulator_skips_a_statement_with_a_type_error() -> None:
    conditioned = allow("ssm:GetParameter", Condition=5)
    assert _fault(conditioned) is not None
    decision = simulate([policy(conditioned)], Request(action="ssm:GetParameter"))
    assert decision.decision == "implicit_deny"


def test_the_simulator_rejects_a_statement_that_is_not_an_array_or_object() -> None:
    with pytest.raises(PolicyError, match="Statement must be an object or an array"):
        simulate(['{"Statement": 3}'], Request(action="ssm:GetParameter"))
