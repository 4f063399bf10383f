"""Large inputs give the same answers as small ones: thousands of duplicate Sids,
misspelled actions, malformed ARNs and statements (issue 9, "Slow inputs").

Speed is measured by bench/bench_hostile.py, never here; these tests check that the linear
algorithms that replaced the quadratic ones still find and fix every problem."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import allow, policy
from ssm_tui.access.permissions import diff_permissions, effective_permissions
from ssm_tui.checks import validate
from ssm_tui.checks.base import CheckContext
from ssm_tui.checks.fixes import fix_text
from ssm_tui.iam.arn import arn_matches_template, patterns_overlap
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.policy.model import parse_policy

PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db"
PARAMETER_TEMPLATE = "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterName}"


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def compact(*statements: dict[str, Any]) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)}, separators=(",", ":")
    )


# --- duplicate Sids ----------------------------------------------------------------------


def test_2500_identical_sids_each_get_the_next_free_name() -> None:
    same = {"Sid": "S", "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}
    text = compact(*[same] * 2_500)
    found = [f for f in validate(text).findings if f.code == "UNIQUE_SIDS_REQUIRED"]
    assert [f.pointer for f in found] == [f"/Statement/{i}/Sid" for i in range(1, 2_500)]
    assert [f.suggestion for f in found] == [f"S{n}" for n in range(2, 2_501)]
    assert all(f.fix is not None for f in found)


def test_renamed_sids_skip_names_already_used_by_later_statements() -> None:
    sids = ["A", "A", "A3", "A", "A", "B", "A5", "A"]
    text = compact(*(allow("ssm:GetParameter", Sid=sid) for sid in sids))
    found = [f for f in validate(text).findings if f.code == "UNIQUE_SIDS_REQUIRED"]
    # A2 is free; A3 is taken, so A4; A5 is taken, so A6; then A7
    assert [f.suggestion for f in found] == ["A2", "A4", "A6", "A7"]


def test_fixing_thousands_of_duplicate_sids_leaves_them_unique() -> None:
    same = {"Sid": "Read", "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": PARAMETER}
    copies = [dict(same, Resource=f"{PARAMETER}{i}") for i in range(1_500)]
    result = fix_text(compact(*copies))
    sids = [s["Sid"] for s in json.loads(result.text)["Statement"]]
    assert len(set(sids)) == 1_500 and sids[:3] == ["Read", "Read2", "Read3"]
    assert "UNIQUE_SIDS_REQUIRED" not in {f.code for f in validate(result.text).findings}


# --- many findings of one kind -------------------------------------------------------------


def test_10000_misspelled_actions_each_get_their_finding_and_fix() -> None:
    names = ["ssm:ListDocumnts", "ssm:PutParamter", "ssm:SendComand", "ssm:StartSesion"]
    actions = [names[i % 4] for i in range(10_000)]
    text = compact(allow(actions))
    found = [f for f in validate(text).findings if f.code == "INVALID_ACTION"]
    assert [f.pointer for f in found] == [f"/Statement/0/Action/{i}" for i in range(10_000)]
    expected = {
        "ssm:ListDocumnts": "ssm:ListDocuments",
        "ssm:PutParamter": "ssm:PutParameter",
        "ssm:SendComand": "ssm:SendCommand",
        "ssm:StartSesion": "ssm:StartSession",
    }
    for finding, written in zip(found, actions, strict=True):
        assert finding.suggestion == expected[written]
        assert finding.fix is not None
        assert finding.fix.edits[0].replacement == json.dumps(expected[written])


def test_misspelled_action_with_two_close_matches_has_no_certain_fix() -> None:
    # GetParameter and GetParameters are both very close: a suggestion, and no fix
    found = [
        f
        for f in validate(compact(allow(["ssm:GetParametr"] * 3_000))).findings
        if f.code == "INVALID_ACTION"
    ]
    assert len(found) == 3_000
    assert all(f.suggestion == "ssm:GetParameter" and f.fix is None for f in found)


def test_thousands_of_malformed_arns_get_one_finding_each() -> None:
    resources = [f"arn:aws:ssm:us-east-1:123456789012:paramter/p{i}" for i in range(3_000)]
    findings = validate(compact(allow("ssm:GetParameter", resources))).findings
    by_pointer: dict[str, list[str]] = {}
    for finding in findings:
        if finding.pointer.startswith("/Statement/0/Resource/"):
            by_pointer.setdefault(finding.pointer, []).append(finding.code)
    assert len(by_pointer) == 3_000
    single = {
        f.code
        for f in validate(policy(allow("ssm:GetParameter", resources[0]))).findings
        if f.pointer.startswith("/Statement/0/Resource")
    }
    assert all(set(codes) == single for codes in by_pointer.values())


def test_reported_covers_descendants_of_every_malformed_value() -> None:
    ctx = CheckContext(parse_policy(policy(allow("ssm:GetParameter"))), get_catalog())
    for i in range(5_000):
        ctx.mark(f"/Statement/{i}/Action")
    assert ctx.reported("/Statement/4999/Action")
    assert ctx.reported("/Statement/17/Action/3")
    assert not ctx.reported("/Statement/17/Actions")
    assert not ctx.reported("/Statement/5000/Action/0")
    ctx.mark("")
    assert ctx.reported("/Statement/5000/Action/0")


# --- ARN pattern overlap -------------------------------------------------------------------


def _reference_overlap(pattern: str, template: str) -> bool:
    """The full DP over (pattern position, template token), for comparison."""
    tokens: list[str] = []  # "*", "?" or ("=" + literal character)
    pos = 0
    while pos < len(template):
        end = template.find("}", pos) if template.startswith("${", pos) else -1
        if end != -1:
            tokens += ["?", "*"]
            pos = end + 1
            continue
        char = template[pos]
        tokens.append(char if char in "*?" else "=" + char)
        pos += 1
    left = [c if c in "*?" else "=" + c for c in pattern]
    n, m = len(left), len(tokens)
    reach = [[False] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = True
    for i in range(n + 1):
        for j in range(m + 1):
            if not reach[i][j]:
                continue
            a = left[i] if i < n else None
            b = tokens[j] if j < m else None
            if a == "*":
                reach[i + 1][j] = True
                if b is not None:
                    reach[i][j + 1] = True
            if b == "*":
                reach[i][j + 1] = True
                if a is not None:
                    reach[i + 1][j] = True
            both = a not in (None, "*") and b not in (None, "*")
            if both and (a == "?" or b == "?" or a == b):
                reach[i + 1][j + 1] = True
    return reach[n][m]


@settings(max_examples=600, deadline=None)
@given(
    st.text(alphabet="ab*?/:", max_size=12),
    st.lists(st.sampled_from(["a", "b", "*", "?", "/", "${X}", "${", "}"]), max_size=8),
)
def test_patterns_overlap_agrees_with_the_full_dynamic_programme(
    pattern: str, template_parts: list[str]
) -> None:
    template = "".join(template_parts)
    assert patterns_overlap(pattern, template) is _reference_overlap(pattern, template)


def test_patterns_overlap_on_long_patterns() -> None:
    assert patterns_overlap("parameter/" + "*?" * 50_000, "parameter/${ParameterName}")
    assert not patterns_overlap("parameter/" + "*?" * 50_000, "document/${DocumentName}")
    assert not patterns_overlap("parameter/" + "a" * 100_000 + "?", "parameter/" + "a" * 5)
    assert patterns_overlap("*a" * 50_000, "${Name}")
    assert not patterns_overlap("*a" * 50_000 + "b", "${Name}a")
    assert arn_matches_template(PARAMETER + "*?" * 20_000, PARAMETER_TEMPLATE)


# --- permissions on many statements --------------------------------------------------------


def test_star_in_thousands_of_statements_grants_each_bucket_once_per_statement() -> None:
    statements = [allow("*", f"arn:aws:s3:::bucket{i}") for i in range(2_000)]
    granted = effective_permissions(compact(*statements)).actions()
    list_bucket = granted["s3:ListBucket"]
    assert list_bucket.statements == tuple(range(2_000))
    assert list_bucket.resources == tuple(f"arn:aws:s3:::bucket{i}" for i in range(2_000))
    assert "ssm:GetParameter" not in granted  # a bucket ARN is not a parameter
    assert "s3:ListAllMyBuckets" not in granted  # takes only "*"


def test_resource_star_among_many_arns_reaches_every_action() -> None:
    resources = [*(f"arn:aws:s3:::b{i}" for i in range(1_000)), "*"]
    granted = effective_permissions(compact(allow("*", resources))).actions()
    assert granted["ssm:GetParameter"].resources == ("*",)
    assert granted["s3:ListBucket"].resources == tuple(resources)
    assert len(granted) == len(effective_permissions(compact(allow("*"))).actions())


def test_denies_are_listed_in_statement_order_for_every_action() -> None:
    statements: list[dict[str, Any]] = [allow("ssm:*")]
    for i in range(600):
        if i % 3 == 0:
            statements.append(
                deny("ssm:Get*", Condition={"Bool": {"aws:SecureTransport": "false"}})
            )
        elif i % 3 == 1:
            statements.append(deny("ssm:GetParameter", PARAMETER))
        else:
            statements.append(deny("ec2:*"))
    granted = effective_permissions(compact(*statements)).actions()
    get = granted["ssm:GetParameter"]
    assert get.denied_by == tuple(i + 1 for i in range(600) if i % 3 != 2)
    assert not get.certainly_denied
    assert granted["ssm:GetParameters"].denied_by == tuple(i + 1 for i in range(0, 600, 3))
    assert granted["ssm:SendCommand"].denied_by == ()
    statements.append(deny("ssm:SendCommand"))
    assert effective_permissions(compact(*statements)).actions()["ssm:SendCommand"].certainly_denied


def test_type_problems_in_many_statements_stay_with_their_statement() -> None:
    statements: list[Any] = []
    for i in range(1_000):
        statements.append(allow("ssm:GetParameter", Condition={"StringEquals": 5} if i % 2 else {}))
    grants = effective_permissions(compact(*statements)).statements
    malformed = [g.index for g in grants if g.malformed]
    assert malformed == list(range(1, 1_000, 2))


def test_diff_of_large_policies_names_each_changed_action() -> None:
    before = compact(*(allow("ssm:Get*", f"{PARAMETER}{i}") for i in range(1_000)))
    after = compact(*(allow("ssm:Get*", f"{PARAMETER}{i}") for i in range(1, 1_001)))
    diff = diff_permissions(before, after)
    assert not diff.gained and not diff.lost
    assert "ssm:GetParameter" in {c.full_name for c in diff.changed}
