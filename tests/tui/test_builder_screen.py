"""The statement builder (BuilderScreen): actions, resources, conditions, preview, insert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Static, TextArea

from ssm_tui.tui.builder_screen import ArnRow, BuilderScreen

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
HOSTILE = "[/x] [@click=app.quit]q[/]"


class Harness(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[dict[str, Any] | None] = []

    def compose(self) -> ComposeResult:
        yield Static("harness")

    def on_mount(self) -> None:
        self.push_screen(BuilderScreen(), self.results.append)


def screen(pilot: Pilot[None]) -> BuilderScreen:
    current = pilot.app.screen
    assert isinstance(current, BuilderScreen)
    return current


def text(pilot: Pilot[None], selector: str) -> str:
    return str(screen(pilot).query_one(selector, Static).render())


def preview(pilot: Pilot[None]) -> str:
    return screen(pilot).query_one("#builder-preview", TextArea).text


def option_values(pilot: Pilot[None]) -> list[str]:
    listing = screen(pilot).query_one("#builder-actions", SelectionList)
    return [str(listing.get_option_at_index(i).value) for i in range(listing.option_count)]


async def search(pilot: Pilot[None], query: str) -> None:
    field = screen(pilot).query_one("#builder-search", Input)
    field.focus()
    field.value = ""
    await pilot.press(*query)
    await pilot.pause()


async def pick(pilot: Pilot[None], query: str, name: str) -> None:
    """Search, move the highlight to `name` and toggle it with the space key."""
    await search(pilot, query)
    listing = screen(pilot).query_one("#builder-actions", SelectionList)
    listing.focus()
    listing.highlighted = option_values(pilot).index(name)
    await pilot.press("space")
    await pilot.pause()


async def fill(pilot: Pilot[None], values: dict[str, str], row: int = 0) -> None:
    arn_row = list(screen(pilot).query(ArnRow))[row]
    for field in arn_row.query(Input):
        name = getattr(field, "placeholder_name", "")
        if name in values:
            field.focus()
            field.value = ""
            await pilot.press(*values[name])
    await pilot.pause()


PARAMETER = {
    "Region": "eu-west-1",
    "Account": "123456789012",
    "ParameterNameWithoutLeadingSlash": "app/db",
}
PARAMETER_ARN = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db"


async def test_get_parameter_with_an_arn_validates_and_inserts() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        assert "ssm:GetParameter" in text(pilot, "#builder-selected")
        await fill(pilot, PARAMETER)
        assert PARAMETER_ARN in preview(pilot)
        assert "0 error" in text(pilot, "#builder-summary")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [
        {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": PARAMETER_ARN}
    ]


async def test_add_makes_another_arn_row_for_the_template() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await fill(pilot, PARAMETER)
        await pilot.click(".arn-add")
        await pilot.pause()
        await fill(pilot, {**PARAMETER, "ParameterNameWithoutLeadingSlash": "app/other"}, row=1)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results[0] is not None
    assert app.results[0]["Resource"] == [PARAMETER_ARN, PARAMETER_ARN.replace("db", "other")]


async def test_i_inserts_when_not_typing_and_escape_cancels() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        await pilot.press("i")  # focus is on the list, not an input
        await pilot.pause()
    assert app.results == [{"Effect": "Allow", "Action": "ssm:ListDocuments", "Resource": "*"}]
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_an_action_without_resource_types_is_explained_and_gets_a_star() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        assert (
            'ssm:ListDocuments supports no resource-level permissions: Resource must be "*"'
            in text(pilot, "#builder-explain")
        )
        assert '"Resource": "*"' in preview(pilot)


async def test_a_bad_region_is_reported_and_insert_is_refused() -> None:
    app = Harness()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await fill(pilot, {**PARAMETER, "Region": "eu-nowhere-9"})
        assert "Region 'eu-nowhere-9' is not a known AWS Region" in text(pilot, ".arn-problems")
        assert "eu-nowhere-9" in text(pilot, "#builder-summary")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert any("Not inserted" in n.title for n in app._notifications)
        assert isinstance(app.screen, BuilderScreen)


async def test_insert_without_actions_is_refused() -> None:
    app = Harness()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, BuilderScreen)


async def test_the_access_level_filter_narrows_the_list() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        everything = option_values(pilot)
        screen(pilot).query_one("#builder-level", Select).value = "List"
        await pilot.pause()
        listed = option_values(pilot)
        assert 0 < len(listed) < len(everything)
        assert "ssm:ListDocuments" in listed
        assert "ssm:GetParameter" not in listed


async def test_typing_a_service_prefix_switches_service() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "ec2:RunInst")
        assert option_values(pilot)[0] == "ec2:RunInstances"


async def test_a_condition_with_a_fitting_operator_appears_in_the_preview() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        builder = screen(pilot)
        builder.query_one("#builder-cond-key", Select).value = "aws:SourceIp"
        await pilot.pause()
        operator = builder.query_one("#builder-cond-op", Select)
        assert operator.value == "IpAddress"
        builder.query_one("#builder-cond-values", Input).focus()
        await pilot.press(*"10.0.0.0/8")
        await pilot.pause()
        assert '"IpAddress"' in preview(pilot)
        assert '"aws:SourceIp": "10.0.0.0/8"' in preview(pilot)
        builder.query_one("#builder-cond-key", Select).value = "aws:SecureTransport"
        await pilot.pause()
        assert operator.value == "Bool"


async def test_hostile_text_is_shown_literally() -> None:
    app = Harness()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await search(pilot, HOSTILE)
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await fill(pilot, {"ParameterNameWithoutLeadingSlash": HOSTILE, "Region": HOSTILE})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running
        assert HOSTILE in text(pilot, ".arn-problems")
        assert isinstance(app.screen, BuilderScreen)


def test_snapshot_80x24(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        await fill(pilot, PARAMETER)
        for widget in pilot.app.screen.query("*"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False
        screen(pilot).query_one("#builder-search", Input).focus()
        await pilot.pause()

    assert snap_compare(Harness(), terminal_size=SIZE, run_before=run_before)


async def test_enter_in_the_search_then_space_selects_the_best_match() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await search(pilot, "GetParameters")
        await pilot.press("enter")
        await pilot.pause()
        listing = screen(pilot).query_one("#builder-actions", SelectionList)
        assert listing.has_focus
        await pilot.press("space")
        await pilot.pause()
        assert listing.selected == ["ssm:GetParameters"]
        assert "ssm:GetParameters" in preview(pilot)


async def test_a_sid_is_written_first_and_checked_by_the_validator() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pick(pilot, "ListDocuments", "ssm:ListDocuments")
        sid = screen(pilot).query_one("#builder-sid", Input)
        sid.focus()
        await pilot.press(*"List docs")
        await pilot.pause()
        # A space is not allowed in a Sid: the validator's error shows and insert is refused.
        summary = text(pilot, "#builder-summary")
        assert summary.startswith("1 error") and 'Sid "List docs"' in summary
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        sid.value = "ListDocs"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [
            {"Sid": "ListDocs", "Effect": "Allow", "Action": "ssm:ListDocuments", "Resource": "*"}
        ]
        assert list(app.results[0]) == ["Sid", "Effect", "Action", "Resource"]
