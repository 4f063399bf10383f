"""The findings header says the size against the policy type's quota, and only the size for
an AWS managed policy, which has none."""

from __future__ import annotations

from conftest import allow, policy
from ssm_tui.checks import PolicyType, validate
from ssm_tui.tui.widgets.findings_list import FindingsList

summary_of = FindingsList.summary_of


def test_the_header_shows_the_quota_of_the_policy_type() -> None:
    text = policy(allow("ssm:GetParameter"))
    assert summary_of(validate(text, PolicyType.MANAGED)).endswith("/6,144 chars")


def test_an_aws_managed_policy_has_no_quota_in_the_header() -> None:
    result = validate(policy(allow("ssm:GetParameter")), PolicyType.AWS_MANAGED)
    header = summary_of(result)
    assert header.endswith(f"· {result.size:,} chars") and "/" not in header.split("·")[-1]
