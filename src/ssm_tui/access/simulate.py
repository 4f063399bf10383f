"""An offline simulator: does a set of identity policies allow one request?

Follows IAM's evaluation logic for identity policies (IAM-REFERENCE.md section 3): an
explicit Deny wins, then an Allow, else the request is implicitly denied.  A statement
applies when its action, its resource and every one of its conditions match the request.
Core module: no screen code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ssm_tui.iam.arn import split_arn
from ssm_tui.iam.glob import glob_regex
from ssm_tui.iam.operators import arn_match, condition_true, parse_operator
from ssm_tui.iam.variables import Resolve, resolver, version_allows_variables
from ssm_tui.policy.evaluable import PolicyFault, read_policy, statement_faults
from ssm_tui.policy.model import ConditionEntry, ParsedPolicy, Statement

DecisionKind = Literal["allowed", "explicit_deny", "implicit_deny"]
PolicyInput = str | Mapping[str, Any]


class PolicyError(ValueError):
    """A policy that cannot be evaluated (not JSON, not an object, no Statement, a Statement
    that is neither an object nor an array)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"policy {index + 1}: {message}")
        self.index = index
        self.reason = message


class Request(BaseModel):
    """One request: an action, the resource it acts on and the request context."""

    model_config = ConfigDict(frozen=True)

    action: str
    resource: str = "*"
    context: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("action")
    @classmethod
    def _check_action(cls, value: str) -> str:
        service, sep, name = value.partition(":")
        if not sep or not service or not name or any(c in value for c in "*? "):
            raise ValueError(f"action must look like service:Name, not {value!r}")
        return value

    @field_validator("resource")
    @classmethod
    def _check_resource(cls, value: str) -> str:
        if value != "*" and (len(split_arn(value)) != 6 or not value.startswith("arn:")):
            raise ValueError(f'resource must be "*" or an ARN, not {value!r}')
        return value

    def values(self, key: str) -> list[str] | None:
        """The request's values for a condition key (case-insensitive), None when absent."""
        return self._lowered.get(key.lower())

    @property
    def _lowered(self) -> dict[str, list[str]]:
        lowered: dict[str, list[str]] = {}
        for key, values in self.context.items():
            lowered.setdefault(key.lower(), []).extend(values)
        return lowered


class StatementRef(BaseModel):
    """Where a statement sits: which policy, which statement, and its span in the text."""

    model_config = ConfigDict(frozen=True)

    policy: int
    statement: int
    sid: str | None
    effect: str
    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def label(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return (
            f"policy {self.policy + 1} statement {self.statement + 1}{sid} "
            f"[{self.effect}] at line {self.line}, column {self.column}"
        )


class Nearest(BaseModel):
    """The Allow statement that came closest to allowing an implicitly denied request."""

    model_config = ConfigDict(frozen=True)

    statement: StatementRef
    why: str  # "action", "resource" or "condition <operator> <key>"


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: str
    resource: str
    decision: DecisionKind
    deciding: tuple[StatementRef, ...] = ()
    missing_context_keys: tuple[str, ...] = ()
    nearest: Nearest | None = None

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def summary(self) -> str:
        """A few lines of text for a terminal."""
        lines = [f"{self.action} on {self.resource}: {self.decision.replace('_', ' ')}"]
        verb = "allowed by" if self.decision == "allowed" else "denied by"
        lines.extend(f"  {verb} {ref.label}" for ref in self.deciding)
        if self.decision == "implicit_deny":
            if self.nearest is None:
                lines.append("  no Allow statement in the policies")
            else:
                lines.append(
                    f"  nearest: {self.nearest.statement.label}, "
                    f"which does not match on {self.nearest.why}"
                )
        if self.missing_context_keys:
            lines.append(f"  missing context keys: {', '.join(self.missing_context_keys)}")
        return "\n".join(lines)


# --- conditions -----------------------------------------------------------------------------
# What each operator means, how values parse and compare, and what a missing key does are in
# ssm_tui.iam.operators, which the validator reads too; policy variables in iam.variables.


def _resolve(parsed: ParsedPolicy, request: Request) -> Resolve | None:
    """How the policy's variables read for this request; None when its Version has none
    (then `${...}` is literal text)."""
    document = parsed.document
    version = document.version.value if document is not None and document.version else None
    return resolver(request.values) if version_allows_variables(version) else None


def _condition_true(entry: ConditionEntry, request: Request, resolve: Resolve | None) -> bool:
    """One key of one operator: is it true for the request?  An invalid operator is false."""
    operator = parse_operator(entry.operator)
    if operator is None:
        return False
    values = [v.value for v in entry.values]
    return condition_true(operator, values, request.values(entry.key), resolve)


# --- statements -----------------------------------------------------------------------------


def _action_matches(pattern: str, action: str) -> bool:
    return glob_regex(pattern, ignore_case=True).match(action) is not None


def _resource_matches(entry: str, resource: str, resolve: Resolve | None) -> bool:
    if entry == "*":
        return True
    return arn_match(entry, resource, resolve)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """How far a statement got: stage 0 action, 1 resource, 2 conditions, 3 all matched."""

    stage: int
    conditions_true: int = 0
    failed: str | None = None

    @property
    def matched(self) -> bool:
        return self.stage == 3

    @property
    def why(self) -> str:
        return {0: "action", 1: "resource"}.get(self.stage, self.failed or "condition")


def _evaluate(statement: Statement, request: Request, resolve: Resolve | None) -> _Outcome:
    if statement.action is not None:
        action_ok = any(_action_matches(a.value, request.action) for a in statement.action)
    else:
        action_ok = not any(
            _action_matches(a.value, request.action) for a in statement.not_action or ()
        )
    if not action_ok:
        return _Outcome(0)
    if statement.resource is not None:
        resource_ok = any(
            _resource_matches(r.value, request.resource, resolve) for r in statement.resource
        )
    else:
        resource_ok = not any(
            _resource_matches(r.value, request.resource, resolve)
            for r in statement.not_resource or ()
        )
    if not resource_ok:
        return _Outcome(1)
    passed, failed = 0, None
    for entry in statement.condition or ():
        if _condition_true(entry, request, resolve):
            passed += 1
        elif failed is None:
            failed = f"condition {entry.operator} {entry.key}"
    return _Outcome(2 if failed else 3, passed, failed)


def _parse(index: int, policy: PolicyInput) -> ParsedPolicy:
    read = read_policy(policy)
    if isinstance(read, PolicyFault):
        raise PolicyError(index, read.reason)
    return read


def _ref(index: int, parsed: ParsedPolicy, statement: Statement) -> StatementRef:
    span = parsed.json.source_map.span(statement.pointer)
    return StatementRef(
        policy=index,
        statement=statement.index,
        sid=statement.sid.value if statement.sid is not None else None,
        effect=statement.effect.value if statement.effect is not None else "",
        line=span.line if span else 1,
        column=span.column if span else 1,
        end_line=span.end_line if span else 1,
        end_column=span.end_column if span else 1,
    )


def condition_keys_used(policies: Iterable[ParsedPolicy]) -> tuple[str, ...]:
    """The condition keys the policies use, in order of appearance, each once (keys are
    case-insensitive; the first spelling wins).  Every statement counts, also one that
    cannot match: these are the keys a request may need to carry."""
    keys: dict[str, str] = {}
    for policy in policies:
        for statement in policy.document.statements if policy.document is not None else ():
            for entry in statement.condition or ():
                keys.setdefault(entry.key.lower(), entry.key)
    return tuple(keys.values())


def simulate(policies: Sequence[PolicyInput], request: Request) -> Decision:
    """Evaluate `request` against identity policies (text or JSON values).

    Raises PolicyError for a policy that cannot be read as a policy at all (not JSON, not an
    object, no Statement, a Statement that is neither an object nor an array); statements
    that cannot be evaluated (no Effect, both Action and NotAction, an element of the wrong
    type...: `ssm_tui.policy.evaluable`, the answer permissions use too) never match."""
    parsed = [_parse(index, policy) for index, policy in enumerate(policies)]
    allows: list[StatementRef] = []
    denies: list[StatementRef] = []
    nearest: tuple[tuple[int, int], Nearest] | None = None
    for index, policy in enumerate(parsed):
        assert policy.document is not None
        resolve = _resolve(policy, request)
        faults = statement_faults(policy)
        for statement in policy.document.statements:
            if statement.index in faults:
                continue  # cannot be evaluated (policy/evaluable.py): never matches
            outcome = _evaluate(statement, request, resolve)
            if outcome.matched:
                (allows if statement.is_allow else denies).append(_ref(index, policy, statement))
            elif statement.is_allow:
                score = (outcome.stage, outcome.conditions_true)
                if nearest is None or score > nearest[0]:
                    nearest = (
                        score,
                        Nearest(statement=_ref(index, policy, statement), why=outcome.why),
                    )
    missing = tuple(
        sorted(
            (key for key in condition_keys_used(parsed) if request.values(key) is None),
            key=str.lower,
        )
    )
    common = {"action": request.action, "resource": request.resource}
    if denies:
        return Decision(
            **common, decision="explicit_deny", deciding=tuple(denies), missing_context_keys=missing
        )
    if allows:
        return Decision(
            **common, decision="allowed", deciding=tuple(allows), missing_context_keys=missing
        )
    return Decision(
        **common,
        decision="implicit_deny",
        missing_context_keys=missing,
        nearest=nearest[1] if nearest else None,
    )
