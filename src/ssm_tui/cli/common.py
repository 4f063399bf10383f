"""What every command shares: exit statuses, `UsageError`, reading a policy source, output.

Imports no other module of `ssm_tui.cli` (the commands import it, never the other way).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from ssm_tui.crash import EXIT_INTERNAL as EXIT_INTERNAL  # shared with the TUI
from ssm_tui.textsafe import escape_control

if TYPE_CHECKING:  # the file reader is imported when a file is read (not to open the TUI)
    from ssm_tui.export.files import FileSnapshot, NotUtf8

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
STDIN_NAME = "<stdin>"
# the largest policy text a command reads: characters not counting whitespace, and characters
# in all; mirror ssm_tui.checks.MAX_CHECKED_CHARS and MAX_TEXT_CHARS (a test keeps them
# equal) without importing the validator
MAX_INPUT_CHARS = 200_000
MAX_INPUT_TEXT_CHARS = 1_000_000
# no file larger than this is read at all (check reports an oversized text as a finding, but
# need not hold a multi-gigabyte file in memory to do so)
MAX_READ_BYTES = 64 * 1024 * 1024


class UsageError(Exception):
    """A problem with how the command was called or with an input file: exit status 2."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    text: str
    path: str | None = None  # the file it was read from; None for stdin and embedded policies
    snapshot: FileSnapshot | None = None  # what the file was when read (for --fix)
    not_utf8: NotUtf8 | None = None  # its first byte that is not UTF-8 (became U+FFFD)
    problem: str | None = None  # why a policy inside a document could not be read


def decode_policy_bytes(data: bytes) -> str:
    """Policy text from bytes; bytes that are not UTF-8 become U+FFFD, which the validator
    reports with their position instead of failing."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors="replace")


def _too_long(name: str, chars: str, reads: str | None) -> UsageError:
    return UsageError(f"{escape_control(name)}: {chars}; ssm-tui reads policies up to {reads}")


def read_source(
    path: str,
    stdin: TextIO | None = None,
    *,
    max_chars: int | None = None,
    strict_utf8: bool = False,
    reads: str | None = None,
) -> Source:
    """The policy at `path` ('-': standard input).  Only regular files are read: a FIFO, a
    device or a folder is refused without being opened, so no command ever hangs on one.
    Bytes that are not UTF-8 become U+FFFD (the validator reports them; --fix refuses the
    file).  With `max_chars`, a longer text is a `UsageError` (as are all problems here: one
    line, file names escaped for the terminal).  With `strict_utf8` a file that is not UTF-8
    is refused, naming the first bad byte's line and column.  `reads` says what the limit is
    in those messages (default: `max_chars` characters)."""
    if max_chars is not None and reads is None:
        reads = f"{max_chars:,} characters"
    limit = MAX_READ_BYTES if max_chars is None else min(MAX_READ_BYTES, 4 * max_chars + 3)
    if path == "-":
        stream = stdin or sys.stdin
        buffer = getattr(stream, "buffer", None)
        try:
            raw = buffer.read(limit + 1) if buffer is not None else stream.read(limit + 1)
        except OSError as exc:
            raise UsageError(f"{STDIN_NAME}: cannot read ({exc.strerror or exc})") from None
        text = decode_policy_bytes(raw) if isinstance(raw, bytes) else raw
        if len(raw) > limit and max_chars is None:
            raise UsageError(f"{STDIN_NAME}: more than {limit:,} bytes; ssm-tui reads up to that")
        if max_chars is not None and len(text) > max_chars:
            raise _too_long(STDIN_NAME, f"{len(text):,} characters", reads)
        return Source(STDIN_NAME, text, None)
    from ssm_tui.export.files import FileProblem, TooLarge, read_policy_file

    try:
        loaded = read_policy_file(path, max_bytes=limit, strict_utf8=strict_utf8)
    except TooLarge as exc:
        if max_chars is None:
            raise UsageError(escape_control(str(exc))) from None
        raise _too_long(path, f"larger than {max_chars:,} characters", reads) from None
    except FileProblem as exc:
        raise UsageError(escape_control(str(exc))) from None
    if max_chars is not None and len(loaded.text) > max_chars:
        raise _too_long(path, f"{len(loaded.text):,} characters", reads)
    return Source(path, loaded.text, path, loaded.snapshot, loaded.not_utf8)


def read_policy_source(path: str) -> Source:
    """`read_source` with the size every command reads (check's cut-off: 200,000 characters
    not counting whitespace, 1,000,000 in all): a UsageError with one line beyond it."""
    from ssm_tui.checks import MAX_CHECKED_CHARS, MAX_TEXT_CHARS, policy_size
    from ssm_tui.checks.size import cut_off_phrase

    reads = cut_off_phrase()
    source = read_source(path, max_chars=MAX_TEXT_CHARS, reads=reads)
    counted = policy_size(source.text)
    if counted > MAX_CHECKED_CHARS:
        raise _too_long(source.name, f"{counted:,} characters not counting whitespace", reads)
    return source


def write_json(payload: Any, out: TextIO) -> None:
    """`payload` as the commands print JSON (control characters as JSON escapes)."""
    from ssm_tui.report import dumps

    out.write(dumps(payload))


def write_lines(lines: list[str], out: TextIO) -> None:
    """Each line, terminal control characters shown as visible escapes, then a line break."""
    out.writelines(escape_control(line) + "\n" for line in lines)
