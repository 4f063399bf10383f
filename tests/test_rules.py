"""Every finding code has a rule (title and help) for SARIF, declared by the check module
that reports it; every declared rule is reported somewhere."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ssm_tui.checks
from conftest import CORPUS, PROJECT
from ssm_tui._data import load_data
from ssm_tui.checks import MAX_CHECKED_CHARS, run_checks, validate, variables
from ssm_tui.checks.base import REGISTRY, CheckContext, Rule, register, rules
from ssm_tui.checks.rules import RULES, declared_rules, rule
from ssm_tui.checks.size import policy_size
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.policy.model import build_policy
from ssm_tui.policy.source import parse_json

CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
CHECKS = Path(ssm_tui.checks.__file__).parent
# modules that report codes for a check registered elsewhere: the module it reports for
REPORTS_FOR = {"ssm_risks": "security", "security_scope": "security"}
# modules that declare rules without reporting codes themselves
DECLARATIONS = {"rules", "conditions.rules"}


def _module(path: Path) -> str:
    """`security`, or `conditions.keys` for a module of a package."""
    return ".".join(path.relative_to(CHECKS).with_suffix("").parts).removesuffix(".__init__")


def _code_literals(path: Path) -> set[str]:
    """The string constants shaped like a code, except those in `__all__` and in `rules(...)`
    (declarations, not reports; a `Rule` elsewhere is a row of a table of what to report)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return
        if (  # NAME = "NAME": a constant naming a policy value (dynamodb:Select's), no report
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and [t.id for t in node.targets if isinstance(t, ast.Name)] == [node.value.value]
        ):
            return
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "rules"
        ):
            return
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and CODE.fullmatch(node.value):
            found.add(node.value)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def _sources() -> Iterator[tuple[str, set[str]]]:
    for path in sorted(CHECKS.rglob("*.py")):
        yield _module(path), _code_literals(path)


def _declared_by_module(module: str) -> Mapping[str, Rule]:
    """What a module may report: the rules of the checks it registers (or of the check it
    reports for); checks/variables.py declares its own, which the conditions package and
    resources also take."""
    if module == "variables":
        return variables.RULES
    own = any(c.run.__module__ == f"ssm_tui.checks.{module}" for c in REGISTRY)
    if module.startswith("conditions.") and not own:
        module = "conditions"  # the package's walk registers once, in its __init__
    target = f"ssm_tui.checks.{REPORTS_FOR.get(module, module)}"
    found: dict[str, Rule] = {}
    for check in REGISTRY:
        if check.run.__module__ == target:
            found.update(declared_rules(check))
    return found


def test_every_code_in_the_checks_has_a_rule() -> None:
    codes = set().union(*(literals for _, literals in _sources()))
    assert len(codes) > 100  # the scan sees the checks, conditions package included
    assert sorted(codes - set(RULES)) == []


def test_each_module_declares_the_codes_it_reports() -> None:
    undeclared = {
        module: sorted(literals - set(_declared_by_module(module)))
        for module, literals in _sources()
        if module not in DECLARATIONS
    }
    assert {module: codes for module, codes in undeclared.items() if codes} == {}


def test_every_declared_rule_is_reported_somewhere() -> None:
    reported = set().union(
        *(literals for module, literals in _sources() if module not in DECLARATIONS)
    )
    assert sorted(set(RULES) - reported) == []


def test_every_check_declares_rules() -> None:
    assert all(declared_rules(check) for check in REGISTRY)
    assert all(check.rules for check in REGISTRY)


def test_rules_have_titles_and_help() -> None:
    for code, found in RULES.items():
        assert found.code == code and found.title and found.help
        assert rule(code) is found


def test_a_code_without_a_rule_gets_a_generic_one() -> None:
    generic = rule("SOME_NEW_CODE")
    assert (generic.title, generic.help, generic.access_analyzer) == ("Some new code", "", False)


def test_rules_refuses_a_code_declared_twice() -> None:
    row = ("A_CODE", "Title", "Help.")
    assert list(rules(row, ("B_CODE", "B", "Help.", False))) == ["A_CODE", "B_CODE"]
    assert rules(row)["A_CODE"] == Rule("A_CODE", "Title", "Help.", True)
    with pytest.raises(ValueError, match="A_CODE"):
        rules(row, Rule("A_CODE", "Other", "Help."))


def test_register_without_rules_keeps_working(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ssm_tui.checks.base.REGISTRY", [])
    from ssm_tui.checks import base

    @register("conditions")
    def check(ctx: CheckContext) -> Iterator[ssm_tui.checks.Finding]:
        yield from ()

    assert [(c.name, dict(c.rules)) for c in base.REGISTRY] == [("check", {})]


# --- at run time: a check reports only the codes it declares ------------------------------
def _reported(text: str) -> Iterator[tuple[str, str]]:
    """(check name, code) for every finding, as validate() runs the checks."""
    if len(text) > MAX_CHECKED_CHARS:
        return
    policy = build_policy(parse_json(text))
    ctx = CheckContext(policy, get_catalog(), size=policy_size(text))
    for check, finding in run_checks(ctx):
        assert finding.code in declared_rules(check), f"{check.name} reports {finding.code}"
        yield check.name, finding.code


def _known_texts() -> Iterator[str]:
    for path in sorted((PROJECT / "examples").rglob("*.json")):
        yield path.read_text()
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.json")):
            yield path.read_bytes().decode("utf-8", errors="replace")
    for managed in load_data("managed_policies.json")["policies"]:
        for version in managed["versions"][:1]:
            yield json.dumps(version["document"], indent=2)


def test_checks_report_only_declared_codes_on_known_policies() -> None:
    seen = {code for text in _known_texts() for _, code in _reported(text)}
    # the run saw the families at work, the security table among them
    assert {"SSM_SERVICE_WILDCARD", "SSM_PARAMETER_READ_ALL", "INVALID_ARN_RESOURCE"} <= seen


def test_run_checks_is_what_validate_runs() -> None:
    for path in sorted((PROJECT / "examples").rglob("*.json")):
        text = path.read_text()
        assert sorted(code for _, code in _reported(text)) == sorted(
            f.code for f in validate(text).findings
        )


_ACTIONS = st.sampled_from(
    [
        "*",
        "ssm:*",
        "ssm:Get*",
        "ssm:SendCommand",
        "ssm:StartSession",
        "ssm:GetParameter",
        "ssm:PutParameter",
        "ssm:StartAutomationExecution",
        "ssm:ModifyDocumentPermission",
        "ssm:PutResourcePolicy",
        "ssm:UpdateServiceSetting",
        "iam:PassRole",
        "iam:CreateServiceLinkedRole",
        "iam:*",
        "ssm:getparamter",
        "s*:*",
        " ssm:GetParameter",
        "ssm:${aws:username}",
        "nosuch:Thing",
    ]
)
_RESOURCES = st.sampled_from(
    [
        "*",
        "arn:aws:ec2:*:*:instance/*",
        "arn:aws:ssm:*:*:managed-instance/*",
        "arn:aws:ssm:*:*:parameter/*",
        "arn:aws:ssm:us-east-1:123456789012:parameter/app/*",
        "arn:aws:ssm:*:*:document/*",
        "arn:aws:ssm:*:*:servicesetting/*",
        "arn:aws:iam::*:role/*",
        "arn:aws:iam::123456789012:role/${aws:username}",
        "arn:aws:ssm:us-east-1:12345:document/x",
        "arn:aws:ssm:nowhere-1:123456789012:document/x",
        "arn:aws:${x}:::",
        "not-an-arn",
    ]
)
_CONDITIONS = st.sampled_from(
    [
        {"StringEquals": {"ssm:resourceTag/Env": "dev"}},
        {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}},
        {"Bool": {"ssm:SessionDocumentAccessCheck": "true"}},
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "x"}},
        {"StringEquals": {"aws:username": "${aws:username"}},
        {"NullIfExists": {"aws:TokenIssueTime": "true"}},
    ]
)


@st.composite
def _statements(draw: st.DrawFn) -> dict[str, object]:
    statement: dict[str, object] = {"Effect": draw(st.sampled_from(["Allow", "Deny", "allow"]))}
    for element, values in (("Action", _ACTIONS), ("Resource", _RESOURCES)):
        name = draw(st.sampled_from([element, element, f"Not{element}"]))
        statement[name] = draw(st.lists(values, max_size=3))
    if draw(st.booleans()):
        statement["Condition"] = draw(_CONDITIONS)
    if draw(st.booleans()):
        statement["Sid"] = draw(st.sampled_from(["A", "bad sid", ""]))
    return statement


_POLICIES = st.fixed_dictionaries(
    {"Statement": st.lists(_statements(), min_size=1, max_size=3)},
    optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17"])},
)


@settings(max_examples=150, deadline=None)
@given(_POLICIES)
def test_checks_report_only_declared_codes_on_generated_policies(
    document: dict[str, object],
) -> None:
    for _ in _reported(json.dumps(document, indent=2)):
        pass
