"""Size quotas by policy type (IAM counts characters other than whitespace)."""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, PolicyType, Severity, register, rules

RULES = rules(
    (
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        "Policy larger than IAM's quota",
        "IAM limits identity policies by non-whitespace characters: 6,144 for a managed policy; "
        "2,048, 5,120 and 10,240 in total for the inline policies of a user, group or role. Split "
        "the policy or use wildcards.",
    ),
)


def policy_size(text: str) -> int:
    """Characters IAM counts against the quota: everything but whitespace."""
    return len(text) - text.count(" ") - text.count("\t") - text.count("\n") - text.count("\r")


@register("syntax", rules=RULES)
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


def oversized(ctx: CheckContext) -> Finding:
    """The one finding for a text far too large to be a policy, which is not parsed (the
    validator's short cut, so that a huge paste cannot stall the editor)."""
    length = len(ctx.policy.text)
    return ctx.finding(
        Severity.ERROR,
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        f"The text has {length:,} characters, far beyond the largest identity policy IAM "
        f"accepts ({PolicyType.ROLE_INLINE.size_limit:,}); it was not checked further.",
        "",
        span=ctx.source_map.lines.span(0, 0),
    )
