"""The export screen at 80x24 and 120x40 (issue 12): the preview takes the room, never wraps
inside a token, and a policy with errors is said so before it is copied or saved."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from ssm_tui.tui.export_screen import ExportChoice, ExportScreen
from ssm_tui.tui.screens import ConfirmScreen

LONG_ARN = "arn:aws:ssm:eu-west-1:123456789012:parameter/" + "very-long-parameter-name/" * 4
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": LONG_ARN},
        *[{"Effect": "Allow", "Action": f"ssm:Describe{n}", "Resource": "*"} for n in range(9)],
    ],
}


class Harness(App[None]):
    def __init__(self, errors: int = 0) -> None:
        super().__init__()
        self.errors = errors
        self.results: list[ExportChoice | None] = []

    def compose(self) -> ComposeResult:
        yield Static("harness")

    def on_mount(self) -> None:
        self.push_screen(
            ExportScreen(POLICY, "test policy", errors=self.errors), self.results.append
        )


def export_screen(pilot: Pilot[None]) -> ExportScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


@pytest.mark.parametrize(("size", "least"), [((80, 24), (50, 16)), ((120, 40), (90, 30))])
async def test_the_preview_fills_the_screen(size: tuple[int, int], least: tuple[int, int]) -> None:
    app = Harness()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        preview = export_screen(pilot).query_one("#export-preview", TextArea)
        width, height = least
        assert preview.size.width >= width and preview.size.height >= height, preview.size
        assert preview.region.right <= size[0] and preview.region.bottom <= size[1]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_preview_never_wraps_inside_a_token(size: tuple[int, int]) -> None:
    app = Harness()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        preview = export_screen(pilot).query_one("#export-preview", TextArea)
        assert any(len(line) > preview.size.width for line in preview.text.splitlines())
        # one screen row per line: the long ARN line is cut at the edge, not carried over
        assert preview.wrapped_document.height == preview.document.line_count
        rows = [strip.text for strip in app.screen._compositor.render_strips()]
        assert sum(LONG_ARN[:30] in row for row in rows) == 1
        assert not any('very-long-parameter-name/"' in row for row in rows)  # the ARN's end
        preview.focus()
        preview.scroll_to(x=preview.max_scroll_x, animate=False)
        await pilot.pause()
        assert preview.max_scroll_x > 0 and preview.scroll_x == preview.max_scroll_x


async def test_a_policy_without_errors_is_copied_at_once() -> None:
    app = Harness(errors=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not export_screen(pilot).query_one("#export-errors").display
        await pilot.press("c")
        await pilot.pause()
    assert app.results and app.results[0] is not None and app.results[0][0] == "copy"


@pytest.mark.parametrize(("key", "verb"), [("c", "Copy"), ("s", "Save")])
async def test_a_policy_with_errors_is_said_so_and_copy_or_save_asks(key: str, verb: str) -> None:
    app = Harness(errors=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        warning = export_screen(pilot).query_one("#export-errors", Static)
        assert warning.display and warning.region.height >= 1
        assert "2 errors" in str(warning.render())
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"{verb} it anyway?" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        export_screen(pilot)  # still exporting, nothing chosen
        assert app.results == []
        await pilot.press(key)
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert len(app.results) == 1 and app.results[0] is not None
    assert app.results[0][0] == ("copy" if key == "c" else "save")


def test_every_export_binding_has_an_id_a_description_and_a_tooltip() -> None:
    bindings: list[Any] = list(ExportScreen.BINDINGS)
    for binding in bindings:
        assert isinstance(binding, Binding)
        assert binding.id and binding.description and binding.tooltip, binding
