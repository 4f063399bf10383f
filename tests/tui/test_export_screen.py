"""Export from the TUI: any format, from the editor and the library panes."""

from __future__ import annotations

import json

from validation_messages import running, settle

from ssm_tui.tui.app import SKELETON, SsmTuiApp
from ssm_tui.tui.export_screen import ExportScreen, default_policy_name
from ssm_tui.tui.widgets.managed_pane import ManagedPane


def test_default_policy_name_is_a_valid_iam_name() -> None:
    assert default_policy_name("AmazonSSMFullAccess v4") == "AmazonSSMFullAccess-v4"
    assert default_policy_name("template: [/x] ssm") == "template-x-ssm"
    assert default_policy_name("***") == "ssm-policy"


async def test_export_the_editor_policy_as_an_aws_cli_command(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("ssm_tui.export.clipboard.local_clipboard_available", lambda: False)
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert json.loads(screen.text) == json.loads(SKELETON)  # JSON first
        while screen.chosen_format != "aws-cli":
            await pilot.press("down")
        await pilot.pause()
        assert screen.text.startswith("aws iam create-policy --policy-name new-policy ")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("aws iam create-policy")


async def test_a_bad_policy_name_is_shown_and_nothing_is_exported() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        while screen.chosen_format != "terraform":
            await pilot.press("down")
        screen.query_one("#export-name").value = "bad name!"
        await pilot.pause()
        assert screen.text == ""
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen) and app.clipboard == ""
        await pilot.press("escape")


async def test_export_a_managed_policy_from_the_library() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            panes = app.query(ManagedPane)
            if panes and panes.first().policy is not None:
                break
        app.query_one("#managed-list").focus()
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.title_text.startswith("AmazonSSMFullAccess")
        while screen.chosen_format != "cloudformation":
            await pilot.press("down")
        await pilot.pause()
        assert "AWS::IAM::ManagedPolicy" in screen.text
