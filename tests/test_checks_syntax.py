"""JSON syntax, characters IAM rejects, duplicate keys, size quotas."""

from __future__ import annotations

from conftest import PARAMETERS, allow, codes, findings, only, policy
from ssm_tui.checks import PolicyType, validate


def test_valid_policy_has_no_findings() -> None:
    assert findings(policy(allow("ssm:GetParameter", PARAMETERS))) == []


def test_syntax_error_is_one_finding_at_line_and_column() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}'
    result = findings(text)
    assert [f.code for f in result] == ["JSON_SYNTAX_ERROR"]
    assert (result[0].line, result[0].column) == (4, 24)
    assert "Trailing comma" in result[0].message


def test_extra_text_after_policy_is_reported_where_it_starts() -> None:
    text = '{"Version": "2012-10-17"}\nco'
    finding = only(text, "JSON_SYNTAX_ERROR")
    assert (finding.line, finding.column) == (2, 1)
    assert "after the end" in finding.message


def test_no_other_checks_run_on_broken_json() -> None:
    assert codes('{"Statement": [{"Effect": "Alow", "Action": "ssm:Nope"') == ["JSON_SYNTAX_ERROR"]


def test_empty_text() -> None:
    assert codes("") == ["JSON_SYNTAX_ERROR"]
    assert codes("   \n ") == ["JSON_SYNTAX_ERROR"]


def test_duplicate_key_is_reported_at_the_second_occurrence() -> None:
    text = (
        '{\n "Version": "2012-10-17",\n "Statement": [{\n  "Effect": "Allow",\n'
        '  "Action": "ssm:GetParameter",\n  "Action": "ssm:PutParameter",\n'
        '  "Resource": "*"\n }]\n}'
    )
    finding = only(text, "DUPLICATE_KEY")
    assert finding.pointer == "/Statement/0/Action"
    assert (finding.line, finding.column, finding.end_column) == (6, 3, 11)
    assert "line 5" in finding.message


def test_duplicate_condition_operator_is_reported() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter",'
        ' "Resource": "*", "Condition": {"StringEquals": {"aws:username": "a"},'
        ' "StringEquals": {"aws:username": "b"}}}]}'
    )
    assert only(text, "DUPLICATE_KEY").pointer == "/Statement/0/Condition/StringEquals"


def test_character_outside_iam_range_is_reported_with_position() -> None:
    text = policy(allow("ssm:GetParameter", "*", Sid="Read")).replace('"Read"', '"Re\u2019ad"')
    text = text.replace("\\u2019", "\u2019")
    finding = only(text, "INVALID_CHARACTER")
    assert "U+2019" in finding.message
    assert finding.suggestion == "'"
    line = text.splitlines()[finding.line - 1]
    assert line[finding.column - 1] == "\u2019"


def test_latin1_characters_are_allowed() -> None:
    text = policy(
        allow("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/caf\u00e9")
    )
    assert "INVALID_CHARACTER" not in codes(text)


def test_size_quota_depends_on_policy_type() -> None:
    resources = [f"arn:aws:ssm:us-east-1:123456789012:parameter/p{i:04d}" for i in range(60)]
    text = policy(allow("ssm:GetParameter", resources))
    assert "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA" not in codes(text)
    result = validate(text, PolicyType.USER_INLINE)
    assert result.size > 2048
    finding = [f for f in result.findings if f.code == "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"]
    assert len(finding) == 1 and "2,048" in finding[0].message


def test_whitespace_is_not_counted_in_size() -> None:
    compact = policy(allow("ssm:GetParameter", "*")).replace("\n", "").replace("  ", "")
    spaced = policy(allow("ssm:GetParameter", "*"))
    assert validate(compact).size == validate(spaced).size


def test_huge_paste_gives_one_finding_without_parsing() -> None:
    result = validate("[" + "1," * 150_000 + "1]")
    assert [f.code for f in result.findings] == ["POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"]


def test_lookalike_characters_have_a_fix() -> None:
    from ssm_tui.checks.fixes import apply_edits

    text = policy(allow("ssm:GetParameter", "*", Sid="Read")).replace('"Read"', '"Read\u200b"')
    finding = only(text, "INVALID_CHARACTER")
    assert finding.fix is not None
    assert "INVALID_CHARACTER" not in codes(apply_edits(text, finding.fix.edits))
    binary = policy(allow("ssm:GetParameter")).replace('"*"', '"\u0001"')
    assert only(binary, "INVALID_CHARACTER").fix is None
