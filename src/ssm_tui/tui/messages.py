"""Messages the panes post to the app (facts, not commands to a particular widget)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from textual.message import Message


@dataclass
class OpenInEditor(Message):
    """Put this policy text in the editor (replacing what is there, after asking if unsaved)."""

    text: str
    title: str


@dataclass
class InsertStatements(Message):
    """Insert a rendered policy's statements into the editor's policy."""

    policy: dict[str, Any]
    mode: Literal["replace", "append"]
    title: str


@dataclass
class CopyRequest(Message):
    """Copy this policy (a JSON value) to the clipboard, in the user's chosen format."""

    policy: Any
    title: str


@dataclass
class ExportRequest(Message):
    """Export this policy (a JSON value) in a format the user picks (copy or save)."""

    policy: Any
    title: str
