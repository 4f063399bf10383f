"""`check --account-details`: every customer managed and inline policy of an account."""

from __future__ import annotations

import io
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from conftest import allow
from ssm_tui.account import AccountDetailsError, read_account_details
from ssm_tui.checks import PolicyType
from ssm_tui.cli import _progress, main


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def account(policies: int = 2, inline_each: int = 1) -> dict[str, Any]:
    """A generated get-account-authorization-details document."""
    return {
        "UserDetailList": [
            {
                "UserName": "alice",
                "UserPolicyList": [
                    {
                        "PolicyName": "read",
                        "PolicyDocument": urllib.parse.quote(
                            json.dumps(document(allow("ssm:GetParamter")))
                        ),
                    }
                ],
            }
        ],
        "GroupDetailList": [
            {
                "GroupName": "ops",
                "GroupPolicyList": [
                    {
                        "PolicyName": f"g{i}",
                        "PolicyDocument": document(allow("ssm:DescribeInstanceInformation")),
                    }
                    for i in range(inline_each)
                ],
            }
        ],
        "RoleDetailList": [
            {
                "RoleName": "deployer",
                "RolePolicyList": [
                    {"PolicyName": "ssm", "PolicyDocument": document(allow("ssm:GetParameter"))}
                ],
            }
        ],
        "Policies": [
            {
                "PolicyName": f"custom{i}",
                "Arn": f"arn:aws:iam::123456789012:policy/custom{i}",
                "DefaultVersionId": "v2",
                "PolicyVersionList": [
                    {
                        "VersionId": "v1",
                        "IsDefaultVersion": False,
                        "Document": document(allow("ssm:Nope")),
                    },
                    {
                        "VersionId": "v2",
                        "IsDefaultVersion": True,
                        "Document": document(allow("ssm:ListDocuments")),
                    },
                ],
            }
            for i in range(policies)
        ]
        + [
            {
                "PolicyName": "AmazonSSMReadOnlyAccess",
                "Arn": "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
                "DefaultVersionId": "v1",
                "PolicyVersionList": [
                    {
                        "VersionId": "v1",
                        "IsDefaultVersion": True,
                        "Document": document(allow("ssm:Get*")),
                    }
                ],
            }
        ],
    }


def test_reads_every_policy_with_its_type() -> None:
    found = read_account_details(json.dumps(account()))
    names = {p.name: p.policy_type for p in found}
    assert names == {
        "managed policy custom0 (v2)": PolicyType.MANAGED,
        "managed policy custom1 (v2)": PolicyType.MANAGED,
        "user/alice inline policy read": PolicyType.USER_INLINE,
        "group/ops inline policy g0": PolicyType.GROUP_INLINE,
        "role/deployer inline policy ssm": PolicyType.ROLE_INLINE,
    }
    user = next(p for p in found if p.name.startswith("user/"))
    assert "ssm:GetParamter" in user.text  # URL-encoded documents are decoded
    with_aws = read_account_details(json.dumps(account()), include_aws_managed=True)
    assert any(p.aws_managed for p in with_aws)


def test_not_account_details() -> None:
    with pytest.raises(AccountDetailsError):
        read_account_details('{"Version": "2012-10-17"}')
    with pytest.raises(AccountDetailsError):
        read_account_details("nope")


def test_cli_names_results_by_owner_and_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "account.json"
    path.write_text(json.dumps(account()))
    code = main(["check", "--account-details", str(path), "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1
    by_source = {r["source"]: r for r in payload["results"]}
    assert by_source["user/alice inline policy read"]["size"]["limit"] == 2048
    assert by_source["user/alice inline policy read"]["findings"][0]["code"] == "INVALID_ACTION"
    assert by_source["role/deployer inline policy ssm"]["policy_type"] == "role-inline"
    assert not any("AmazonSSMReadOnlyAccess" in s for s in by_source)


def test_unreadable_account_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.json"
    path.write_text("[]")
    assert main(["check", "--account-details", str(path)]) == 2
    assert "get-account-authorization-details" in capsys.readouterr().err


def test_two_thousand_policies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "account.json"
    path.write_text(json.dumps(account(policies=1500, inline_each=498)))
    code = main(["check", "--account-details", str(path), "--format", "json"])
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert len(payload["results"]) == 2000
    assert code == 1
    assert captured.err == ""  # no progress bar: stderr is not a terminal, and JSON output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_for_text_to_a_terminal_and_many_policies() -> None:
    assert _progress(2000, "text", _Terminal()) is not None
    assert _progress(2000, "json", _Terminal()) is None
    assert _progress(2000, "sarif", _Terminal()) is None
    assert _progress(2000, "text", io.StringIO()) is None
    assert _progress(5, "text", _Terminal()) is None
