"""Text the app does not control never acts as markup or as a terminal escape sequence.

A regression test over the real app (TEXTUAL-NOTES §2.7, like harlequin's `[/foo]` query):
`[/x] [@click=app.quit]q[/]` would crash a markup parser (MarkupError) or become a live
"quit" link, and ESC/BEL sequences would make the terminal change colours or write the
clipboard (OSC 52).  They are fed through every display path: the editor (loaded and typed),
the findings, notifications, the settings, the managed and templates panes, the editor's
border title (a file name), the path, help and confirm screens.  After each the app must
still run, the text must be on screen literally, no live action may be attached to it, and
no control character may be in what is sent to the terminal.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.content import Content
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TabbedContent
from textual.worker import WorkerCancelled
from validation_messages import running, settle

from ssm_tui.drafts import DraftStore
from ssm_tui.export import clipboard
from ssm_tui.library import managed
from ssm_tui.library.managed import ManagedPolicy
from ssm_tui.library.templates import Template, templates
from ssm_tui.settings import settings_path
from ssm_tui.tui.app import SsmTuiApp
from ssm_tui.tui.screens import ChoiceScreen, ConfirmScreen, HelpScreen, PathScreen
from ssm_tui.tui.terminal_safety import ControlCharacterFilter
from ssm_tui.tui.widgets import templates_pane
from ssm_tui.tui.widgets.managed_pane import ManagedPane

PAYLOAD = "[/x] [@click=app.quit]q[/]"
# SGR red, then an OSC 52 clipboard write ended by BEL.
ANSI = "\x1b[31mred\x1b[0m \x1b]52;c;aGk=\x07"
# What is left on screen: the printable text, with no ESC and no BEL.
ANSI_SHOWN = "[31mred[0m ]52;c;aGk="
# A file name cannot hold "/", so it carries markup without a closing tag, and ESC.
FILE_NAME = "[b]x [@click=app.quit]q [$accent] [x] \x1b[31mred\x1b[0m.json"
FILE_NAME_SHOWN = "[b]x [@click=app.quit]q [$accent] [x] [31mred[0m.json"
SIZE = (160, 50)

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": PAYLOAD,
                "Effect": "Allow",
                "Action": [f"ssm:{PAYLOAD}", "ssm:GetParameter"],
                "Resource": "*",
            }
        ],
    },
    indent=2,
)
CLEAN_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ssm:DescribeInstanceInformation", "Resource": "*"}
        ],
    },
    indent=2,
)


# --- what reaches the terminal -------------------------------------------------------------


def _frame(app: SsmTuiApp) -> tuple[str, str]:
    """A full repaint as the driver would write it (with its own escape sequences), and the
    same as plain screen text (rendered like `App.export_screenshot` does)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return output, console.export_text(styles=False)


def _screen(app: SsmTuiApp) -> str:
    return _frame(app)[1]


def _shown_in(app: SsmTuiApp, widget: Widget) -> str:
    """The text on screen inside `widget`, its wrapped lines joined with spaces."""
    lines = _screen(app).splitlines()
    region = widget.content_region
    rows = []
    for y in range(region.y, min(region.bottom, len(lines))):
        line, column, cropped = lines[y], 0, ""
        for character in line:
            if region.x <= column < region.right:
                cropped += character
            column += cell_len(character)
        rows.append(cropped.strip())
    return " ".join(row for row in rows if row)


def _assert_safe(app: SsmTuiApp) -> str:
    """The app runs, nothing on screen is a live action link, and no control character
    (ESC, BEL) is sent to the terminal as text; returns the screen text."""
    assert app.is_running and app.return_code is None
    output, text = _frame(app)
    assert "\x1b]" not in output  # no OSC (clipboard, title, hyperlink)
    assert "\x1b[31m" not in output and "\x07" not in output
    assert not any(ord(c) < 32 and c != "\n" for c in text), repr(text)
    assert "\x1b" not in app.export_screenshot()
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            meta = segment.style.meta if segment.style is not None else {}
            assert "@click" not in meta, (segment.text, meta)
    return text


async def _settle(pilot: Pilot[None], done: Callable[[], bool] = lambda: True) -> None:
    """Let workers finish and their messages arrive until `done()` (at most ~5 s)."""
    for _ in range(100):
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not settle")


async def _click_text(pilot: Pilot[None], text: str, index: int) -> None:
    """Click the `index`-th character of the first place `text` is shown on screen."""
    app = pilot.app
    assert isinstance(app, SsmTuiApp)
    for y, line in enumerate(_screen(app).splitlines()):
        found = line.find(text)
        if found >= 0:
            await pilot.click(offset=(cell_len(line[: found + index]), y))
            await pilot.pause()
            return
    raise AssertionError(f"{text!r} is not on screen")


def _toasts(app: SsmTuiApp) -> list[str]:
    return [_shown_in(app, toast) for toast in app.screen.query("Toast")]


# --- the filter itself ----------------------------------------------------------------------


def test_the_filter_drops_control_characters_and_keeps_the_width() -> None:
    from rich.segment import Segment
    from textual.color import Color
    from textual.strip import Strip

    segments = [Segment("a\x1b[31mb"), Segment("\x07"), Segment("\x9b2J c\x7f")]
    strip = Strip(segments)
    cleaned = strip.apply_filter(ControlCharacterFilter(), Color(0, 0, 0))
    assert [s.text for s in cleaned] == ["a[31mb", "2J c"]
    assert cleaned.cell_length == strip.cell_length == cell_len("a[31mb2J c")
    untouched = [Segment("plain"), Segment("text")]
    assert ControlCharacterFilter().apply(untouched, Color(0, 0, 0)) is untouched


# --- the editor and the findings ------------------------------------------------------------


async def test_policy_text_in_the_editor_and_the_findings() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        # Loaded: the Sid and an action quote the payload in their findings.
        app.editor.load_text(POLICY)
        await settle(pilot)
        messages = {f.code: f.message for f in app.findings.findings}
        assert PAYLOAD in messages["UNSUPPORTED_SID"]
        assert f"ssm:{PAYLOAD}" in messages["INVALID_ACTION"]
        count = len(app.findings.findings)
        prompts = [app.findings.get_option_at_index(i).prompt for i in range(count)]
        assert all(isinstance(p, Content) for p in prompts)
        assert any(f'Sid "{PAYLOAD}"' in str(p) for p in prompts)
        text = _assert_safe(app)
        assert f'"Sid": "{PAYLOAD}",' in text  # the editor
        assert f'Sid "{PAYLOAD}" has characters' in _shown_in(app, app.findings)
        assert f'"ssm:{PAYLOAD}" is not an action' in _shown_in(app, app.findings)
        # Click the would-be link in the findings and in the editor: nothing quits.
        await _click_text(pilot, f'Sid "{PAYLOAD}"', len('Sid "[/x] [@click=app.quit]'))
        await _click_text(pilot, f'"Sid": "{PAYLOAD}"', len('"Sid": "[/x] [@click=app.quit]'))
        _assert_safe(app)

        # Typed: the same text keyed into an empty Sid.
        app.editor.load_text(POLICY.replace(f'"Sid": "{PAYLOAD}"', '"Sid": ""'))
        row = next(i for i, line in enumerate(app.editor.text.splitlines()) if '"Sid"' in line)
        app.editor.focus()
        app.editor.cursor_location = (row, app.editor.document.get_line(row).index('""') + 1)
        await pilot.press(*PAYLOAD)
        await settle(pilot)
        assert f'"Sid": "{PAYLOAD}",' in app.editor.text
        assert any(
            PAYLOAD in f.message for f in app.findings.findings if f.code == "UNSUPPORTED_SID"
        )
        text = _assert_safe(app)
        assert f'"Sid": "{PAYLOAD}",' in text

        # Raw escape sequences in the editor (a pasted or opened file): each control
        # character shown as its Unicode picture (ESC as ␛, BEL as ␇), reported as invalid
        # characters, never sent to the terminal.
        app.editor.load_text(POLICY.replace(f'"Sid": "{PAYLOAD}"', f'"Sid": "{ANSI}"'))
        await settle(pilot)
        assert "INVALID_CHARACTER" in {f.code for f in app.findings.findings}
        text = _assert_safe(app)
        pictured = ANSI.translate({code: chr(0x2400 + code) for code in range(0x20)})
        assert "␛" in pictured and f'"Sid": "{pictured}",' in text


# --- file names: the border title, the path screen, notifications -------------------------


async def test_file_names_in_the_title_the_path_screen_and_notifications(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = tmp_path / FILE_NAME
    hostile.write_text(CLEAN_POLICY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    app = SsmTuiApp(str(hostile), restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.editor.text == CLEAN_POLICY
        assert FILE_NAME_SHOWN in _assert_safe(app)  # the editor's border title

        # Open a file that does not exist, named with the payloads: the prompt stays, with
        # the reason under the path (literal text), for correction.
        app.action_open()
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        field = app.screen.query_one(Input)
        field.value = f"{PAYLOAD} {ANSI}"
        await pilot.pause()
        assert ANSI_SHOWN in _shown_in(app, field)
        _assert_safe(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        problem = app.screen.problem
        assert problem.startswith(f"Not opened: {PAYLOAD} ") and "no such file" in problem
        assert f"Not opened: {PAYLOAD} {ANSI_SHOWN}" in _assert_safe(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PathScreen)

        # Save under another hostile name: a notification, then the new border title.
        await pilot.press("x")
        app.source_path = None
        app.action_save()
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        target = tmp_path / f"saved {FILE_NAME}"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == app.editor.text
        assert any(f"saved {FILE_NAME_SHOWN}" in toast for toast in _toasts(app))
        assert f"saved {FILE_NAME_SHOWN}" in _assert_safe(app)

        # Open the first file again through the path screen.
        app.action_open()
        await pilot.pause()
        app.screen.query_one(Input).value = FILE_NAME
        await pilot.press("enter")
        await settle(pilot)
        assert app.source_path == Path(FILE_NAME)
        assert app.editor.text == CLEAN_POLICY
        text = _assert_safe(app)
        assert f"╭─ {FILE_NAME_SHOWN} ─" in text


# --- settings -------------------------------------------------------------------------------


async def test_settings_problems_and_keys_are_shown_literally() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "theme": f"{PAYLOAD} {ANSI}",
                PAYLOAD: True,
                "keymap": {"editor.save": PAYLOAD},
            }
        ),
        encoding="utf-8",
    )
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await _settle(pilot, lambda: len(_toasts(app)) >= 2)  # the settings load after paint
        toasts = _toasts(app)
        assert any(f"unknown theme '{PAYLOAD} \\x1b[31mred" in toast for toast in toasts)
        assert any(f"unknown setting '{PAYLOAD}' ignored" in toast for toast in toasts)
        text = _assert_safe(app)
        assert f"{PAYLOAD} Save" in text.splitlines()[-1]  # the footer shows the key as set


# --- the library panes ------------------------------------------------------------------------


async def test_managed_policy_text_is_shown_literally(monkeypatch: pytest.MonkeyPatch) -> None:
    originals = managed.managed_policies()

    def hostile(*, include_related: bool = True) -> list[ManagedPolicy]:
        return [
            policy.model_copy(
                update={
                    "description": f"{PAYLOAD} {ANSI}",
                    "purpose": PAYLOAD,
                    "deprecation_note": PAYLOAD,
                }
            )
            for policy in originals
        ]

    monkeypatch.setattr(managed, "managed_policies", hostile)
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await _settle(pilot, lambda: any(p.policy is not None for p in app.query(ManagedPane)))
        pane = app.query_one(ManagedPane)
        listing = pane.query_one("#managed-list", OptionList)
        assert PAYLOAD in _shown_in(app, listing)  # the purpose beside each name
        assert f"{PAYLOAD} {ANSI_SHOWN}" in _shown_in(app, pane.query_one("#managed-description"))
        assert f"Purpose  {PAYLOAD} (in the guide)" in _shown_in(
            app, pane.query_one("#managed-facts")
        )
        _assert_safe(app)
        await _click_text(pilot, f"  {PAYLOAD}", len("  [/x] [@click=app.quit]"))
        listing.focus()
        await pilot.press("end")
        await _settle(pilot)
        deprecated = next(p for p in hostile() if p.deprecated)
        await pilot.press("home", *["down"] * _index_of(listing, deprecated.name))
        await _settle(pilot, lambda: pane.policy is not None and pane.policy.deprecated)
        assert PAYLOAD in _shown_in(app, pane.query_one("#managed-deprecation"))
        _assert_safe(app)


def _index_of(listing: OptionList, option_id: str) -> int:
    ids = [option.id for option in listing.options]
    return ids.index(option_id)


async def test_template_text_is_shown_literally(monkeypatch: pytest.MonkeyPatch) -> None:
    def hostile() -> list[Template]:
        return [
            template.model_copy(update={"title": PAYLOAD, "purpose": f"{PAYLOAD} {ANSI}"})
            for template in templates()
        ]

    monkeypatch.setattr(templates_pane, "templates", hostile)
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await _settle(pilot, lambda: bool(app.query(templates_pane.TemplatesPane)))
        await settle(pilot)
        app.query_one("#library-tabs", TabbedContent).active = "templates-tab"
        await _settle(pilot)
        pane = app.query_one(templates_pane.TemplatesPane)
        listing = pane.query_one("#templates-list", OptionList)
        assert PAYLOAD in _shown_in(app, listing)
        purpose = pane.query(".templates-purpose").first(Static)
        assert f"{PAYLOAD} {ANSI_SHOWN}" in _shown_in(app, purpose)
        _assert_safe(app)
        await _click_text(pilot, PAYLOAD, len("[/x] [@click=app.quit]"))
        # Insert the template: the editor takes it (a replace of an unchanged buffer).
        listing.focus()
        await pilot.press("i")
        await settle(pilot)
        assert app.title_of_buffer.startswith("template: ")
        _assert_safe(app)


# --- help and confirm screens -------------------------------------------------------------


async def test_help_screen() -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.action_help()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "app.help" in _assert_safe(app)
        await pilot.press("escape")
        # The help screen with rows of hostile text.
        app.push_screen(HelpScreen([(PAYLOAD, f"{PAYLOAD} {ANSI}", PAYLOAD)]))
        await pilot.pause()
        shown = _shown_in(app, app.screen.query_one(Static))
        assert shown.count(PAYLOAD) == 3 and ANSI_SHOWN in shown
        _assert_safe(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        _assert_safe(app)


async def test_confirm_screens_quote_titles_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A draft whose title is hostile (of an instance that is gone) is offered on start.
    gone = DraftStore()
    gone.save(gone.document(None), CLEAN_POLICY + " ", f"{PAYLOAD} {ANSI}")
    gone.release()
    hostile = tmp_path / FILE_NAME
    hostile.write_text(CLEAN_POLICY, encoding="utf-8")
    app = SsmTuiApp(str(hostile))
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        # A file given on the command line: only that file's drafts are offered.
        assert not isinstance(app.screen, ChoiceScreen)
    app = SsmTuiApp()
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        shown = _shown_in(app, app.screen.query_one(Static))
        assert f"unsaved new policy '{PAYLOAD} \\x1b[31mred" in shown
        _assert_safe(app)
        await pilot.press("k")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceScreen)

    app = SsmTuiApp(str(hostile), restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        # Replacing a changed buffer asks, quoting its (hostile) name.
        await pilot.press("x")
        app.action_new()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        shown = _shown_in(app, app.screen.query_one(Static))
        assert "Replace the unsaved policy '[b]x [@click=app.quit]q [$accent] [x]" in shown
        _assert_safe(app)
        await pilot.press("n")
        await pilot.pause()

        # A copy that fails by every route offers a file; its error text is hostile, and so
        # is the error of the save.
        def failing_osc52(text: str) -> None:
            raise RuntimeError(f"{PAYLOAD} {ANSI}")

        def failing_save(text: str, title: str, *, suffix: str = ".json") -> Path:
            raise OSError(f"{PAYLOAD} {ANSI}")

        app.editor.load_text(CLEAN_POLICY)
        await settle(pilot)
        monkeypatch.setattr(app, "copy_to_clipboard", failing_osc52)
        monkeypatch.setattr(clipboard, "local_clipboard_available", lambda: False)
        monkeypatch.setattr(clipboard, "save_fallback", failing_save)
        app.action_copy_policy()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        shown = _shown_in(app, app.screen.query_one(Static))
        assert f"Nothing copied: OSC 52 failed ({PAYLOAD} {ANSI_SHOWN})" in shown
        _assert_safe(app)
        await pilot.press("y")
        await pilot.pause()
        assert any(f"Could not save: {PAYLOAD} {ANSI_SHOWN}" in t for t in _toasts(app))
        _assert_safe(app)

        # Quitting a changed buffer asks too; "n" stays.
        await pilot.press("x")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        _assert_safe(app)
        await pilot.press("n")
        await pilot.pause()
        _assert_safe(app)
