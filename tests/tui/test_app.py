"""The app's main flows through `App.run_test()` pilots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.screen import Screen
from validation_messages import running, settle

from ssm_tui.drafts import DraftStore
from ssm_tui.tui.app import SKELETON, SsmTuiApp
from ssm_tui.tui.screens import ChoiceScreen, ConfirmScreen, HelpScreen, TooSmallScreen
from ssm_tui.tui.widgets.managed_pane import ManagedPane
from ssm_tui.tui.widgets.templates_pane import TemplatesPane

S = TypeVar("S", bound=Screen[Any])

CASE_MISTAKE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": "ssm:getParameter",
                "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/app/*",
            }
        ],
    },
    indent=2,
)


async def open_screen(pilot, app: SsmTuiApp, key: str, kind: type[S]) -> S:  # type: ignore[no-untyped-def]
    """Press `key` in the settled app and return the screen it opened, of type `kind`."""
    await settle(pilot)
    await pilot.press(key)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


async def test_starts_with_a_skeleton_and_no_findings() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.editor.text == SKELETON
        assert app.findings.findings == []
        assert app.focused is app.editor


async def test_typing_a_misspelled_action_shows_its_finding_and_marks_the_line() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        line = next(i for i, t in enumerate(app.editor.text.splitlines()) if "ssm:Describe" in t)
        column = app.editor.text.splitlines()[line].index("Describe")
        app.editor.cursor_location = (line, column)
        await pilot.press("x")  # ssm:xDescribeInstanceInformation
        done = await settle(pilot)  # the debounced validation of the new text
        assert "ssm:xDescribe" in done.text
        codes = [f.code for f in app.findings.findings]
        assert "INVALID_ACTION" in codes
        assert app.editor.marks.get(line) == "error"


async def test_the_findings_arrive_as_a_message_and_a_stale_one_is_not_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ssm_tui.checks import validate
    from ssm_tui.tui import app as app_module
    from ssm_tui.tui.messages import ValidationDone

    monkeypatch.setattr(app_module, "VALIDATE_DELAY", 60.0)  # no validation but ours
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        done = await settle(pilot)
        assert done.text == SKELETON and app.result is done.result
        stale = validate(CASE_MISTAKE)  # findings of a text the editor does not hold
        assert stale.findings
        app.post_message(ValidationDone(CASE_MISTAKE, stale))
        await pilot.pause()
        assert app.result is done.result and app.findings.findings == []
        app.editor.load_text(CASE_MISTAKE)
        app.post_message(ValidationDone(CASE_MISTAKE, stale))
        await pilot.pause()
        assert app.result is stale
        assert [f.code for f in app.findings.findings] == [f.code for f in stale.findings]


async def test_jump_to_a_finding_and_apply_its_quick_fix_then_undo() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        app.editor.load_text(CASE_MISTAKE)
        app.validate_now()
        await settle(pilot)
        finding = next(f for f in app.findings.findings if f.code == "NON_CANONICAL_CASE")
        app.findings.focus()
        app.findings.highlighted = app.findings.findings.index(finding)
        await pilot.press("enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if app.focused is app.editor:
                break
        assert app.focused is app.editor
        assert app.editor.cursor_location == (finding.line - 1, finding.column - 1)
        app.findings.focus()
        await pilot.press("f")
        for _ in range(40):
            await pilot.pause(0.05)
            if '"ssm:GetParameter"' in app.editor.text:
                break
        await settle(pilot)
        assert '"ssm:GetParameter"' in app.editor.text
        assert "NON_CANONICAL_CASE" not in [f.code for f in app.findings.findings]
        app.editor.focus()
        await pilot.pause()
        await pilot.press("ctrl+z")
        for _ in range(40):
            await pilot.pause(0.05)
            if '"ssm:getParameter"' in app.editor.text:
                break
        assert '"ssm:getParameter"' in app.editor.text


async def test_pick_a_managed_policy_and_open_a_copy() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            panes = app.query(ManagedPane)
            if panes and panes.first().policy is not None:
                break
        pane = app.query_one(ManagedPane)
        assert pane.policy is not None and pane.policy.name == "AmazonSSMFullAccess"
        app.query_one("#managed-list").focus()
        await pilot.press("o")
        await settle(pilot)
        assert json.loads(app.editor.text) == pane.policy.latest.document
        assert "AmazonSSMFullAccess" in str(app.editor.border_title)
        assert app.focused is app.editor


async def test_render_a_template_with_parameters_and_insert_it() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one("#library-tabs").active = "templates-tab"
        for _ in range(100):
            await pilot.pause(0.05)
            if app.query(TemplatesPane):
                break
        pane = app.query_one(TemplatesPane)
        assert pane.current is not None
        region = next((p.name for p in pane.current.parameters if p.kind == "region"), None)
        if region is not None:
            field = pane.parameter_input(region)
            field.value = "eu-central-1"
            await pilot.pause()
        pane.query_one("OptionList").focus()
        await pilot.press("i")
        await settle(pilot)
        policy = json.loads(app.editor.text)
        assert policy["Statement"]
        if region is not None:
            assert "eu-central-1" in app.editor.text
        assert not [f for f in app.findings.findings if f.severity == "error"]
        statements = len(policy["Statement"])
        pane.query_one("OptionList").focus()
        await pilot.press("a")
        await settle(pilot)
        assert len(json.loads(app.editor.text)["Statement"]) == 2 * statements


async def test_copy_puts_the_policy_on_the_clipboard(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("ssm_tui.export.clipboard.local_clipboard_available", lambda: False)
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await pilot.pause()
        assert json.loads(app.clipboard) == json.loads(SKELETON)
        assert "  " in app.clipboard  # pretty by default
        await pilot.press("f10")  # copy format: minified
        await pilot.press("f8")
        await pilot.pause()
        assert "\n" not in app.clipboard and json.loads(app.clipboard) == json.loads(SKELETON)


async def test_copying_a_policy_with_errors_asks_first() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        app.editor.load_text(CASE_MISTAKE.replace("getParameter", "Nope"))
        app.validate_now()
        await settle(pilot)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.clipboard == ""
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "ssm:Nope" in app.clipboard


async def test_a_draft_is_saved_and_offered_on_the_next_start() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        app.editor.insert("\n")
        await pilot.pause()
        app.save_draft()  # what the autosave timer does a few seconds after a change
        typed = app.editor.text
    [found] = DraftStore().drafts_for(None)
    assert found.draft.text == typed != SKELETON and found.state == "abandoned"
    app = SsmTuiApp()
    async with running(app, size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("r")
        await settle(pilot)
        assert app.editor.text == typed and app.dirty


async def test_quit_with_unsaved_changes_asks_and_keeps_a_draft() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        app.editor.insert(" ")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running
        typed = app.editor.text
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0
    [found] = DraftStore().drafts_for(None)
    assert found.draft.text == typed


async def test_open_and_save_a_file(tmp_path: Path) -> None:
    source = tmp_path / "policy.json"
    source.write_text(CASE_MISTAKE)
    app = SsmTuiApp(str(source), restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.editor.text == CASE_MISTAKE and not app.dirty
        await pilot.press("f5")  # format: canonical pretty text
        await settle(pilot)
        assert app.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.dirty
    assert json.loads(source.read_text()) == json.loads(CASE_MISTAKE)
    assert list(tmp_path.iterdir()) == [source] or all(
        p == source or p.name in ("config", "state") for p in tmp_path.iterdir()
    )


async def test_narrow_layout_switches_between_library_and_editor() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.query_one("#workspace").display and not app.query_one("#library").display
        findings = app.query_one("#findings")
        assert findings.region.height >= 6  # at least 6 one-line findings (issue 12)
        await pilot.press("f2")
        await pilot.pause()
        assert app.query_one("#library").display and not app.query_one("#workspace").display
        await pilot.press("f3")
        await pilot.pause()
        assert app.focused is app.editor


async def test_too_small_terminal_says_so() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(50, 15)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)


async def test_help_lists_every_key_with_its_id() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {row[-1] for row in app.screen.rows}
        assert {"app.help", "editor.copy", "editor.save", "app.quit"} <= ids
        await pilot.press("escape")


def test_every_app_binding_has_an_id() -> None:
    from textual.binding import Binding

    assert all(isinstance(b, Binding) and b.id for b in SsmTuiApp.BINDINGS)


async def test_settings_remember_the_copy_format() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
    assert SsmTuiApp().settings.copy_format == "minified"


def test_save_draft_api_round_trip() -> None:
    store = DraftStore()
    store.save(store.document(None), "{}", "t")
    [found] = store.drafts_for(None)
    assert found.draft.text == "{}"


async def test_no_color_hides_the_ansi_themes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.no_color
        assert "ansi-dark" not in app.available_themes
        assert app.theme == "textual-dark"


async def test_the_command_palette_lists_app_and_pane_commands() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.query(ManagedPane) and app.query(TemplatesPane):
                break
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert any(t.startswith("Copy (f8)") for t in titles)
        assert any(t.startswith("Managed policy:") for t in titles)
        assert any(t.startswith("Template:") for t in titles)


async def test_a_failing_validation_is_a_notification_not_a_crash(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("[/x] boom")

    monkeypatch.setattr("ssm_tui.checks.validate", broken)
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        for _ in range(40):
            await pilot.pause(0.05)
            if app._notifications:
                break
        assert app.is_running
        assert any("[/x] boom" in str(n.message) for n in app._notifications)


async def test_simulate_from_the_editor_and_go_to_the_deciding_statement() -> None:
    from ssm_tui.tui.simulator_screen import SimulatorScreen

    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        screen = await open_screen(pilot, app, "ctrl+r", SimulatorScreen)
        action = screen.query("Input").first()
        action.value = "ssm:DescribeInstanceInformation"
        action.focus()
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press("g")
        await pilot.pause()
        assert app.screen is app.main_screen
        # The deciding statement is the skeleton's only one; its opening brace.
        line = next(i for i, t in enumerate(SKELETON.splitlines()) if '"Sid"' in t) - 1
        assert SKELETON.splitlines()[line].strip() == "{"
        assert app.editor.cursor_location[0] == line


async def test_build_a_statement_and_append_it_to_the_editor() -> None:
    from textual.widgets import Input, SelectionList

    from ssm_tui.tui.builder_screen import BuilderScreen

    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        screen = await open_screen(pilot, app, "ctrl+g", BuilderScreen)
        field = screen.query_one("#builder-search", Input)
        field.focus()
        await pilot.press(*"ListDocuments")
        await pilot.pause()
        listing = screen.query_one("#builder-actions", SelectionList)
        listing.focus()
        values = [str(listing.get_option_at_index(i).value) for i in range(listing.option_count)]
        listing.highlighted = values.index("ssm:ListDocuments")
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert app.screen is app.main_screen
        policy = json.loads(app.editor.text)
        assert policy["Statement"][-1] == {
            "Effect": "Allow",
            "Action": "ssm:ListDocuments",
            "Resource": "*",
        }
        # The skeleton's statement is kept: the built one is appended.
        assert len(policy["Statement"]) == 2


async def test_builder_refuses_to_open_over_broken_json() -> None:
    from ssm_tui.tui.builder_screen import BuilderScreen

    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        app.editor.text = '{"Version": '
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not isinstance(app.screen, BuilderScreen)
        assert app.editor.text == '{"Version": '


async def test_the_simulator_keeps_the_last_request_between_openings() -> None:
    from textual.widgets import Input

    from ssm_tui.tui.simulator_screen import SimulatorScreen

    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press(*"ssm:GetParameter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SimulatorScreen)
        assert screen.query_one("#action", Input).value == "ssm:GetParameter"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.decision is not None
        assert screen.decision.decision == "implicit_deny"


def test_the_app_leaves_reading_and_writing_policy_json_to_the_core() -> None:
    """The app and its editor and findings widgets neither parse nor write JSON: they ask
    ssm_tui.policy.edit, which reuses the validator's parse."""
    import ast
    import inspect

    from ssm_tui.tui import app as app_module
    from ssm_tui.tui.widgets import findings_list, policy_editor

    for module in (app_module, findings_list, policy_editor):
        tree = ast.parse(inspect.getsource(module))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names = {
            (n.module, a.name)
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom)
            for a in n.names
        }
        assert "json" not in imported, module.__name__
        assert not {
            name
            for source, name in names
            if source == "ssm_tui.policy.format" and name in ("loads_policy", "pretty", "minify")
        }, module.__name__
