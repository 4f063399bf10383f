"""Reading and writing policy files without losing a byte of anybody's work.

`read_policy_file` reads regular files only (a FIFO, a device, a socket or a folder is
refused before it is opened, so nothing ever blocks), decodes UTF-8 and remembers what the
file was (`FileSnapshot`: inode, size, mtime, SHA-256, byte-order mark, line endings).

`save_policy_file` writes a policy back:

- atomically: the new bytes go to a temporary file in the target's own folder, are flushed
  to disk (fsync), and only then renamed over the target, so a crash or a full disk leaves
  the old file whole and no temporary file behind;
- to a symlink's *target* (the link stays a link);
- keeping the file's mode and, where the process may (``os.chown``; EPERM is ignored), its
  owner and group;
- only if the file is still what it was when it was opened (`ChangedOnDisk`), never over a
  file that exists but was not the one opened (`FileExistsConflict`), never over a file its
  mode makes read-only (`ReadOnlyFile`) unless the caller says so.

Hard links: a file with several names (st_nlink > 1) is replaced atomically like any other,
so the name written gets the new text and the file's other names keep the old text (they
become a separate file).  An in-place rewrite would keep the links together but cannot be
atomic: a crash or a full disk half-way would leave every name with a broken policy.  Losing
nothing matters more here than keeping a link; `FileSnapshot.links` lets a caller warn.

Every failure is a `FileProblem`, an `OSError` whose ``str()`` is one line naming the file
and saying what happened to it.  It subclasses `OSError` so that code which already catches
`OSError` around `write_atomic` stays correct.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

BOM = b"\xef\xbb\xbf"


class FileProblem(OSError):
    """A file could not be read or written; ``str(exc)`` is one line naming the path."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class MissingFile(FileProblem):
    """The file does not exist."""


class NotRegularFile(FileProblem):
    """A FIFO, a device, a socket or a folder where a policy file was expected."""


class NotUtf8(FileProblem):
    """The file's bytes are not UTF-8; `line`, `column` (1-based, in characters) and
    `offset` (in bytes from the start of the file) locate the first bad byte."""

    def __init__(self, message: str, *, line: int, column: int, offset: int, byte: int) -> None:
        super().__init__(message)
        self.line, self.column, self.offset, self.byte = line, column, offset, byte


class TooLarge(FileProblem):
    """The file is larger than the caller reads."""


class ChangedOnDisk(FileProblem):
    """The file differs from the snapshot taken when it was read."""


class FileExistsConflict(FileProblem):
    """Saving over a file that exists but is not the one that was opened."""


class ReadOnlyFile(FileProblem):
    """The file (a symlink's target) is not writable by its mode."""


@dataclass(frozen=True)
class FileSnapshot:
    """What a file was when it was read (or written)."""

    path: str  # as given
    real_path: str  # symlinks resolved: the file that is written
    device: int
    inode: int
    size: int
    mtime_ns: int
    sha256: str
    bom: bool  # it started with a UTF-8 byte-order mark
    newline: str | None  # "\n", "\r\n", "\r", or None (no line break, or mixed)
    links: int  # st_nlink


@dataclass(frozen=True)
class LoadedFile:
    text: str  # decoded, byte-order mark removed, line endings untouched
    snapshot: FileSnapshot
    # with strict_utf8=False: the first bad byte (its bytes became U+FFFD in `text`); a
    # caller that would write the text back must refuse (raise it) instead
    not_utf8: NotUtf8 | None = None


_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a FIFO (named pipe)"),
    (stat.S_ISSOCK, "is a socket"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
)


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "is not a regular file"


def _not_regular(path: str, mode: int) -> NotRegularFile:
    return NotRegularFile(f"{path}: {kind_of(mode)}, not a policy file")


def os_reason(exc: OSError) -> str:
    """What went wrong, in a few plain words ("the disk is full", "permission denied")."""
    code = exc.errno
    if code == errno.ENOSPC:
        return "the disk is full"
    if code == errno.EDQUOT:
        return "the disk quota is exceeded"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if code == errno.ENOENT:
        return "no such file or folder"
    if code == errno.EROFS:
        return "the file system is read-only"
    if code == errno.ENOTDIR:
        return "a part of the path is not a folder"
    if code == errno.ELOOP:
        return "too many levels of symbolic links"
    if code == errno.ENAMETOOLONG:
        return "the file name is too long"
    if code == errno.EISDIR:
        return "is a directory"
    return (exc.strerror or str(exc) or type(exc).__name__).rstrip(".").lower()


def _read_problem(path: str, exc: OSError) -> FileProblem:
    if isinstance(exc, FileProblem):
        return exc
    if exc.errno == errno.ENOENT:
        return MissingFile(f"{path}: no such file")
    if exc.errno == errno.EISDIR:
        return NotRegularFile(f"{path}: is a directory, not a policy file")
    return FileProblem(f"{path}: cannot read ({os_reason(exc)})")


def _newline(data: bytes) -> str | None:
    crlf = data.count(b"\r\n")
    cr = data.count(b"\r") - crlf
    lf = data.count(b"\n") - crlf
    kinds = [name for name, n in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if n]
    return kinds[0] if len(kinds) == 1 else None


def _not_utf8(path: str, data: bytes, start: int, bad: int) -> NotUtf8:
    """The NotUtf8 problem for the first bad byte at `bad` (text starts at `start`)."""
    before = data[start:bad].decode("utf-8")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return NotUtf8(
        f"{path}: not UTF-8 text (byte 0x{data[bad]:02x} at line {line}, column {column}); "
        "ssm-tui will not rewrite it",
        line=line,
        column=column,
        offset=bad,
        byte=data[bad],
    )


def _snapshot(path: str, real: str, st: os.stat_result, data: bytes) -> FileSnapshot:
    return FileSnapshot(
        path=path,
        real_path=real,
        device=st.st_dev,
        inode=st.st_ino,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        sha256=hashlib.sha256(data).hexdigest(),
        bom=data.startswith(BOM),
        newline=_newline(data),
        links=st.st_nlink,
    )


def _read_bytes(path: str, max_bytes: int | None) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file, never opening (or blocking on) anything else."""
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise _not_regular(path, before.st_mode)
        if max_bytes is not None and before.st_size > max_bytes:
            raise _too_large(path, before.st_size, max_bytes)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        flags |= getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        try:
            st = os.fstat(fd)  # it may have been swapped for a FIFO since the stat
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular(path, st.st_mode)
            limit = -1 if max_bytes is None else max_bytes + 1
            chunks = []
            read = 0
            while limit < 0 or read < limit:
                chunk = os.read(fd, 1 << 20 if limit < 0 else min(1 << 20, limit - read))
                if not chunk:
                    break
                chunks.append(chunk)
                read += len(chunk)
            data = b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as exc:
        raise _read_problem(path, exc) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_large(path, len(data), max_bytes)
    return data, st


def _too_large(path: str, size: int, limit: int) -> TooLarge:
    return TooLarge(f"{path}: {size:,} bytes; ssm-tui reads files up to {limit:,} bytes")


def read_policy_file(
    path: str | Path, *, max_bytes: int | None = None, strict_utf8: bool = True
) -> LoadedFile:
    """Read a policy file: regular files only, UTF-8 (a leading byte-order mark is removed
    and remembered), line endings untouched.

    With ``strict_utf8=False`` bytes that are not UTF-8 become U+FFFD (the validator reports
    them with their position) and `LoadedFile.not_utf8` says where the first one was; with
    the default a `NotUtf8` is raised instead.  Raises `FileProblem` (one line)."""
    name = os.fspath(path)
    data, st = _read_bytes(name, max_bytes)
    snapshot = _snapshot(name, os.path.realpath(name), st, data)
    start = len(BOM) if snapshot.bom else 0
    try:
        text = data[start:].decode("utf-8")
        problem = None
    except UnicodeDecodeError as exc:
        problem = _not_utf8(name, data, start, start + exc.start)
        if strict_utf8:
            raise problem from None
        text = data[start:].decode("utf-8", errors="replace")
    return LoadedFile(text, snapshot, problem)


def snapshot_of(path: str | Path) -> FileSnapshot | None:
    """The file's current state; None when it does not exist (or is not a regular file
    that can be read)."""
    name = os.fspath(path)
    try:
        data, st = _read_bytes(name, None)
    except FileProblem:
        return None
    return _snapshot(name, os.path.realpath(name), st, data)


def changed_since(snapshot: FileSnapshot) -> bool:
    """Whether the file at ``snapshot.path`` now holds other bytes than it did (or is gone,
    or the symlink now leads elsewhere).  Same content is not a change, even if another
    program rewrote it.  When the size is the same the content is hashed: mtime alone misses
    two writes within the file system's clock tick."""
    name = snapshot.path
    try:
        if os.path.realpath(name) != snapshot.real_path:
            return True
        st = os.stat(name)
    except OSError:
        return True
    if not stat.S_ISREG(st.st_mode) or st.st_size != snapshot.size:
        return True
    try:
        data, _ = _read_bytes(name, None)
    except FileProblem:
        return True
    return hashlib.sha256(data).hexdigest() != snapshot.sha256


def _is_read_only(st: os.stat_result, real: str) -> bool:
    """Not writable by its mode: no write bit at all (which stops even root, who can write
    anything, from overwriting a file someone made read-only), or not writable by us."""
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    return not os.access(real, os.W_OK)


def _write_problem(path: str, folder: str, exc: OSError, existed: bool) -> FileProblem:
    if isinstance(exc, FileProblem):
        return exc
    reason = os_reason(exc)
    if exc.errno in (errno.EACCES, errno.EPERM):
        reason = f"the folder {folder} cannot be written to"
    elif exc.errno == errno.ENOENT:
        reason = f"the folder {folder} no longer exists"
    outcome = "the file was not changed" if existed else "nothing was written"
    return FileProblem(f"{path}: cannot save ({reason}); {outcome}")


def _replace_with(
    real: str, data: bytes, *, existing: os.stat_result | None, new_mode: int
) -> None:
    """Write `data` to a temporary file next to `real`, fsync it, give it the existing file's
    mode and owner (a new file: `new_mode`, less the umask), and rename it over `real`.
    On failure the temporary file is removed and the OSError propagates."""
    folder = os.path.dirname(real) or "."
    temporary = os.path.join(folder, f".{os.path.basename(real)}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temporary, flags, 0o600 if existing is not None else new_mode)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if existing is not None:
            with contextlib.suppress(PermissionError, AttributeError, NotImplementedError):
                os.chown(temporary, existing.st_uid, existing.st_gid)  # before chmod: it can
            os.chmod(temporary, stat.S_IMODE(existing.st_mode))  # clear set-id bits
        os.replace(temporary, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable where the platform allows (best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _encode(path: str, text: str, bom: bool, existed: bool) -> bytes:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        outcome = "the file was not changed" if existed else "nothing was written"
        raise FileProblem(
            f"{path}: cannot save (the text holds U+{ord(text[exc.start]):04X}, a lone "
            f"surrogate, at character {exc.start + 1}, which UTF-8 cannot store); {outcome}"
        ) from None
    return BOM + data if bom else data


def save_policy_file(
    path: str | Path,
    text: str,
    *,
    expected: FileSnapshot | None,
    overwrite: bool = False,
    allow_read_only: bool = False,
    bom: bool | None = None,
) -> FileSnapshot:
    """Write `text` (UTF-8) to `path` safely and return the new snapshot.

    `expected` is the snapshot from when the file was opened (None for a new file or a
    save-as).  Raises `ChangedOnDisk` if the file is no longer what `expected` describes,
    `FileExistsConflict` if `expected` is None (or describes another file) and `path`
    exists, both unless ``overwrite``; `ReadOnlyFile` if the (resolved) target has no write
    permission for us, unless ``allow_read_only`` (the file is then written and keeps its
    read-only mode); `NotRegularFile` for a FIFO, device or folder.  Any OSError (full disk,
    quota, unwritable or vanished folder, read-only file system) becomes a `FileProblem`
    with one line; the original file is intact and no temporary file remains.

    A byte-order mark is written when `bom` is True (default: ``expected.bom``, else none).
    Line endings are the caller's: the text is written as it is.  Symlinks are followed
    (the target is written, the link stays).  Hard links: see the module docstring (the
    name written gets the new text; other names keep the old one).  The check for a change
    and the rename are two steps: a program writing in the instant between them is not
    detected (POSIX offers no compare-and-swap rename)."""
    name = os.fspath(path)
    real = os.path.realpath(name)
    folder = os.path.dirname(real) or "."
    try:
        existing: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise _write_problem(name, folder, exc, existed=False) from None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise _not_regular(name, existing.st_mode)
    same_file = expected is not None and expected.real_path == real
    if not overwrite:
        if same_file and expected is not None and changed_since(expected):
            gone = existing is None
            raise ChangedOnDisk(
                f"{name}: "
                + ("was deleted" if gone else "was changed by another program")
                + " since it was opened; the file was not changed"
            )
        if not same_file and existing is not None:
            raise FileExistsConflict(f"{name}: already exists; the file was not changed")
    if existing is not None and not allow_read_only and _is_read_only(existing, real):
        raise ReadOnlyFile(f"{name}: is read-only; the file was not changed")
    if bom is None:
        bom = expected.bom if expected is not None else False
    data = _encode(name, text, bom, existing is not None)
    try:
        _replace_with(real, data, existing=existing, new_mode=0o666)
        st = os.stat(real)
    except OSError as exc:
        raise _write_problem(name, folder, exc, existed=existing is not None) from None
    return _snapshot(name, real, st, data)


def write_atomic(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename it
    over the target (atomic on POSIX and Windows).  Follows a symlink (the target is
    written), keeps the target's mode and, where allowed, its owner; a new file is private
    (0o600).  No checks for external changes: drafts, settings and exports use this.
    Raises `FileProblem` (an OSError, one line) on failure; the old file is intact."""
    name = os.fspath(path)
    real = os.path.realpath(name)
    folder = os.path.dirname(real) or "."
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise FileProblem(f"{name}: cannot save ({exc.reason}); the file was not changed") from None
    existing: os.stat_result | None = None
    try:
        with contextlib.suppress(FileNotFoundError):
            existing = os.stat(real)
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            raise _not_regular(name, existing.st_mode)
        _replace_with(real, data, existing=existing, new_mode=0o600)
    except OSError as exc:
        raise _write_problem(name, folder, exc, existed=existing is not None) from None
