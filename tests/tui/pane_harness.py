"""A harness app for one library pane: it composes only the pane and keeps what the pane
posts (OpenInEditor, InsertStatements, CopyRequest, ExportRequest), the notifications it
raises, the help sections asked for (`app.help(...)`) and the escapes that reach the app."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widget import Widget

from ssm_tui.tui.app import SsmTuiApp
from ssm_tui.tui.messages import CopyRequest, ExportRequest, InsertStatements, OpenInEditor


def app_keys() -> frozenset[str]:
    """Every key the real app binds (issue 12: no key of a pane may also mean one of these)."""
    keys = {"ctrl+p"}  # the command palette
    for binding in SsmTuiApp.BINDINGS:
        if isinstance(binding, Binding):
            keys.update(key.strip() for key in binding.key.split(","))
    return frozenset(keys)


class PaneHarness(App[None]):
    """Composes `PANE` alone (at `pane_width` columns when given)."""

    PANE: ClassVar[type[Widget]]
    PANE_ID: ClassVar[str] = "pane"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "escaped", "Escaped")]

    def __init__(self, pane_width: int | None = None) -> None:
        super().__init__()
        self.pane_width = pane_width
        self.posted: list[Message] = []
        self.notices: list[dict[str, Any]] = []
        self.help_sections: list[str | None] = []
        self.escapes = 0

    def action_help(self, section: str | None = None) -> None:
        self.help_sections.append(section)

    def action_escaped(self) -> None:
        self.escapes += 1

    def compose(self) -> ComposeResult:
        pane = self.PANE(id=self.PANE_ID)
        if self.pane_width is not None:
            pane.styles.width = self.pane_width
        yield pane

    def on_insert_statements(self, message: InsertStatements) -> None:
        self.posted.append(message)

    def on_open_in_editor(self, message: OpenInEditor) -> None:
        self.posted.append(message)

    def on_copy_request(self, message: CopyRequest) -> None:
        self.posted.append(message)

    def on_export_request(self, message: ExportRequest) -> None:
        self.posted.append(message)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notices.append({"message": message, "severity": severity, "markup": markup})
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
