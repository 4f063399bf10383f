"""Document and statement grammar."""

from __future__ import annotations

import json

from conftest import PARAMETERS, allow, codes, findings, only, policy


def test_root_must_be_an_object() -> None:
    assert codes("[]") == ["DATA_TYPE_MISMATCH"]
    assert codes('"policy"') == ["DATA_TYPE_MISMATCH"]


def test_missing_version_is_a_warning() -> None:
    finding = only(policy(allow("ssm:GetParameter"), version=None), "MISSING_VERSION")
    assert finding.severity == "warning"
    assert "MISSING_VERSION" not in codes(policy(allow("ssm:GetParameter")))


def test_invalid_version() -> None:
    finding = only(policy(allow("ssm:GetParameter"), version="2012-10-18"), "INVALID_VERSION")
    assert finding.suggestion == "2012-10-17" and finding.pointer == "/Version"


def test_version_must_be_a_string() -> None:
    text = json.dumps({"Version": 2012, "Statement": [allow("ssm:GetParameter")]})
    assert only(text, "DATA_TYPE_MISMATCH").pointer == "/Version"


def test_legacy_version_is_a_suggestion() -> None:
    finding = only(policy(allow("ssm:GetParameter"), version="2008-10-17"), "OUTDATED_VERSION")
    assert finding.severity == "suggestion"


def test_missing_and_empty_statement() -> None:
    assert codes('{"Version": "2012-10-17"}') == ["MISSING_STATEMENT"]
    assert codes('{"Version": "2012-10-17", "Statement": []}') == ["MISSING_STATEMENT"]


def test_statement_may_be_a_single_object() -> None:
    statement = allow("ssm:GetParameter", PARAMETERS)
    text = json.dumps({"Version": "2012-10-17", "Statement": statement})
    assert codes(text) == []


def test_statement_items_must_be_objects() -> None:
    text = json.dumps({"Version": "2012-10-17", "Statement": ["ssm:GetParameter"]})
    assert only(text, "DATA_TYPE_MISMATCH").pointer == "/Statement/0"


def test_unknown_top_level_element_with_did_you_mean() -> None:
    text = json.dumps({"Version": "2012-10-17", "statement": [allow("ssm:GetParameter")]})
    result = codes(text)
    assert "MISSING_STATEMENT" in result
    finding = only(text, "INVALID_POLICY_ELEMENT")
    assert finding.suggestion == "Statement"


def test_id_is_not_allowed_in_identity_policies() -> None:
    text = json.dumps(
        {"Version": "2012-10-17", "Id": "x", "Statement": [allow("ssm:GetParameter")]}
    )
    assert (
        "Id is allowed in resource-based policies" in only(text, "INVALID_POLICY_ELEMENT").message
    )


def test_unknown_statement_element_with_did_you_mean() -> None:
    finding = only(
        policy({**allow("ssm:GetParameter"), "Conditions": {}}), "INVALID_POLICY_ELEMENT"
    )
    assert finding.suggestion == "Condition"
    assert finding.pointer == "/Statement/0/Conditions"


def test_principal_is_not_allowed() -> None:
    finding = only(policy({**allow("ssm:GetParameter"), "Principal": "*"}), "UNSUPPORTED_PRINCIPAL")
    assert finding.severity == "error"
    assert "UNSUPPORTED_PRINCIPAL" not in codes(policy(allow("ssm:GetParameter")))


def test_effect_missing_and_invalid() -> None:
    assert "MISSING_EFFECT" in codes(policy({"Action": "ssm:GetParameter", "Resource": "*"}))
    finding = only(policy({**allow("ssm:GetParameter"), "Effect": "allow"}), "INVALID_EFFECT")
    assert finding.suggestion == "Allow"
    assert "INVALID_EFFECT" not in codes(policy({**allow("ssm:GetParameter"), "Effect": "Deny"}))


def test_action_and_not_action_together() -> None:
    statement = {**allow("ssm:GetParameter"), "NotAction": "ssm:PutParameter"}
    finding = only(policy(statement), "UNSUPPORTED_ELEMENT_COMBINATION")
    assert finding.pointer == "/Statement/0/NotAction"


def test_missing_action_and_resource() -> None:
    assert "MISSING_ACTION" in codes(policy({"Effect": "Allow", "Resource": "*"}))
    assert "MISSING_RESOURCE" in codes(policy({"Effect": "Allow", "Action": "ssm:GetParameter"}))
    assert codes(policy({"Effect": "Allow", "NotAction": "iam:*", "NotResource": "*"})) != []


def test_wrong_types_are_findings_not_exceptions() -> None:
    text = policy({"Effect": 1, "Action": {"a": 1}, "Resource": ["*", 3]})
    found = [f.pointer for f in findings(text) if f.code == "DATA_TYPE_MISMATCH"]
    assert sorted(found) == [
        "/Statement/0/Action",
        "/Statement/0/Effect",
        "/Statement/0/Resource/1",
    ]


def test_empty_arrays_are_suggestions() -> None:
    assert only(policy(allow([])), "EMPTY_ARRAY_ACTION").severity == "suggestion"
    assert only(policy(allow("ssm:GetParameter", [])), "EMPTY_ARRAY_RESOURCE").pointer == (
        "/Statement/0/Resource"
    )
    assert "EMPTY_OBJECT_CONDITION" in codes(policy(allow("ssm:GetParameter", Condition={})))
    condition = {"StringEquals": {"aws:username": []}}
    assert "EMPTY_ARRAY_CONDITION" in codes(policy(allow("ssm:GetParameter", Condition=condition)))


def test_sid_rules() -> None:
    assert only(
        policy(allow("ssm:GetParameter", Sid="read-params")), "UNSUPPORTED_SID"
    ).suggestion == ("readparams")
    assert "EMPTY_SID_VALUE" in codes(policy(allow("ssm:GetParameter", Sid="")))
    text = policy(allow("ssm:GetParameter", Sid="Read"), allow("ssm:GetParameters", Sid="Read"))
    finding = only(text, "UNIQUE_SIDS_REQUIRED")
    assert finding.pointer == "/Statement/1/Sid" and finding.suggestion == "Read2"
    ok = policy(
        allow("ssm:GetParameter", PARAMETERS, Sid="Read"),
        allow("ssm:GetParameters", PARAMETERS, Sid="Read2"),
    )
    assert codes(ok) == []
