"""Reading and saving policy files: FIFOs, devices, symlinks, modes, read-only files, external
changes, hard links, vanished and unwritable folders, a full disk.

In every failure the original bytes stay and no temporary file is left.  The tests run as
root in CI's sandbox, where chmod does not stop a write: an unwritable folder is then a
read-only tmpfs (when mounting is allowed) or a patched `os.open` raising PermissionError.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssm_tui.export import files
from ssm_tui.export.files import (
    ChangedOnDisk,
    FileExistsConflict,
    FileProblem,
    MissingFile,
    NotRegularFile,
    NotUtf8,
    ReadOnlyFile,
    TooLarge,
    changed_since,
    read_policy_file,
    save_policy_file,
    snapshot_of,
    write_atomic,
)

TEXT = '{"Version": "2012-10-17", "Statement": []}\n'


def only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def pol(tmp_path: Path) -> Path:
    path = tmp_path / "pol.json"
    path.write_text(TEXT)
    return path


def call_with_timeout(func: object, *args: object, seconds: float = 5.0) -> object:
    """Run `func(*args)` in a thread; fail (instead of hanging the suite) if it blocks."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["value"] = func(*args)  # type: ignore[operator]
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{func} blocked"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


# --- reading ------------------------------------------------------------------------------


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match=r"pipe\.json: is a FIFO \(named pipe\), not a policy"):
        call_with_timeout(read_policy_file, str(fifo))
    assert call_with_timeout(snapshot_of, str(fifo)) is None
    with pytest.raises(NotRegularFile):
        call_with_timeout(lambda: save_policy_file(fifo, TEXT, expected=None, overwrite=True))
    with pytest.raises(NotRegularFile):
        call_with_timeout(write_atomic, fifo, TEXT)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_device_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFile, match="/dev/null: is a character device, not a policy"):
        read_policy_file("/dev/null")
    with pytest.raises(NotRegularFile, match="is a directory, not a policy file"):
        read_policy_file(tmp_path)
    with pytest.raises(MissingFile, match=r"missing\.json: no such file"):
        read_policy_file(tmp_path / "missing.json")


def test_snapshot_records_bom_newlines_and_links(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b"\xef\xbb\xbf{\r\n}\r\n")
    loaded = read_policy_file(path)
    assert loaded.text == "{\r\n}\r\n"
    assert loaded.snapshot.bom and loaded.snapshot.newline == "\r\n"
    assert loaded.snapshot.links == 1 and loaded.snapshot.size == 9
    path.write_bytes(b"{\n}\r\n")
    assert read_policy_file(path).snapshot.newline is None  # mixed
    path.write_bytes(b"{}")
    assert read_policy_file(path).snapshot.newline is None


def test_not_utf8_names_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes('{\n"a": "é",\n  "b\xff'.encode("latin-1").replace(b"\xe9", "é".encode()))
    with pytest.raises(NotUtf8) as caught:
        read_policy_file(path)
    problem = caught.value
    assert (problem.line, problem.column, problem.byte) == (3, 5, 0xFF)
    assert str(problem).endswith(
        "not UTF-8 text (byte 0xff at line 3, column 5); ssm-tui will not rewrite it"
    )
    lenient = read_policy_file(path, strict_utf8=False)
    assert lenient.text.endswith('"b\ufffd') and lenient.not_utf8 is not None
    assert lenient.not_utf8.offset == problem.offset == len(path.read_bytes()) - 1


def test_too_large(pol: Path) -> None:
    with pytest.raises(TooLarge, match="bytes; ssm-tui reads files up to 10 bytes"):
        read_policy_file(pol, max_bytes=10)
    assert read_policy_file(pol, max_bytes=len(TEXT)).text == TEXT


# --- changes on disk -----------------------------------------------------------------------


def test_changed_since(pol: Path) -> None:
    snapshot = read_policy_file(pol).snapshot
    assert not changed_since(snapshot)
    pol.write_text(TEXT)  # rewritten with the same bytes: not a change
    assert not changed_since(snapshot)
    stat_before = pol.stat()
    pol.write_text(TEXT.replace("[]", "{}"))  # same size, maybe the same mtime tick
    os.utime(pol, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns))
    assert changed_since(snapshot)
    pol.unlink()
    assert changed_since(snapshot)


def test_save_refuses_a_file_changed_on_disk(pol: Path) -> None:
    snapshot = read_policy_file(pol).snapshot
    pol.write_text(TEXT + " ")
    with pytest.raises(ChangedOnDisk, match="changed by another program since it was opened"):
        save_policy_file(pol, "mine", expected=snapshot)
    assert pol.read_text() == TEXT + " "
    save_policy_file(pol, "mine", expected=snapshot, overwrite=True)
    assert pol.read_text() == "mine"


def test_save_after_delete_is_a_change(pol: Path) -> None:
    snapshot = read_policy_file(pol).snapshot
    pol.unlink()
    with pytest.raises(ChangedOnDisk, match="was deleted"):
        save_policy_file(pol, "mine", expected=snapshot)
    assert not pol.exists()


def test_save_over_an_existing_other_file_is_a_conflict(pol: Path, tmp_path: Path) -> None:
    with pytest.raises(FileExistsConflict, match=r"pol\.json: already exists"):
        save_policy_file(pol, "mine", expected=None)
    other = tmp_path / "other.json"
    other.write_text("x")
    with pytest.raises(FileExistsConflict):  # expected describes another file: a save-as
        save_policy_file(pol, "mine", expected=read_policy_file(other).snapshot)
    assert pol.read_text() == TEXT
    save_policy_file(pol, "mine", expected=None, overwrite=True)
    assert pol.read_text() == "mine"


def test_save_returns_the_new_snapshot(pol: Path) -> None:
    first = read_policy_file(pol).snapshot
    second = save_policy_file(pol, TEXT + "\n", expected=first)
    assert not changed_since(second)
    third = save_policy_file(pol, TEXT, expected=second)  # saving twice needs no prompt
    assert third.sha256 == first.sha256 and third.size == first.size


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        save_policy_file(tmp_path / "new.json", TEXT, expected=None)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644
    assert only(tmp_path) == ["new.json"]


# --- what the file keeps --------------------------------------------------------------------


def test_symlink_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "pol.json"
    target.write_text(TEXT)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    snapshot = read_policy_file(link).snapshot
    assert snapshot.real_path == str(target.resolve())
    save_policy_file(link, "new", expected=snapshot)
    assert link.is_symlink() and target.read_text() == "new"
    write_atomic(link, "again")
    assert link.is_symlink() and target.read_text() == "again"
    assert only(tmp_path) == ["link.json", "real"] and only(real_dir) == ["pol.json"]


def test_mode_and_owner_are_kept(pol: Path) -> None:
    pol.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(pol, 1234, 5678)
    save_policy_file(pol, "new", expected=read_policy_file(pol).snapshot)
    st = pol.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (1234, 5678)


def test_owner_change_not_allowed_is_ignored(pol: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refuse)
    save_policy_file(pol, "new", expected=read_policy_file(pol).snapshot)
    assert pol.read_text() == "new"


def test_read_only_file_refused_unless_allowed(pol: Path) -> None:
    pol.chmod(0o444)
    snapshot = read_policy_file(pol).snapshot
    with pytest.raises(ReadOnlyFile, match=r"pol\.json: is read-only; the file was not changed"):
        save_policy_file(pol, "new", expected=snapshot)
    assert pol.read_text() == TEXT
    save_policy_file(pol, "new", expected=snapshot, allow_read_only=True)
    assert pol.read_text() == "new" and stat.S_IMODE(pol.stat().st_mode) == 0o444


def test_read_only_when_access_denied(pol: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)  # not root, not the owner
    with pytest.raises(ReadOnlyFile):
        save_policy_file(pol, "new", expected=read_policy_file(pol).snapshot)


def test_hard_link_is_replaced_and_the_other_name_keeps_the_old_text(
    pol: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-name.json"
    os.link(pol, other)
    snapshot = read_policy_file(pol).snapshot
    assert snapshot.links == 2
    save_policy_file(pol, "new", expected=snapshot)
    assert pol.read_text() == "new" and other.read_text() == TEXT
    assert pol.stat().st_nlink == 1


def test_bom_kept_by_default_and_chosen_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b"\xef\xbb\xbf{}")
    snapshot = save_policy_file(path, "{ }", expected=read_policy_file(path).snapshot)
    assert path.read_bytes() == b"\xef\xbb\xbf{ }" and snapshot.bom
    save_policy_file(path, "{}", expected=snapshot, bom=False)
    assert path.read_bytes() == b"{}"


def test_lone_surrogate_is_one_line(pol: Path) -> None:
    with pytest.raises(FileProblem, match="lone surrogate") as caught:
        save_policy_file(pol, '{"a": "\ud800"}', expected=read_policy_file(pol).snapshot)
    assert "\n" not in str(caught.value) and pol.read_text() == TEXT


# --- faults ---------------------------------------------------------------------------------


def assert_intact(folder: Path, path: Path, text: str = TEXT) -> None:
    assert path.read_text() == text
    assert not [name for name in only(folder) if name.endswith(".tmp")]


def test_vanished_folder(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    path = folder / "p.json"
    path.write_text(TEXT)
    snapshot = read_policy_file(path).snapshot
    path.unlink()
    folder.rmdir()
    with pytest.raises(FileProblem, match=r"no longer exists\); nothing was written"):
        save_policy_file(path, "new", expected=snapshot, overwrite=True)
    with pytest.raises(FileProblem, match="no longer exists"):
        write_atomic(path, "new")


@pytest.mark.parametrize("where", ["open", "replace"])
def test_unwritable_folder_patched(
    pol: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """As root chmod 0o555 does not stop a write, so the refusal is simulated."""
    real = getattr(os, where)

    def refuse(*args: object, **kwargs: object) -> object:
        if where == "replace" or str(args[0]).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(*args, **kwargs)

    snapshot = read_policy_file(pol).snapshot
    monkeypatch.setattr(os, where, refuse)
    with pytest.raises(FileProblem) as caught:
        save_policy_file(pol, "new", expected=snapshot)
    message = str(caught.value)
    assert message == (
        f"{pol}: cannot save (the folder {tmp_path} cannot be written to); the file was not changed"
    )
    monkeypatch.undo()
    assert_intact(tmp_path, pol)


def test_disk_full_patched(pol: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def full(fd: int, data: object) -> int:
        calls.append(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    snapshot = read_policy_file(pol).snapshot
    monkeypatch.setattr(os, "write", full)
    with pytest.raises(FileProblem, match=r"cannot save \(the disk is full\); the file was not"):
        save_policy_file(pol, "new", expected=snapshot)
    with pytest.raises(FileProblem, match="the disk is full"):
        write_atomic(pol, "new")
    monkeypatch.undo()
    assert calls and isinstance(FileProblem("x"), OSError)
    assert_intact(tmp_path, pol)


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, where the machine lets us mount one (root in a sandbox)."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the patched-write tests cover this)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def test_disk_full_on_a_real_small_tmpfs(small_tmpfs: Path) -> None:
    path = small_tmpfs / "p.json"
    path.write_text(TEXT)
    snapshot = read_policy_file(path).snapshot
    with pytest.raises(FileProblem) as caught:
        save_policy_file(path, "x" * 200_000, expected=snapshot)
    assert str(caught.value) == f"{path}: cannot save (the disk is full); the file was not changed"
    assert_intact(small_tmpfs, path)


def test_read_only_file_system(small_tmpfs: Path) -> None:
    path = small_tmpfs / "p.json"
    path.write_text(TEXT)
    snapshot = read_policy_file(path).snapshot
    remount = subprocess.run(
        ["mount", "-o", "remount,ro", str(small_tmpfs)], capture_output=True, check=False
    )
    if remount.returncode != 0:
        pytest.skip("cannot remount read-only here")
    with pytest.raises(FileProblem) as caught:
        save_policy_file(path, "new", expected=snapshot, allow_read_only=True)
    message = str(caught.value)
    assert "cannot save (" in message and message.endswith("the file was not changed")
    assert "read-only" in message or "cannot be written to" in message
    assert_intact(small_tmpfs, path)


def test_problem_messages_are_one_line() -> None:
    problem = files._write_problem("p.json", ".", OSError(errno.EDQUOT, "Disk quota"), True)
    assert (
        str(problem) == "p.json: cannot save (the disk quota is exceeded); the file was not changed"
    )
