"""The guide's printed examples (examples/as-printed/, verbatim from the seed) are explained."""

from __future__ import annotations

import pytest

from conftest import PROJECT, SECURITY_CODES
from ssm_tui.checks import validate

PRINTED = PROJECT / "examples" / "as-printed"


def result(name: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in validate((PRINTED / f"{name}.json").read_text()).findings:
        found.setdefault(finding.code, []).append(finding.message)
    return found


def test_examples_are_verbatim_from_the_seed() -> None:
    seed = PROJECT.parent / "shared" / "seed"
    if not seed.is_dir():
        pytest.skip("../shared/seed is not present")
    text = "\n".join(p.read_text() for p in seed.iterdir())
    for path in PRINTED.glob("*.json"):
        assert path.read_text().strip() in text, path.name


def test_delete_documents_by_prefix_is_clean() -> None:
    assert result("delete-documents-by-prefix") == {}


def test_console_minimum_only_has_the_case_suggestion_besides_its_risks() -> None:
    found = result("console-minimum")
    assert [code for code in found if code not in SECURITY_CODES] == ["NON_CANONICAL_CASE"]
    # ssm:* and iam:PassRole on "*": the security family speaks up
    assert "PASS_ROLE_WITH_STAR_IN_RESOURCE" in found and "SSM_SERVICE_WILDCARD" in found


def test_one_region_example_has_a_malformed_arn_with_the_fix() -> None:
    found = result("ssm-one-region")
    assert list(found) == ["INVALID_SERVICE"]
    assert "arn:aws:ssm:us-west-2:111222333444:*" in found["INVALID_SERVICE"][0]


def test_list_documents_example_grants_nothing() -> None:
    found = result("list-documents")
    assert list(found) == ["STATEMENT_GRANTS_NOTHING"]
    assert (
        "ssm:ListDocuments supports no resource-level permissions"
        in found["STATEMENT_GRANTS_NOTHING"][0]
    )


def test_run_document_example_problems() -> None:
    found = result("run-document-on-instances")
    assert "ssm:ListDocumentVersions" in found["INVALID_ACTION"][0]
    assert "trailing whitespace" in found["INVALID_ACTION"][1]
    assert len(found["INVALID_ARN_RESOURCE"]) == 2
    assert len(found["MISSING_ARN_REGION"]) == 2
