"""Nothing typed is lost and nothing crashes: drafts offered on open, safe saving with its
dialogs, safe opening, hostile JSON in every editor command, a crash that keeps the draft."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static
from validation_messages import running, settle

from ssm_tui.crash import EXIT_INTERNAL
from ssm_tui.drafts import DraftStore
from ssm_tui.export import files
from ssm_tui.tui import app as app_module
from ssm_tui.tui.app import SKELETON, SsmTuiApp
from ssm_tui.tui.screens import ChoiceScreen, ConfirmScreen, PathScreen

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:DescribeParameters", "Resource": "*"}],
    },
    indent=2,
)
SIZE = (100, 30)


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A test that blocks (a FIFO opened for reading) fails instead of hanging."""
    if sys.platform == "win32":
        yield
        return

    def timeout(signum: int, frame: Any) -> None:
        raise TimeoutError("the test blocked")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(120)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "pol.json"
    path.write_text(POLICY, encoding="utf-8")
    return path


def toasts(app: SsmTuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def question(app: SsmTuiApp) -> str:
    return str(app.screen.query_one(Static).render())


async def type_at_end(pilot: Any, app: SsmTuiApp, text: str) -> None:
    app.editor.cursor_location = app.editor.document.end
    for character in text:
        await pilot.press(character if character != "\n" else "enter")
    await pilot.pause()


# --- drafts offered when a file is opened ---------------------------------------------------
async def test_killed_instance_leaves_a_draft_offered_on_the_same_file(
    policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "DRAFT_DELAY", 0.2)
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, "\nabc")
        typed = app.editor.text
        await pilot.pause(0.5)  # the autosave timer fires
        # the app goes away without quitting (kill -9: the OS drops its lock)
    assert policy_file.read_text(encoding="utf-8") == POLICY

    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        shown = question(app)
        assert "A draft of pol.json" in shown
        assert "saved just now" in shown or "seconds ago" in shown  # local, human time
        assert "differs from the file:\n+1 \u22120 lines, saved " in shown  # the line "abc"
        assert "no longer running" in shown
        await pilot.press("r")
        await settle(pilot)
        assert app.editor.text == typed and app.dirty
        assert app.source_path == policy_file
    # restored: it is now that (gone) instance's draft, offered again next time
    [found] = DraftStore().drafts_for(policy_file)
    assert found.draft.text == typed


async def test_a_draft_of_a_deleted_file_says_the_file_is_gone(
    policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "DRAFT_DELAY", 0.2)
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, "\nabc")
        await pilot.pause(0.5)
    policy_file.unlink()
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        shown = question(app)
        assert "The file no longer exists" in shown
        assert "was changed since" not in shown


async def test_quit_keeps_a_draft_that_is_offered_next_time(policy_file: Path) -> None:
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, "x")
        typed = app.editor.text
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "a draft is kept and offered next time" in question(app)
        await pilot.press("y")
        await pilot.pause()
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # keep for later
        await pilot.pause()
        assert app.editor.text == POLICY and not app.dirty
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)  # still kept
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceScreen)
    assert DraftStore().drafts_for(policy_file) == []
    assert typed != POLICY


async def test_quit_says_so_when_no_draft_could_be_written(
    policy_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state folder sits under a regular file: no draft can be written, and the quit
    prompt must not promise one (it warns that quitting loses the text)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("SSM_TUI_STATE_DIR", str(blocker / "state"))
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, "x")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "a draft is kept" not in question(app)
        assert "NO draft could be written" in question(app)
        notices = " ".join(toasts(app))
        assert "cannot create the drafts folder (a part of the path is not a folder)" in notices
        assert "Errno" not in notices
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.is_running and app.editor.text.endswith("x")


async def test_a_running_instances_draft_is_not_offered_but_mentioned(policy_file: Path) -> None:
    other = DraftStore()  # another ssm-tui, still running, editing the same file
    other.save(other.document(policy_file), POLICY + "\n// theirs", "pol.json")
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)
        assert any(f"pid {os.getpid()}" in t and "editing pol.json" in t for t in toasts(app))
        await type_at_end(pilot, app, "y")
        app.save_draft()
    # both drafts exist side by side
    texts = sorted(f.draft.text for f in other.all_drafts())
    assert texts == sorted([POLICY + "\n// theirs", POLICY + "y"])


async def test_two_instances_on_different_files_keep_their_own_drafts(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(POLICY, encoding="utf-8")
    second.write_text(POLICY, encoding="utf-8")
    for path, extra in ((first, "1"), (second, "2")):
        app = SsmTuiApp(str(path))
        async with running(app, size=SIZE) as pilot:
            await settle(pilot)
            await type_at_end(pilot, app, extra)
            app.save_draft()
    app = SsmTuiApp(str(second))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("r")
        await settle(pilot)
        assert app.editor.text == POLICY + "2"
    # starting without a file: no untitled draft, but the kept file draft is mentioned
    app = SsmTuiApp()
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)
        assert any("a.json" in t and "ctrl+o" in t for t in toasts(app))


async def test_ctrl_o_offers_the_opened_files_draft(policy_file: Path) -> None:
    gone = DraftStore()
    gone.save(gone.document(policy_file), POLICY + " ", "pol.json")
    gone.release()
    app = SsmTuiApp()
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        app.action_open()
        await pilot.pause()
        app.screen.query_one(Input).value = str(policy_file)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        assert "no line changed" in question(app) or "lines" in question(app)
        await pilot.press("r")
        await settle(pilot)
        assert app.editor.text == POLICY + " "


# --- saving -------------------------------------------------------------------------------------
async def _changed_on_disk_dialog(pilot: Any, app: SsmTuiApp, path: Path, theirs: str) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ChoiceScreen)
    assert "changed on disk since you opened it" in question(app)
    assert path.read_text(encoding="utf-8") == theirs  # not overwritten
    [found] = app.drafts.drafts_for(path)
    assert found.draft.text == app.editor.text  # the draft was written before saving


async def test_external_change_on_save_asks_cancel_reload_overwrite(policy_file: Path) -> None:
    theirs = POLICY.replace("DescribeParameters", "GetParameter")
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, " ")
        mine = app.editor.text
        policy_file.write_text(theirs, encoding="utf-8")  # another program saves it
        await _changed_on_disk_dialog(pilot, app, policy_file, theirs)
        await pilot.press("c")  # cancel: nothing changes
        await pilot.pause()
        assert app.editor.text == mine and app.dirty
        await _changed_on_disk_dialog(pilot, app, policy_file, theirs)
        await pilot.press("r")  # reload: the file's text, and ctrl+z brings mine back
        await pilot.pause()
        assert app.editor.text == theirs and not app.dirty
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.editor.text == mine
        policy_file.write_text(theirs + " ", encoding="utf-8")  # changed again
        await _changed_on_disk_dialog(pilot, app, policy_file, theirs + " ")
        await pilot.press("o")  # overwrite
        await pilot.pause()
        assert policy_file.read_text(encoding="utf-8") == mine and not app.dirty
    # the text before the reload was kept as a draft of its own
    assert any(f.draft.text == mine for f in DraftStore().drafts_for(None))


async def test_external_change_on_save_can_save_elsewhere(
    policy_file: Path, tmp_path: Path
) -> None:
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, " ")
        mine = app.editor.text
        policy_file.write_text("theirs", encoding="utf-8")
        await _changed_on_disk_dialog(pilot, app, policy_file, "theirs")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        app.screen.query_one(Input).value = str(tmp_path / "elsewhere.json")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "elsewhere.json").read_text(encoding="utf-8") == mine
        assert app.source_path == tmp_path / "elsewhere.json" and not app.dirty
    assert policy_file.read_text(encoding="utf-8") == "theirs"


async def test_save_as_over_an_existing_file_asks(tmp_path: Path) -> None:
    existing = tmp_path / "existing.json"
    existing.write_text("precious", encoding="utf-8")
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        for answer in ("n", "y"):
            await pilot.press("ctrl+s")
            await pilot.pause()
            app.screen.query_one(Input).value = str(existing)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "already exists. Overwrite it?" in question(app)
            await pilot.press(answer)
            await pilot.pause()
            if answer == "n":
                assert existing.read_text(encoding="utf-8") == "precious"
        assert existing.read_text(encoding="utf-8") == SKELETON
        assert app.source_path == existing


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
async def test_a_read_only_file_is_written_only_when_asked(policy_file: Path) -> None:
    policy_file.chmod(0o444)
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, " ")
        for answer in ("n", "y"):
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "is read-only. Write it anyway" in question(app)
            await pilot.press(answer)
            await pilot.pause()
            if answer == "n":
                assert policy_file.read_text(encoding="utf-8") == POLICY
        assert policy_file.read_text(encoding="utf-8") == POLICY + " "
        assert stat.S_IMODE(policy_file.stat().st_mode) == 0o444


async def test_a_vanished_folder_keeps_the_text_and_the_draft(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    path = folder / "pol.json"
    path.write_text(POLICY, encoding="utf-8")
    app = SsmTuiApp(str(path))
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, " ")
        path.unlink()
        folder.rmdir()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        assert "was deleted since you opened it" in question(app)
        await pilot.press("o")  # save it again: the folder is gone too
        await pilot.pause()
        assert app.is_running and app.editor.text == POLICY + " " and app.dirty
        [problem] = [t for t in toasts(app) if t.startswith("Not saved")]
        assert "no longer exists" in problem and "in a draft" in problem
        assert "\n" not in problem
    [found] = DraftStore().drafts_for(path)
    assert found.draft.text == POLICY + " "


async def test_a_full_disk_keeps_the_file_the_text_and_the_draft(
    policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = files._replace_with

    def full(real: str, data: bytes, **kwargs: Any) -> None:
        if real == str(policy_file.resolve()):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(real, data, **kwargs)

    monkeypatch.setattr(files, "_replace_with", full)
    app = SsmTuiApp(str(policy_file))
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await type_at_end(pilot, app, " ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running and app.dirty
        [problem] = [t for t in toasts(app) if t.startswith("Not saved")]
        assert "the disk is full" in problem and "in a draft" in problem
    assert policy_file.read_text(encoding="utf-8") == POLICY
    [found] = DraftStore().drafts_for(policy_file)
    assert found.draft.text == POLICY + " "


async def test_the_byte_order_mark_is_kept(policy_file: Path) -> None:
    policy_file.write_bytes(b"\xef\xbb\xbf" + POLICY.encode())
    app = SsmTuiApp(str(policy_file), restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        assert app.editor.text == POLICY
        await type_at_end(pilot, app, " ")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert policy_file.read_bytes() == b"\xef\xbb\xbf" + (POLICY + " ").encode()
    assert DraftStore().drafts_for(policy_file) == []  # saved: no draft left


# --- opening ------------------------------------------------------------------------------------
def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (
            lambda tmp: (tmp / "bad.json").write_bytes(b'{"a": "\xff\xfe"}') and tmp / "bad.json",
            "not UTF-8",
        ),
        (_fifo, "FIFO"),
        (lambda tmp: tmp, "is a directory"),
    ],
    ids=["non-utf8", "fifo", "directory"],
)
async def test_files_that_cannot_be_edited_are_refused_on_the_command_line(
    tmp_path: Path, make: Any, why: str
) -> None:
    path = make(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    app = SsmTuiApp(str(path))
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.is_running and app.source_path is None
        assert app.editor.text == SKELETON and app.title_of_buffer == "new policy"
        [problem] = [t for t in toasts(app) if t.startswith("Not opened")]
        assert why in problem and "the file is untouched" in problem
    if before is not None:
        assert path.read_bytes() == before
    assert not app.return_code


async def test_ctrl_o_refuses_a_fifo_without_hanging(tmp_path: Path) -> None:
    pipe = _fifo(tmp_path)
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.action_open()
        await pilot.pause()
        app.screen.query_one(Input).value = str(pipe)
        await pilot.press("enter")
        await pilot.pause()
        # refused at once, the path kept in the prompt with the reason, for correction
        assert isinstance(app.screen, PathScreen) and "FIFO" in app.screen.problem
        assert app.screen.query_one(Input).value == str(pipe)
        assert app.editor.text == SKELETON


async def test_a_new_file_named_on_the_command_line_is_created_by_the_first_save(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.json"
    app = SsmTuiApp(str(path))
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.source_path == path and app.editor.text == SKELETON
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert path.read_text(encoding="utf-8") == SKELETON


# --- hostile JSON in the editor's commands --------------------------------------------------
DEEP = '{"Version": "2012-10-17", "Statement": ' + "[" * 3000 + "]" * 3000 + "}"
HUGE = '{"Version": "2012-10-17", "Statement": [], "X": ' + "9" * 5000 + "}"
NAN = '{"Version": "2012-10-17", "Statement": [], "X": NaN}'


@pytest.mark.parametrize("text", [DEEP, HUGE, NAN], ids=["deep", "huge-int", "nan"])
async def test_format_copy_export_builder_simulate_never_crash(text: str) -> None:
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        app.editor.load_text(text)
        await settle(pilot, timeout=30)
        for key in ("f5", "f9", "ctrl+t", "ctrl+g", "f8"):
            await pilot.press(key)
            await pilot.pause()
            while app.screen is not app.main_screen:  # a confirm or a screen: close it
                await pilot.press("escape")
                await pilot.pause()
            assert app.is_running and app.editor.text == text, key
        assert any("Fix the JSON syntax error first" in t for t in toasts(app))
        await pilot.press("ctrl+r")  # the simulator on the same text
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.editor.text == text
        # inserting a template's statements into it
        from ssm_tui.tui.messages import InsertStatements

        app.post_message(InsertStatements({"Statement": [{"Effect": "Allow"}]}, "append", "t"))
        await pilot.pause()
        assert app.is_running and app.editor.text == text


# --- a crash still leaves the last edit ------------------------------------------------------
async def test_an_unexpected_error_keeps_the_draft_and_writes_a_report(
    policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = SsmTuiApp(str(policy_file))

    def broken() -> None:
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        async with running(app, size=SIZE) as pilot:
            await settle(pilot)
            await type_at_end(pilot, app, "z")
            monkeypatch.setattr(app, "action_format", broken)
            await pilot.press("f5")
            await pilot.pause()
    assert app.return_code == EXIT_INTERNAL
    assert isinstance(app.crash_report, Path) and "a bug" in app.crash_report.read_text()
    [found] = DraftStore().drafts_for(policy_file)
    assert found.draft.text == POLICY + "z"


# --- copy: the file is reachable from every copy ----------------------------------------------
async def test_every_copy_offers_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("ssm_tui.export.clipboard.local_clipboard_available", lambda: False)
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await pilot.pause()
        [note] = [t for t in toasts(app) if "terminal" in t]
        assert "Sent" in note and "Copied via OSC 52" not in note
        assert "F12 saves it to a file" in note
        await pilot.press("f12")
        await pilot.pause()
        [saved] = [t for t in toasts(app) if t.startswith("Saved the copied text to ")]
        path = Path(saved.removeprefix("Saved the copied text to "))
        assert json.loads(path.read_text(encoding="utf-8")) == json.loads(SKELETON)


async def test_saving_an_export_over_an_existing_file_asks(tmp_path: Path) -> None:
    existing = tmp_path / "out.json"
    existing.write_text("precious", encoding="utf-8")
    app = SsmTuiApp(restore_drafts=False)
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        for answer in ("n", "y"):
            await pilot.press("ctrl+t")
            await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, PathScreen)
            app.screen.query_one(Input).value = str(existing)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "already exists. Overwrite it?" in question(app)
            await pilot.press(answer)
            await pilot.pause()
            if answer == "n":
                assert existing.read_text(encoding="utf-8") == "precious"
    assert json.loads(existing.read_text(encoding="utf-8")) == json.loads(SKELETON)


def test_the_open_document_saves_over_its_file_only_if_unchanged(policy_file: Path) -> None:
    from ssm_tui.tui.document import OpenDocument

    document = OpenDocument(policy_file)
    loaded = document.read(policy_file)
    document.opened(policy_file, loaded.snapshot)
    assert document.draft_base == (loaded.snapshot.sha256, loaded.snapshot.size)
    alias = policy_file.with_name("alias.json")
    alias.symlink_to(policy_file)
    assert document.is_file(alias) and not document.is_file(policy_file.with_name("x.json"))
    policy_file.write_text(POLICY + " ", encoding="utf-8")  # another program changes it
    with pytest.raises(files.ChangedOnDisk):
        document.write(policy_file, "{}", overwrite=False, allow_read_only=False)
    assert policy_file.read_text(encoding="utf-8") == POLICY + " "


def test_saving_a_hard_linked_file_says_how_many_links_keep_the_old_text(
    policy_file: Path,
) -> None:
    from ssm_tui.tui.document import OpenDocument

    os.link(policy_file, policy_file.with_name("other.json"))
    document = OpenDocument()
    document.opened(policy_file, document.read(policy_file).snapshot)
    snapshot = document.write(policy_file, "{}\n", overwrite=False, allow_read_only=False)
    assert document.saved_as(policy_file, snapshot, "{}\n") == 1
    assert document.saved_text == "{}\n" and document.title == policy_file.name
    assert policy_file.with_name("other.json").read_text(encoding="utf-8") == POLICY
    snapshot = document.write(policy_file, "{ }\n", overwrite=False, allow_read_only=False)
    assert document.saved_as(policy_file, snapshot, "{ }\n") == 0  # no other link now
