"""`check --account-details`: every customer managed and inline policy of an account."""

from __future__ import annotations

import io
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from conftest import PARAMETERS, allow
from ssm_tui.account import AccountDetailsError, read_account_details
from ssm_tui.checks import PolicyType
from ssm_tui.cli import main
from ssm_tui.cli.check import _progress


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


def test_aws_managed_policies_have_their_own_type_and_no_quota(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --include-aws-managed, an AWS managed policy (arn:aws:iam::aws:policy/...) is
    checked as one: over 6,144 characters it has no quota finding; a customer managed policy
    of the same size has one."""
    big = document(*[allow("ssm:GetParameter", f"{PARAMETERS}{i}") for i in range(120)])
    details = account(policies=1)
    details["Policies"][0]["PolicyVersionList"][1]["Document"] = big
    details["Policies"][1]["PolicyVersionList"][0]["Document"] = big
    found = read_account_details(json.dumps(details), include_aws_managed=True)
    types = {p.name: p.policy_type for p in found if "managed policy" in p.name}
    assert types == {
        "managed policy custom0 (v2)": PolicyType.MANAGED,
        "AWS managed policy AmazonSSMReadOnlyAccess (v1)": PolicyType.AWS_MANAGED,
    }
    path = tmp_path / "account.json"
    path.write_text(json.dumps(details))
    main(["check", "--account-details", str(path), "--include-aws-managed", "--format", "json"])
    by_source = {r["source"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    aws = by_source["AWS managed policy AmazonSSMReadOnlyAccess (v1)"]
    customer = by_source["managed policy custom0 (v2)"]
    assert aws["policy_type"] == "aws-managed" and aws["size"]["chars"] > 6144
    assert aws["size"] == {"chars": customer["size"]["chars"], "limit": None}
    quota = "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"
    assert quota not in {f["code"] for f in aws["findings"]}
    assert quota in {f["code"] for f in customer["findings"]}


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


# --- nothing dropped silently (issue 9) ----------------------------------------------------

GOOD_DOCUMENT = document(allow("ssm:GetParameter"))


def managed(name: str, **fields: Any) -> dict[str, Any]:
    return {"PolicyName": name, "Arn": f"arn:aws:iam::123456789012:policy/{name}", **fields}


def _problems(details: Any) -> dict[str, str | None]:
    return {p.name: p.problem for p in read_account_details(json.dumps(details))}


@pytest.mark.parametrize(
    ("entry", "name", "problem"),
    [
        (
            managed(
                "NoDefault",
                DefaultVersionId="v3",
                PolicyVersionList=[{"VersionId": "v1", "Document": GOOD_DOCUMENT}],
            ),
            "managed policy NoDefault",
            "no default version (DefaultVersionId v3 not in PolicyVersionList)",
        ),
        (
            managed("NoDefaultId", PolicyVersionList=[{"VersionId": "v1"}]),
            "managed policy NoDefaultId",
            "no default version (no DefaultVersionId, and no version has IsDefaultVersion true)",
        ),
        (
            managed("NoList", DefaultVersionId="v1"),
            "managed policy NoList",
            "no default version (the entry has no PolicyVersionList)",
        ),
        (
            managed("ListIsObject", DefaultVersionId="v1", PolicyVersionList={"v1": {}}),
            "managed policy ListIsObject",
            "no default version (PolicyVersionList is an object)",
        ),
        (
            managed("NoDocument", DefaultVersionId="v1", PolicyVersionList=[{"VersionId": "v1"}]),
            "managed policy NoDocument (v1)",
            "version v1 has no Document",
        ),
        (
            managed(
                "NumberDocument",
                DefaultVersionId="v1",
                PolicyVersionList=[{"VersionId": "v1", "Document": 7}],
            ),
            "managed policy NumberDocument (v1)",
            "its Document is a number, not a policy (a JSON object, or URL-encoded JSON text)",
        ),
        ("just a string", "Policies entry 1", "the entry is a string, not an object"),
    ],
)
def test_every_unreadable_managed_policy_is_named(entry: Any, name: str, problem: str) -> None:
    found = read_account_details(json.dumps({"Policies": [entry]}))
    assert [(p.name, p.problem, p.text) for p in found] == [(name, problem, "")]


def test_the_default_version_is_found_by_id_or_by_flag() -> None:
    by_flag = managed(
        "ByFlag",
        PolicyVersionList=[
            {"VersionId": "v1", "IsDefaultVersion": False, "Document": document()},
            {"VersionId": "v2", "IsDefaultVersion": True, "Document": GOOD_DOCUMENT},
        ],
    )
    [policy] = read_account_details(json.dumps({"Policies": [by_flag]}))
    assert (policy.name, policy.problem) == ("managed policy ByFlag (v2)", None)
    assert json.loads(policy.text) == GOOD_DOCUMENT


def test_lists_of_the_wrong_type_are_named() -> None:
    assert _problems({"Policies": {"a": 1}, "RoleDetailList": "x"}) == {
        "Policies": "Policies is an object, not a list: the policies in it were not read",
        "RoleDetailList": (
            "RoleDetailList is a string, not a list: the policies in it were not read"
        ),
    }
    assert _problems({"UserDetailList": [{"UserName": "bob", "UserPolicyList": 3}, 4]}) == {
        "user/bob UserPolicyList": (
            "UserPolicyList is a number, not a list: the policies in it were not read"
        ),
        "UserDetailList entry 2": "the entry is a number, not an object",
    }


def test_inline_policies_without_a_readable_document_are_named() -> None:
    details = {
        "RoleDetailList": [
            {
                "RoleName": "r",
                "RolePolicyList": [
                    {"PolicyName": "missing"},
                    {"PolicyName": "list", "PolicyDocument": [GOOD_DOCUMENT]},
                    {"PolicyName": "null", "PolicyDocument": None},
                    "text",
                    {"PolicyName": "ok", "PolicyDocument": GOOD_DOCUMENT},
                ],
            }
        ]
    }
    assert _problems(details) == {
        "role/r inline policy missing": "it has no PolicyDocument",
        "role/r inline policy list": (
            "its PolicyDocument is a list, not a policy (a JSON object, or URL-encoded JSON text)"
        ),
        "role/r inline policy null": (
            "its PolicyDocument is null, not a policy (a JSON object, or URL-encoded JSON text)"
        ),
        "role/r RolePolicyList entry 4": "the entry is a string, not an object",
        "role/r inline policy ok": None,
    }


def test_a_url_encoded_document_that_is_not_json_is_checked_as_text() -> None:
    details = {"GroupDetailList": [{"GroupName": "g", "GroupPolicyList": [
        {"PolicyName": "p", "PolicyDocument": urllib.parse.quote("{not json")}
    ]}]}  # fmt: skip
    [policy] = read_account_details(json.dumps(details))
    assert policy.problem is None and policy.text == "{not json"  # check reports the syntax


@pytest.mark.parametrize(
    "text",
    [
        '{"Policies": NaN}',
        '{"Policies": [], "X": Infinity}',
        '{"Policies": [' + "9" * 5000 + "]}",
        '{"Policies": [1e999]}',
        '{"Policies": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["nan", "infinity", "huge-int", "huge-float", "deep-file"],
)
def test_a_file_that_is_not_strict_json_is_refused_with_its_place(text: str) -> None:
    with pytest.raises(AccountDetailsError, match=r"^not JSON \(line 1, column \d+: "):
        read_account_details(text)


def test_a_document_nested_too_deep_is_named_not_a_crash() -> None:
    deep: Any = "*"
    for _ in range(900):  # json.loads reads it; json.dumps of it would be too deep for checks
        deep = [deep]
    details = {"RoleDetailList": [{"RoleName": "r", "RolePolicyList": [
        {"PolicyName": "deep", "PolicyDocument": {"Statement": deep}},
    ]}]}  # fmt: skip
    text = json.dumps(details)
    assert _problems(json.loads(text)) == {
        "role/r inline policy deep": (
            "its PolicyDocument is nested deeper than 100 levels; this is not a policy"
        )
    }


def test_report_counts_unreadable_policies_in_every_format() -> None:
    from ssm_tui.checks import validate
    from ssm_tui.report import Checked, text_lines, to_json, to_sarif, unreadable_policy

    checked = [
        Checked("managed policy A (v1)", None, validate(json.dumps(GOOD_DOCUMENT))),
        unreadable_policy(
            "managed policy X", PolicyType.MANAGED, "no default version (v3 missing)"
        ),
    ]
    lines = text_lines(checked)
    assert lines[-2] == "managed policy X: could not be read: no default version (v3 missing)"
    assert lines[-1].startswith("1 policy checked as customer managed policy: ")
    assert lines[-1].endswith(" suggestions; 1 could not be read")
    results = to_json(checked)["results"]
    assert results[1]["problem"] == "no default version (v3 missing)"
    assert results[1]["findings"] == [] and "problem" not in results[0]
    sarif = to_sarif(checked)["runs"][0]
    unread = [r for r in sarif["results"] if r["ruleId"] == "POLICY_UNREADABLE"]
    assert len(unread) == 1 and "no default version" in unread[0]["message"]["text"]
    assert sarif["tool"]["driver"]["rules"][unread[0]["ruleIndex"]]["id"] == "POLICY_UNREADABLE"


def test_cli_reports_every_policy_of_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    details = account(policies=1)
    details["Policies"].append(managed("Broken", DefaultVersionId="v3", PolicyVersionList=[]))
    path = tmp_path / "account.json"
    path.write_text(json.dumps(details))
    assert main(["check", "--account-details", str(path)]) == 2  # a policy could not be read
    out = capsys.readouterr().out
    assert (
        "managed policy Broken: could not be read: no default version (DefaultVersionId v3 "
        "not in PolicyVersionList)\n"
    ) in out
    assert out.splitlines()[-1].endswith("; 1 could not be read")
    assert out.splitlines()[-1].startswith("4 policies checked")
