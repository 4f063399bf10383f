"""The policy document the editor holds: the file it is (if any), its title, the text last
read or saved, and that file as it was then, so that a save notices a change made on disk
since and a draft records which version of the file it was made from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ssm_tui.export.files import FileSnapshot, LoadedFile

MAX_OPEN_BYTES = 10 * 1024 * 1024  # larger files are refused with a message
UNTITLED = "new policy"


@dataclass
class OpenDocument:
    path: Path | None = None
    title: str = UNTITLED
    saved_text: str = ""  # the text as last read or saved (the editor is dirty if it differs)
    snapshot: FileSnapshot | None = None  # the file as opened or last saved

    @staticmethod
    def read(path: Path) -> LoadedFile:
        """Read a policy file for editing: a regular UTF-8 file only (a FIFO, a device or
        a folder is refused without blocking; non-UTF-8 bytes are refused, since saving
        would rewrite them).  Raises FileProblem (one line)."""
        from ssm_tui.export.files import read_policy_file

        return read_policy_file(path, max_bytes=MAX_OPEN_BYTES)

    def untitled(self, title: str) -> None:
        """The document is no file's any more (a new policy, a copy from the library)."""
        self.path = None
        self.snapshot = None
        self.title = title

    def opened(self, path: Path, snapshot: FileSnapshot | None) -> None:
        """The document is the file at `path` (None snapshot: it does not exist yet)."""
        self.path = path
        self.snapshot = snapshot
        self.title = path.name

    def is_file(self, target: Path) -> bool:
        """Whether `target` is this document's file (the same file by its real path)."""
        return self.path is not None and os.path.realpath(target) == os.path.realpath(self.path)

    def write(
        self, target: Path, text: str, *, overwrite: bool, allow_read_only: bool
    ) -> FileSnapshot:
        """Write `text` to `target` (keeping the byte-order mark the document was read
        with): when `target` is this document's file, only if nobody changed it since it
        was read or saved.  Raises ChangedOnDisk, FileExistsConflict (unless `overwrite`),
        ReadOnlyFile (unless `allow_read_only`) or FileProblem, one line naming the file;
        the document is unchanged until `saved_as`."""
        from ssm_tui.export.files import save_policy_file

        return save_policy_file(
            target,
            text,
            expected=self.snapshot if self.is_file(target) else None,
            overwrite=overwrite,
            allow_read_only=allow_read_only,
            bom=self.snapshot.bom if self.snapshot is not None else None,
        )

    def saved_as(self, target: Path, snapshot: FileSnapshot, text: str) -> int:
        """The document is now `target`, just written with `text`; returns how many other
        hard links of the file keep its old text (a save replaces the file, not its
        content)."""
        links = self.snapshot.links if self.is_file(target) and self.snapshot else 1
        self.opened(target, snapshot)
        self.saved_text = text
        return links - 1

    def reloaded(self, loaded: LoadedFile) -> None:
        """The file was read again: its text is the saved text now."""
        self.saved_text = loaded.text
        self.snapshot = loaded.snapshot

    @property
    def draft_base(self) -> tuple[str | None, int | None]:
        """(sha256, size) of the file version a draft of this document is made from."""
        if self.snapshot is None:
            return None, None
        return self.snapshot.sha256, self.snapshot.size
