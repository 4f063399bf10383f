"""Messages posted to the app by the panes and by its validation worker (facts, not commands
to a particular widget)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from textual.message import Message

if TYPE_CHECKING:
    from ssm_tui.checks import ValidationResult


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


@dataclass
class ValidationDone(Message):
    """The validator's result for `text` (posted by the validation worker; the app shows it
    if `text` is still the editor's text)."""

    text: str
    result: ValidationResult
