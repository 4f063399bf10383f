"""Size: IAM's quotas by policy type (none for an AWS managed policy), and the validator's
cut-off, which counts what IAM counts (characters other than whitespace)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import PARAMETERS, allow, policy
from ssm_tui.checks import (
    MAX_CHECKED_CHARS,
    MAX_TEXT_CHARS,
    PolicyType,
    Severity,
    policy_size,
    validate,
)
from ssm_tui.cli import main
from ssm_tui.cli.common import UsageError, read_policy_source

QUOTA = "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"
NOT_CHECKED = "more than ssm-tui checks"


def statements(count: int) -> list[dict[str, Any]]:
    """`count` distinct statements, each about 190 characters compact; the last one has a
    misspelled action (so a test can see the whole text was checked)."""
    made = [
        {
            "Sid": f"ReadAppParameters{i}",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": f"arn:aws:ssm:us-west-2:123456789012:parameter/app/service-{i}/*",
        }
        for i in range(count)
    ]
    made[-1]["Action"] = ["ssm:GetParamter"]
    return made


@cache
def big_document(non_whitespace: int) -> str:
    """A generated policy with about `non_whitespace` characters IAM counts (compact)."""
    one = len(json.dumps(statements(1)[0], separators=(",", ":"))) + 1
    return json.dumps(
        {"Version": "2012-10-17", "Statement": statements(non_whitespace // one)},
        separators=(",", ":"),
    )


def pretty(text: str, indent: int = 4) -> str:
    return json.dumps(json.loads(text), indent=indent)


def test_a_big_policy_pretty_printed_with_4_spaces_is_checked_in_full() -> None:
    # like AWSSupportServiceRolePolicy (152,297 characters IAM counts, 230,794 with 4-space
    # indents): more than 200,000 characters in all, far fewer that IAM counts
    text = pretty(big_document(152_000))
    assert len(text) > MAX_CHECKED_CHARS and policy_size(text) < MAX_CHECKED_CHARS
    result = validate(text, PolicyType.AWS_MANAGED)
    assert result.size == policy_size(text)
    assert "INVALID_ACTION" in {f.code for f in result.findings}  # the last statement's typo
    assert QUOTA not in {f.code for f in result.findings}


def test_an_aws_managed_policy_over_6144_has_no_quota_finding() -> None:
    text = big_document(8_000)
    assert PolicyType.MANAGED.size_limit is not None
    assert policy_size(text) > PolicyType.MANAGED.size_limit
    assert QUOTA not in {f.code for f in validate(text, PolicyType.AWS_MANAGED).findings}
    assert validate(text, "aws-managed").size_limit is None
    customer = [f for f in validate(text, PolicyType.MANAGED).findings if f.code == QUOTA]
    assert len(customer) == 1 and customer[0].severity is Severity.ERROR
    assert "customer managed policy may have at most 6,144" in customer[0].message


def test_quota_counts_no_whitespace() -> None:
    text = policy(allow("ssm:GetParameter", PARAMETERS))
    assert validate(text).size == len("".join(text.split()))
    assert validate(pretty(text, 40)).size == validate(text).size


def test_beyond_the_cut_off_is_reported_unparsed() -> None:
    text = big_document(MAX_CHECKED_CHARS + 2_000)
    assert policy_size(text) > MAX_CHECKED_CHARS
    (finding,) = validate(text).findings
    assert finding.code == QUOTA and finding.severity is Severity.ERROR
    assert (
        NOT_CHECKED in finding.message
        and "far beyond the largest identity policy" in finding.message
    )
    # an AWS managed policy has no quota to break: only "not checked", a warning
    (aws,) = validate(text, PolicyType.AWS_MANAGED).findings
    assert aws.code == QUOTA and aws.severity is Severity.WARNING
    assert NOT_CHECKED in aws.message and "IAM accepts" not in aws.message


def test_a_whitespace_flood_is_bounded() -> None:
    """Whitespace does not count against the cut-off, but a text longer than MAX_TEXT_CHARS
    in all is not parsed either (the editor validates on every keystroke)."""
    text = policy(allow("ssm:GetParameter", PARAMETERS))
    flood = text.replace("{", "{" + " " * (MAX_TEXT_CHARS // 4), 1) + "\n" * (MAX_TEXT_CHARS)
    assert policy_size(flood) < 1_000 and len(flood) > MAX_TEXT_CHARS
    (finding,) = validate(flood).findings
    assert finding.code == QUOTA and NOT_CHECKED in finding.message
    within = text + " " * (MAX_TEXT_CHARS - len(text))
    assert validate(within).findings == validate(text).findings


def test_commands_read_what_check_checks(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(pretty(big_document(152_000)))
    assert read_policy_source(str(path)).text == path.read_text()
    path.write_text(big_document(MAX_CHECKED_CHARS + 2_000))
    with pytest.raises(UsageError, match=r"characters not counting whitespace; .* up to 200,000"):
        read_policy_source(str(path))


def test_cli_policy_type_aws_managed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "aws.json"
    path.write_text(big_document(8_000))
    main(["check", "--format", "json", "--policy-type", "aws-managed", str(path)])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["policy_type"] == "aws-managed" and result["size"]["limit"] is None
    assert QUOTA not in {f["code"] for f in result["findings"]}
    main(["check", str(path), "--policy-type", "aws-managed"])
    assert "checked as AWS managed policy" in capsys.readouterr().out
    main(["check", "--format", "json", str(path)])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert QUOTA in {f["code"] for f in result["findings"]}


def test_corpus_largest_pretty_printed_is_checked(corpus_dir: Path) -> None:
    path = corpus_dir / "aws-managed" / "AWSSupportServiceRolePolicy.json"
    if not path.is_file():
        pytest.skip("AWSSupportServiceRolePolicy is not in the corpus")
    text = pretty(path.read_text())
    assert len(text) > MAX_CHECKED_CHARS
    result = validate(text, PolicyType.AWS_MANAGED)
    assert not [f for f in result.findings if f.code == QUOTA], "checked, no quota"
