"""Shared helpers: build small policies and look at what the validator says about them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ssm_tui.checks import Finding, validate
from ssm_tui.checks.security import CODES as SECURITY_CODES

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PROJECT = Path(__file__).resolve().parents[1]
# A scoped Resource for examples meant to be clean: ssm:GetParameter on "*" reads every
# SecureString, which the security checks report.
PARAMETERS = "arn:aws:ssm:us-west-2:123456789012:parameter/app/*"


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> str:
    """A policy text with the given statements (pretty printed, so lines are predictable)."""
    document: dict[str, Any] = {}
    if version is not None:
        document["Version"] = version
    document["Statement"] = list(statements)
    return json.dumps(document, indent=2)


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def findings(text: str, **kwargs: Any) -> list[Finding]:
    return validate(text, **kwargs).findings


def codes(text: str, **kwargs: Any) -> list[str]:
    return [f.code for f in findings(text, **kwargs)]


def codes_besides_security(text: str, **kwargs: Any) -> list[str]:
    """codes(), leaving aside the security family (tested in test_checks_security.py): for
    tests of other families whose examples use wildcards such as ssm:*."""
    return [code for code in codes(text, **kwargs) if code not in SECURITY_CODES]


def only(text: str, code: str) -> Finding:
    """The single finding with `code` (fails if there are none or several)."""
    found = [f for f in findings(text) if f.code == code]
    assert len(found) == 1, (
        f"expected one {code}, got {[(f.code, f.message) for f in findings(text)]}"
    )
    return found[0]


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own settings and drafts folders, never the user's."""
    monkeypatch.setenv("SSM_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SSM_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("TMUX", raising=False)
    return tmp_path


@pytest.fixture(autouse=True)
def no_draft_offer_grace(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TUI tests press keys the moment a dialog appears, so the draft offer's grace
    period (keys typed before it appeared are ignored) is off for them; it is tested on its
    own, with a clock of its own, in tests/tui/test_draft_offers.py.  Other tests do not
    load the TUI at all."""
    path = request.node.path
    if "tui" not in path.parent.parts or path.name == "test_draft_offers.py":
        return
    from ssm_tui.tui import draft_offers

    monkeypatch.setattr(draft_offers, "OFFER_GRACE", 0.0)


# A value each condition operator family reads (IAM User Guide, Condition operators).
GOOD_VALUE = {
    "String": "x",
    "ARN": "arn:aws:iam::123456789012:role/x",
    "Numeric": "1",
    "Date": "2025-01-01",
    "Bool": "true",
    "Binary": "QQ==",
    "IP": "203.0.113.0/24",
    "Null": "true",
}
