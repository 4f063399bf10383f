"""Every finding code the checks can produce has a rule (title and help) for SARIF."""

from __future__ import annotations

import re

from conftest import PROJECT
from ssm_tui.checks.rules import RULES

CODE = re.compile(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"')
NOT_CODES = {"MAX_CHECKED_CHARS"}


def test_every_code_in_the_checks_has_a_rule() -> None:
    codes: set[str] = set()
    for module in (PROJECT / "src" / "ssm_tui" / "checks").glob("*.py"):
        if module.name == "rules.py":
            continue
        codes.update(CODE.findall(module.read_text()))
    codes |= {"EMPTY_ARRAY_ACTION", "EMPTY_ARRAY_RESOURCE"}  # built with an f-string
    missing = sorted(codes - NOT_CODES - set(RULES))
    assert missing == []


def test_rules_have_titles_and_help() -> None:
    for code, rule in RULES.items():
        assert rule.code == code and rule.title and rule.help
