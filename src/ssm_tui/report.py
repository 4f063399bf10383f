"""Validation results as text, JSON (the stable contract) and SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ssm_tui import __version__
from ssm_tui.catalog import get_catalog
from ssm_tui.checks import Severity, ValidationResult
from ssm_tui.checks.rules import rule

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


def catalog_json() -> dict[str, str]:
    info = get_catalog().info
    return {"package": info.package, "version": info.version, "updated": info.updated}


def to_json(checked: Sequence[Checked]) -> dict[str, Any]:
    return {
        "version": 1,
        "catalog": catalog_json(),
        "results": [
            {
                "source": item.name,
                "policy_type": item.result.policy_type.value,
                "size": {"chars": item.result.size, "limit": item.result.size_limit},
                "findings": [f.to_json() for f in item.result.findings],
                "summary": item.result.summary(),
            }
            for item in checked
        ],
    }


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count:,} {'policies' if word == 'policy' else word + 's'}"


def text_lines(checked: Sequence[Checked]) -> list[str]:
    """`NAME:LINE:COLUMN: SEVERITY CODE message` per finding, then a summary line."""
    lines = []
    totals = {severity.value: 0 for severity in Severity}
    for item in checked:
        for finding in item.result.findings:
            message = finding.message.replace("\n", " ")
            lines.append(
                f"{item.name}:{finding.line}:{finding.column}: {finding.severity.value} "
                f"{finding.code} {message}"
            )
        for key, count in item.result.summary().items():
            totals[key] += count
    types = sorted({item.result.policy_type.label for item in checked})
    kind = f" as {', '.join(types)}" if len(types) == 1 else ""
    lines.append(
        f"{_plural(len(checked), 'policy')} checked{kind}: "
        f"{_plural(totals['error'], 'error')}, "
        f"{_plural(totals['security_warning'], 'security warning')}, "
        f"{_plural(totals['warning'], 'warning')}, "
        f"{_plural(totals['suggestion'], 'suggestion')}"
    )
    return lines


def to_sarif(checked: Sequence[Checked]) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one rule per code (with help text), one result per finding."""
    codes = sorted({f.code for item in checked for f in item.result.findings})
    index = {code: i for i, code in enumerate(codes)}
    worst: dict[str, Severity] = {}
    for item in checked:
        for finding in item.result.findings:
            known = worst.get(finding.code)
            if known is None or finding.severity.rank < known.rank:
                worst[finding.code] = finding.severity
    rules = []
    for code in codes:
        described = rule(code)
        properties: dict[str, Any] = {
            "tags": ["iam", "security"]
            if worst[code] in (Severity.ERROR, Severity.SECURITY_WARNING)
            else ["iam"]
        }
        if worst[code] is Severity.SECURITY_WARNING:
            properties["security-severity"] = "7.0"
        rules.append(
            {
                "id": code,
                "name": "".join(part.capitalize() for part in code.split("_")),
                "shortDescription": {"text": described.title},
                "fullDescription": {"text": described.help or described.title},
                "help": {"text": described.help or described.title},
                "defaultConfiguration": {"level": _SARIF_LEVELS[worst[code]]},
                "properties": properties,
            }
        )
    results = []
    for item in checked:
        for finding in item.result.findings:
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
                "ruleIndex": index[finding.code],
                "level": _SARIF_LEVELS[finding.severity],
                "message": {
                    "text": f"{finding.message}"
                    + ("" if item.path is not None else f" ({item.name})")
                },
                "locations": [location],
                "properties": {"severity": finding.severity.value, "pointer": finding.pointer},
            }
            if finding.fix is not None and item.path is not None:
                result["fixes"] = [
                    {
                        "description": {"text": finding.fix.description},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": item.path.replace("\\", "/")},
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
                                    for edit in finding.fix.edits
                                ],
                            }
                        ],
                    }
                ]
            results.append(result)
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
