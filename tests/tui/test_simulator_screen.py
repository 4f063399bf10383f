"""The simulator screen: inputs to a decision, `g` to the deciding statement, bad input
shown in the screen, text never read as markup, and one 80x24 snapshot.

Update the snapshot after an intended change of the look with
`pytest tests/tui/test_simulator_screen.py --snapshot-update`, and look at the SVG.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from ssm_tui.access.simulate import Request, condition_keys_used, simulate
from ssm_tui.policy.model import parse_policy
from ssm_tui.tui.simulator_screen import ActionSuggester, SimulatorScreen

SnapCompare = Callable[..., bool]

INSTANCES = "arn:aws:ec2:us-east-1:123456789012:instance/*"
INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc1234"
PROD_INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0prod1234"
TEAM_KEY = "ssm:resourceTag/Team"
PAYLOAD = "[/x] [@click=app.quit]q[/]"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


POLICY = _policy(
    {
        "Sid": "RunOnOpsInstances",
        "Effect": "Allow",
        "Action": "ssm:SendCommand",
        "Resource": INSTANCES,
        "Condition": {"StringEquals": {TEAM_KEY: "ops"}},
    },
    {
        "Sid": "NeverOnProd",
        "Effect": "Deny",
        "Action": "ssm:SendCommand",
        "Resource": "arn:aws:ec2:us-east-1:123456789012:instance/i-0prod*",
    },
)


def _statement_start(text: str, sid: str) -> tuple[int, int]:
    """(line, column), 1-based, of the `{` opening the statement with this Sid."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if f'"Sid": {json.dumps(sid)}' in line)
    opening = lines[index - 1]
    return index, opening.index("{") + 1


class Harness(App[None]):
    """Pushes the simulator on mount and keeps what it was dismissed with."""

    def __init__(self, policy_text: str = POLICY, remembered: dict[str, str] | None = None) -> None:
        super().__init__()
        self.policy_text = policy_text
        self.remembered = remembered
        self.results: list[tuple[int, int] | None] = []

    def compose(self) -> ComposeResult:
        yield Static(Content("editor"))

    def on_mount(self) -> None:
        self.push_screen(SimulatorScreen(self.policy_text, self.remembered), self.results.append)


def _screen(app: App[None]) -> SimulatorScreen:
    assert isinstance(app.screen, SimulatorScreen)
    return app.screen


def _result_text(app: App[None]) -> str:
    return str(_screen(app).query_one("#result", Static).content)


async def _fill(
    pilot: Pilot[None], action: str, resource: str = "", team: str = "", *, run: str = "enter"
) -> None:
    screen = _screen(pilot.app)
    for widget in screen.query(Input):
        widget.cursor_blink = False
    await pilot.click("#action")
    screen.query_one("#action", Input).value = ""
    await pilot.press(*action)
    screen.query_one("#resource", Input).value = resource
    if screen.keys:
        screen.query_one("#context-0", Input).value = team
    await pilot.pause()
    await pilot.press(run)
    await pilot.pause()


def test_context_keys_come_from_the_policy() -> None:
    assert SimulatorScreen(POLICY).keys == [TEAM_KEY]
    assert SimulatorScreen("not json").keys == []


def test_the_screen_asks_for_the_keys_the_simulator_finds_missing() -> None:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "ssm:SendCommand",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:RequestedRegion": "us-east-1", TEAM_KEY: "a"},
                        "Bool": {"AWS:requestedregion": "true"},
                    },
                },
                {"Effect": "Bogus", "Condition": {"Null": {"aws:SourceIp": "true"}}},
            ],
        }
    )
    keys = SimulatorScreen(text).keys
    assert tuple(keys) == condition_keys_used([parse_policy(text)])
    assert keys == ["aws:RequestedRegion", TEAM_KEY, "aws:SourceIp"]
    decision = simulate([text], Request(action="ssm:SendCommand"))
    assert decision.missing_context_keys == tuple(sorted(keys, key=str.lower))


async def test_action_suggestions_come_from_the_catalogue() -> None:
    suggester = ActionSuggester()
    assert await suggester.get_suggestion("ssm:sendcomm") == "ssm:SendCommand"
    assert await suggester.get_suggestion("ssm") == "ssm:"
    assert await suggester.get_suggestion("nosuchservice:x") is None


async def test_allowed_with_the_context() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = _screen(app)
        labels = [str(label.content) for label in screen.query(Label)]
        assert TEAM_KEY in labels
        await _fill(pilot, "ssm:SendCommand", INSTANCE, "ops")
        text = _result_text(app)
        assert "✓ allowed" in text
        assert "'RunOnOpsInstances'" in text
        line, _ = _statement_start(POLICY, "RunOnOpsInstances")
        assert f"line {line}" in text
        assert "Missing context keys" not in text
        # The catalogue's ARN formats for the action are shown with the resource input.
        hint = str(screen.query_one("#resource-hint", Static).content)
        assert "arn:${Partition}:ec2:" in hint
        assert screen.query_one("#resource", Input).placeholder.startswith("arn:")


async def test_implicit_deny_without_the_context() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _fill(pilot, "ssm:SendCommand", INSTANCE, run="ctrl+r")
        text = _result_text(app)
        assert "✗ implicitly denied" in text
        assert "Nearest: statement 1" in text
        assert f"does not match on condition StringEquals {TEAM_KEY}" in text
        assert f"Missing context keys: {TEAM_KEY}" in text


async def test_explicit_deny_names_the_deny_statement_and_g_goes_to_it() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _fill(pilot, "ssm:SendCommand", PROD_INSTANCE, "ops")
        text = _result_text(app)
        assert "✗ explicitly denied" in text
        assert "Denied by statement 2 (Deny, Sid 'NeverOnProd')" in text
        assert app.screen.active_bindings["g"].enabled
        await pilot.press("g")
        await pilot.pause()
        assert app.results == [_statement_start(POLICY, "NeverOnProd")]
        assert not isinstance(app.screen, SimulatorScreen)


async def test_g_before_a_simulation_does_nothing_and_escape_returns_none() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        assert "g" not in app.screen.active_bindings
        _screen(app).query_one("#result", Static).focus()
        await pilot.press("g")
        assert isinstance(app.screen, SimulatorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


@pytest.mark.parametrize(
    ("action", "resource", "message"),
    [
        ("SendCommand", "", "action must look like service:Name"),
        ("ssm:SendCommand", "instance/i-1", 'resource must be "*" or an ARN'),
    ],
)
async def test_bad_input_is_a_message(action: str, resource: str, message: str) -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await _fill(pilot, action, resource)
        text = _result_text(app)
        assert "✗ cannot simulate" in text
        assert message in text
        assert app.is_running and isinstance(app.screen, SimulatorScreen)
        assert "g" not in app.screen.active_bindings


async def test_an_invalid_policy_is_a_message() -> None:
    app = Harness('{"Statement": [')
    async with app.run_test(size=(80, 24)) as pilot:
        await _fill(pilot, "ssm:SendCommand")
        text = _result_text(app)
        assert "The policy is not valid: not valid JSON" in text
        assert app.is_running


async def test_text_is_never_markup() -> None:
    key = f"aws:PrincipalTag/{PAYLOAD}"
    policy = _policy(
        {
            "Sid": PAYLOAD,
            "Effect": "Allow",
            "Action": "ssm:SendCommand",
            "Resource": "*",
            "Condition": {"StringEquals": {key: PAYLOAD}},
        }
    )
    app = Harness(policy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = _screen(app)
        assert key in [str(label.content) for label in screen.query(Label)]
        await _fill(pilot, "ssm:SendCommand", "", PAYLOAD)
        text = _result_text(app)
        assert "✓ allowed" in text
        assert repr(PAYLOAD) in text
        await _fill(pilot, PAYLOAD)
        assert PAYLOAD in _result_text(app)
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, SimulatorScreen)


def test_snapshot_80x24(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _fill(pilot, "ssm:SendCommand", INSTANCE)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(Harness(), terminal_size=(80, 24), run_before=run_before)


async def test_fields_are_filled_from_and_written_back_to_the_remembered_request() -> None:
    remembered = {"action": "ssm:StartSession", "resource": INSTANCE, TEAM_KEY: "ops"}

    app = Harness(remembered=remembered)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = _screen(app)
        assert screen.keys == [TEAM_KEY]
        assert screen.query_one("#action", Input).value == "ssm:StartSession"
        assert screen.query_one("#resource", Input).value == INSTANCE
        assert screen.query_one("#context-0", Input).value == "ops"
        screen.query_one("#context-0", Input).value = "dev"
        await pilot.pause()
        assert remembered[TEAM_KEY] == "dev"
