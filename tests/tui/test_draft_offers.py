"""The draft offer: when a draft was saved, said as a person would in local time; the offer's
safe answer (keep) is focused and given by Enter; keys in its first moments are ignored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Button

from ssm_tui.drafts import Draft, FoundDraft
from ssm_tui.tui import draft_offers
from ssm_tui.tui.draft_offers import OFFER_GRACE, human_time, offer_question, offer_screen
from ssm_tui.tui.screens import ChoiceScreen

# Local time in these tests: UTC+2, so 12:05 UTC is 14:05 local.
LOCAL = timezone(timedelta(hours=2))
NOW = datetime(2026, 12, 2, 16, 30, tzinfo=LOCAL)  # Wednesday 2 Dec 2026, 16:30 local


def ago(**delta: float) -> str:
    return human_time(NOW - timedelta(**delta), NOW, LOCAL)


@pytest.mark.parametrize(
    ("delta", "said"),
    [
        ({"seconds": 0}, "just now"),
        ({"seconds": 4.9}, "just now"),
        ({"seconds": 5}, "5 seconds ago"),
        ({"seconds": 59.9}, "59 seconds ago"),
        ({"seconds": 60}, "1 minute ago"),
        ({"seconds": 119}, "1 minute ago"),
        ({"minutes": 4}, "4 minutes ago"),
        ({"seconds": 3599}, "59 minutes ago"),
        ({"hours": 1}, "1 hour ago"),
        ({"hours": 2, "minutes": 59}, "2 hours ago"),
        ({"hours": 16, "minutes": 30}, "16 hours ago"),  # 00:00 today
        ({"hours": 16, "minutes": 31}, "yesterday at 23:59"),
        ({"hours": 26, "minutes": 25}, "yesterday at 14:05"),
        ({"hours": 40, "minutes": 30}, "yesterday at 00:00"),
        ({"hours": 40, "minutes": 31}, "on 30 Nov at 23:59"),
        ({"days": 29, "hours": 7, "minutes": 18}, "on 3 Nov at 09:12"),
        ({"days": 365}, "on 2 Dec 2025 at 16:30"),
    ],
)
def test_human_time_boundaries(delta: dict[str, float], said: str) -> None:
    assert ago(**delta) == said


def test_human_time_across_midnight_counts_minutes_then_says_yesterday() -> None:
    just_after_midnight = datetime(2026, 12, 2, 0, 30, tzinfo=LOCAL)
    saved = datetime(2026, 12, 1, 23, 50, tzinfo=LOCAL)
    assert human_time(saved, just_after_midnight, LOCAL) == "40 minutes ago"
    saved = datetime(2026, 12, 1, 22, 0, tzinfo=LOCAL)
    assert human_time(saved, just_after_midnight, LOCAL) == "yesterday at 22:00"


def test_human_time_is_local() -> None:
    saved = datetime(2026, 12, 1, 12, 5, tzinfo=UTC)  # 14:05 at UTC+2, the day before NOW
    assert human_time(saved, NOW, LOCAL) == "yesterday at 14:05"
    assert human_time(saved, NOW, UTC) == "yesterday at 12:05"
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # already 2 Dec at UTC+2
    assert human_time(late, NOW, LOCAL) == "15 hours ago"


@pytest.mark.parametrize(
    ("ahead", "said"),
    [
        ({"seconds": 1}, "just now"),
        ({"seconds": 59}, "just now"),
        ({"minutes": 5}, "today at 16:35"),
        ({"days": 1}, "on 3 Dec at 16:30"),
    ],
)
def test_human_time_in_the_future_clock_skew(ahead: dict[str, float], said: str) -> None:
    assert human_time(NOW + timedelta(**ahead), NOW, LOCAL) == said


def test_the_offer_says_how_long_ago_the_draft_was_saved(tmp_path: Path) -> None:
    saved_at = datetime.now(UTC) - timedelta(minutes=4, seconds=1)
    draft = Draft(text="a\nb\n", saved_at=saved_at.isoformat(), title="scratch")
    found = FoundDraft(file=tmp_path / "d.json", draft=draft, state="abandoned")
    question = offer_question(found, "scratch", "", 0)
    assert "2 lines, saved 4 minutes ago," in question
    assert "today" not in question  # not the clock time, how long ago


# --- the offer dialog --------------------------------------------------------------------
class Host(App[None]):
    def __init__(self, dialog: ChoiceScreen) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


async def test_the_offer_focuses_keep_and_enter_keeps() -> None:
    dialog = offer_screen("A draft of pol.json differs from the file.", grace=0)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen is dialog
        assert isinstance(app.focused, Button) and app.focused.id == "choice-keep"
        await pilot.press("enter")
        await pilot.pause()
        assert app.answers == ["keep"]


async def test_the_offer_ignores_keys_typed_as_it_appears() -> None:
    """Keys pressed at once (the user was typing into the editor) leave it open; after the
    grace period the user's key answers."""
    clock = FakeClock()
    app = Host(offer_screen("A draft of pol.json differs from the file.", clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "d", "enter", "escape", "k")
        await pilot.pause()
        assert app.screen is app.dialog and app.answers == []
        clock.now += OFFER_GRACE / 2
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is app.dialog and app.answers == []
        clock.now += OFFER_GRACE / 2
        await pilot.press("r")
        await pilot.pause()
        assert app.answers == ["restore"]


def test_the_offer_grace_comes_from_the_module_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 0.2 <= OFFER_GRACE <= 1.0  # long enough for a typist, short enough not to annoy
    assert offer_screen("q").grace == OFFER_GRACE
    monkeypatch.setattr(draft_offers, "OFFER_GRACE", 0.0)  # what app tests may do
    assert offer_screen("q").grace == 0.0
    assert offer_screen("q", grace=2.0).grace == 2.0
