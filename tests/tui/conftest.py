"""The TUI tests press keys the moment a dialog appears; the draft offer's grace period
(keys typed before it appeared are ignored) is tested on its own in test_draft_offers.py."""

from __future__ import annotations

import pytest

from ssm_tui.tui import draft_offers


@pytest.fixture(autouse=True)
def _no_offer_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draft_offers, "OFFER_GRACE", 0.0)
