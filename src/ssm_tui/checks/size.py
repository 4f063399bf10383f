"""Size quotas by policy type (IAM counts characters other than whitespace), and the size
beyond which the validator does not parse a text at all."""

from __future__ import annotations

from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, PolicyType, Severity, register, rules

RULES = rules(
    (
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        "Policy larger than IAM's quota",
        "IAM limits identity policies by non-whitespace characters: 6,144 for a managed policy; "
        "2,048, 5,120 and 10,240 in total for the inline policies of a user, group or role. Split "
        "the policy or use wildcards. An AWS managed policy is not held to these quotas.",
    ),
)

# The validator's cut-off counts what IAM counts: characters other than whitespace.  The
# largest identity policy IAM accepts from a customer has 10,240 and the largest AWS managed
# policy about 152,000 (AWSSupportServiceRolePolicy); a text with more is reported by size
# only, unparsed, so that a huge paste cannot stall the editor (bench/bench_hostile.py).
MAX_CHECKED_CHARS = 200_000
# Whitespace is cheap to skip but not free: a text longer than this in all is not parsed
# either, whatever it holds (pretty-printing a policy with 4-space indents adds about half
# again to it; five times is room for any indentation).
MAX_TEXT_CHARS = 5 * MAX_CHECKED_CHARS


def policy_size(text: str) -> int:
    """Characters IAM counts against the quota: everything but whitespace."""
    return len(text) - text.count(" ") - text.count("\t") - text.count("\n") - text.count("\r")


def beyond_cut_off(text: str) -> bool:
    """Whether `text` is too large for the validator to parse (see MAX_CHECKED_CHARS)."""
    return len(text) > MAX_TEXT_CHARS or policy_size(text) > MAX_CHECKED_CHARS


def cut_off_phrase() -> str:
    """The cut-off as a phrase, for messages."""
    return (
        f"{MAX_CHECKED_CHARS:,} characters not counting whitespace "
        f"({MAX_TEXT_CHARS:,} characters in all)"
    )


@register("syntax", rules=RULES)
def size_quota(ctx: CheckContext) -> Iterator[Finding]:
    limit = ctx.policy_type.size_limit
    if limit is None:  # an AWS managed policy
        return
    size = ctx.size if ctx.size >= 0 else policy_size(ctx.policy.text)
    if size <= limit:
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
    text = ctx.policy.text
    has = (
        f"The text has {policy_size(text):,} characters not counting whitespace "
        f"({len(text):,} in all), more than ssm-tui checks ({cut_off_phrase()})"
    )
    if ctx.policy_type is PolicyType.AWS_MANAGED:
        # no quota to say it breaks: only that it was not checked
        severity, message = Severity.WARNING, f"{has}; it was not checked."
    else:
        largest = PolicyType.ROLE_INLINE.size_limit
        severity = Severity.ERROR
        message = (
            f"{has} and far beyond the largest identity policy IAM accepts ({largest:,}); "
            "it was not checked further."
        )
    return ctx.finding(
        severity,
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        message,
        "",
        span=ctx.source_map.lines.span(0, 0),
    )
