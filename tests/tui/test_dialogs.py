"""The dialogs of screens.py: each focuses its safe answer (Enter gives it), ignores keys in
its grace period, keeps a path that failed for correction, and the key list fits 80x24."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input

from ssm_tui.tui import screens
from ssm_tui.tui.screens import ChoiceScreen, ConfirmScreen, HelpScreen, PathScreen

HOSTILE = "[/x] [@click=app.quit]q[/]"
UNANSWERED = object()


class Host(App[None]):
    """An empty app that shows one dialog and keeps its answer."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.answer: Any = UNANSWERED

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.keep)

    def keep(self, answer: Any) -> None:
        self.answer = answer


class FakeClock:
    """A clock the test moves by hand (the grace period is measured with it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def shown(pilot: Pilot[None], dialog: Screen[Any]) -> None:
    await pilot.pause()
    assert pilot.app.screen is dialog


def screen_text(app: App[Any]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def screen_words(app: App[Any]) -> str:
    """The screen's text with borders and line breaks made single spaces (wrapped text
    reads as one line)."""
    text = "".join(" " if "\u2580" <= c <= "\u259f" else c for c in screen_text(app))
    return " ".join(text.split())


# --- safe focus: Enter gives the safe answer ----------------------------------------------
@pytest.mark.parametrize(
    ("safe", "focused", "answer"), [(None, "no", False), (False, "no", False), (True, "yes", True)]
)
async def test_confirm_focuses_the_safe_answer_and_enter_gives_it(
    safe: bool | None, focused: str, answer: bool
) -> None:
    options = {} if safe is None else {"safe": safe}
    dialog = ConfirmScreen("Discard the unsaved changes?", yes="Discard", no="Keep", **options)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        assert isinstance(app.focused, Button) and app.focused.id == focused
        await pilot.press("enter")
        await pilot.pause()
        assert app.answer is answer
        assert app.screen is not dialog


@pytest.mark.parametrize(("safe", "answer"), [(False, False), (True, True)])
async def test_confirm_escape_gives_the_safe_answer_and_y_n_still_answer(
    safe: bool, answer: bool
) -> None:
    for key, expected in (("escape", answer), ("y", True), ("n", False)):
        app = Host(ConfirmScreen("Quit?", safe=safe))
        async with app.run_test(size=(80, 24)) as pilot:
            await shown(pilot, app.dialog)
            await pilot.press(key)
            await pilot.pause()
            assert app.answer is expected, key


CHOICES = [
    ("overwrite", "Overwrite", "o"),
    ("elsewhere", "Save elsewhere", "s"),
    ("cancel", "Cancel", "c"),
]


async def test_choice_focuses_cancel_by_default_and_enter_gives_it() -> None:
    dialog = ChoiceScreen("Changed on disk.", list(CHOICES), cancel="cancel")
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        assert isinstance(app.focused, Button) and app.focused.id == "choice-cancel"
        assert "Enter or Escape: Cancel" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.answer == "cancel"


async def test_choice_focuses_the_named_safe_answer() -> None:
    dialog = ChoiceScreen("Changed on disk.", list(CHOICES), cancel="cancel", safe="elsewhere")
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        assert isinstance(app.focused, Button) and app.focused.id == "choice-elsewhere"
        assert "Enter: Save elsewhere" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.answer == "elsewhere"


@pytest.mark.parametrize(
    ("key", "answer"), [("escape", "cancel"), ("o", "overwrite"), ("s", "elsewhere")]
)
async def test_choice_keys_and_escape(key: str, answer: str) -> None:
    dialog = ChoiceScreen("Changed on disk.", list(CHOICES), cancel="cancel", safe="elsewhere")
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        await pilot.press(key)
        await pilot.pause()
        assert app.answer == answer


# --- the grace period ---------------------------------------------------------------------
async def test_choice_ignores_keys_in_its_grace_period_then_answers() -> None:
    clock = FakeClock()
    dialog = ChoiceScreen(
        "Restore?",
        [("restore", "Restore", "r"), ("keep", "Keep", "k")],
        cancel="keep",
        grace=0.4,
        clock=clock,
    )
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        clock.now += 0.39
        await pilot.press("r", "enter", "escape", "k", "tab", "enter")
        await pilot.pause()
        assert app.screen is dialog and app.answer is UNANSWERED
        clock.now += 0.02  # the grace period is over
        await pilot.press("r")
        await pilot.pause()
        assert app.answer == "restore"


async def test_confirm_grace_period_blocks_its_bindings_too() -> None:
    clock = FakeClock()
    dialog = ConfirmScreen("Quit?", grace=1.0, clock=clock)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        await pilot.press("y", "n", "escape", "enter")
        await pilot.pause()
        assert app.screen is dialog and app.answer is UNANSWERED
        clock.now += 1.0
        await pilot.press("y")
        await pilot.pause()
        assert app.answer is True


async def test_without_grace_the_first_key_answers() -> None:
    clock = FakeClock()
    dialog = ConfirmScreen("Quit?", clock=clock)  # grace 0: the clock never moves
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        await pilot.press("y")
        await pilot.pause()
        assert app.answer is True


# --- the path prompt ------------------------------------------------------------------------
async def test_path_that_fails_the_check_stays_for_correction() -> None:
    checked: list[str] = []

    def check(path: str) -> str | None:
        checked.append(path)
        return None if path == "good.json" else f"Not opened: {path} {HOSTILE} does not exist"

    dialog = PathScreen("Open a policy file", check=check)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        await pilot.press(*"bad.json", "enter")
        await pilot.pause()
        assert app.screen is dialog and app.answer is UNANSWERED
        field = dialog.query_one(Input)
        assert field.value == "bad.json" and app.focused is field
        assert field.cursor_position == len("bad.json")
        message = f"Not opened: bad.json {HOSTILE} does not exist"
        assert dialog.problem == message
        assert message in screen_text(app)  # literally: markup is not read
        # correcting the path clears the message; the checked path is the answer
        await pilot.press(*["backspace"] * len("bad.json"))
        await pilot.pause()
        assert dialog.problem == "" and message not in screen_text(app)
        await pilot.press(*"good.json", "enter")
        await pilot.pause()
        assert app.answer == "good.json"
        assert checked == ["bad.json", "good.json"]


async def test_path_without_check_and_empty_path() -> None:
    app = Host(PathScreen("Save the policy as"))
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, app.dialog)
        await pilot.press(*" any.json ", "enter")
        await pilot.pause()
        assert app.answer == "any.json"

    def never(path: str) -> str | None:
        raise AssertionError("an empty path is not checked")

    app = Host(PathScreen("Open a policy file", check=never))
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, app.dialog)
        await pilot.press("enter")
        await pilot.pause()
        assert app.answer is None


# --- the key list -------------------------------------------------------------------------
LONG = (
    "Run the simulator on the statement under the cursor with every context key it names, "
    "then show which statement decided (the words of this row must all be on screen)"
)


def help_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for section, count in (("General", 6), ("Editor", 12), ("Findings", 6), ("Templates", 8)):
        for index in range(count):
            rows.append((section, f"ctrl+{index}", f"{section} command {index}", f"x.{index}"))
    rows.append(("Simulator", "ctrl+shift+right", LONG, "simulator.run"))
    rows.append(("Simulator", "question_mark,slash", "Keys", "simulator.help"))
    rows.append(("Export", "escape", "Close", "export.close"))
    return rows


async def test_help_opens_at_the_section_asked_for_and_fits_80_columns() -> None:
    dialog = HelpScreen(help_rows(), section="simulator")
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        await pilot.pause()
        current = dialog.current_section
        assert current is not None and current.has_class("-current")
        scroll = dialog.query_one(VerticalScroll)
        assert scroll.scroll_y > 0  # the list was scrolled to it
        assert scroll.region.contains_region(current.region)  # and it is in view
        text = screen_text(app)
        assert "Simulator" in text and "General command 0" not in text
        assert LONG in screen_words(app)  # wrapped, not cut
        assert "?, /" in text and "simulator.run" in text
        assert max(len(line) for line in text.splitlines()) <= 80


async def test_help_without_section_starts_at_the_top_with_the_notes() -> None:
    note = f"Key remap problem: ctrl+k for editor.copy {HOSTILE} does not work"
    dialog = HelpScreen(help_rows(), notes=[note])
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        assert dialog.current_section is None
        assert dialog.query_one(VerticalScroll).scroll_y == 0
        text = screen_words(app)
        assert note in text  # literally (wrapped), at the top
        assert text.index(note) < text.index("General command 0")
        await pilot.press("escape")
        await pilot.pause()
        assert app.answer is None and app.screen is not dialog


async def test_help_takes_three_part_rows_and_unknown_sections() -> None:
    rows = [("App", "f1", "Help"), ("Editor", "ctrl+s", "Save")]
    dialog = HelpScreen(rows, section="No such section")
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, dialog)
        assert dialog.current_section is None
        assert list(dialog.sections()) == ["App", "Editor"]
        text = screen_text(app)
        assert "Help" in text and "ctrl+s" in text


# --- bindings -----------------------------------------------------------------------------
def test_every_binding_of_the_dialogs_has_an_id_a_description_and_a_tooltip() -> None:
    for screen in (ConfirmScreen, ChoiceScreen, PathScreen, HelpScreen, screens.TooSmallScreen):
        for binding in screen.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding), screen
            assert binding.id and binding.description and binding.tooltip, binding


async def test_help_shows_hostile_rows_literally() -> None:
    ansi = "\x1b[31mred\x1b[0m \x1b]52;c;aGk=\x07"
    rows = [(HOSTILE, f"{HOSTILE} {ansi}", HOSTILE, HOSTILE)]
    dialog = HelpScreen(rows, section=HOSTILE, notes=[HOSTILE])
    app = Host(dialog)
    async with app.run_test(size=(160, 50)) as pilot:
        await shown(pilot, dialog)
        text = screen_text(app)
        assert app.is_running and text.count(HOSTILE) == 5  # notes, section, key, row, id
        assert "[31mred[0m ]52;c;aGk=" in text and "\x1b" not in app.export_screenshot()
        for strip in app.screen._compositor.render_strips():
            assert not any("@click" in (s.style.meta if s.style else {}) for s in strip)
