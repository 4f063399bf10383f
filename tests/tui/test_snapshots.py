"""SVG snapshots of the real app (pytest-textual-snapshot): the main screen at 80x24 and
120x40 with and without findings, and the library view at 80x24.

Each screenshot is taken only when nothing can change any more: drafts are not offered, the
cursors do not blink, the debounced validation has run and its findings are shown, and the
managed pane has loaded its data and counted the shown policy's permissions.

Update after an intended change of the look with
`pytest tests/tui/test_snapshots.py --snapshot-update`, and look at the SVGs
(`tests/tui/__snapshots__/test_snapshots/`) before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled

from ssm_tui.tui.app import VALIDATE_DELAY, SsmTuiApp
from ssm_tui.tui.widgets.managed_pane import AccessLevelChart, ManagedPane

SnapCompare = Callable[..., bool]

# One error (an action Systems Manager does not have), one warning (no Version) and one
# suggestion (an action in the wrong case); nothing else.
WITH_FINDINGS = """{
  "Statement": [
    {
      "Sid": "Describe",
      "Effect": "Allow",
      "Action": [
        "ssm:DescribeInstanceInfo",
        "ssm:describeinstanceinformation"
      ],
      "Resource": "*"
    }
  ]
}
"""
EXPECTED_CODES = ["MISSING_VERSION", "INVALID_ACTION", "NON_CANONICAL_CASE"]


def _no_blinking(app: SsmTuiApp) -> None:
    for widget in app.query("*"):
        if isinstance(widget, TextArea | Input):
            widget.cursor_blink = False


async def _settle(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Let workers finish and their messages arrive until `done()` (at most ~5 s)."""
    for _ in range(100):
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if done():
            # the last updates' layout and repaint (a summary line that just got its text
            # takes one more refresh to get its row)
            await pilot.pause()
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not settle")


def _prepare(
    policy: str | None, *, keys: tuple[str, ...] = (), check_codes: bool = True
) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, SsmTuiApp)
        _no_blinking(app)
        if policy is not None:
            app.editor.load_text(policy)
        # The change above (and the skeleton loaded on mount) start a debounced validation:
        # let it fire, so no validation is pending when the screenshot is taken.
        await pilot.pause(VALIDATE_DELAY + 0.05)
        app.validate_now()

        def library_loaded() -> bool:
            # The panes are mounted after the first paint; then the managed pane loads its
            # data and counts the permissions of the policy it shows, in workers.
            panes = app.query(ManagedPane)
            charts = app.query(AccessLevelChart)
            return (
                bool(panes)
                and panes.first().policy is not None
                and bool(charts)
                and bool(charts.first().counts)
            )

        def settled() -> bool:
            result = app.result
            return (
                result is not None
                and result.policy.text == app.editor.text
                and [f.code for f in app.findings.findings] == [f.code for f in result.findings]
                and library_loaded()
                and not app.workers
            )

        await _settle(pilot, settled)
        _no_blinking(app)  # the panes mounted since
        if check_codes:
            expected = EXPECTED_CODES if policy is not None else []
            assert [f.code for f in app.findings.findings] == expected
        if keys:
            await pilot.press(*keys)
            _no_blinking(app)
            await _settle(pilot, lambda: not app.workers)

    return run_before


@pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)
def test_main_screen_without_findings(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """The skeleton policy in the editor and an empty findings list (at 120x40 the library
    with the first managed policy sits on the left)."""
    app = SsmTuiApp(restore_drafts=False)
    assert snap_compare(app, terminal_size=size, run_before=_prepare(None))


@pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)
def test_main_screen_with_findings(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """A policy with an error, a warning and a suggestion: gutter marks (✗ ! ·) on their
    lines, the findings listed with severity word, line:column and code, the counts in the
    findings title, and a dirty marker (●) in the editor title."""
    app = SsmTuiApp(restore_drafts=False)
    assert snap_compare(app, terminal_size=size, run_before=_prepare(WITH_FINDINGS))


def test_library_view_at_80x24(snap_compare: SnapCompare) -> None:
    """F2 at 80 columns: the library fills the screen (tabs, filter, the managed policies,
    the first one's details) and the editor is hidden."""
    app = SsmTuiApp(restore_drafts=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_prepare(None, keys=("f2",)))


# --- issue 12: the README's first command and every screen, at 80x24 and 120x40 -----------

DEMO = (
    Path(__file__).resolve().parents[2]
    / "examples"
    / "as-printed"
    / "run-document-on-instances.json"
)
BOTH = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def _demo(snap_compare: SnapCompare, size: tuple[int, int], keys: tuple[str, ...] = ()) -> bool:
    app = SsmTuiApp(str(DEMO), restore_drafts=False)
    prepare = _prepare(None, keys=keys, check_codes=False)
    return bool(snap_compare(app, terminal_size=size, run_before=prepare))


@pytest.mark.parametrize("size", [*BOTH, pytest.param((60, 20), id="60x20")])
def test_readme_first_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """The README's first command as it opens: the one-line policy wrapped, the findings one
    line each with the first one's detail, the navigation bar, the status line and a footer
    that fits."""
    assert _demo(snap_compare, size)


@pytest.mark.parametrize("size", BOTH)
def test_findings_with_detail(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """F4 and two rows down: the highlighted finding's whole message and its fix below the
    list; the footer shows the findings' keys."""
    assert _demo(snap_compare, size, keys=("f4", "down", "down"))


@pytest.mark.parametrize("size", BOTH)
def test_library(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """F2: the managed policies list focused (not the filter), with the first one's detail."""
    assert _demo(snap_compare, size, keys=("f2",))


@pytest.mark.parametrize("size", BOTH)
def test_help(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """F1: every key by section, fitting the width."""
    assert _demo(snap_compare, size, keys=("f1",))


@pytest.mark.parametrize("size", BOTH)
def test_export(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """ctrl+t: the formats, the preview filling the rest, the warning about the errors."""
    assert _demo(snap_compare, size, keys=("ctrl+t",))


@pytest.mark.parametrize("size", BOTH)
def test_simulator(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """ctrl+r: the request form over the editor's policy."""
    assert _demo(snap_compare, size, keys=("ctrl+r",))


@pytest.mark.parametrize("size", BOTH)
def test_builder(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """ctrl+g: the statement builder, empty."""
    app = SsmTuiApp(restore_drafts=False)  # the builder needs a policy that is JSON
    prepare = _prepare(None, keys=("ctrl+g",), check_codes=False)
    assert snap_compare(app, terminal_size=size, run_before=prepare)
