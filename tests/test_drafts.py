"""Drafts: one per (document, instance), never overwritten by another instance, offered
only when their instance is gone, pruned without losing the only copy of unsaved work;
a broken draft never raises."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import pytest

from ssm_tui.drafts import (
    Draft,
    DraftStore,
    InstanceInfo,
    describe_age,
    describe_changes,
    differs_from_file,
    drafts_dir,
    file_changed_since_draft,
    new_instance,
)


@pytest.fixture(autouse=True)
def state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("SSM_TUI_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "pol.json"
    path.write_text('{"Version": "2012-10-17"}\n', encoding="utf-8")
    return path


def dead_store() -> DraftStore:
    """A store whose instance is gone (its lock released, as when the process dies)."""
    store = DraftStore()
    store.release()
    return store


def backdate(store: DraftStore, path: Path | None, days: float) -> None:
    """Make `store`'s draft of `path` look `days` old."""
    file = store.file_for(store.document(path))
    data = json.loads(file.read_text(encoding="utf-8"))
    when = datetime.now(UTC) - timedelta(days=days)
    data["saved_at"] = when.isoformat()
    file.write_text(json.dumps(data), encoding="utf-8")


def test_drafts_dir_from_env(state: Path) -> None:
    assert drafts_dir() == state / "drafts"


def test_drafts_dir_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSM_TUI_STATE_DIR")
    assert drafts_dir() == platformdirs.user_state_path("ssm-tui", appauthor=False) / "drafts"


def test_no_drafts(policy_file: Path) -> None:
    store = DraftStore()
    assert store.drafts_for(policy_file) == []
    assert store.drafts_for(None) == []
    assert store.all_drafts() == []
    store.discard(store.document(None))  # nothing to discard: no error
    assert store.prune() == []


def test_round_trip_records_the_document_and_the_instance(policy_file: Path) -> None:
    store = DraftStore()
    link = policy_file.parent / "link.json"
    link.symlink_to(policy_file)
    doc = store.document(link)
    saved = store.save(doc, "typed", "link.json", base_sha256="ab" * 32, base_size=27)
    [found] = store.drafts_for(policy_file)  # the same document by its real path
    assert found.state == "own" and found.draft == saved
    draft = found.draft
    assert draft.text == "typed" and draft.title == "link.json"
    assert draft.source_path == str(link) and draft.real_path == str(policy_file.resolve())
    assert (draft.base_sha256, draft.base_size) == ("ab" * 32, 27)
    assert draft.instance == store.instance and draft.instance.pid == os.getpid()
    assert draft.saved_at_datetime.tzinfo is not None
    assert abs(datetime.now(UTC) - draft.saved_at_datetime) < timedelta(minutes=1)
    store.save(doc, "typed more", "link.json")  # the same file, rewritten
    assert [f.draft.text for f in store.drafts_for(link)] == ["typed more"]
    store.discard(doc)
    assert store.drafts_for(link) == []


def test_two_instances_on_the_same_file_never_overwrite_each_other(policy_file: Path) -> None:
    first, second = DraftStore(), DraftStore()
    first.save(first.document(policy_file), "first's work", "pol.json")
    second.save(second.document(policy_file), "second's work", "pol.json")
    assert {f.draft.text for f in first.all_drafts()} == {"first's work", "second's work"}
    # while the first runs, the second does not offer its draft, but knows it is editing
    assert [f.draft.text for f in second.drafts_for(policy_file)] == ["second's work"]
    assert second.editing_elsewhere(policy_file) == [first.instance]
    assert first.editing_elsewhere(policy_file) == [second.instance]
    first.release()  # the first instance is killed
    found = second.drafts_for(policy_file)
    assert [(f.draft.text, f.state) for f in found] == [
        ("second's work", "own"),
        ("first's work", "abandoned"),
    ]
    assert second.editing_elsewhere(policy_file) == []


def test_two_instances_on_different_files(tmp_path: Path, policy_file: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text("{}", encoding="utf-8")
    first, second = DraftStore(), DraftStore()
    first.save(first.document(policy_file), "on pol", "pol.json")
    second.save(second.document(other), "on other", "other.json")
    first.save(first.document(None), "first untitled", "new policy")
    second.save(second.document(None), "second untitled", "new policy")
    assert len(first.all_drafts()) == 4
    assert [f.draft.text for f in first.drafts_for(policy_file)] == ["on pol"]
    assert first.drafts_for(other) == []  # the second's, and it runs
    assert [f.draft.text for f in first.drafts_for(None)] == ["first untitled"]
    assert [f.draft.text for f in second.drafts_for(None)] == ["second untitled"]
    second.release()
    third = DraftStore()
    assert [f.draft.text for f in third.drafts_for(other)] == ["on other"]
    assert [f.draft.text for f in third.drafts_for(None)] == ["second untitled"]


def test_a_killed_process_leaves_an_abandoned_draft(policy_file: Path) -> None:
    """A real process saves a draft and is killed with SIGKILL: its lock goes with it."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from ssm_tui.drafts import DraftStore
        store = DraftStore()
        store.save(store.document({str(policy_file)!r}), "typed then killed", "pol.json")
        print("saved", flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, env=os.environ.copy()
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"saved"
        store = DraftStore()
        assert store.drafts_for(policy_file) == []  # it still runs
        assert [i.pid for i in store.editing_elsewhere(policy_file)] == [child.pid]
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        [found] = store.drafts_for(policy_file)
        assert found.state == "abandoned" and found.draft.text == "typed then killed"
    finally:
        child.kill()
        child.wait(10)


def test_without_a_lock_file_the_process_id_decides(policy_file: Path) -> None:
    store = DraftStore()
    here = new_instance()
    assert store._pid_alive(here)  # this very process
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(10)
    assert not store._pid_alive(here.model_copy(update={"pid": gone.pid}))
    if here.process_start is not None:  # Linux: a recycled process id is not the instance
        assert not store._pid_alive(here.model_copy(update={"process_start": "1"}))
    # a draft written by an instance without a lock file (another platform, a read-only
    # folder at the time), whose process is gone, is offered
    other = DraftStore(here.model_copy(update={"id": "nolock", "pid": gone.pid}))
    other.release()
    (store.folder / "instances" / "nolock.lock").unlink()
    other.save(other.document(policy_file), "work", "pol.json")
    assert not (store.folder / "instances" / "nolock.lock").exists()
    assert [f.state for f in store.drafts_for(policy_file)] == ["abandoned"]


def test_another_hosts_draft_is_offered_but_marked(policy_file: Path) -> None:
    elsewhere = DraftStore(new_instance().model_copy(update={"host": "elsewhere.example"}))
    elsewhere.save(elsewhere.document(policy_file), "remote work", "pol.json")
    [found] = DraftStore().drafts_for(policy_file)
    assert found.state == "other-host" and found.offerable


def test_restore_adopts_another_instances_draft(policy_file: Path) -> None:
    gone = dead_store()
    gone.save(gone.document(policy_file), "abandoned work", "pol.json", base_sha256="x" * 64)
    store = DraftStore()
    [found] = store.drafts_for(policy_file)
    adopted = store.adopt(found, store.document(policy_file), "pol.json")
    assert adopted is not None and adopted.base_sha256 == "x" * 64
    assert [(f.state, f.draft.text) for f in store.drafts_for(policy_file)] == [
        ("own", "abandoned work")
    ]
    assert not found.file.exists()


def test_differs_from_the_file_and_file_changed(policy_file: Path) -> None:
    import hashlib

    store = DraftStore()
    doc = store.document(policy_file)
    sha = hashlib.sha256(policy_file.read_bytes()).hexdigest()
    same = store.save(doc, policy_file.read_text(encoding="utf-8"), "t", base_sha256=sha)
    assert not differs_from_file(same) and not file_changed_since_draft(same)
    edited = store.save(doc, "edited", "t", base_sha256=sha)
    assert differs_from_file(edited)
    policy_file.write_text("changed by another program", encoding="utf-8")
    assert file_changed_since_draft(edited)
    policy_file.unlink()
    assert differs_from_file(edited) and file_changed_since_draft(edited)
    assert differs_from_file(store.save(store.document(None), "x", "t"))
    assert not differs_from_file(store.save(store.document(None), "  \n", "t"))


# --- pruning ------------------------------------------------------------------------------
def test_prune_keeps_the_only_copy_of_unsaved_work_however_old(policy_file: Path) -> None:
    gone = dead_store()
    gone.save(gone.document(policy_file), "unsaved work", "pol.json")
    gone.save(gone.document(None), "untitled work", "new policy")
    backdate(gone, policy_file, 400)
    backdate(gone, None, 400)
    store = DraftStore()
    assert store.prune(max_age_days=30, max_count=0) == []
    assert {f.draft.text for f in store.all_drafts()} == {"unsaved work", "untitled work"}


def test_prune_removes_drafts_equal_to_their_file(policy_file: Path) -> None:
    gone = dead_store()
    gone.save(gone.document(policy_file), policy_file.read_text(encoding="utf-8"), "pol.json")
    removed = DraftStore().prune()
    assert removed == [gone.file_for(gone.document(policy_file))]
    assert DraftStore().all_drafts() == []


def test_prune_removes_old_superseded_versions_and_copies(policy_file: Path) -> None:
    old, newer, copy = dead_store(), dead_store(), dead_store()
    old.save(old.document(policy_file), "first attempt", "pol.json")
    backdate(old, policy_file, 40)
    copy.save(copy.document(None), "second attempt", "new policy")
    backdate(copy, None, 1)
    newer.save(newer.document(policy_file), "second attempt", "pol.json")
    store = DraftStore()
    removed = set(store.prune(max_age_days=30))
    assert removed == {
        old.file_for(old.document(policy_file)),  # superseded and older than 30 days
        copy.file_for(copy.document(None)),  # the same text is in a newer draft
    }
    assert [f.draft.text for f in store.all_drafts()] == ["second attempt"]


def test_prune_by_count_only_touches_superseded_versions(policy_file: Path) -> None:
    versions = [dead_store() for _ in range(5)]
    for age, store in enumerate(versions):
        store.save(store.document(policy_file), f"version {age}", "pol.json")
        backdate(store, policy_file, age + 1)  # version 0 is the newest
    young = DraftStore()
    young.prune(max_age_days=30, max_count=50)
    assert len(young.all_drafts()) == 5  # young enough, few enough
    young.prune(max_age_days=30, max_count=2)
    assert [f.draft.text for f in young.all_drafts()] == ["version 0", "version 1"]
    young.prune(max_age_days=30, max_count=0)
    assert [f.draft.text for f in young.all_drafts()] == ["version 0"]  # the newest stays


def test_prune_never_touches_a_running_instances_drafts(policy_file: Path) -> None:
    running = DraftStore()
    running.save(running.document(policy_file), policy_file.read_text(encoding="utf-8"), "p")
    backdate(running, policy_file, 400)
    assert DraftStore().prune(max_age_days=1, max_count=0) == []
    assert len(running.all_drafts()) == 1


def test_prune_removes_lock_files_of_gone_instances(state: Path) -> None:
    gone = dead_store()
    lock = state / "drafts" / "instances" / f"{gone.instance.id}.lock"
    assert lock.exists()
    running = DraftStore()
    running.prune()
    assert not lock.exists()
    assert (state / "drafts" / "instances" / f"{running.instance.id}.lock").exists()


# --- hostile or broken files --------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b"[" * 100_000,
        json.dumps({"text": 5, "key": "k", "saved_at": "2025-01-01T00:00:00+00:00"}).encode(),
        json.dumps({"text": "x", "key": "k", "saved_at": "yesterday"}).encode(),
        json.dumps({"text": "x", "key": "k", "saved_at": "2025-01-01T00:00:00"}).encode(),
        json.dumps({"text": "x", "key": "k"}).encode(),
        json.dumps({"text": "x", "saved_at": "2025-01-01T00:00:00+00:00"}).encode(),  # no key
    ],
)
def test_a_broken_draft_file_is_ignored(state: Path, policy_file: Path, content: bytes) -> None:
    folder = state / "drafts"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_bytes(content)
    store = DraftStore()
    store.save(store.document(policy_file), "fine", "pol.json")
    assert [f.draft.text for f in store.all_drafts()] == ["fine"]
    assert store.drafts_for(None) == []
    store.prune()


def test_a_draft_file_that_is_a_folder_or_the_drafts_folder_a_file(state: Path) -> None:
    (state / "drafts" / "x.json").mkdir(parents=True)
    assert DraftStore().all_drafts() == []
    shutil.rmtree(state / "drafts")
    (state / "drafts").write_text("not a folder", encoding="utf-8")
    store = DraftStore()
    assert store.all_drafts() == [] and store.prune() == []
    with pytest.raises(OSError):
        store.save(store.document(None), "text", "t")


def test_unknown_fields_are_ignored(state: Path) -> None:
    folder = state / "drafts"
    folder.mkdir(parents=True)
    data = {
        "key": "new:x",
        "text": "x",
        "saved_at": "2025-01-01T00:00:00+00:00",
        "title": "t",
        "cursor": [1, 2],
    }
    (folder / "x.json").write_text(json.dumps(data), encoding="utf-8")
    [found] = DraftStore().all_drafts()
    assert found.draft.text == "x" and found.state == "abandoned"
    assert found.draft.instance == InstanceInfo(id="legacy")


def test_the_old_single_draft_is_migrated(state: Path, policy_file: Path) -> None:
    folder = state / "drafts"
    folder.mkdir(parents=True)
    saved_at = "2025-01-01T10:00:00+00:00"
    (folder / "current.json").write_text(
        json.dumps({"text": "file work", "source_path": str(policy_file), "saved_at": saved_at}),
        encoding="utf-8",
    )
    (folder / "previous.json").write_text(
        json.dumps({"text": "untitled work", "source_path": None, "saved_at": saved_at}),
        encoding="utf-8",
    )
    store = DraftStore()
    [found] = store.drafts_for(policy_file)
    assert found.draft.text == "file work" and found.state == "abandoned"
    assert [f.draft.text for f in store.drafts_for(None)] == ["untitled work"]
    assert not (folder / "current.json").exists() and not (folder / "previous.json").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_drafts_are_private(state: Path) -> None:
    store = DraftStore()
    store.save(store.document(None), "{}", "t")
    assert stat.S_IMODE((state / "drafts").stat().st_mode) & 0o077 == 0
    [found] = store.all_drafts()
    assert stat.S_IMODE(found.file.stat().st_mode) & 0o077 == 0


# --- wording --------------------------------------------------------------------------------
def test_age_in_local_time() -> None:
    now = datetime.now(UTC)
    three_minutes = now - timedelta(minutes=3)
    local = three_minutes.astimezone()
    text = describe_age(three_minutes, now)
    assert text.endswith("3 minutes ago")
    assert f"{local:%H:%M}" in text
    assert describe_age(now, now).endswith("just now")
    old = now - timedelta(days=10)
    assert describe_age(old, now) == f"saved {old.astimezone():%Y-%m-%d %H:%M}, 10 days ago"


def test_size_of_the_difference() -> None:
    assert describe_changes("a\nb\nc\n", "a\nB\nc\nd\ne\n") == "+3 \u22121 lines"
    assert describe_changes(None, "a\nb\n") == "+2 \u22120 lines"
    assert describe_changes("a\n", "a\n") == "the same text"
    assert describe_changes("a\n", "a") == "no line changed"


def test_draft_model_rejects_naive_times() -> None:
    with pytest.raises(ValueError):
        Draft(text="x", saved_at="2025-01-01T00:00:00", key="k")
