"""The templates pane in a harness app that composes only it and records what it posts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pane_harness import PaneHarness, app_keys
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static, TextArea

from ssm_tui.checks import Severity, validate
from ssm_tui.library.templates import Template, printed, template, templates
from ssm_tui.tui.messages import CopyRequest, ExportRequest, InsertStatements, OpenInEditor
from ssm_tui.tui.widgets import templates_pane
from ssm_tui.tui.widgets.templates_pane import TemplatesPane

PAYLOAD = "[/x] [@click=app.quit]q[/]"
RUN_DOCUMENT = "run-document-on-instances"
APP_KEYS = app_keys()


class Harness(PaneHarness):
    PANE = TemplatesPane
    PANE_ID = "templates"

    @property
    def pane(self) -> TemplatesPane:
        return self.query_one(TemplatesPane)


def _template(name: str) -> Template:
    found = template(name)
    assert found is not None
    return found


async def _select(pilot: Any, name: str) -> None:
    """Highlight the template in the list with the keyboard and press Enter on it."""
    names = [t.name for t in templates()]
    pilot.app.query_one("#templates-list", OptionList).focus()
    await pilot.press("home", *["down"] * names.index(name), "enter")
    await pilot.pause()


async def _retype(pilot: Any, field: Input, text: str) -> None:
    field.focus()
    await pilot.press("end", "ctrl+u", *text)
    await pilot.pause()


def _preview(app: Harness) -> str:
    return app.query_one("#templates-preview", TextArea).text


def _summary(app: Harness) -> str:
    return app.query_one("#templates-summary", Static).visual.plain  # type: ignore[attr-defined]


async def test_selecting_a_template_shows_its_parameters_with_defaults() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, RUN_DOCUMENT)
        chosen = _template(RUN_DOCUMENT)
        assert app.pane.current is not None and app.pane.current.name == RUN_DOCUMENT
        first = app.pane.parameter_input(chosen.parameters[0].name)
        assert app.focused is first  # Enter in the list goes to the first parameter
        for parameter in chosen.parameters:
            field = app.pane.parameter_input(parameter.name)
            assert field.value == parameter.default
            assert field.display and field.visible
        assert app.pane.values() == chosen.defaults()
        assert json.loads(_preview(app)) == chosen.render()
        assert _summary(app).startswith("✓") and "0 errors" in _summary(app)
        # Another template's fields are not shown.
        other = _template("delete-documents-by-prefix")
        assert not app.pane.parameter_input("prefix", other).is_on_screen


async def test_invalid_region_shows_the_expected_form_and_insert_posts_nothing() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _select(pilot, RUN_DOCUMENT)
        region = _template(RUN_DOCUMENT).parameter("region")
        assert region is not None
        field = app.pane.parameter_input("region")
        await _retype(pilot, field, "mars-1")
        assert field.value == "mars-1"

        message = app.query_one(f"#templates--{RUN_DOCUMENT}--region--message", Static)
        shown = message.visual.plain  # type: ignore[attr-defined]
        assert message.display
        assert "'mars-1' is not a Region code" in shown
        assert region.expected in shown
        label = app.query_one(f"#templates--{RUN_DOCUMENT}--region--label", Label)
        assert "✗" in label.visual.plain  # type: ignore[attr-defined]  # visible without colour
        assert field.has_class("-invalid")
        assert "Not rendered" in _preview(app) and "Region" in _summary(app)

        # Insert from the list (i): a notification, no message, and the field to fix gets
        # the focus; append and copy after escape from the field, and enter in the last
        # field: the same.
        app.pane.focus_list()
        await pilot.press("i")
        await pilot.pause()
        assert app.focused is field
        await pilot.press("escape", "a")
        await pilot.pause()
        assert app.focused is field
        await pilot.press("escape", "c")
        await pilot.pause()
        app.pane.parameter_input("runbook").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is field
        assert field.value == "mars-1"
        assert app.posted == []
        assert len(app.notices) == 4
        for notice in app.notices:
            assert notice["severity"] == "error"
            assert notice["markup"] is False
            assert "Region" in notice["message"] and "mars-1" in notice["message"]
        assert app.is_running

        # Fixing it clears the mark and the message.
        await _retype(pilot, field, "us-east-1")
        assert not message.display and not field.has_class("-invalid")
        assert "✗" not in label.visual.plain  # type: ignore[attr-defined]


async def test_custom_region_updates_the_preview_and_insert_replaces() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, RUN_DOCUMENT)
        field = app.pane.parameter_input("region")
        await _retype(pilot, field, "eu-central-1")
        assert "arn:aws:ssm:eu-central-1:111222333444:document/SSM-document-name" in _preview(app)
        assert "us-west-2" not in _preview(app)

        await pilot.press("escape", "i")
        await pilot.pause()
        assert len(app.posted) == 1
        posted = app.posted[0]
        assert isinstance(posted, InsertStatements)
        assert posted.mode == "replace"
        expected = _template(RUN_DOCUMENT).render({"region": "eu-central-1"})
        assert posted.policy == expected
        result = validate(json.dumps(posted.policy, indent=2))
        assert not [f for f in result.findings if f.severity is Severity.ERROR]
        assert app.notices == []


async def test_in_a_field_letters_are_typed_and_enter_in_the_last_one_appends() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, "delete-documents-by-prefix")
        region = app.pane.parameter_input("region")
        assert app.focused is region
        await pilot.press("enter")  # not the last field: on to the next
        assert app.focused is app.pane.parameter_input("account")
        prefix = app.pane.parameter_input("prefix")
        await _retype(pilot, prefix, "Team-a-jk?ipce")
        assert prefix.value == "Team-a-jk?ipce"  # typed, not acted on
        assert app.posted == [] and app.help_sections == []
        await _retype(pilot, prefix, "Team-a-")
        await pilot.press("enter")  # the last field: append
        await pilot.pause()
        assert [type(m) for m in app.posted] == [InsertStatements]
        posted = app.posted[0]
        assert isinstance(posted, InsertStatements) and posted.mode == "append"
        resource = posted.policy["Statement"][0]["Resource"]
        assert resource == ["arn:aws:ssm:us-west-2:123456789012:document/Team-a-*"]
        assert app.query_one("#templates-list", OptionList).has_focus


async def test_append_posts_append_mode() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, "list-documents")
        await pilot.press("escape", "a")
        await pilot.pause()
        assert len(app.posted) == 1
        posted = app.posted[0]
        assert isinstance(posted, InsertStatements)
        assert posted.mode == "append"
        assert posted.policy == _template("list-documents").render()
        assert "list-documents" in posted.title


async def test_printed_posts_the_verbatim_example() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, RUN_DOCUMENT)
        await pilot.press("escape", "p")
        await pilot.pause()
        assert len(app.posted) == 1
        posted = app.posted[0]
        assert isinstance(posted, OpenInEditor)
        assert posted.text == printed(RUN_DOCUMENT)
        assert posted.title == f"as printed: {RUN_DOCUMENT}"


async def test_copy_posts_the_rendered_policy() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, "console-minimum")
        await pilot.press("escape", "c")
        await pilot.pause()
        assert len(app.posted) == 1
        posted = app.posted[0]
        assert isinstance(posted, CopyRequest)
        assert posted.policy == _template("console-minimum").render()


def _bindings() -> list[Binding]:
    bindings = [b for b in TemplatesPane.BINDINGS if isinstance(b, Binding)]
    assert len(bindings) == len(TemplatesPane.BINDINGS)
    return bindings


def test_every_binding_has_an_id_a_description_and_a_tooltip() -> None:
    bindings = _bindings()
    ids = {b.id for b in bindings}
    assert {
        "templates.insert-replace",
        "templates.insert-append",
        "templates.open-printed",
        "templates.copy",
        "templates.export",
        "templates.help",
    } <= ids
    for binding in bindings:
        assert binding.id and binding.id.startswith("templates."), binding
        assert binding.description and binding.tooltip, binding
    assert len(ids) == len(bindings)


def test_one_meaning_per_key_and_none_is_an_app_key() -> None:
    keys = [key.strip() for b in _bindings() for key in b.key.split(",")]
    assert len(keys) == len(set(keys))  # no key in two bindings
    assert not APP_KEYS & set(keys)
    assert not {"ctrl+r", "ctrl+t", "ctrl+g", "ctrl+l"} & set(keys)
    assert {"i", "a", "p", "c", "e", "j", "k", "question_mark", "escape"} <= set(keys)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("i", (InsertStatements, "replace")),
        ("a", (InsertStatements, "append")),
        ("p", (OpenInEditor, None)),
        ("c", (CopyRequest, None)),
        ("e", (ExportRequest, None)),
    ],
)
@pytest.mark.parametrize("focus", ["#templates-list", "#templates-detail", "#templates-preview"])
async def test_each_key_does_its_one_action(
    key: str, expected: tuple[type[Message], str | None], focus: str
) -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.query_one(focus).focus()
        await pilot.press(key)
        await pilot.pause()
        assert [type(m) for m in app.posted] == [expected[0]]
        assert getattr(app.posted[0], "mode", None) == expected[1]
        assert app.help_sections == []


async def test_ctrl_keys_of_the_app_do_nothing_in_the_pane() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = app.pane.parameter_input("region")
        for focus in (app.query_one("#templates-list"), field):
            focus.focus()
            await pilot.press("ctrl+r", "ctrl+t", "ctrl+g", "ctrl+l")
            await pilot.pause()
        assert app.posted == [] and app.notices == []


async def test_j_and_k_move_the_highlight_from_the_list_or_the_detail() -> None:
    names = [t.name for t in templates()]
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listing = app.query_one("#templates-list", OptionList)
        app.pane.focus_list()
        await pilot.pause()
        await pilot.press("j", "j")
        assert listing.highlighted == 2
        assert app.pane.current is not None and app.pane.current.name == names[2]
        await pilot.press("k")
        assert listing.highlighted == 1 and app.pane.current.name == names[1]
        app.query_one("#templates-detail").focus()
        await pilot.press("j")
        assert listing.highlighted == 2 and app.pane.current.name == names[2]
        assert app.posted == []


async def test_question_mark_asks_the_app_for_the_templates_help() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.pane.focus_list()
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.help_sections == ["Templates"]


async def test_focus_list_and_escape_go_to_the_list() -> None:
    app = Harness()
    app.AUTO_FOCUS = None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is None  # mounting the pane focuses nothing by itself
        listing = app.query_one("#templates-list", OptionList)
        app.pane.focus_list()
        await pilot.pause()
        assert app.focused is listing
        for place in (app.pane.parameter_input("region"), app.query_one("#templates-preview")):
            place.focus()
            await pilot.press("escape")
            assert app.focused is listing
        assert app.escapes == 0
        await pilot.press("escape")  # from the list the key is the app's
        assert app.escapes == 1 and app.focused is listing


@pytest.mark.parametrize(("size", "pane_width"), [((80, 24), None), ((120, 40), 40)])
async def test_layout_fits_small_and_narrow(size: tuple[int, int], pane_width: int | None) -> None:
    app = Harness(pane_width)
    async with app.run_test(size=size) as pilot:
        await _select(pilot, RUN_DOCUMENT)
        listing = app.query_one("#templates-list", OptionList)
        detail = app.query_one("#templates-detail")
        assert listing.region.height >= 3 and detail.region.height >= 8
        assert listing.region.bottom <= detail.region.y  # the list above the detail
        assert detail.region.bottom <= size[1]
        field = app.focused
        assert isinstance(field, Input) and field.region.height == 3
        assert detail.region.contains_region(field.region)  # scrolled into view


async def test_template_text_is_never_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    def hostile() -> list[Template]:
        result = []
        for original in templates():
            parameters = [
                p.model_copy(update={"label": PAYLOAD, "description": PAYLOAD})
                for p in original.parameters
            ]
            result.append(
                original.model_copy(
                    update={
                        "title": PAYLOAD,
                        "purpose": PAYLOAD,
                        "differs_from_printed": PAYLOAD,
                        "parameters": parameters,
                    }
                )
            )
        return result

    monkeypatch.setattr(templates_pane, "templates", hostile)
    app = Harness()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        purpose = app.query(".templates-purpose").first(Static)
        assert isinstance(purpose.content, Content)
        assert purpose.visual.plain == PAYLOAD  # type: ignore[attr-defined]
        listing = app.query_one("#templates-list", OptionList)
        prompt = listing.get_option_at_index(0).prompt
        assert isinstance(prompt, Content) and prompt.plain == PAYLOAD

        # An invalid value (the payload itself) flows through the inline message, the preview
        # and a notification.
        field = app.pane.parameter_input("region")
        field.value = PAYLOAD
        await pilot.pause()
        assert PAYLOAD in _preview(app)
        await pilot.press("escape", "i")
        await pilot.pause()
        assert app.notices and PAYLOAD in app.notices[-1]["message"]

        await pilot.click(purpose)
        await pilot.press("down", "up")
        await pilot.pause()
        assert app.is_running
        assert app.posted == []
