"""Unsaved editor work survives a crash, a killed terminal, a dropped SSH connection or a quit.

A draft belongs to a *document* and to one running *instance* of the TUI:

- the document is a file, keyed by its resolved real path (symlinks followed), or an
  untitled buffer (keyed by the instance that holds it: each instance has its own);
- the instance is one run of ssm-tui: a random id, the process id, the host name and the
  start time.

Each (document, instance) pair has one file in `drafts_dir()`,
``<hash of the document key>.<instance id>.json``, rewritten atomically (`write_atomic`) on
every autosave.  It holds the text, the source path (as given and resolved), the SHA-256 and
size of the file as it was when it was opened (so "the draft differs from the file" and "the
file changed since" are decidable), when it was saved (UTC, ISO 8601), the title and the
instance.  Two instances editing different files, or the same file, write different files:
they never overwrite each other's drafts.

A running instance holds an exclusive `flock` on ``instances/<id>.lock``; another instance
that can take that lock knows the first one is gone (killed, crashed, or quit), so its drafts
are *abandoned* and can be offered.  Where locks are unavailable the process id is checked
(same host only).  A draft of an instance that is still running is never offered as
abandoned; `DraftStore.editing_elsewhere` says who else is editing a file.

`DraftStore.prune` removes old drafts by age and count but never the only copy of unsaved
work: a document's newest draft whose text differs from its file (and from every other
draft) stays, however old.

The old single-draft layout (``current.json`` / ``previous.json``) is migrated on first use:
each becomes a draft of a dead instance ("legacy").

Reading never raises: a broken draft file is skipped, and a broken drafts folder only means
there is nothing to offer.  The folder is platformdirs' ``user_state_path("ssm-tui")/drafts``,
or ``$SSM_TUI_STATE_DIR/drafts`` when set (tests).  It is created private to the user: a
policy draft can hold account IDs and resource names.  This module never imports textual.

To recover a draft by hand: every ``*.json`` file in the drafts folder is a JSON object whose
``"text"`` is the policy and whose ``"source_path"`` is the file it was for.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import socket
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ssm_tui.export.files import FileProblem, os_reason, write_atomic
from ssm_tui.paths import ensure_dir, state_dir

FORMAT = 2
LEGACY_FILES = ("current.json", "previous.json")  # the layout before one draft per document
LEGACY_INSTANCE_ID = "legacy"
INSTANCES_FOLDER = "instances"
MAX_DRAFT_FILE = 16 * 1024 * 1024  # a draft file larger than this is not read (not ours)


# --- instances ----------------------------------------------------------------------------
def _process_start(pid: int) -> str | None:
    """The kernel's start time of process `pid` (Linux: field 22 of /proc/<pid>/stat), so
    a recycled process id is not taken for the instance that had it; None elsewhere."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces or parentheses
    fields = data[data.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


class InstanceInfo(BaseModel):
    """One run of ssm-tui."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    id: str
    pid: int = 0
    host: str = ""
    started_at: str = ""  # UTC, ISO 8601
    process_start: str | None = None  # see _process_start


def new_instance() -> InstanceInfo:
    """The identity of this process's instance (a fresh id every call)."""
    pid = os.getpid()
    return InstanceInfo(
        id=uuid.uuid4().hex,
        pid=pid,
        host=socket.gethostname(),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        process_start=_process_start(pid),
    )


# --- documents ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Document:
    """What a draft is a draft of: a file (`path` as given, `real_path` resolved) or, with
    no path, the untitled buffer of the instance `owner`."""

    path: str | None
    real_path: str | None
    owner: str = ""  # the instance id, for an untitled buffer

    @classmethod
    def for_path(cls, path: str | os.PathLike[str] | None, owner: str = "") -> Document:
        if path is None:
            return cls(None, None, owner)
        given = os.fspath(path)
        try:
            real = os.path.realpath(os.path.expanduser(given))
        except (OSError, ValueError):
            real = os.path.abspath(given)
        return cls(given, real, owner)

    @property
    def key(self) -> str:
        return f"file:{self.real_path}" if self.real_path is not None else f"new:{self.owner}"

    @property
    def untitled(self) -> bool:
        return self.real_path is None


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]


# --- drafts -------------------------------------------------------------------------------
class Draft(BaseModel):
    """One saved draft (see the module docstring)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    format: int = FORMAT
    key: str = ""  # Document.key
    text: str
    source_path: str | None = None  # as given
    real_path: str | None = None  # resolved
    base_sha256: str | None = None  # the file when it was opened (None: a new file)
    base_size: int | None = None
    saved_at: str
    title: str = ""
    instance: InstanceInfo = Field(default_factory=lambda: InstanceInfo(id=LEGACY_INSTANCE_ID))

    @field_validator("saved_at")
    @classmethod
    def _iso_timestamp(cls, value: str) -> str:
        moment = datetime.fromisoformat(value)  # ValueError (-> ValidationError) if not ISO
        if moment.tzinfo is None:
            raise ValueError("saved_at needs a time zone")
        return value

    @property
    def saved_at_datetime(self) -> datetime:
        return datetime.fromisoformat(self.saved_at)

    @property
    def untitled(self) -> bool:
        return self.real_path is None


DraftState = Literal["own", "abandoned", "running", "other-host"]


@dataclass(frozen=True)
class FoundDraft:
    """A draft on disk: its file, what it holds, and whose it is: this instance's ("own"),
    a gone instance's ("abandoned"), a running one's ("running"), or an instance on another
    host whose state cannot be known here ("other-host")."""

    file: Path
    draft: Draft
    state: DraftState

    @property
    def offerable(self) -> bool:
        return self.state != "running"


def _read(path: Path) -> Draft | None:
    try:
        if path.stat().st_size > MAX_DRAFT_FILE:
            return None
        return Draft.model_validate_json(path.read_bytes())
    except (OSError, ValueError, ValidationError, RecursionError):
        return None


def drafts_dir() -> Path:
    """``<state dir>/drafts`` (the state dir is ``$SSM_TUI_STATE_DIR`` when set)."""
    return state_dir() / "drafts"


def file_text(path: str | None) -> str | None:
    """The text of the file a draft is for as the editor would show it (byte-order mark
    removed), or None when it does not exist or cannot be read as UTF-8.  Never raises."""
    if path is None:
        return None
    try:
        from ssm_tui.export.files import read_policy_file

        return read_policy_file(path, max_bytes=MAX_DRAFT_FILE).text
    except Exception:
        return None


def differs_from_file(draft: Draft) -> bool:
    """Whether the draft holds work the file does not have (True for an untitled draft
    with any text, and for a draft of a file that is gone or unreadable)."""
    if draft.real_path is None:
        return bool(draft.text.strip())
    return file_text(draft.real_path) != draft.text


def file_changed_since_draft(draft: Draft) -> bool:
    """Whether the file is no longer the one the draft was based on (another program, or
    another instance, saved it since)."""
    if draft.real_path is None:
        return False
    try:
        data = Path(draft.real_path).read_bytes() if os.path.isfile(draft.real_path) else None
    except OSError:
        data = None
    if data is None:
        return draft.base_sha256 is not None
    return hashlib.sha256(data).hexdigest() != draft.base_sha256


def line_changes(before: str, after: str) -> tuple[int, int]:
    """(lines added, lines removed) going from `before` to `after`."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), False)
    added = removed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return added, removed


def describe_changes(before: str | None, after: str) -> str:
    """Say "+5 −2 lines" from `before` (None: nothing, a new file) to `after`."""
    added, removed = line_changes(before or "", after)
    if not added and not removed:
        return "no line changed" if before != after else "the same text"
    return f"+{added} \u2212{removed} lines"


def describe_age(saved_at: datetime, now: datetime | None = None) -> str:
    """Say "saved 14:02 today, 3 minutes ago", in the local time zone."""
    now = now or datetime.now(UTC)
    local = saved_at.astimezone()
    today = now.astimezone().date()
    if local.date() == today:
        day = f"{local:%H:%M} today"
    elif local.date() == today - timedelta(days=1):
        day = f"{local:%H:%M} yesterday"
    else:
        day = f"{local:%Y-%m-%d %H:%M}"
    seconds = max(0, int((now - saved_at).total_seconds()))
    if seconds < 60:
        ago = "just now"
    else:
        for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
            if seconds >= size:
                count = seconds // size
                ago = f"{count} {unit}{'s' if count != 1 else ''} ago"
                break
    return f"saved {day}, {ago}"


def _lock_module() -> Any:
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    return fcntl


class DraftStore:
    """The drafts of one running instance, and what it can see of the others'."""

    def __init__(self, instance: InstanceInfo | None = None, folder: Path | None = None) -> None:
        self.instance = instance or new_instance()
        self._folder = folder
        self._lock_fd: int | None = None
        self._migrated = False
        self._released = False
        self.hold_lock()

    # -- folder and lock -------------------------------------------------------------------
    @property
    def folder(self) -> Path:
        return self._folder if self._folder is not None else drafts_dir()

    def _lock_path(self, instance_id: str) -> Path:
        return self.folder / INSTANCES_FOLDER / f"{instance_id}.lock"

    def hold_lock(self) -> None:
        """Take this instance's lock (it says "I am running" to other instances).  Best
        effort: without it (no folder, no flock) other instances check the process id."""
        fcntl = _lock_module()
        if fcntl is None or self._lock_fd is not None or self._released:
            return
        with contextlib.suppress(OSError):
            path = self._lock_path(self.instance.id)
            ensure_dir(self.folder)  # private, not made by mkdir(parents=True)
            ensure_dir(path.parent)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.write(fd, self.instance.model_dump_json().encode("utf-8"))
            except OSError:
                os.close(fd)
                return
            self._lock_fd = fd

    def release(self) -> None:
        """Stop saying this instance runs (what the OS does when the process dies).  Its
        drafts stay, to be offered to the next instance.  Never raises."""
        self._released = True
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None

    def is_running(self, instance: InstanceInfo) -> bool | None:
        """True when `instance` still runs, False when it is gone, None when that cannot be
        known (another host)."""
        if instance.id == self.instance.id:
            return True
        if instance.id == LEGACY_INSTANCE_ID:
            return False
        if instance.host and instance.host != self.instance.host:
            return None
        fcntl = _lock_module()
        if fcntl is not None:
            try:
                fd = os.open(self._lock_path(instance.id), os.O_RDONLY)
            except OSError:
                pass  # no lock file: fall back on the process id
            else:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return True  # someone holds it
                finally:
                    os.close(fd)
                return False
        return self._pid_alive(instance)

    @staticmethod
    def _pid_alive(instance: InstanceInfo) -> bool:
        if instance.pid <= 0 or sys.platform == "win32":  # os.kill(pid, 0) kills on Windows
            return False
        try:
            os.kill(instance.pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            pass  # EPERM: it exists (another user's)
        start = _process_start(instance.pid)
        return start is None or instance.process_start is None or start == instance.process_start

    # -- writing ---------------------------------------------------------------------------
    def document(self, path: str | os.PathLike[str] | None) -> Document:
        """The document for `path` (None: this instance's untitled buffer)."""
        return Document.for_path(path, owner=self.instance.id)

    def file_for(self, doc: Document) -> Path:
        return self.folder / f"{_key_hash(doc.key)}.{self.instance.id}.json"

    def save(
        self,
        doc: Document,
        text: str,
        title: str,
        *,
        base_sha256: str | None = None,
        base_size: int | None = None,
    ) -> Draft:
        """Write this instance's draft of `doc` and return it.  Raises OSError (a one-line
        `FileProblem`) when the disk refuses; the previous draft file is then intact."""
        draft = Draft(
            key=doc.key,
            text=text,
            source_path=doc.path,
            real_path=doc.real_path,
            base_sha256=base_sha256,
            base_size=base_size,
            saved_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            title=title,
            instance=self.instance,
        )
        try:
            ensure_dir(self.folder)
        except OSError as exc:
            raise FileProblem(
                f"{self.folder}: cannot create the drafts folder ({os_reason(exc)})"
            ) from None
        self.hold_lock()
        write_atomic(self.file_for(doc), draft.model_dump_json(indent=2) + "\n")
        return draft

    def discard(self, doc: Document) -> None:
        """Forget this instance's draft of `doc` (the work was saved, or thrown away on
        purpose).  Never raises."""
        with contextlib.suppress(OSError):
            self.file_for(doc).unlink(missing_ok=True)

    def remove(self, found: FoundDraft) -> None:
        """Delete one draft file (the user chose Discard).  Never raises."""
        with contextlib.suppress(OSError):
            found.file.unlink(missing_ok=True)

    def adopt(self, found: FoundDraft, doc: Document, title: str) -> Draft | None:
        """Take over another instance's draft (the user chose Restore): it becomes this
        instance's draft of `doc` and the old file goes.  If the new draft cannot be
        written the old one stays.  Never raises; None when it could not be written."""
        if found.state == "own" and found.file == self.file_for(doc):
            return found.draft
        try:
            draft = self.save(
                doc,
                found.draft.text,
                title,
                base_sha256=found.draft.base_sha256,
                base_size=found.draft.base_size,
            )
        except OSError:
            return None
        self.remove(found)
        return draft

    # -- reading ---------------------------------------------------------------------------
    def _migrate_legacy(self) -> None:
        """Turn ``current.json`` / ``previous.json`` into drafts of a dead instance."""
        if self._migrated:
            return
        self._migrated = True
        for name in LEGACY_FILES:
            old = self.folder / name
            with contextlib.suppress(OSError, ValueError):
                if not old.is_file():
                    continue
                data = json.loads(old.read_bytes())
                if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                    continue
                source = data.get("source_path")
                doc = Document.for_path(source if isinstance(source, str) else None)
                if doc.untitled:
                    doc = Document(None, None, f"{LEGACY_INSTANCE_ID}-{name}")
                saved_at = data.get("saved_at")
                if not isinstance(saved_at, str):
                    saved_at = datetime.now(UTC).isoformat(timespec="seconds")
                title = data.get("title")
                draft = Draft(
                    key=doc.key,
                    text=data["text"],
                    source_path=doc.path,
                    real_path=doc.real_path,
                    saved_at=saved_at,
                    title=title if isinstance(title, str) else "",
                )
                target = self.folder / f"{_key_hash(doc.key)}.{LEGACY_INSTANCE_ID}-{name}"
                write_atomic(target, draft.model_dump_json(indent=2) + "\n")
                old.unlink()

    def all_drafts(self) -> list[FoundDraft]:
        """Every readable draft in the folder, newest first.  Never raises."""
        self._migrate_legacy()
        try:
            files = [p for p in self.folder.glob("*.json") if p.name not in LEGACY_FILES]
        except OSError:
            return []
        found: list[FoundDraft] = []
        states: dict[str, DraftState] = {}
        for file in files:
            draft = _read(file)
            if draft is None or not draft.key:
                continue
            instance = draft.instance
            if instance.id not in states:
                running = self.is_running(instance)
                states[instance.id] = (
                    "own"
                    if instance.id == self.instance.id
                    else "running"
                    if running
                    else "other-host"
                    if running is None
                    else "abandoned"
                )
            found.append(FoundDraft(file, draft, states[instance.id]))
        found.sort(key=lambda f: f.draft.saved_at_datetime, reverse=True)
        return found

    def drafts_for(self, path: str | os.PathLike[str] | None) -> list[FoundDraft]:
        """The drafts of the file `path` (None: untitled buffers) that this instance may
        offer: its own and those of instances that are gone (or on another host), newest
        first.  A running instance's draft is not among them (see `editing_elsewhere`)."""
        if path is None:
            return [
                f
                for f in self.all_drafts()
                if f.draft.untitled
                and f.offerable
                and (f.state != "own" or f.draft.key == self.document(None).key)
            ]
        key = self.document(path).key
        return [f for f in self.all_drafts() if f.draft.key == key and f.offerable]

    def editing_elsewhere(self, path: str | os.PathLike[str]) -> list[InstanceInfo]:
        """The other running instances that have a draft of the file `path`."""
        key = self.document(path).key
        return [
            f.draft.instance
            for f in self.all_drafts()
            if f.draft.key == key and f.state == "running"
        ]

    # -- pruning ---------------------------------------------------------------------------
    def prune(
        self, max_age_days: float = 30, max_count: int = 50, *, now: datetime | None = None
    ) -> list[Path]:
        """Delete drafts that are no longer needed and return their files.  Never raises.

        Removed: drafts whose text is already in their file; older versions of a document
        (a newer draft of the same document exists) once they are older than the age limit
        or beyond the count; copies (another draft holds the same text).  Never removed: a
        running instance's draft, and a document's newest draft that differs from its file
        and from every other draft, the only copy of that unsaved work, whatever its age.
        Lock files of gone instances with no draft left are removed too."""
        now = now or datetime.now(UTC)
        limit = now - timedelta(days=max_age_days)
        drafts = [f for f in self.all_drafts() if f.state in ("abandoned", "own")]
        removed: list[Path] = []
        newest_of: dict[str, FoundDraft] = {}
        texts_seen: dict[str, FoundDraft] = {}
        file_texts: dict[str, str | None] = {}
        candidates: list[FoundDraft] = []
        for found in drafts:  # newest first
            draft = found.draft
            if draft.real_path is not None and draft.real_path not in file_texts:
                file_texts[draft.real_path] = file_text(draft.real_path)
            same_as_file = draft.real_path is not None and (
                file_texts[draft.real_path] == draft.text
            )
            if found.state == "own":
                newest_of.setdefault(draft.key, found)
                texts_seen.setdefault(draft.text, found)
                continue  # this instance manages its own drafts
            if same_as_file:
                removed.append(found.file)
                continue
            newest = newest_of.setdefault(draft.key, found)
            copy = texts_seen.setdefault(draft.text, found) is not found
            if copy:
                removed.append(found.file)
            elif newest is not found:
                candidates.append(found)  # an older version of a document
        kept = len(drafts) - len(removed)
        for found in reversed(candidates):  # oldest first
            if found.draft.saved_at_datetime < limit or kept > max_count:
                removed.append(found.file)
                kept -= 1
        for file in removed:
            with contextlib.suppress(OSError):
                file.unlink(missing_ok=True)
        self._prune_locks()
        return removed

    def _prune_locks(self) -> None:
        with contextlib.suppress(OSError):
            owners = {f.draft.instance.id for f in self.all_drafts()}
            for lock in (self.folder / INSTANCES_FOLDER).glob("*.lock"):
                instance_id = lock.stem
                if instance_id == self.instance.id or instance_id in owners:
                    continue
                if self.is_running(InstanceInfo(id=instance_id, host=self.instance.host)):
                    continue
                lock.unlink(missing_ok=True)
