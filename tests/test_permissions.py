"""Effective permissions and permission diffs (ssm_tui.access.permissions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import allow, policy
from ssm_tui.access.permissions import (
    access_level_group,
    diff_permissions,
    effective_permissions,
)
from ssm_tui.iam.catalog import ACCESS_LEVELS, get_catalog
from ssm_tui.policy.model import parse_policy
from test_properties import JSON_VALUES, POLICIES

MANAGED_POLICIES = Path("/tmp/mp/package/dist/managedPolicies.json")
DOCUMENT = "arn:aws:ssm:us-east-1:123456789012:document/MyDoc"


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# --- grants ----------------------------------------------------------------------------------


def test_read_only_access_grants_list_and_read_only(corpus_dir: Path) -> None:
    text = (corpus_dir / "mamip_AmazonSSMReadOnlyAccess.json").read_text()
    permissions = effective_permissions(text)
    actions = permissions.actions()
    assert {"ssm:GetParameter", "ssm:ListDocuments", "ssm:DescribeParameters"} <= set(actions)
    assert {g.access_level for g in actions.values()} == {"List", "Read"}
    assert "ssm:SendCommand" not in actions
    counts = permissions.counts_by_access_level()
    assert counts["Write"] == counts["Tagging"] == counts["Permissions management"] == 0
    assert counts["List"] + counts["Read"] == len(actions)
    # Every ssm action named Describe*/Get*/List* in the catalogue, and nothing else.
    expected = {
        a.full_name
        for a in get_catalog().actions("ssm").values()
        if a.name.startswith(("Describe", "Get", "List"))
    }
    assert set(actions) == expected
    assert permissions.grants_nothing == []


def test_action_without_resource_level_permissions_on_an_arn_grants_nothing() -> None:
    permissions = effective_permissions(policy(allow("ssm:ListDocuments", DOCUMENT)))
    assert permissions.actions() == {}
    [(index, reason)] = permissions.grants_nothing
    assert index == 0
    assert "ssm:ListDocuments" in reason and "resource-level" in reason
    assert permissions.statements[0].summary().startswith("grants nothing")


def test_only_actions_taking_the_resource_are_granted() -> None:
    permissions = effective_permissions(policy(allow("ssm:*", DOCUMENT)))
    actions = permissions.actions()
    assert "ssm:SendCommand" in actions and "ssm:GetDocument" in actions
    assert "ssm:ListDocuments" not in actions  # no resource-level permissions
    assert "ssm:GetParameter" not in actions  # takes parameters, not documents
    assert actions["ssm:GetDocument"].resources == (DOCUMENT,)


def test_resources_each_action_applies_to() -> None:
    parameters = "arn:aws:ssm:*:*:parameter/app/*"
    permissions = effective_permissions(
        policy(allow(["ssm:GetParameter", "ssm:SendCommand"], [parameters, DOCUMENT]))
    )
    actions = permissions.actions()
    assert actions["ssm:GetParameter"].resources == (parameters,)
    assert actions["ssm:SendCommand"].resources == (DOCUMENT,)


def test_not_action_grants_every_other_service() -> None:
    permissions = effective_permissions(
        policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    )
    actions = permissions.actions()
    assert "ssm:SendCommand" in actions and "ec2:RunInstances" in actions
    assert "iam:PassRole" not in actions
    assert not any(name.startswith("iam:") for name in actions)
    catalog = get_catalog()
    assert len(actions) == len(catalog.expand("*")) - len(catalog.expand("iam:*"))
    statement = permissions.statements[0]
    assert statement.summary() == "grants every action of every service except iam"
    assert "iam" not in statement.coverage
    granted, total = statement.coverage["ssm"]
    assert granted == total == len(catalog.actions("ssm"))


def test_not_action_limited_by_resource() -> None:
    """NotAction with an S3 ARN covers only what takes that ARN (the IAM guide's example)."""
    permissions = effective_permissions(
        policy({"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::b"})
    )
    outside_s3 = [n for n in permissions.actions() if not n.startswith("s3:")]
    assert outside_s3 == ["ssm:SendCommand"]  # it takes an output bucket
    assert "s3:DeleteBucket" not in permissions.actions()
    assert "s3:CreateBucket" in permissions.actions()


def test_not_resource_excludes_only_wholly_covered_types() -> None:
    roles = "arn:aws:iam::*:role/*"
    permissions = effective_permissions(
        policy({"Effect": "Allow", "Action": "iam:*", "NotResource": roles})
    )
    actions = permissions.actions()
    assert "iam:PassRole" not in actions  # its one resource type, role, is excluded
    assert "iam:CreateUser" in actions
    assert "iam:ListRoles" in actions  # no resource types: "*" is not excluded
    assert actions["iam:CreateUser"].not_resources == ()
    some_roles = effective_permissions(
        policy(
            {"Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::*:role/x*"}
        )
    )
    granted = some_roles.actions()["iam:PassRole"]
    assert granted.not_resources == ("arn:aws:iam::*:role/x*",)
    assert granted.resources == ("*",)


def test_not_resource_star_grants_nothing() -> None:
    permissions = effective_permissions(
        policy({"Effect": "Allow", "Action": "ssm:*", "NotResource": "*"})
    )
    assert permissions.actions() == {}
    [(_, reason)] = permissions.grants_nothing
    assert "NotResource" in reason


def test_conditional_statements_are_marked() -> None:
    condition = {"StringEquals": {"aws:ResourceTag/env": "dev", "aws:RequestedRegion": "eu"}}
    permissions = effective_permissions(
        policy(
            allow("ssm:SendCommand", Condition=condition),
            allow("ssm:GetParameter"),
        )
    )
    statement = permissions.statements[0]
    assert statement.conditional
    assert statement.condition_keys == ("aws:RequestedRegion", "aws:ResourceTag/env")
    assert not permissions.statements[1].conditional
    actions = permissions.actions()
    assert actions["ssm:SendCommand"].conditional
    assert actions["ssm:SendCommand"].condition_keys == statement.condition_keys
    assert not actions["ssm:GetParameter"].conditional
    assert "aws:ResourceTag/env" in statement.summary()


def test_one_unconditional_grant_makes_the_action_unconditional() -> None:
    condition = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    permissions = effective_permissions(
        policy(allow("ssm:SendCommand", Condition=condition), allow("ssm:SendCommand"))
    )
    granted = permissions.actions()["ssm:SendCommand"]
    assert granted.statements == (0, 1)
    assert not granted.conditional and granted.condition_keys == ()


def test_deny_marks_denied_by_without_subtracting() -> None:
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    permissions = effective_permissions(
        policy(
            allow("ssm:*"),
            deny("ssm:SendCommand"),
            deny(["ssm:SendCommand", "ssm:StartSession"], Condition=mfa),
            deny("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/secret/*"),
        )
    )
    actions = permissions.actions()
    assert actions["ssm:SendCommand"].denied_by == (1, 2)
    assert actions["ssm:SendCommand"].certainly_denied
    assert actions["ssm:StartSession"].denied_by == (2,)
    assert not actions["ssm:StartSession"].certainly_denied  # conditional Deny
    assert actions["ssm:GetParameter"].denied_by == (3,)
    assert not actions["ssm:GetParameter"].certainly_denied  # only some parameters
    assert actions["ssm:ListDocuments"].denied_by == ()
    assert permissions.denied_actions() == {
        "ssm:GetParameter": (3,),
        "ssm:SendCommand": (1, 2),
        "ssm:StartSession": (2,),
    }
    assert [s.index for s in permissions.deny_statements] == [1, 2, 3]
    assert permissions.grants_nothing == []


def test_deny_on_a_resource_the_action_does_not_take_is_not_flagged() -> None:
    permissions = effective_permissions(
        policy(allow("ssm:ListDocuments"), deny("ssm:ListDocuments", DOCUMENT))
    )
    assert permissions.actions()["ssm:ListDocuments"].denied_by == ()
    assert permissions.statements[1].reason is not None
    assert permissions.grants_nothing == []  # a Deny never grants: not listed


def test_statements_granting_nothing_say_why() -> None:
    permissions = effective_permissions(
        policy(
            allow(["ssm:NoSuchAction", "ssmx:Get*"]),
            allow([]),
            {"Effect": "allow", "Action": "ssm:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "ssm:*", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Allow", "Action": ["ssm:GetParameter", 5], "Resource": "*"},
            7,
            allow("ssm:GetParameter"),
        )
    )
    reasons = dict(permissions.grants_nothing)
    assert sorted(reasons) == [0, 1, 2, 3, 4, 5]
    assert "ssm:NoSuchAction" in reasons[0] and "ssmx:Get*" in reasons[0]
    assert permissions.statements[0].unmatched == ("ssm:NoSuchAction", "ssmx:Get*")
    assert '"Action" is empty' in reasons[1]
    assert '"allow"' in reasons[2]
    assert "both Action and NotAction" in reasons[3]
    assert "Action must be a string" in reasons[4]
    assert "Statement must be an object" in reasons[5]
    assert all(permissions.statements[i].malformed for i in (2, 3, 4, 5))
    assert not permissions.statements[0].malformed
    assert list(permissions.actions()) == ["ssm:GetParameter"]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", "not valid JSON"),
        ('{"Statement": [', "not valid JSON"),
        ("[]", "not a JSON object"),
        ("{}", "no Statement"),
        ('{"Statement": 3}', "Statement must be"),
        ({"Statement": [], "x": {1, 2}}, "not a JSON value"),
        ({"Statement": [], "x": float("nan")}, "not a JSON value"),
    ],
)
def test_policies_that_do_not_parse_yield_an_error(value: Any, error: str) -> None:
    permissions = effective_permissions(value)
    assert permissions.error is not None and error in permissions.error
    assert permissions.statements == () and permissions.actions() == {}
    assert json.loads(json.dumps(permissions.to_json()))["error"] == permissions.error


def test_text_dict_and_parsed_policy_agree() -> None:
    document = {"Statement": {"Effect": "Allow", "Action": "ssm:Get*", "Resource": "*"}}
    text = json.dumps(document)
    expected = effective_permissions(text).actions()
    assert expected
    assert effective_permissions(document).actions() == expected
    assert effective_permissions(parse_policy(text)).actions() == expected


# --- grouping and output ---------------------------------------------------------------------


def test_grouping_by_service_and_access_level() -> None:
    permissions = effective_permissions(
        policy(
            allow(["ssm:AddTagsToResource", "ssm:GetParameter", "ssm:ListDocuments"]),
            allow(["ec2:DescribeInstances", "iam:PutRolePolicy"]),
        )
    )
    assert permissions.by_service() == {
        "ec2": {"List": ["ec2:DescribeInstances"]},
        "iam": {"Permissions management": ["iam:PutRolePolicy"]},
        "ssm": {
            "List": ["ssm:ListDocuments"],
            "Read": ["ssm:GetParameter"],
            "Tagging": ["ssm:AddTagsToResource"],
        },
    }
    assert permissions.by_access_level() == {
        "List": ["ec2:DescribeInstances", "ssm:ListDocuments"],
        "Read": ["ssm:GetParameter"],
        "Permissions management": ["iam:PutRolePolicy"],
        "Tagging": ["ssm:AddTagsToResource"],
    }
    assert permissions.counts_by_access_level() == {
        "List": 2,
        "Read": 1,
        "Write": 0,
        "Permissions management": 1,
        "Tagging": 1,
    }


@pytest.mark.parametrize(
    ("catalogue_level", "group"),
    [
        ("Tagging, Write", "Tagging"),
        ("Permissions management, Write", "Permissions management"),
        ("Write", "Write"),
        ("List", "List"),
        ("", "Unknown"),
    ],
)
def test_access_level_groups(catalogue_level: str, group: str) -> None:
    assert access_level_group(catalogue_level) == group


def test_every_granted_level_is_one_of_the_five() -> None:
    permissions = effective_permissions(policy(allow("*")))
    assert set(permissions.counts_by_access_level()) == set(ACCESS_LEVELS)
    assert sum(permissions.counts_by_access_level().values()) == len(permissions.actions())
    assert permissions.statements[0].summary() == "grants every action of every service"


def test_to_json_is_plain_json() -> None:
    permissions = effective_permissions(
        policy(
            allow("ssm:Get*", Sid="Read"),
            deny("ssm:GetParameter"),
            allow("ssm:ListDocuments", DOCUMENT),
        )
    )
    data = json.loads(json.dumps(permissions.to_json()))
    assert data["error"] is None
    assert data["actions"]["ssm:GetParameter"]["denied_by"] == [1]
    assert data["statements"][0]["sid"] == "Read"
    assert "ssm:GetDocument" in data["statements"][0]["actions"]
    assert data["grants_nothing"][0]["index"] == 2
    assert data["counts_by_access_level"]["Read"] == len(data["by_service"]["ssm"]["Read"])
    assert data["denied_actions"] == {"ssm:GetParameter": [1]}


# --- diff ------------------------------------------------------------------------------------


def test_diff_names_actions_gained_lost_and_rescoped() -> None:
    before = policy(allow(["ssm:GetParameter", "ssm:ListDocuments", "ssm:SendCommand"]))
    after = policy(
        allow(["ssm:GetParameter", "ssm:AddTagsToResource", "ssm:PutParameter"]),
        allow("ssm:SendCommand", DOCUMENT),
    )
    diff = diff_permissions(before, after)
    assert diff.gained == {
        "Write": ["ssm:PutParameter"],
        "Tagging": ["ssm:AddTagsToResource"],
    }
    assert diff.lost == {"List": ["ssm:ListDocuments"]}
    assert diff.gained_actions() == ["ssm:AddTagsToResource", "ssm:PutParameter"]
    [change] = diff.changed
    assert change.full_name == "ssm:SendCommand" and change.changes == ("resources",)
    assert DOCUMENT in change.describe()
    assert diff.summary() == "+2 actions (Write 1, Tagging 1); -1 action (List 1); 1 changed scope"
    assert json.loads(json.dumps(diff.to_json()))["lost"] == {"List": ["ssm:ListDocuments"]}


def test_diff_of_equal_policies_is_empty() -> None:
    text = policy(allow("ssm:Get*"))
    diff = diff_permissions(text, json.loads(text))
    assert diff.is_empty
    assert diff.summary() == "no change in effective permissions"


def test_diff_notes_conditions_added() -> None:
    condition = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    diff = diff_permissions(
        policy(allow("ssm:SendCommand")), policy(allow("ssm:SendCommand", Condition=condition))
    )
    [change] = diff.changed
    assert change.changes == ("conditions",)
    assert "aws:RequestedRegion" in change.describe()
    assert diff.summary() == "1 changed scope"


def test_diff_against_a_broken_policy_says_so() -> None:
    diff = diff_permissions("{", policy(allow("ssm:GetParameter")))
    assert diff.gained == {"Read": ["ssm:GetParameter"]}
    assert diff.summary().startswith("before: the policy is not valid JSON")


def _allowed_action_entries(document: dict[str, Any]) -> set[str]:
    statements = document["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    found: set[str] = set()
    for statement in statements:
        if statement.get("Effect") != "Allow" or "Action" not in statement:
            continue
        actions = statement["Action"]
        found.update(a.lower() for a in ([actions] if isinstance(actions, str) else actions))
    return found


def test_diff_of_the_last_two_automation_role_versions() -> None:
    # the bundled data (every version of the guide's ten), so this runs everywhere
    from ssm_tui.library.managed import managed_policy

    role = managed_policy("AmazonSSMAutomationRole")
    assert role is not None and len(role.versions) >= 2
    before, after = (version.document for version in role.versions[-2:])
    added = _allowed_action_entries(after) - _allowed_action_entries(before)
    removed = _allowed_action_entries(before) - _allowed_action_entries(after)
    if any("*" in a or "?" in a for a in added | removed):
        pytest.skip("the versions differ by wildcards: no independent expected set")
    assert added, "the last version added no action entries"
    diff = diff_permissions(before, after)
    assert {a.lower() for a in diff.gained_actions()} == added
    assert {a.lower() for a in diff.lost_actions()} == removed


# --- robustness, speed and layering ----------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POLICIES)
def test_policy_shaped_documents_never_raise(document: dict[str, object]) -> None:
    permissions = effective_permissions(document)
    json.dumps(permissions.to_json())
    for index, reason in permissions.grants_nothing:
        assert reason and any(s.index == index for s in permissions.statements)
    assert diff_permissions(document, "{}").lost_actions() == sorted(permissions.actions())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_arbitrary_json_values_never_raise(value: object) -> None:
    permissions = effective_permissions(json.dumps(value))
    if not (isinstance(value, dict) and "Statement" in value):
        assert permissions.error is not None
    if permissions.error is not None:
        assert permissions.statements == () and permissions.actions() == {}


def test_permissions_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from ssm_tui.access.permissions import effective_permissions\n"
        "effective_permissions('{\"Statement\": []}').to_json()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
