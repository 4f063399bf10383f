"""Validation results as text, JSON (the stable contract) and SARIF 2.1.0.

Text lines pass every string that comes from the input (names, file names, messages that
quote the policy) through `escape_control`: a hostile file can describe itself but not drive
the terminal.  `dumps` writes the JSON and SARIF payloads with the C1 controls, lone
surrogates, U+2028/U+2029 and the bidirectional controls as ``\\uXXXX`` escapes (json.dumps
with ensure_ascii=False leaves them raw; C0 controls such as ESC it escapes itself).

A policy that could not be read (from ``--account-details``: no default version, a document
of the wrong type...) is a `Checked` with a `problem`: one text line "NAME: could not be
read: PROBLEM", a JSON result with a ``problem`` member and no findings, a SARIF result
``POLICY_UNREADABLE``; the summary line counts them apart from the policies checked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ssm_tui import __version__
from ssm_tui.checks import Finding, PolicyType, Severity, ValidationResult
from ssm_tui.checks.base import Fix
from ssm_tui.checks.rules import rule
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.policy.format import escape_json_text
from ssm_tui.textsafe import escape_control

UNREADABLE_CODE = "POLICY_UNREADABLE"
_UNREADABLE_TITLE = "A policy in the input could not be read"
_UNREADABLE_HELP = (
    "The input names a policy ssm-tui could not read (for account details: no default "
    "version, a PolicyVersionList that is missing or not a list, a document of the wrong type "
    "or nested too deeply, an entry that is not an object); it was not checked."
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVELS = {
    Severity.ERROR: "error",
    Severity.SECURITY_WARNING: "warning",
    Severity.WARNING: "warning",
    Severity.SUGGESTION: "note",
}


@dataclass(frozen=True, slots=True)
class Checked:
    """One checked policy: a display name, the file it came from (None when it came from
    stdin or from inside another document), and the result."""

    name: str
    path: str | None
    result: ValidationResult
    problem: str | None = None  # why the policy could not be read (its result is empty)


def unreadable_policy(name: str, policy_type: PolicyType | str, problem: str) -> Checked:
    """A policy that could not be read: no findings, the `problem` reported instead."""
    from ssm_tui.policy.model import build_policy
    from ssm_tui.policy.source import parse_json

    empty = ValidationResult(build_policy(parse_json("")), PolicyType(policy_type), [], 0)
    return Checked(name, None, empty, problem)


def dumps(payload: Any) -> str:
    """A JSON or SARIF payload as text (2-space indent, UTF-8 characters kept), safe to
    print: see the module docstring.  Ends with a newline."""
    return escape_json_text(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"


def catalog_json() -> dict[str, str]:
    info = get_catalog().info
    return {"package": info.package, "version": info.version, "updated": info.updated}


def _result_json(item: Checked) -> dict[str, Any]:
    result: dict[str, Any] = {
        "source": item.name,
        "policy_type": item.result.policy_type.value,
        "size": {"chars": item.result.size, "limit": item.result.size_limit},
        "findings": [f.to_json() for f in item.result.findings],
        "summary": item.result.summary(),
    }
    if item.problem is not None:
        result["problem"] = item.problem
    return result


def to_json(checked: Sequence[Checked]) -> dict[str, Any]:
    """The JSON contract: one result per policy; an unreadable one has a ``problem``."""
    return {
        "version": 1,
        "catalog": catalog_json(),
        "results": [_result_json(item) for item in checked],
    }


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count:,} {'policies' if word == 'policy' else word + 's'}"


def text_lines(checked: Sequence[Checked]) -> list[str]:
    """`NAME:LINE:COLUMN: SEVERITY CODE message` per finding, then a summary line."""
    lines = []
    totals = {severity.value: 0 for severity in Severity}
    read = [item for item in checked if item.problem is None]
    for item in checked:
        name = escape_control(item.name)
        if item.problem is not None:
            lines.append(f"{name}: could not be read: {escape_control(item.problem)}")
            continue
        for finding in item.result.findings:
            message = escape_control(finding.message.replace("\n", " "))
            lines.append(
                f"{name}:{finding.line}:{finding.column}: {finding.severity.value} "
                f"{finding.code} {message}"
            )
        for key, count in item.result.summary().items():
            totals[key] += count
    types = sorted({item.result.policy_type.label for item in read})
    kind = f" as {', '.join(types)}" if len(types) == 1 else ""
    unread = len(checked) - len(read)
    lines.append(
        f"{_plural(len(read), 'policy')} checked{kind}: "
        f"{_plural(totals['error'], 'error')}, "
        f"{_plural(totals['security_warning'], 'security warning')}, "
        f"{_plural(totals['warning'], 'warning')}, "
        f"{_plural(totals['suggestion'], 'suggestion')}"
        + (f"; {unread:,} could not be read" if unread else "")
    )
    return lines


def to_sarif(checked: Sequence[Checked]) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one rule per code (with help text), one result per finding."""
    codes = sorted({f.code for item in checked for f in item.result.findings})
    if any(item.problem is not None for item in checked):
        codes.append(UNREADABLE_CODE)
    index = {code: i for i, code in enumerate(codes)}
    worst: dict[str, Severity] = {}
    for item in checked:
        for finding in item.result.findings:
            known = worst.get(finding.code)
            if known is None or finding.severity.rank < known.rank:
                worst[finding.code] = finding.severity
    worst.setdefault(UNREADABLE_CODE, Severity.ERROR)
    rules = [_sarif_rule(code, worst[code]) for code in codes]
    results = []
    for item in checked:
        if item.problem is not None:
            results.append(_sarif_unreadable(item, index[UNREADABLE_CODE]))
        results.extend(_sarif_result(item, f, index[f.code]) for f in item.result.findings)
    return _sarif_log(rules, results)


def _sarif_rule(code: str, worst: Severity) -> dict[str, Any]:
    """The rule for `code`, whose most severe finding has severity `worst`."""
    described = rule(code)
    if code == UNREADABLE_CODE:
        described = replace(described, title=_UNREADABLE_TITLE, help=_UNREADABLE_HELP)
    properties: dict[str, Any] = {
        "tags": ["iam", "security"]
        if worst in (Severity.ERROR, Severity.SECURITY_WARNING)
        else ["iam"]
    }
    if worst is Severity.SECURITY_WARNING:
        properties["security-severity"] = "7.0"
    return {
        "id": code,
        "name": "".join(part.capitalize() for part in code.split("_")),
        "shortDescription": {"text": described.title},
        "fullDescription": {"text": described.help or described.title},
        "help": {"text": described.help or described.title},
        "defaultConfiguration": {"level": _SARIF_LEVELS[worst]},
        "properties": properties,
    }


def _sarif_unreadable(item: Checked, rule_index: int) -> dict[str, Any]:
    return {
        "ruleId": UNREADABLE_CODE,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": f"{item.name}: could not be read: {item.problem}"},
        "locations": [{"logicalLocations": [{"fullyQualifiedName": item.name, "kind": "element"}]}],
        "properties": {"severity": Severity.ERROR.value, "problem": item.problem},
    }


def _sarif_result(item: Checked, finding: Finding, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {
        "logicalLocations": [
            {"fullyQualifiedName": f"{item.name}#{finding.pointer}", "kind": "element"}
        ]
    }
    if item.path is not None:
        location["physicalLocation"] = {
            "artifactLocation": {"uri": item.path.replace("\\", "/")},
            "region": {
                "startLine": finding.line,
                "startColumn": finding.column,
                "endLine": finding.end_line,
                "endColumn": max(finding.end_column, 1),
            },
        }
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS[finding.severity],
        "message": {
            "text": f"{finding.message}" + ("" if item.path is not None else f" ({item.name})")
        },
        "locations": [location],
        "properties": {"severity": finding.severity.value, "pointer": finding.pointer},
    }
    if finding.fix is not None and item.path is not None:
        result["fixes"] = [_sarif_fix(item.path, finding.fix)]
    return result


def _sarif_fix(path: str, fix: Fix) -> dict[str, Any]:
    return {
        "description": {"text": fix.description},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": path.replace("\\", "/")},
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": edit.line,
                            "startColumn": edit.column,
                            "endLine": edit.end_line,
                            "endColumn": edit.end_column,
                        },
                        "insertedContent": {"text": edit.replacement},
                    }
                    for edit in fix.edits
                ],
            }
        ],
    }


def _sarif_log(rules: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    info = get_catalog().info
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ssm-tui",
                        "version": __version__,
                        "rules": rules,
                        "properties": {
                            "catalog": f"{info.package} {info.version} ({info.updated})"
                        },
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
