"""Document and statement grammar: elements, required pairs, data types, Sids, empties."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Fix, Severity, quote, register, rules
from ssm_tui.iam.catalog import closest
from ssm_tui.policy.elements import POLICY_ELEMENTS, STATEMENT_ELEMENTS
from ssm_tui.policy.model import Statement
from ssm_tui.policy.source import join_pointer

RULES = rules(
    (
        "DATA_TYPE_MISMATCH",
        "Wrong JSON type",
        "A policy element has the wrong JSON type (for example Effect as a number). Use the type "
        "the IAM policy grammar requires.",
    ),
    (
        "INVALID_POLICY_ELEMENT",
        "Unknown or misplaced element",
        "A policy has Version and Statement; a statement has Sid, Effect, Action or NotAction, "
        "Resource or NotResource and Condition. Id is not allowed in identity-based policies.",
    ),
    (
        "MISSING_VERSION",
        "No Version",
        'Add "Version": "2012-10-17"; without it policy variables are read as literal text.',
    ),
    ("INVALID_VERSION", "Unknown Version", 'Use "Version": "2012-10-17".'),
    (
        "OUTDATED_VERSION",
        "Legacy Version 2008-10-17",
        'Version 2008-10-17 has no policy variables. Use "2012-10-17".',
        False,
    ),
    ("MISSING_STATEMENT", "No statement", "Add at least one statement."),
    ("MISSING_EFFECT", "No Effect", 'Add "Effect": "Allow" or "Deny".'),
    ("INVALID_EFFECT", "Invalid Effect", 'Effect is exactly "Allow" or "Deny" (case matters).'),
    (
        "MISSING_ACTION",
        "No Action or NotAction",
        "Add Action with the actions the statement is about.",
    ),
    (
        "MISSING_RESOURCE",
        "No Resource or NotResource",
        'Add Resource with the ARNs the statement applies to, or "*".',
    ),
    (
        "UNSUPPORTED_ELEMENT_COMBINATION",
        "Action with NotAction, or Resource with NotResource",
        "A statement has either Action or NotAction, and either Resource or NotResource.",
    ),
    (
        "UNSUPPORTED_PRINCIPAL",
        "Principal in an identity policy",
        "Identity-based policies must not name a Principal: the principal is whoever the policy "
        "is attached to. Remove Principal / NotPrincipal.",
    ),
    (
        "UNSUPPORTED_SID",
        "Sid with characters IAM rejects",
        "A Sid may contain only letters and digits.",
    ),
    ("UNIQUE_SIDS_REQUIRED", "Duplicate Sid", "Each Sid must be unique within an IAM policy."),
    ("EMPTY_SID_VALUE", "Empty Sid", "Name the statement or remove the empty Sid."),
    (
        "EMPTY_ARRAY_ACTION",
        "Empty action list",
        '"Action": [] grants nothing ("NotAction": [] excludes nothing).',
    ),
    (
        "EMPTY_ARRAY_RESOURCE",
        "Empty resource list",
        '"Resource": [] matches nothing ("NotResource": [] excludes nothing).',
    ),
    ("EMPTY_OBJECT_CONDITION", "Empty Condition", "Remove the empty Condition block."),
    (
        "EMPTY_ARRAY_CONDITION",
        "Condition key without values",
        "Give the condition key values or remove it.",
    ),
)

VERSIONS = ("2012-10-17", "2008-10-17")
_KNOWN_STATEMENT_ELEMENTS = frozenset(STATEMENT_ELEMENTS) - {"Principal", "NotPrincipal"}
_SID = re.compile(r"[0-9A-Za-z]*\Z")


def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    for choice in choices:
        if choice.lower() == word.strip().lower():
            return choice
    found = closest(word, choices, 1)
    return found[0] if found else None


@register("grammar", rules=RULES)
def data_types(ctx: CheckContext) -> Iterator[Finding]:
    for problem in ctx.policy.type_problems:
        if problem.element == "policy":
            message = f"A policy must be a JSON object ({{...}}), not {problem.found}."
        else:
            message = f"{problem.element} must be {problem.expected}, not {problem.found}."
        yield ctx.finding(Severity.ERROR, "DATA_TYPE_MISMATCH", message, problem.pointer)


@register("grammar", rules=RULES)
def policy_elements(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    for element in document.elements:
        pointer = join_pointer("", element)
        if element in POLICY_ELEMENTS:
            if element == "Id":
                yield ctx.finding(
                    Severity.ERROR,
                    "INVALID_POLICY_ELEMENT",
                    "Id is allowed in resource-based policies but not in identity-based "
                    "policies; remove it.",
                    pointer,
                    key=True,
                )
            continue
        if element in STATEMENT_ELEMENTS:
            message = (
                f"{quote(element)} belongs inside a statement, not at the top level of "
                f"the policy; move it into the Statement."
            )
            suggestion = None
        else:
            suggestion = _closest(element, POLICY_ELEMENTS)
            hint = f" Did you mean {quote(suggestion)}?" if suggestion else ""
            message = (
                f"{quote(element)} is not a policy element; a policy has Version, "
                f"Statement (and, in resource policies, Id).{hint}"
            )
        yield ctx.finding(
            Severity.ERROR,
            "INVALID_POLICY_ELEMENT",
            message,
            pointer,
            key=True,
            suggestion=suggestion,
            fix=_case_rename(ctx, document.elements, element, suggestion, pointer),
        )


@register("grammar", rules=RULES)
def version(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    located = document.version
    if located is None:
        if "Version" not in document.elements:
            yield ctx.finding(
                Severity.WARNING,
                "MISSING_VERSION",
                'The policy has no Version. Add "Version": "2012-10-17"; without it, policy '
                "variables such as ${aws:username} are treated as literal text.",
                "",
                head=True,
            )
        return
    if located.value == VERSIONS[0]:
        return
    if located.value == VERSIONS[1]:
        yield ctx.finding(
            Severity.SUGGESTION,
            "OUTDATED_VERSION",
            'Version "2008-10-17" is the legacy policy language: it has no policy variables. '
            'Use "2012-10-17".',
            located.pointer,
            suggestion=VERSIONS[0],
        )
        return
    yield ctx.finding(
        Severity.ERROR,
        "INVALID_VERSION",
        f'Version {quote(located.value)} is not a policy language version; use "2012-10-17".',
        located.pointer,
        suggestion=VERSIONS[0],
    )


@register("grammar", rules=RULES)
def statement_list(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None or ctx.reported("/Statement"):
        return
    if "Statement" not in document.elements:
        yield ctx.finding(
            Severity.ERROR,
            "MISSING_STATEMENT",
            "The policy has no Statement; add at least one statement.",
            "",
            head=True,
        )
    elif not document.statements and not ctx.policy.type_problems:
        yield ctx.finding(
            Severity.ERROR,
            "MISSING_STATEMENT",
            "Statement is empty; add at least one statement.",
            "/Statement",
        )


def _element_pairs(ctx: CheckContext, statement: Statement) -> Iterator[Finding]:
    present = set(statement.elements)
    for first, second, missing_code, noun in (
        ("Action", "NotAction", "MISSING_ACTION", "actions"),
        ("Resource", "NotResource", "MISSING_RESOURCE", "resources"),
    ):
        if first in present and second in present:
            yield ctx.finding(
                Severity.ERROR,
                "UNSUPPORTED_ELEMENT_COMBINATION",
                f"A statement has either {first} or {second}, not both; keep the one you mean.",
                join_pointer(statement.pointer, second),
                key=True,
            )
        elif first not in present and second not in present:
            yield ctx.finding(
                Severity.ERROR,
                missing_code,
                f"{statement.label.capitalize()} has neither {first} nor {second}; add "
                f"{first} with the {noun} it applies to.",
                statement.pointer,
                head=True,
            )


def _effect(ctx: CheckContext, statement: Statement) -> Iterator[Finding]:
    if "Effect" not in statement.elements:
        yield ctx.finding(
            Severity.ERROR,
            "MISSING_EFFECT",
            f'{statement.label.capitalize()} has no Effect; add "Effect": "Allow" or "Deny".',
            statement.pointer,
            head=True,
        )
        return
    effect = statement.effect
    if effect is None or effect.value in ("Allow", "Deny"):
        return
    suggestion = _closest(effect.value, ("Allow", "Deny"))
    hint = f" (case matters: {quote(suggestion)})" if suggestion else ""
    yield ctx.finding(
        Severity.ERROR,
        "INVALID_EFFECT",
        f'Effect must be "Allow" or "Deny", not {quote(effect.value)}{hint}.',
        effect.pointer,
        suggestion=suggestion,
        fix=ctx.replace_value(effect.pointer, suggestion, f"write {suggestion}")
        if suggestion is not None and suggestion.lower() == effect.value.strip().lower()
        else None,
    )


def _unknown_elements(ctx: CheckContext, statement: Statement) -> Iterator[Finding]:
    for element in statement.elements:
        if element in _KNOWN_STATEMENT_ELEMENTS:
            continue
        pointer = join_pointer(statement.pointer, element)
        if element in ("Principal", "NotPrincipal"):
            yield ctx.finding(
                Severity.ERROR,
                "UNSUPPORTED_PRINCIPAL",
                f"An identity-based policy must not specify {element}: the principal is "
                f"whoever the policy is attached to. Remove it (IAM rejects the policy "
                f"otherwise).",
                pointer,
                key=True,
            )
        elif element not in STATEMENT_ELEMENTS:
            suggestion = _closest(element, STATEMENT_ELEMENTS)
            hint = f" Did you mean {quote(suggestion)}?" if suggestion else ""
            yield ctx.finding(
                Severity.ERROR,
                "INVALID_POLICY_ELEMENT",
                f"{quote(element)} is not a statement element; a statement has Sid, Effect, "
                f"Action or NotAction, Resource or NotResource, and Condition.{hint}",
                pointer,
                key=True,
                suggestion=suggestion,
                fix=_case_rename(ctx, statement.elements, element, suggestion, pointer),
            )


def _case_rename(
    ctx: CheckContext,
    elements: tuple[str, ...],
    element: str,
    suggestion: str | None,
    pointer: str,
) -> Fix | None:
    """Renaming is certain only when the element differs from a real one in case alone
    (`effect`) and the right name is not already there."""
    if suggestion is None or suggestion.lower() != element.lower() or suggestion in elements:
        return None
    return ctx.rename_key(pointer, suggestion, f"rename {element} to {suggestion}")


def _empties(ctx: CheckContext, statement: Statement) -> Iterator[Finding]:
    for name, values in (
        ("Action", statement.action),
        ("NotAction", statement.not_action),
        ("Resource", statement.resource),
        ("NotResource", statement.not_resource),
    ):
        if values is None or values:
            continue
        pointer = join_pointer(statement.pointer, name)
        if ctx.reported(pointer):
            continue
        if not _is_empty_array(ctx, pointer):
            continue  # every item had the wrong type: already reported
        kind = "ACTION" if "Action" in name else "RESOURCE"
        if name.startswith("Not"):
            message = (
                f'"{name}": [] excludes nothing, so it matches every '
                f"{'action' if kind == 'ACTION' else 'resource'}. List what to exclude, "
                f"or use {name[3:]}."
            )
        else:
            message = (
                f'"{name}": [] lists nothing, so this statement has no effect. List '
                f"the {name.lower()}s it should apply to, or remove the statement."
            )
        code = "EMPTY_ARRAY_ACTION" if kind == "ACTION" else "EMPTY_ARRAY_RESOURCE"
        yield ctx.finding(Severity.SUGGESTION, code, message, pointer)
    if statement.condition is None:
        return
    pointer = join_pointer(statement.pointer, "Condition")
    if not statement.condition and _is_empty_object(ctx, pointer):
        yield ctx.finding(
            Severity.SUGGESTION,
            "EMPTY_OBJECT_CONDITION",
            '"Condition": {} has no conditions; remove it.',
            pointer,
        )
        return
    for entry in statement.condition:
        operator = entry.operator
        qualified = operator.startswith(("ForAllValues:", "ForAnyValue:"))
        if (qualified or operator.endswith("IfExists")) and "Not" not in operator:
            continue  # conditions.py reports EMPTY_ARRAY_CONDITION_FORALLVALUES etc. for these
        if entry.values_is_list and not entry.values and _is_empty_array(ctx, entry.pointer):
            yield ctx.finding(
                Severity.SUGGESTION,
                "EMPTY_ARRAY_CONDITION",
                f"The condition key {quote(entry.key)} has no values ([]), so the condition "
                f"cannot be evaluated as intended; give it values or remove it.",
                entry.pointer,
            )


def _is_empty_array(ctx: CheckContext, pointer: str) -> bool:
    node = ctx.policy.json.node(pointer)
    return node is not None and node.kind == "array" and not node.items


def _is_empty_object(ctx: CheckContext, pointer: str) -> bool:
    node = ctx.policy.json.node(pointer)
    return node is not None and node.kind == "object" and not node.members


def _sids(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    assert document is not None
    seen: dict[str, Statement] = {}
    names = {s.sid.value for s in document.statements if s.sid is not None}
    # the lowest number tried so far for each duplicated Sid: `names` only grows, so the
    # next free number is never lower (without it, n copies of a Sid cost n*n lookups)
    next_number: dict[str, int] = {}
    for statement in document.statements:
        sid = statement.sid
        if sid is None:
            continue
        if sid.value == "":
            yield ctx.finding(
                Severity.SUGGESTION,
                "EMPTY_SID_VALUE",
                "The Sid is empty; give the statement a name (letters and digits) or remove "
                "the Sid.",
                sid.pointer,
            )
            continue
        if not _SID.match(sid.value):
            cleaned = re.sub(r"[^0-9A-Za-z]", "", sid.value)
            yield ctx.finding(
                Severity.ERROR,
                "UNSUPPORTED_SID",
                f"Sid {quote(sid.value)} has characters IAM rejects: a Sid may contain only "
                f"letters A-Z, a-z and digits 0-9.",
                sid.pointer,
                suggestion=cleaned or None,
            )
            continue
        if sid.value in seen:
            first = seen[sid.value]
            number = next_number.get(sid.value, 2)
            while f"{sid.value}{number}" in names:
                number += 1
            next_number[sid.value] = number + 1
            renamed = f"{sid.value}{number}"
            names.add(renamed)
            yield ctx.finding(
                Severity.ERROR,
                "UNIQUE_SIDS_REQUIRED",
                f"Sid {quote(sid.value)} is already used by {first.label}; in IAM each Sid "
                f"must be unique within a policy. Rename one.",
                sid.pointer,
                suggestion=renamed,
                fix=ctx.replace_value(sid.pointer, renamed, f"rename the Sid to {renamed}"),
            )
        else:
            seen[sid.value] = statement


@register("grammar", rules=RULES)
def statements(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    for statement in document.statements:
        yield from _unknown_elements(ctx, statement)
        yield from _effect(ctx, statement)
        yield from _element_pairs(ctx, statement)
        yield from _empties(ctx, statement)
    yield from _sids(ctx)
