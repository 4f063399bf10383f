"""The workspace as an admin meets it over SSH at 80x24 (issue 12): one-line findings with a
detail and a severity filter, the status line, the navigation bar, a footer that fits, find
and go to line, soft wrap, control characters shown, the editor's theme, and the keys that
insert templates as undoable edits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.widgets import Input, OptionList
from validation_messages import running, settle

from ssm_tui.settings import settings_path
from ssm_tui.tui.app import SsmTuiApp
from ssm_tui.tui.screens import HelpScreen, PathScreen
from ssm_tui.tui.widgets.find_bar import FindBar, find_all, parse_line_target
from ssm_tui.tui.widgets.findings_list import FindingDetail, first_sentence
from ssm_tui.tui.widgets.managed_pane import ManagedPane
from ssm_tui.tui.widgets.templates_pane import TemplatesPane

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "as-printed" / "run-document-on-instances.json"  # README's first
SIZE = (80, 24)


def screen_lines(app: SsmTuiApp) -> list[str]:
    """The screen's text, one string per row."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        lines.append("".join(segment.text for segment in strip))
    return lines


def status_text(app: SsmTuiApp) -> str:
    return str(app.status.render())


async def loaded(pilot: object, app: SsmTuiApp) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.pause()  # type: ignore[attr-defined]


# --- the first screen ---------------------------------------------------------------------


async def test_the_readme_demo_at_80x24_shows_six_one_line_findings_and_the_policy() -> None:
    app = SsmTuiApp(str(DEMO), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        lines = screen_lines(app)
        assert len(lines) == 24
        # the one-line policy opens wrapped: its statements are readable without a key
        assert app.editor.soft_wrap
        assert any('"ssm:SendCommand"' in line for line in lines)
        rows = [line for line in lines if " 1:" in line and ("error" in line or "hint" in line)]
        assert len(rows) >= 6, lines
        codes = {f.code for f in app.findings.findings[:6]}
        assert sum(any(code in row for code in codes) for row in rows) >= 6
        assert app.findings.region.height >= 6
        # the navigation bar names the library; the footer's last cell is blank
        assert "Library F2" in lines[0] and "Findings F4" in lines[0]
        assert lines[-1][-1] == " "
        assert "f4 Findings" in lines[-1]
        assert "1,065/6,144" in lines[-2]  # the status line: the size against the quota


async def test_each_finding_is_one_line_and_the_detail_has_the_whole_message() -> None:
    app = SsmTuiApp(str(DEMO), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("f4")
        await pilot.pause()
        listing = app.findings
        assert app.focused is listing
        for index in range(listing.option_count):
            prompt = listing.get_option_at_index(index).prompt
            assert "\n" not in str(prompt)
        index = next(i for i, f in enumerate(listing.findings) if f.fix is not None)
        listing.highlighted = index
        await pilot.pause()
        finding = listing.findings[index]
        detail = str(app.query_one(FindingDetail).render())
        assert finding.message[:60] in detail and finding.fix is not None
        assert finding.fix.description in detail


def test_the_row_shows_the_first_sentence() -> None:
    assert first_sentence("One thing is wrong. Do this instead.") == "One thing is wrong."
    assert first_sentence("Only one sentence") == "Only one sentence"


async def test_the_severity_filter_cycles_and_says_what_is_hidden() -> None:
    app = SsmTuiApp(str(DEMO), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        everything = len(app.findings.findings)
        await pilot.press("f4", "s")
        await pilot.pause()
        assert {f.severity.value for f in app.findings.findings} == {"error"}
        panel = app.query_one("#findings-panel")
        hidden = everything - len(app.findings.findings)
        assert f"errors only ({hidden} hidden)" in str(panel.border_title)
        await pilot.press("s", "s", "s")  # errors and security, no hints, all
        await pilot.pause()
        assert len(app.findings.findings) == everything


# --- status line and jumps ----------------------------------------------------------------


async def test_the_status_line_follows_the_cursor_and_names_the_finding_under_it() -> None:
    app = SsmTuiApp(str(DEMO), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        target = next(f for f in app.result.findings if f.code == "INVALID_ACTION")
        await pilot.press("f4")
        app.findings.highlighted = app.findings.findings.index(target)
        await pilot.press("enter")
        await pilot.pause()
        # the jump lands on the finding's character, soft wrap or not
        assert app.editor.soft_wrap
        assert app.editor.cursor_location == (target.line - 1, target.column - 1)
        status = status_text(app)
        assert f"Ln {target.line}:{target.column}" in status
        assert "INVALID_ACTION" in status and "run-document" in status
        await pilot.press("x")
        await pilot.pause()
        assert "●" in status_text(app)  # modified


# --- find, go to line, wrap -----------------------------------------------------------------


def test_find_all_ignores_case_and_finds_every_place() -> None:
    lines = ['"Action": "ssm:SendCommand",', '"ssm:sendcommand"']
    assert find_all(lines, "SENDCOMMAND") == [(0, 15), (1, 5)]
    assert find_all(lines, "") == []
    assert parse_line_target("2:7", 5) == (1, 6)
    assert parse_line_target("99", 5) == (4, 0)
    assert parse_line_target("x", 5) is None


async def test_ctrl_f_selects_each_match_and_escape_goes_back_to_the_editor() -> None:
    app = SsmTuiApp(str(DEMO), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("ctrl+f")
        await pilot.pause()
        bar = app.query_one(FindBar)
        assert bar.has_class("-open") and app.focused is bar.input
        await pilot.press(*"instance/")
        await pilot.pause()
        text = app.editor.text
        places = [i for i in range(len(text)) if text.startswith("instance/", i)]
        assert len(bar.matches) == len(places) == 3
        # the query and the count are readable in the bar (an Input border once hid them)
        assert any(
            "Find:" in row and "instance/" in row and "1 of 3" in row for row in screen_lines(app)
        )
        assert app.editor.selected_text == "instance/"
        first = app.editor.selection.start
        await pilot.press("down")
        await pilot.pause()
        assert app.editor.selection.start != first and app.editor.selected_text == "instance/"
        await pilot.press("up")
        await pilot.pause()
        assert app.editor.selection.start == first
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.editor and not bar.has_class("-open")


async def test_ctrl_l_goes_to_a_line_and_column() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("ctrl+l", *"5:7", "enter")
        await pilot.pause()
        assert app.editor.cursor_location == (4, 6)
        assert app.focused is app.editor


async def test_alt_w_toggles_soft_wrap_and_a_pretty_policy_opens_unwrapped() -> None:
    app = SsmTuiApp(restore_drafts=False)  # the skeleton: short lines
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        assert not app.editor.soft_wrap
        await pilot.press("alt+w")
        await pilot.pause()
        assert app.editor.soft_wrap and "wrap" in status_text(app)
        assert "w" not in app.editor.text.split('"')[0]  # the key typed nothing
        await pilot.press("alt+w")
        assert not app.editor.soft_wrap


async def test_highlighting_arrives_after_the_first_frame_and_keeps_cursor_and_wrap() -> None:
    app = LibraryNotYetMounted(str(DEMO), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await pilot.pause()
        editor = app.editor
        assert editor.language is None  # the first frame: plain text
        assert editor.soft_wrap  # the one-line demo opened wrapped
        rows_wrapped = editor.wrapped_document.height
        assert rows_wrapped > editor.document.line_count
        editor.move_cursor((0, 120))
        editor.enable_highlighting()
        await pilot.pause()
        assert editor.language == "json"
        assert editor.cursor_location == (0, 120)
        assert editor.soft_wrap
        assert editor.wrapped_document.height == rows_wrapped
        assert any(editor._highlights.values())  # the JSON grammar coloured the text


# --- what the editor shows ----------------------------------------------------------------


async def test_control_characters_are_shown_as_pictures_at_their_column() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await loaded(pilot, app)
        app.editor.load_text('{"Sid": "a\x00b\x7fc"}')
        await settle(pilot)
        line = app.editor.get_line(0)
        assert line.plain == '{"Sid": "a\u2400b\u2421c"}'
        assert len(line.plain) == len(app.editor.document.get_line(0))
        finding = next(f for f in app.result.findings if f.code == "INVALID_CHARACTER")
        assert line.plain[finding.column - 1] in "\u2400\u2421"
        assert any("a\u2400b\u2421c" in row for row in screen_lines(app))


async def test_a_light_app_theme_gets_a_light_editor() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        app.theme = "textual-light"
        await pilot.pause()
        assert app.editor.theme == "github_light"
        app.theme = "textual-dark"
        await pilot.pause()
        assert app.editor.theme == "monokai"


# --- navigation, footer, notices ----------------------------------------------------------


async def test_f2_lands_on_the_list_and_the_navigation_bar_says_where_the_focus_is() -> None:
    app = SsmTuiApp(str(DEMO), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.2)  # the library mounts after the first paint
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.focused, OptionList) and not isinstance(app.focused, Input)
        assert app.query_one(ManagedPane) in app.focused.ancestors
        assert "Managed policies" in screen_lines(app)[1]
        assert app.query_one("#nav").pane == "library"
        await pilot.press("f3")
        await pilot.pause()
        assert app.query_one("#nav").pane == "editor"


async def test_the_footer_fits_every_pane_at_80_columns() -> None:
    app = SsmTuiApp(str(DEMO), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.2)
        for keys in ((), ("f4",), ("f2",)):
            await pilot.press(*keys)
            await pilot.pause(0.1)
            footer = screen_lines(app)[-1]
            assert len(footer) == 80 and footer[-1] == " ", footer
            assert "^q Quit" in footer and "f1 Help" in footer
            words = footer.split()
            assert words[-1] in {"Find", "Copy", "Help", "Editor", "Library", "Findings"}, footer


async def test_notices_appear_at_the_top_right_and_go_away() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        app.notify("A short notice.")
        await pilot.pause(0.2)
        toast = app.screen.query_one("Toast")
        assert toast.region.y <= 3 and toast.region.right >= 70
        assert app.NOTIFICATION_TIMEOUT <= 5


class LibraryNotYetMounted(SsmTuiApp):
    """The app as it is between its first frame and the library's mounting (a key typed
    while it starts): the library is mounted only when asked for."""

    def call_after_refresh(self, callback: Any, *args: Any, **kwargs: Any) -> bool:
        if getattr(callback, "__name__", "") == "_mount_library":
            return True
        return super().call_after_refresh(callback, *args, **kwargs)


async def test_the_first_frame_has_no_library_and_f2_mounts_it_at_once() -> None:
    app = LibraryNotYetMounted(restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await pilot.pause()
        assert not app.query(ManagedPane)  # the first frame waits for no library
        await pilot.press("f2")
        await pilot.pause()
        assert app.query(ManagedPane)
        assert app.pane_of(app.focused) == "library"
        assert app.main_screen.has_class("-show-library")
        assert not app.main_screen.has_class("-show-editor")


# --- templates: one meaning per key, undoable -----------------------------------------------


async def test_appending_a_template_keeps_the_users_text_and_is_undoable() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await loaded(pilot, app)
        before = app.editor.text.replace("  ", "    ")  # the user's own indentation
        app.editor.load_text(before)
        await settle(pilot)
        app.query_one("#library-tabs").active = "templates-tab"
        await pilot.pause(0.2)
        pane = app.query_one(TemplatesPane)
        pane.focus_list()
        await pilot.pause()
        await pilot.press("a")
        await settle(pilot)
        text = app.editor.text
        head = before[: before.rindex("}", 0, before.rindex("]")) + 1]  # the last statement
        assert text.startswith(head) and len(text) > len(before)
        row, _ = app.editor.cursor_location
        assert app.editor.document.get_line(row).strip() == "{"  # at the new statement
        assert len(json.loads(text)["Statement"]) > 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.editor.text == before


async def test_inserting_a_template_over_the_text_is_undoable() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=(120, 40)) as pilot:
        await loaded(pilot, app)
        before = app.editor.text
        app.query_one("#library-tabs").active = "templates-tab"
        await pilot.pause(0.2)
        app.query_one(TemplatesPane).focus_list()
        await pilot.pause()
        await pilot.press("i")
        await settle(pilot)
        assert app.editor.text != before
        app.editor.focus()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.editor.text == before


# --- keys: remaps that cannot work, help -----------------------------------------------------


async def test_a_remap_to_a_key_the_editor_keeps_is_reported_at_start_and_in_f1() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"keymap": {"editor.copy": "ctrl+k"}}), encoding="utf-8")
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.2)
        notices = [str(n.message) for n in app._notifications]
        assert any("ctrl+k for editor.copy" in n and "the editor" in n for n in notices)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert any("ctrl+k for editor.copy" in note for note in app.screen.notes)


async def test_help_lists_the_screens_and_the_editor_keys_by_section() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("f1")
        await pilot.pause()
        sections = {row[0] for row in app.screen.rows}
        expected = {"General", "Editor", "Findings", "Managed policies", "Templates"}
        assert expected | {"Builder", "Simulator", "Export", "Dialogs"} <= sections
        assert "Editing (the editor's own keys)" in sections
        assert "Find and go to line" in sections


# --- files: save as -----------------------------------------------------------------------


async def test_save_as_writes_a_new_file_and_binds_the_editor_to_it(tmp_path: Path) -> None:
    original = tmp_path / "original.json"
    original.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    app = SsmTuiApp(str(original), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await loaded(pilot, app)
        app.action_save_as()
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        target = tmp_path / "copy.json"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert app.source_path == target
        assert target.read_text(encoding="utf-8") == original.read_text(encoding="utf-8")
        assert "copy.json" in status_text(app)
