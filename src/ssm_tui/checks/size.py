"""Size quotas by policy type (IAM counts characters other than whitespace)."""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Severity, register


def policy_size(text: str) -> int:
    """Characters IAM counts against the quota: everything but whitespace."""
    return len(text) - text.count(" ") - text.count("\t") - text.count("\n") - text.count("\r")


@register("syntax")
def size_quota(ctx: CheckContext) -> Iterator[Finding]:
    size = ctx.size if ctx.size >= 0 else policy_size(ctx.policy.text)
    if size <= ctx.policy_type.size_limit:
        return
    yield ctx.finding(
        Severity.ERROR,
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        f"The policy has {size:,} characters (not counting whitespace); "
        f"{ctx.policy_type.quota}, so IAM rejects it. Split it into several policies or use "
        f"wildcards that cover several actions.",
        "",
        head=True,
    )
