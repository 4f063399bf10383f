"""Every finding code's rule (title and help), for the SARIF log's rules (report.py),
gathered from the check modules, which declare the rules of the codes they report next to
the checks (`register(concern, rules=...)`, see checks/base.py).  A test keeps each module's
declarations in step with the codes it reports.

`access_analyzer` marks codes that IAM Access Analyzer also uses (same meaning)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Importing the package registers every check (importing this module imports it first).
import ssm_tui.checks  # noqa: F401
from ssm_tui.checks.base import REGISTRY, Check, Rule

__all__ = ["RULES", "Rule", "declared_rules", "rule"]


def declared_rules(check: Check) -> Mapping[str, Rule]:
    """The rules of the codes `check` may report."""
    return check.rules


def _gather(checks: Iterable[Check]) -> dict[str, Rule]:
    """One rule per code; two checks that report a code declare the same rule for it."""
    found: dict[str, Rule] = {}
    for check in checks:
        for code, declared in declared_rules(check).items():
            known = found.setdefault(code, declared)
            if known != declared:
                raise ValueError(f"{check.name} declares another rule for {code}")
    return found


RULES: dict[str, Rule] = _gather(REGISTRY)


def rule(code: str) -> Rule:
    """The rule for `code` (a generic one for a code without an entry)."""
    return RULES.get(code) or Rule(code, code.replace("_", " ").capitalize(), "", False)
