"""Suggestions: redundant actions, resources and statements, missing Sids."""

from __future__ import annotations

from conftest import PARAMETERS, allow, codes, only, policy
from ssm_tui.checks.fixes import apply_edits
from ssm_tui.iam.arn import arn_covers
from ssm_tui.iam.glob import pattern_covers as covers

DOC = "arn:aws:ssm:us-west-2:123456789012:document/"


def test_glob_containment() -> None:
    assert covers("ssm:Get*", "ssm:GetParameter", ignore_case=True)
    assert covers("ssm:*", "ssm:Get*", ignore_case=True)
    assert covers("SSM:get*", "ssm:GetParameter", ignore_case=True)
    assert not covers("ssm:Get*", "ssm:*", ignore_case=True)
    assert not covers("a?c", "a*c", ignore_case=False)  # ? is one character, * is any run
    assert arn_covers("*", DOC + "x")
    assert arn_covers(DOC + "*", DOC + "My*")
    assert not arn_covers(DOC + "My*", DOC + "*")
    assert not arn_covers(DOC + "*", "arn:aws:ssm:us-east-1:123456789012:document/x")


def test_redundant_action_with_a_fix_that_removes_it() -> None:
    text = policy(allow(["ssm:GetParameter", "ssm:Get*"], PARAMETERS))
    finding = only(text, "REDUNDANT_ACTION")
    assert finding.pointer == "/Statement/0/Action/0" and finding.severity == "suggestion"
    assert finding.fix is not None
    fixed = apply_edits(text, finding.fix.edits)
    assert '"ssm:GetParameter"' not in fixed and codes(fixed) == []
    assert "REDUNDANT_ACTION" not in codes(policy(allow(["ssm:GetParameter", "ssm:PutParameter"])))


def test_repeated_action_keeps_the_first() -> None:
    finding = only(policy(allow(["ssm:GetParameter", "ssm:getparameter"])), "REDUNDANT_ACTION")
    assert finding.pointer == "/Statement/0/Action/1"


def test_redundant_resource() -> None:
    text = policy(allow("ssm:GetDocument", [DOC + "MyDoc", DOC + "*"]))
    assert only(text, "REDUNDANT_RESOURCE").pointer == "/Statement/0/Resource/0"
    assert "REDUNDANT_RESOURCE" not in codes(
        policy(allow("ssm:GetDocument", [DOC + "a", DOC + "b"]))
    )


def test_identical_statements_apart_from_sid() -> None:
    text = policy(
        allow("ssm:GetParameter", PARAMETERS, Sid="A"),
        allow("ssm:GetParameter", PARAMETERS, Sid="B"),
        allow("ssm:PutParameter", PARAMETERS, Sid="C"),
    )
    finding = only(text, "REDUNDANT_STATEMENT")
    assert finding.pointer == "/Statement/1"
    assert finding.fix is not None
    assert codes(apply_edits(text, finding.fix.edits)) == []


def test_missing_sid_only_in_multi_statement_policies() -> None:
    assert "MISSING_SID" not in codes(policy(allow("ssm:GetParameter")))
    text = policy(allow("ssm:GetParameter", Sid="Read"), allow("ssm:PutParameter"))
    assert only(text, "MISSING_SID").pointer == "/Statement/1"


def test_missing_sids_are_one_finding_naming_the_statements() -> None:
    text = policy(
        allow("ssm:GetParameter"),
        allow("ssm:PutParameter", Sid="Write"),
        allow("ssm:DeleteParameter"),
    )
    finding = only(text, "MISSING_SID")
    assert finding.pointer == "/Statement/0"
    assert "Statements 1 and 3 have no Sid" in finding.message
