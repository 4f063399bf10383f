"""Apply the certain repairs that findings carry (`Finding.fix`) to a policy text.

A fix is kept only if the fixed text is no worse: `fix_text` re-validates after every
round and accepts a set of fixes only when

- the text still parses as JSON if it parsed before, and
- no error code is reported more often than before (a fix may expose a *different* error,
  e.g. ``NullIfExists`` -> ``Null`` then ``INVALID_CONDITION_MULTIPLE_BOOLEAN``, or removing
  an invisible character may make two keys equal: such a fix is refused).

A fix can also expose errors that a later fix removes (renaming ``statement`` shows the
statements' own problems), so rounds are first judged generously and the end result is
compared with the input; if it is worse the run is redone judging each round more strictly
(see `fix_text`).  When a round's fixes together fail, the round is bisected: halves are
tried on top of what was accepted so far, down to single fixes, so a few bad fixes among
thousands cost a few validations each instead of one per fix (and
a budget of validated characters bounds a hostile text).  Rounds repeat until no fix is
accepted, which makes `fix_text` idempotent: fixing its output changes nothing.

Line breaks: when the text uses one kind of line break throughout (CRLF, say), any line
break a fix writes is converted to that kind, so a CRLF file stays CRLF.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ssm_tui.checks.base import Finding, PolicyType, Severity, TextEdit

if TYPE_CHECKING:
    from ssm_tui.checks import ValidationResult

MAX_ROUNDS = 10
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


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
    # fixes that were offered but refused because the fixed text re-validated worse
    refused: tuple[AppliedFix, ...] = ()
    # validate(text) for the policy type fixed for, so that a caller need not repeat it
    result: ValidationResult | None = field(default=None, compare=False, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """`text` with the edits made; edits must not overlap.  Linear in the text's length."""
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.offset, e.end_offset)):
        pieces.append(text[position : edit.offset])
        pieces.append(edit.replacement)
        position = max(position, edit.end_offset)
    pieces.append(text[position:])
    return "".join(pieces)


class _Taken:
    """Non-overlapping edits kept sorted by offset; overlap tests look at neighbours only."""

    __slots__ = ("_edits", "_offsets")

    def __init__(self) -> None:
        self._offsets: list[int] = []
        self._edits: list[TextEdit] = []

    def overlaps(self, edit: TextEdit) -> bool:
        i = bisect.bisect_right(self._offsets, edit.offset)
        if i > 0:
            before = self._edits[i - 1]  # starts at or before this edit
            if before.offset == edit.offset or before.end_offset > edit.offset:
                return True
        if i < len(self._edits):
            after = self._edits[i]  # starts after this edit's start
            if after.offset < edit.end_offset:
                return True
        return False

    def add(self, edit: TextEdit) -> None:
        i = bisect.bisect_right(self._offsets, edit.offset)
        self._offsets.insert(i, edit.offset)
        self._edits.insert(i, edit)


@dataclass(frozen=True, slots=True)
class _Candidate:
    applied: AppliedFix
    edits: tuple[TextEdit, ...]


def _candidates(findings: Iterable[Finding]) -> list[_Candidate]:
    """The fixes of one round, first come first served, none overlapping another."""
    taken = _Taken()
    chosen: list[_Candidate] = []
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.edits:
            continue
        if any(taken.overlaps(edit) for edit in fix.edits):
            continue  # overlaps an edit already chosen: the next round will see it again
        for edit in fix.edits:
            taken.add(edit)
        applied = AppliedFix(finding.code, fix.description, finding.line, finding.column)
        chosen.append(_Candidate(applied, tuple(fix.edits)))
    return chosen


def _uniform_line_break(text: str) -> str | None:
    kinds = {m.group() for m in _LINE_BREAK.finditer(text)}
    return kinds.pop() if len(kinds) == 1 else None


@dataclass(frozen=True, slots=True)
class _Verdict:
    parses: bool
    errors: Counter[str]  # every error finding, by code
    unfixable: Counter[str]  # the error findings that carry no fix

    @classmethod
    def of(cls, result: ValidationResult) -> _Verdict:
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        return cls(
            result.policy.json.syntax_error is None,
            Counter(f.code for f in errors),
            Counter(f.code for f in errors if f.fix is None),
        )

    def no_worse_than(self, base: _Verdict, mode: str = "strict") -> bool:
        """Whether this text keeps `base`'s parse and, by `mode`, its error counts:
        "strict", no error code more often than in `base`; "unfixable", the same for the
        errors that carry no fix; "parse", the parse only."""
        if base.parses and not self.parses:
            return False
        if self.parses and not base.parses:
            return True  # the checks beyond syntax run only now: a parse is the improvement
        if mode == "parse":
            return True
        mine = self.unfixable if mode == "unfixable" else self.errors
        return all(count <= base.errors.get(code, 0) for code, count in mine.items())


class _Budget:
    """Validations left for one `fix_text` call: a hostile text with thousands of fixes that
    each make it worse must not cost thousands of validations.  When it runs out, the fixes
    not yet judged are refused."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


class _Round:
    """One round: find the largest set of this round's fixes (greedy, bisecting) whose
    combined result is no worse than the round's starting text."""

    def __init__(
        self,
        text: str,
        base: _Verdict,
        policy_type: PolicyType,
        line_break: str | None,
        mode: str,
        budget: _Budget,
    ) -> None:
        self.text, self.base, self.policy_type = text, base, policy_type
        self.line_break, self.mode, self.budget = line_break, mode, budget
        self.accepted: list[_Candidate] = []
        self.refused: list[_Candidate] = []
        self.result: ValidationResult | None = None  # of the accepted text

    def _fixed(self, candidates: Sequence[_Candidate]) -> str:
        fixed = apply_edits(self.text, (e for c in candidates for e in c.edits))
        if self.line_break is not None:
            fixed = _LINE_BREAK.sub(self.line_break, fixed)
        return fixed

    def _try(self, group: Sequence[_Candidate]) -> bool:
        from ssm_tui.checks import validate

        trial = [*self.accepted, *group]
        result = validate(self._fixed(trial), self.policy_type)
        if not _Verdict.of(result).no_worse_than(self.base, self.mode):
            return False
        self.accepted = trial
        self.result = result
        return True

    def run(self, candidates: Sequence[_Candidate]) -> str:
        pending: list[Sequence[_Candidate]] = [candidates]
        while pending:
            group = pending.pop()
            if not group:
                continue
            if not self.budget.take():
                self.refused.extend(group)
                continue
            if self._try(group):
                continue
            if len(group) == 1:
                self.refused.append(group[0])
                continue
            middle = len(group) // 2
            pending.append(group[middle:])  # popped second
            pending.append(group[:middle])  # popped first: keeps the findings' order
        return self._fixed(self.accepted)


# How strictly each round judges a fix, from the most generous; see `fix_text`.
_MODES = ("parse", "unfixable", "strict")
_MAX_PASSES = 3
# What one `fix_text` call may spend judging fixes: this many characters validated in all
# (20 validations of the largest text checked), but never fewer than MIN_VALIDATIONS nor
# more than MAX_VALIDATIONS validations.
VALIDATION_BUDGET = 4_000_000
MIN_VALIDATIONS, MAX_VALIDATIONS = 40, 400


@dataclass(slots=True)
class _Pass:
    result: FixResult
    final: ValidationResult  # of result.text
    settled: bool  # it stopped because no fix was left or accepted (not out of rounds)


def fix_text(
    text: str,
    policy_type: PolicyType = PolicyType.MANAGED,
    rounds: int = MAX_ROUNDS,
    *,
    validated: ValidationResult | None = None,
) -> FixResult:
    """Apply every certain fix that leaves the text no worse (see the module docstring),
    re-validating between rounds until nothing more applies.  `validated` is
    ``validate(text, policy_type)`` when the caller has it already.

    A fix can expose errors that a later fix removes (renaming ``statement`` to
    ``Statement`` shows the statements' own problems, and ``effect`` then reports a missing
    ``Effect`` until it is renamed too), so each round is first judged generously (the JSON
    must still parse) and only the end result is compared with `text`.  If it has an error
    code more often than `text` had, the run is redone judging each round by the errors
    without a fix, and then strictly by every error; the strict run always qualifies.  The
    whole is repeated on its own result until nothing changes, so fixing the result of
    `fix_text` changes nothing."""
    from ssm_tui.checks import validate

    before = validated if validated is not None else validate(text, policy_type)
    budget = _Budget(
        max(MIN_VALIDATIONS, min(MAX_VALIDATIONS, VALIDATION_BUDGET // max(len(text), 1)))
    )
    applied: list[AppliedFix] = []
    refused: tuple[AppliedFix, ...] = ()
    for _ in range(_MAX_PASSES):
        verdict = _Verdict.of(before)
        for mode in _MODES:
            done = _fix_rounds(text, before, policy_type, rounds, mode, budget)
            if mode == "strict" or _Verdict.of(done.final).no_worse_than(verdict):
                break
        refused = done.result.refused
        if not done.result.changed:
            break
        applied.extend(done.result.applied)
        text, before = done.result.text, done.final
        if mode == _MODES[0] and done.settled:
            break  # the generous judgement settled: a pass on its result would find the same
    return FixResult(text, tuple(applied), refused, before)


def _fix_rounds(
    text: str,
    result: ValidationResult,
    policy_type: PolicyType,
    rounds: int,
    mode: str,
    budget: _Budget,
) -> _Pass:
    line_break = _uniform_line_break(text)
    applied: list[AppliedFix] = []
    refused: list[AppliedFix] = []
    settled = False
    for _ in range(rounds):
        candidates = _candidates(result.findings)
        if not candidates:
            settled = True
            break
        one = _Round(text, _Verdict.of(result), policy_type, line_break, mode, budget)
        fixed = one.run(candidates)
        refused = [c.applied for c in one.refused]  # still refused after the last round
        if not one.accepted or one.result is None or fixed == text:
            settled = True
            break
        applied.extend(c.applied for c in one.accepted)
        text, result = fixed, one.result
    return _Pass(FixResult(text, tuple(applied), tuple(refused), result), result, settled)
