"""Apply the certain repairs that findings carry (`Finding.fix`) to a policy text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ssm_tui.checks.base import Finding, PolicyType, TextEdit


@dataclass(frozen=True, slots=True)
class AppliedFix:
    code: str
    description: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class FixResult:
    text: str
    applied: tuple[AppliedFix, ...]

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """`text` with the edits made; edits must not overlap."""
    out = text
    for edit in sorted(edits, key=lambda e: (e.offset, e.end_offset), reverse=True):
        out = out[: edit.offset] + edit.replacement + out[edit.end_offset :]
    return out


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    return (a.offset < b.end_offset and b.offset < a.end_offset) or a.offset == b.offset


def _one_round(text: str, findings: list[Finding]) -> tuple[str, list[AppliedFix]]:
    taken: list[TextEdit] = []
    applied: list[AppliedFix] = []
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        if any(_overlap(e, t) for e in fix.edits for t in taken):
            continue  # overlaps an edit already chosen: the next round will see it again
        taken.extend(fix.edits)
        applied.append(AppliedFix(finding.code, fix.description, finding.line, finding.column))
    return apply_edits(text, taken), applied


def fix_text(text: str, policy_type: PolicyType = PolicyType.MANAGED, rounds: int = 5) -> FixResult:
    """Apply every certain fix, re-validating between rounds until nothing more applies."""
    from ssm_tui.checks import validate

    applied: list[AppliedFix] = []
    for _ in range(rounds):
        findings = validate(text, policy_type).findings
        text, done = _one_round(text, findings)
        if not done:
            break
        applied.extend(done)
    return FixResult(text, tuple(applied))
