"""The status line says the size against the policy type's quota, and only the size for an
AWS managed policy, which has none."""

from __future__ import annotations

from conftest import allow, policy
from ssm_tui.checks import PolicyType, validate
from ssm_tui.tui.widgets.status_line import size_against_quota


def test_the_status_shows_the_quota_of_the_policy_type() -> None:
    result = validate(policy(allow("ssm:GetParameter")), PolicyType.MANAGED)
    assert size_against_quota(result.size, result.size_limit) == f"{result.size:,}/6,144"


def test_an_aws_managed_policy_has_no_quota_in_the_status() -> None:
    result = validate(policy(allow("ssm:GetParameter")), PolicyType.AWS_MANAGED)
    assert size_against_quota(result.size, result.size_limit) == f"{result.size:,}"
