"""Can a policy, and each of its statements, be evaluated at all?  One syntax-level answer,
asked by the simulator and by the permissions engine alike.

A policy can be evaluated when it is JSON text (or a value JSON can write) of an object with a
`Statement` that is an object or an array (the policy grammar, IAM-REFERENCE.md section 2.1,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).  A
statement can be evaluated when it is an object, its elements have the grammar's JSON types,
its `Effect` is `"Allow"` or `"Deny"`, and it has exactly one of `Action`/`NotAction` and
exactly one of `Resource`/`NotResource`.  Otherwise the answer is a fault: what is wrong
(`kind`) and a message.  Whether the actions or resources match anything is not asked here
(`"Action": []` can be evaluated; it matches nothing).

Settled here (the two engines used to disagree):
- A statement with a type error in any element (`"Condition": 5`, `"Action": ["ssm:Get*", 5]`,
  `"Sid": 7`) cannot be evaluated.  The simulator used to evaluate what was left (a Condition
  of the wrong type read as no condition, so the statement allowed requests its author had
  conditioned); the permissions engine granted nothing.  The grammar admits no such
  statement, and the validator reports it as an error.
- A `Statement` that is neither an object nor an array makes the whole policy unevaluable,
  as the permissions engine said (the simulator read it as a policy without statements).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ssm_tui.policy.model import ParsedPolicy, Statement, TypeProblem, parse_policy

PolicyFaultKind = Literal[
    "not_a_json_value",  # a Python value that JSON cannot write (a set, NaN)
    "not_json",  # text that does not parse as JSON
    "not_an_object",  # the document is not a JSON object
    "no_statement",  # the document has no Statement element
    "statement_type",  # its Statement is neither an object nor an array
]
StatementFaultKind = Literal[
    "not_an_object",  # an item of the Statement array that is not an object
    "type",  # an element of the wrong JSON type
    "no_effect",
    "effect",  # an Effect other than "Allow" and "Deny"
    "no_action",  # neither Action nor NotAction
    "both_actions",
    "no_resource",  # neither Resource nor NotResource
    "both_resources",
]

# kind -> (the short reason, which follows "policy N: ", and the sentence that stands alone)
_POLICY_WORDING: Mapping[str, tuple[str, str]] = {
    "not_a_json_value": ("not a JSON value: {}", "the policy is not a JSON value: {}"),
    "not_json": ("not valid JSON: {}", "the policy is not valid JSON: {}"),
    "not_an_object": ("not a JSON object", "the policy is not a JSON object"),
    "no_statement": ("the policy has no Statement", "the policy has no Statement"),
    "statement_type": ("{}", "{}"),
}


@dataclass(frozen=True, slots=True)
class PolicyFault:
    """Why a policy as a whole cannot be evaluated; `detail` is the JSON error, or for
    `statement_type` the whole message."""

    kind: PolicyFaultKind
    detail: str = ""

    @property
    def reason(self) -> str:
        """Short, after "policy 2: " (`not valid JSON: ...`)."""
        return _POLICY_WORDING[self.kind][0].format(self.detail)

    @property
    def sentence(self) -> str:
        """On its own (`the policy is not valid JSON: ...`)."""
        return _POLICY_WORDING[self.kind][1].format(self.detail)


@dataclass(frozen=True, slots=True)
class StatementFault:
    """Why one statement (by its position in the Statement array) cannot be evaluated."""

    index: int
    kind: StatementFaultKind
    message: str  # `it has no Effect`, `Action must be a string, not a number; ...`
    elements: tuple[str, ...]  # the elements concerned, e.g. ("Action", "NotAction")


def type_message(problem: TypeProblem) -> str:
    """`Action must be a string, not a number`."""
    return f"{problem.element} must be {problem.expected}, not {problem.found}"


def policy_text(policy: object) -> str | PolicyFault:
    """A JSON value (dict, list, ...) as JSON text, or why it is not one."""
    try:
        return json.dumps(policy, allow_nan=False)
    except (TypeError, ValueError) as error:
        return PolicyFault("not_a_json_value", str(error))


def policy_fault(parsed: ParsedPolicy) -> PolicyFault | None:
    """Why the parsed policy as a whole cannot be evaluated, or None."""
    if parsed.json.syntax_error is not None:
        return PolicyFault("not_json", parsed.json.syntax_error.message)
    document = parsed.document
    if document is None:
        return PolicyFault("not_an_object")
    if "Statement" not in document.elements:
        return PolicyFault("no_statement")
    for problem in parsed.type_problems:
        if problem.pointer == "/Statement" and problem.element == "Statement":
            return PolicyFault("statement_type", type_message(problem))
    return None


def read_policy(policy: str | Mapping[str, Any]) -> ParsedPolicy | PolicyFault:
    """Policy text or a JSON value, parsed; or why it cannot be evaluated.  A ParsedPolicy
    returned has a document."""
    text = policy if isinstance(policy, str) else policy_text(policy)
    if isinstance(text, PolicyFault):
        return text
    parsed = parse_policy(text)
    fault = policy_fault(parsed)
    return parsed if fault is None else fault


def statement_fault(
    statement: Statement, type_problems: Sequence[TypeProblem] = ()
) -> StatementFault | None:
    """Why the statement cannot be evaluated, or None; `type_problems` are those inside it
    (`statement_faults` finds them).  Type errors first, then Effect, Action, Resource."""
    index = statement.index
    if type_problems:
        message = "; ".join(type_message(p) for p in type_problems)
        elements = tuple(dict.fromkeys(p.element for p in type_problems))
        return StatementFault(index, "type", message, elements)
    effect = statement.effect
    if effect is None:
        return StatementFault(index, "no_effect", "it has no Effect", ("Effect",))
    if effect.value not in ("Allow", "Deny"):
        message = f'Effect must be "Allow" or "Deny", not "{effect.value}"'
        return StatementFault(index, "effect", message, ("Effect",))
    if statement.action is None and statement.not_action is None:
        message = "it has neither Action nor NotAction"
        return StatementFault(index, "no_action", message, ("Action", "NotAction"))
    if statement.action is not None and statement.not_action is not None:
        message = "it has both Action and NotAction"
        return StatementFault(index, "both_actions", message, ("Action", "NotAction"))
    if statement.resource is None and statement.not_resource is None:
        message = "it has neither Resource nor NotResource"
        return StatementFault(index, "no_resource", message, ("Resource", "NotResource"))
    if statement.resource is not None and statement.not_resource is not None:
        message = "it has both Resource and NotResource"
        return StatementFault(index, "both_resources", message, ("Resource", "NotResource"))
    return None


def _owner(pointer: str, statements: set[str]) -> str | None:
    """The statement pointer that `pointer` lies inside (statements never nest)."""
    end = pointer.rfind("/")
    while end > 0:
        if pointer[:end] in statements:
            return pointer[:end]
        end = pointer.rfind("/", 0, end)
    return None


def statement_faults(parsed: ParsedPolicy) -> dict[int, StatementFault]:
    """Every position of the policy's Statement that cannot be evaluated, by index (in
    index order): the items that are not objects and the statements `statement_fault`
    rejects.  Empty for a policy without a document."""
    document = parsed.document
    if document is None:
        return {}
    pointers = {s.pointer for s in document.statements}
    inside: dict[str, list[TypeProblem]] = {}
    faults: dict[int, StatementFault] = {}
    for problem in parsed.type_problems:
        if problem.element == "Statement" and problem.pointer not in pointers:
            position = problem.pointer.rsplit("/", 1)[-1]  # /Statement/N: not an object
            if position.isdigit():
                index = int(position)
                message = type_message(problem)
                faults[index] = StatementFault(index, "not_an_object", message, ("Statement",))
            continue
        owner = _owner(problem.pointer, pointers)
        if owner is not None:
            inside.setdefault(owner, []).append(problem)
    for statement in document.statements:
        fault = statement_fault(statement, inside.get(statement.pointer, ()))
        if fault is not None:
            faults[statement.index] = fault
    return dict(sorted(faults.items()))
