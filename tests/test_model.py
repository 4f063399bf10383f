"""The lenient policy model: located strings, normalised lists, type problems."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ssm_tui.policy.model import (
    ConditionEntry,
    Located,
    LocatedScalar,
    ParsedPolicy,
    PolicyDocument,
    Statement,
    TypeProblem,
    build_policy,
    parse_policy,
)
from ssm_tui.policy.source import parse_json


def parse(value: Any) -> ParsedPolicy:
    return parse_policy(json.dumps(value, indent=2))


def document(value: Any) -> PolicyDocument:
    parsed = parse(value)
    assert parsed.document is not None
    return parsed.document


def only_statement(value: Any) -> Statement:
    statements = document(value).statements
    assert len(statements) == 1
    return statements[0]


def problems(value: Any) -> list[TypeProblem]:
    return parse(value).type_problems


def test_full_policy() -> None:
    parsed = parse(
        {
            "Version": "2012-10-17",
            "Id": "my-policy",
            "Statement": [
                {
                    "Sid": "Run",
                    "Effect": "Allow",
                    "Action": ["ssm:SendCommand", "ssm:GetCommandInvocation"],
                    "Resource": "arn:aws:ssm:*:*:document/AWS-RunShellScript",
                },
                {
                    "Effect": "Deny",
                    "NotAction": "ssm:Get*",
                    "NotResource": ["arn:aws:ssm:*:*:parameter/public/*"],
                },
            ],
        }
    )
    assert parsed.type_problems == []
    assert isinstance(parsed.document, PolicyDocument)
    assert parsed.text == parsed.json.text
    doc = parsed.document
    assert doc.elements == ("Version", "Id", "Statement")
    assert doc.version == Located(value="2012-10-17", pointer="/Version")
    assert doc.id == Located(value="my-policy", pointer="/Id")
    assert doc.statement_is_list is True
    first, second = doc.statements
    assert first.index == 0
    assert first.pointer == "/Statement/0"
    assert first.elements == ("Sid", "Effect", "Action", "Resource")
    assert first.sid == Located(value="Run", pointer="/Statement/0/Sid")
    assert first.effect == Located(value="Allow", pointer="/Statement/0/Effect")
    assert first.is_allow and not first.is_deny
    assert first.label == "statement 1 (Run)"
    assert first.action == (
        Located(value="ssm:SendCommand", pointer="/Statement/0/Action/0"),
        Located(value="ssm:GetCommandInvocation", pointer="/Statement/0/Action/1"),
    )
    assert first.resource == (
        Located(
            value="arn:aws:ssm:*:*:document/AWS-RunShellScript",
            pointer="/Statement/0/Resource",
        ),
    )
    assert first.not_action is None
    assert first.not_resource is None
    assert first.condition is None
    assert second.index == 1
    assert second.is_deny and not second.is_allow
    assert second.label == "statement 2"
    assert second.action is None
    assert second.not_action == (Located(value="ssm:Get*", pointer="/Statement/1/NotAction"),)
    assert second.not_resource == (
        Located(value="arn:aws:ssm:*:*:parameter/public/*", pointer="/Statement/1/NotResource/0"),
    )


def test_statement_as_single_object() -> None:
    doc = document({"Statement": {"Effect": "Allow", "Action": "ssm:X", "Resource": "*"}})
    assert doc.statement_is_list is False
    (statement,) = doc.statements
    assert statement.index == 0
    assert statement.pointer == "/Statement"
    assert statement.action == (Located(value="ssm:X", pointer="/Statement/Action"),)
    assert statement.effect == Located(value="Allow", pointer="/Statement/Effect")


def test_statement_as_array_of_one() -> None:
    doc = document({"Statement": [{"Effect": "Allow", "Action": "ssm:X"}]})
    assert doc.statement_is_list is True
    assert doc.statements[0].pointer == "/Statement/0"
    assert doc.statements[0].action == (Located(value="ssm:X", pointer="/Statement/0/Action"),)


def test_string_and_list_action_are_both_tuples() -> None:
    as_string = only_statement({"Statement": [{"Action": "ssm:GetParameter"}]})
    as_list = only_statement({"Statement": [{"Action": ["ssm:GetParameter"]}]})
    assert isinstance(as_string.action, tuple)
    assert isinstance(as_list.action, tuple)
    assert [a.value for a in as_string.action] == ["ssm:GetParameter"]
    assert [a.value for a in as_list.action] == ["ssm:GetParameter"]
    assert as_string.action[0].pointer == "/Statement/0/Action"
    assert as_list.action[0].pointer == "/Statement/0/Action/0"


def test_empty_action_list_is_empty_tuple_not_none() -> None:
    statement = only_statement({"Statement": [{"Action": [], "Effect": "Allow"}]})
    assert statement.action == ()
    assert statement.resource is None


def test_missing_statement_gives_no_statements() -> None:
    parsed = parse({"Version": "2012-10-17"})
    assert parsed.document is not None
    assert parsed.document.statements == ()
    assert parsed.document.statement_is_list is True
    assert parsed.type_problems == []


def test_located_pointers_resolve_in_the_json() -> None:
    parsed = parse(
        {
            "Statement": [
                {"Effect": "Allow", "Action": ["a:b", "c:d"], "Resource": ["r1", "r2"]},
                {"Effect": "Deny", "NotAction": "x:y"},
            ]
        }
    )
    assert parsed.document is not None
    for statement in parsed.document.statements:
        for group in (statement.action, statement.not_action, statement.resource):
            for located in group or ():
                node = parsed.json.node(located.pointer)
                assert node is not None
                assert node.value == located.value


def test_pointer_escaping_in_condition_keys() -> None:
    statement = only_statement(
        {"Statement": [{"Condition": {"StringEquals": {"ssm:resourceTag/Team": "ops"}}}]}
    )
    assert statement.condition is not None
    (entry,) = statement.condition
    assert entry.pointer == "/Statement/0/Condition/StringEquals/ssm:resourceTag~1Team"


# --- wrong types --------------------------------------------------------------------------


def test_effect_as_number() -> None:
    parsed = parse({"Statement": [{"Effect": 1, "Action": "ssm:X"}]})
    assert parsed.document is not None
    statement = parsed.document.statements[0]
    assert statement.effect is None
    assert not statement.is_allow and not statement.is_deny
    assert statement.action == (Located(value="ssm:X", pointer="/Statement/0/Action"),)
    assert parsed.type_problems == [
        TypeProblem("/Statement/0/Effect", "Effect", "a string", "a number")
    ]


def test_action_as_object() -> None:
    parsed = parse({"Statement": [{"Effect": "Allow", "Action": {"ssm": "X"}}]})
    assert parsed.document is not None
    assert parsed.document.statements[0].action is None
    assert parsed.type_problems == [
        TypeProblem("/Statement/0/Action", "Action", "a string or an array of strings", "an object")
    ]


def test_action_item_as_number_is_dropped() -> None:
    parsed = parse({"Statement": [{"Action": ["ssm:A", 3, "ssm:B", None]}]})
    assert parsed.document is not None
    statement = parsed.document.statements[0]
    assert statement.action == (
        Located(value="ssm:A", pointer="/Statement/0/Action/0"),
        Located(value="ssm:B", pointer="/Statement/0/Action/2"),
    )
    assert parsed.type_problems == [
        TypeProblem("/Statement/0/Action/1", "Action", "a string", "a number"),
        TypeProblem("/Statement/0/Action/3", "Action", "a string", "null"),
    ]


def test_statement_as_string() -> None:
    parsed = parse({"Version": "2012-10-17", "Statement": "Allow everything"})
    assert parsed.document is not None
    assert parsed.document.statements == ()
    assert parsed.document.version is not None
    assert parsed.type_problems == [
        TypeProblem("/Statement", "Statement", "an object or an array of objects", "a string")
    ]


def test_statement_item_not_an_object_keeps_indices() -> None:
    parsed = parse({"Statement": ["oops", {"Effect": "Allow"}, 5]})
    assert parsed.document is not None
    (statement,) = parsed.document.statements
    assert statement.index == 1
    assert statement.pointer == "/Statement/1"
    assert statement.effect == Located(value="Allow", pointer="/Statement/1/Effect")
    assert parsed.type_problems == [
        TypeProblem("/Statement/0", "Statement", "an object", "a string"),
        TypeProblem("/Statement/2", "Statement", "an object", "a number"),
    ]


def test_root_as_array() -> None:
    parsed = parse([{"Effect": "Allow"}])
    assert parsed.document is None
    assert parsed.type_problems == [TypeProblem("", "policy", "an object", "an array")]


@pytest.mark.parametrize(
    ("value", "kind"),
    [("text", "a string"), (3, "a number"), (None, "null"), (True, "a boolean")],
)
def test_root_scalars(value: Any, kind: str) -> None:
    parsed = parse(value)
    assert parsed.document is None
    assert parsed.type_problems == [TypeProblem("", "policy", "an object", kind)]


@pytest.mark.parametrize(
    ("element", "value", "expected", "found"),
    [
        ("Sid", 5, "a string", "a number"),
        ("Sid", ["a"], "a string", "an array"),
        ("Effect", True, "a string", "a boolean"),
        ("Effect", None, "a string", "null"),
        ("Resource", 5, "a string or an array of strings", "a number"),
        ("NotAction", True, "a string or an array of strings", "a boolean"),
        ("NotResource", {}, "a string or an array of strings", "an object"),
        ("Condition", "x", "an object of operators", "a string"),
        ("Condition", ["x"], "an object of operators", "an array"),
    ],
)
def test_statement_element_wrong_type(element: str, value: Any, expected: str, found: str) -> None:
    parsed = parse({"Statement": [{element: value}]})
    assert parsed.document is not None
    assert len(parsed.document.statements) == 1
    assert parsed.type_problems == [
        TypeProblem(f"/Statement/0/{element}", element, expected, found)
    ]


@pytest.mark.parametrize("element", ["Version", "Id"])
def test_policy_element_wrong_type(element: str) -> None:
    parsed = parse({element: 2012, "Statement": []})
    assert parsed.document is not None
    assert getattr(parsed.document, element.lower()) is None
    assert parsed.type_problems == [TypeProblem(f"/{element}", element, "a string", "a number")]


def test_many_wrong_types_never_raise() -> None:
    parsed = parse(
        {
            "Version": [],
            "Id": {},
            "Statement": [
                {
                    "Sid": 1,
                    "Effect": [],
                    "Action": {},
                    "NotAction": [1, [2]],
                    "Resource": 2,
                    "NotResource": [None],
                    "Condition": {"StringEquals": "x", "Bool": {"k": {"v": 1}}},
                },
                [],
                None,
            ],
        }
    )
    assert parsed.document is not None
    assert len(parsed.type_problems) == 13
    assert {p.pointer for p in parsed.type_problems} >= {
        "/Version",
        "/Id",
        "/Statement/0/NotAction/1",
        "/Statement/0/Condition/StringEquals",
        "/Statement/0/Condition/Bool/k",
        "/Statement/1",
        "/Statement/2",
    }


def test_syntax_error_gives_no_document() -> None:
    parsed = parse_policy('{"Statement": [}')
    assert parsed.document is None
    assert parsed.type_problems == []
    assert parsed.json.syntax_error is not None
    assert parsed.text == '{"Statement": [}'


def test_duplicate_elements_last_wins_and_both_listed() -> None:
    parsed = parse_policy('{"Statement": [{"Effect": "Deny", "Effect": "Allow"}]}')
    assert parsed.document is not None
    statement = parsed.document.statements[0]
    assert statement.elements == ("Effect", "Effect")
    assert statement.effect is not None
    assert statement.effect.value == "Allow"
    assert statement.is_allow


def test_build_policy_matches_parse_policy() -> None:
    text = json.dumps({"Statement": {"Effect": "Allow", "Action": "ssm:X", "Resource": 3}})
    built = build_policy(parse_json(text))
    direct = parse_policy(text)
    assert built.document == direct.document
    assert built.type_problems == direct.type_problems


def test_label_with_empty_sid_uses_position() -> None:
    doc = document({"Statement": [{"Sid": ""}, {"Sid": "Named"}]})
    assert [s.label for s in doc.statements] == ["statement 1", "statement 2 (Named)"]


def test_models_are_frozen() -> None:
    doc = document({"Statement": [{"Effect": "Allow"}]})
    with pytest.raises(ValueError):
        doc.statements[0].effect = None  # type: ignore[misc]


# --- Condition ----------------------------------------------------------------------------


def test_condition_entries() -> None:
    statement = only_statement(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Condition": {
                        "StringEquals": {
                            "ssm:resourceTag/Team": ["ops", "dev"],
                            "aws:RequestedRegion": "us-east-1",
                        },
                        "Bool": {"aws:SecureTransport": True},
                        "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
                    },
                }
            ]
        }
    )
    base = "/Statement/0/Condition"
    assert statement.condition == (
        ConditionEntry(
            operator="StringEquals",
            operator_pointer=f"{base}/StringEquals",
            key="ssm:resourceTag/Team",
            pointer=f"{base}/StringEquals/ssm:resourceTag~1Team",
            values=(
                LocatedScalar(value="ops", pointer=f"{base}/StringEquals/ssm:resourceTag~1Team/0"),
                LocatedScalar(value="dev", pointer=f"{base}/StringEquals/ssm:resourceTag~1Team/1"),
            ),
            values_is_list=True,
        ),
        ConditionEntry(
            operator="StringEquals",
            operator_pointer=f"{base}/StringEquals",
            key="aws:RequestedRegion",
            pointer=f"{base}/StringEquals/aws:RequestedRegion",
            values=(
                LocatedScalar(
                    value="us-east-1", pointer=f"{base}/StringEquals/aws:RequestedRegion"
                ),
            ),
            values_is_list=False,
        ),
        ConditionEntry(
            operator="Bool",
            operator_pointer=f"{base}/Bool",
            key="aws:SecureTransport",
            pointer=f"{base}/Bool/aws:SecureTransport",
            values=(LocatedScalar(value=True, pointer=f"{base}/Bool/aws:SecureTransport"),),
            values_is_list=False,
        ),
        ConditionEntry(
            operator="NumericLessThan",
            operator_pointer=f"{base}/NumericLessThan",
            key="aws:MultiFactorAuthAge",
            pointer=f"{base}/NumericLessThan/aws:MultiFactorAuthAge",
            values=(
                LocatedScalar(value=3600, pointer=f"{base}/NumericLessThan/aws:MultiFactorAuthAge"),
            ),
            values_is_list=False,
        ),
    )


def test_condition_scalar_types_are_kept() -> None:
    statement = only_statement(
        {"Statement": [{"Condition": {"X": {"k": ["1", 1, 1.5, True, False]}}}]}
    )
    assert statement.condition is not None
    values = [v.value for v in statement.condition[0].values]
    assert values == ["1", 1, 1.5, True, False]
    assert [type(v) for v in values] == [str, int, float, bool, bool]


def test_condition_bad_values_reported_and_dropped() -> None:
    parsed = parse(
        {"Statement": [{"Condition": {"StringEquals": {"k": ["a", None, {"x": 1}, "b"]}}}]}
    )
    assert parsed.document is not None
    condition = parsed.document.statements[0].condition
    assert condition is not None
    (entry,) = condition
    assert [v.value for v in entry.values] == ["a", "b"]
    assert [v.pointer.rsplit("/", 1)[1] for v in entry.values] == ["0", "3"]
    base = "/Statement/0/Condition/StringEquals/k"
    assert parsed.type_problems == [
        TypeProblem(f"{base}/1", "Condition", "a string, number or boolean", "null"),
        TypeProblem(f"{base}/2", "Condition", "a string, number or boolean", "an object"),
    ]


def test_condition_operator_block_not_an_object() -> None:
    parsed = parse(
        {
            "Statement": [
                {"Condition": {"StringEquals": "x", "Bool": {"aws:SecureTransport": "true"}}}
            ]
        }
    )
    assert parsed.document is not None
    condition = parsed.document.statements[0].condition
    assert condition is not None
    assert [(e.operator, e.key) for e in condition] == [("Bool", "aws:SecureTransport")]
    assert parsed.type_problems == [
        TypeProblem(
            "/Statement/0/Condition/StringEquals",
            "Condition",
            "an object of condition keys",
            "a string",
        )
    ]


def test_empty_condition() -> None:
    statement = only_statement({"Statement": [{"Condition": {}}]})
    assert statement.condition == ()
    statement = only_statement({"Statement": [{"Condition": {"StringEquals": {"k": []}}}]})
    assert statement.condition is not None
    (entry,) = statement.condition
    assert entry.values == ()
    assert entry.values_is_list is True
