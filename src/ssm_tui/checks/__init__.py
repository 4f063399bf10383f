"""The validator: run every registered check over a policy text and collect findings.

    result = validate(text, PolicyType.MANAGED)
    for finding in result.findings: ...

Never raises for any input text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Importing the check modules registers them; base.CONCERNS fixes the order they run in.
from ssm_tui.checks import (  # noqa: F401
    actions,
    compat,
    conditions,
    grammar,
    hygiene,
    resources,
    security,
    size,
    syntax,
)
from ssm_tui.checks.base import REGISTRY, Check, CheckContext, Finding, PolicyType, Severity
from ssm_tui.checks.size import (
    MAX_CHECKED_CHARS,
    MAX_TEXT_CHARS,
    beyond_cut_off,
    oversized,
    policy_size,
)
from ssm_tui.iam.catalog import Catalog, get_catalog
from ssm_tui.policy.model import ParsedPolicy, build_policy
from ssm_tui.policy.source import parse_json

__all__ = [
    "MAX_CHECKED_CHARS",
    "MAX_TEXT_CHARS",
    "Finding",
    "PolicyType",
    "Severity",
    "ValidationResult",
    "beyond_cut_off",
    "policy_size",
    "run_checks",
    "validate",
]

# MAX_CHECKED_CHARS (characters IAM counts: not whitespace) and MAX_TEXT_CHARS (in all): a
# text beyond either is reported by size only, unparsed, so a huge paste cannot stall the
# editor (see checks/size.py).


@dataclass(slots=True)
class ValidationResult:
    policy: ParsedPolicy
    policy_type: PolicyType
    findings: list[Finding]
    size: int

    @property
    def size_limit(self) -> int | None:
        """The type's quota; None for an AWS managed policy (IAM documents none)."""
        return self.policy_type.size_limit

    def summary(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    def worst(self) -> Severity | None:
        return min((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def has_at_least(self, threshold: Severity) -> bool:
        return any(f.severity.at_least(threshold) for f in self.findings)


def validate(
    text: str,
    policy_type: PolicyType | str = PolicyType.MANAGED,
    *,
    catalog: Catalog | None = None,
) -> ValidationResult:
    """Every finding for `text` as an identity policy of `policy_type`, sorted by position."""
    policy_type = PolicyType(policy_type)
    if beyond_cut_off(text):
        return _oversized(text, policy_type, catalog or get_catalog())
    policy = build_policy(parse_json(text))
    counted = policy_size(text)
    ctx = CheckContext(policy, catalog or get_catalog(), policy_type, counted)
    findings = [finding for _, finding in run_checks(ctx)]
    findings.sort(key=lambda f: (f.line, f.column, f.severity.rank, f.code))
    return ValidationResult(policy, policy_type, findings, counted)


def run_checks(ctx: CheckContext) -> Iterator[tuple[Check, Finding]]:
    """Each registered check's findings, in the order the checks run, with the check that
    reported it.  After a JSON syntax error only the syntax checks run."""
    parsed_ok = ctx.policy.json.syntax_error is None
    for check in REGISTRY:
        if not parsed_ok and check.concern != "syntax":
            continue
        for finding in check.run(ctx):
            yield check, finding


def _oversized(text: str, policy_type: PolicyType, catalog: Catalog) -> ValidationResult:
    """A text far too large to be a policy: one finding, no parse (keeps the UI responsive)."""
    parsed = parse_json("")
    parsed.text = text
    policy = ParsedPolicy(parsed, None)
    ctx = CheckContext(policy, catalog, policy_type)
    return ValidationResult(policy, policy_type, [oversized(ctx)], policy_size(text))
