"""The builder's form as a whole (issue 12): Escape asks before discarding a filled form, the
fields outlive the screen, the checkboxes and the focused Select read without colour, and the
form fits 80x24."""

from __future__ import annotations

from typing import Any

import pytest
from test_builder_screen import PARAMETER, PARAMETER_ARN, fill, pick, preview, screen, search
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Static, TextArea
from validation_messages import running, settle

from ssm_tui.tui.app import SsmTuiApp
from ssm_tui.tui.builder_screen import BuilderFields, BuilderScreen, remembered_fields
from ssm_tui.tui.screens import ConfirmScreen

SIZE = (80, 24)


class Harness(App[None]):
    """Opens a builder at start and again on `open_builder()`; keeps what each returned."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[dict[str, Any] | None] = []

    def compose(self) -> ComposeResult:
        yield Static("harness")

    def on_mount(self) -> None:
        self.open_builder()

    def open_builder(self) -> None:
        self.push_screen(BuilderScreen(), self.results.append)


async def open_again(pilot: Pilot[None]) -> BuilderScreen:
    app = pilot.app
    assert isinstance(app, Harness)
    app.open_builder()
    await pilot.pause()
    return screen(pilot)


async def test_escape_on_the_empty_form_closes_at_once() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, BuilderScreen | ConfirmScreen)
    assert app.results == [None]


@pytest.mark.parametrize("answer", ["enter", "escape", "n"])
async def test_escape_on_a_filled_form_asks_and_enter_keeps_editing(answer: str) -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        before = preview(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.focused is not None and app.screen.focused.id == "no"
        await pilot.press(answer)
        await pilot.pause()
        builder = screen(pilot)  # still editing, nothing lost
        assert list(builder.selected) == ["ssm:ListDocuments"]
        assert preview(pilot) == before
    assert app.results == []


async def test_y_in_the_dialog_discards_and_the_next_opening_is_empty() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.results == [None]
        builder = await open_again(pilot)
        assert builder.selected == {}
        assert builder.form_is_empty()
        assert remembered_fields(app) == BuilderFields()


async def test_a_typed_sid_alone_makes_the_form_filled() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen(pilot).query_one("#builder-sid", Input).focus()
        await pilot.press(*"Keep")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


async def test_the_fields_are_kept_for_the_next_opening() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await fill(pilot, PARAMETER)
        builder = screen(pilot)
        builder.query_one("#builder-sid", Input).value = "ReadDb"
        builder.query_one("#builder-effect", Select).value = "Deny"
        builder.query_one("#builder-cond-key", Select).value = "aws:SourceIp"
        await pilot.pause()
        builder.query_one("#builder-cond-values", Input).value = "203.0.113.0/24"
        await pilot.pause()
        built = preview(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results and app.results[0] is not None
        assert app.results[0]["Resource"] == PARAMETER_ARN

        again = await open_again(pilot)
        assert list(again.selected) == ["ssm:GetParameter"]
        assert again.query_one("#builder-sid", Input).value == "ReadDb"
        assert again.query_one("#builder-cond-op", Select).value == "IpAddress"
        assert preview(pilot) == built
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results[1] == app.results[0]


async def test_the_app_keeps_the_builder_fields_between_ctrl_g() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        await pilot.press("i")
        await pilot.pause()
        assert not isinstance(app.screen, BuilderScreen)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert list(screen(pilot).selected) == ["ssm:ListDocuments"]


def box_of(strip_text: str) -> str:
    """The three-cell checkbox at the start of a SelectionList row."""
    start = strip_text.index("▐")
    return strip_text[start : start + 3]


async def test_without_colour_a_selected_action_reads_differently(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        await pick(pilot, "GetParameter", "ssm:GetParameter")
        listing = screen(pilot).query_one("#builder-actions", SelectionList)
        listing.highlighted = None  # the highlight must not be what tells them apart
        await pilot.pause()
        rows = {
            name: strip.text
            for strip in app.screen._compositor.render_strips()
            for name in ("ssm:GetParameter ", "ssm:GetParameters ")
            if name in strip.text and "▐" in strip.text
        }
        selected, unselected = rows["ssm:GetParameter "], rows["ssm:GetParameters "]
        assert box_of(selected) != box_of(unselected)
        assert "X" in box_of(selected) and "X" not in box_of(unselected)


def reversed_cells(app: App[Any], row: int, text: str) -> bool:
    strip = app.screen._compositor.render_strips()[row]
    return any(text in seg.text and seg.style is not None and seg.style.reverse for seg in strip)


async def test_without_colour_the_focused_select_is_marked(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        level = screen(pilot).query_one("#builder-level", Select)
        row = level.region.y
        assert not reversed_cells(app, row, "All")
        level.focus()
        await pilot.pause()
        assert reversed_cells(app, row, "All")
        assert not reversed_cells(app, row, "Allow")  # the other Select is not marked
        screen(pilot).query_one("#builder-effect", Select).focus()
        await pilot.pause()
        assert reversed_cells(app, row, "Allow") and not reversed_cells(app, row, "All ")


async def test_the_builder_fits_80x24_and_scrolls_to_its_end() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        await fill(pilot, PARAMETER)
        builder = screen(pilot)
        body = builder.query_one("#builder-body")
        for widget in body.query("*"):
            if widget.display and widget.region.width:
                assert widget.region.x >= 0 and widget.region.right <= SIZE[0], widget
        summary = builder.query_one("#builder-summary", Static)
        assert body.max_scroll_y > 0
        builder.query_one("#builder-preview", TextArea).focus()
        body.scroll_end(animate=False)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert body.region.contains_region(summary.region)
        assert "0 error" in str(summary.render())
        await search(pilot, "")  # back at the top by focus (a scroll that may animate)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert body.region.contains_region(builder.query_one("#builder-search").region)


def test_every_builder_binding_has_an_id_a_description_and_a_tooltip() -> None:
    for binding in BuilderScreen.BINDINGS:
        assert isinstance(binding, Binding)
        assert binding.id and binding.description and binding.tooltip, binding
