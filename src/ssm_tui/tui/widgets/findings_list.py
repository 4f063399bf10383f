"""The findings of the editor's policy: severity (symbol and word), line:column, code and
message.  Policy text in messages is shown literally (Content, never markup)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ssm_tui.tui.widgets.policy_editor import SEVERITY_SYMBOLS

if TYPE_CHECKING:
    from ssm_tui.checks import Finding, ValidationResult

SEVERITY_WORDS = {
    "error": "error",
    "security_warning": "security",
    "warning": "warning",
    "suggestion": "hint",
}
SEVERITY_STYLES = {
    "error": "bold $error",
    "security_warning": "bold $warning",
    "warning": "$warning",
    "suggestion": "$text-muted",
}


class FindingsList(OptionList):
    """Findings of the current policy; enter jumps to one, `f` applies its quick fix."""

    DEFAULT_CSS = """
    FindingsList {
        height: 1fr;
        min-height: 5;
        border: round $primary 40%;
    }
    FindingsList:focus {
        border: round $primary;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f",
            "apply_fix",
            "Apply fix",
            id="findings.apply-fix",
            tooltip="Apply the highlighted finding's quick fix (undo with ctrl+z)",
        ),
        Binding("enter", "jump", "Go to", id="findings.jump", show=False),
    ]

    @dataclass
    class Jump(Message):
        finding: Finding

    @dataclass
    class ApplyFix(Message):
        finding: Finding

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.findings: list[Finding] = []
        self.border_title = "Findings"

    def show_result(self, result: ValidationResult) -> None:
        """Show a validation's findings, with its counts and size in the title."""
        self.show(result.findings, self.summary_of(result))

    @staticmethod
    def summary_of(result: ValidationResult) -> str:
        """The counts and size for the title: "1 error, 0 security, 2 warnings, 0 hints ·
        312/6,144 chars"."""
        counts = result.summary()

        def count(number: int, word: str) -> str:
            return f"{number} {word}" if number == 1 else f"{number} {word}s"

        limit = result.size_limit
        size = f"{result.size:,}/{limit:,} chars" if limit is not None else f"{result.size:,} chars"
        return (
            f"{count(counts['error'], 'error')}, {counts['security_warning']} security, "
            f"{count(counts['warning'], 'warning')}, {count(counts['suggestion'], 'hint')} · "
            f"{size}"
        )

    def show(self, findings: list[Finding], summary: str) -> None:
        """Replace the list, keeping the highlighted position where possible."""
        highlighted = self.highlighted
        self.findings = list(findings)
        self.clear_options()
        self.add_options([Option(self._row(f)) for f in self.findings])
        if self.findings:
            self.highlighted = min(highlighted or 0, len(self.findings) - 1)
        self.border_title = Content(f"Findings · {summary}")

    @staticmethod
    def _row(finding: Finding) -> Content:
        severity = finding.severity.value
        label = Content.assemble(
            (
                f"{SEVERITY_SYMBOLS[severity]} {SEVERITY_WORDS[severity]:<8}",
                SEVERITY_STYLES[severity],
            ),
            f" {finding.line}:{finding.column} ",
            (finding.code, "bold"),
            " ",
            finding.message,
        )
        if finding.fix is not None:
            label = label + Content.assemble(("  [f] fix", "italic $accent"))
        return label

    @property
    def current(self) -> Finding | None:
        index = self.highlighted
        if index is None or index >= len(self.findings):
            return None
        return self.findings[index]

    def action_jump(self) -> None:
        finding = self.current
        if finding is not None:
            self.post_message(self.Jump(finding))

    def action_apply_fix(self) -> None:
        finding = self.current
        if finding is None:
            return
        if finding.fix is None:
            self.notify("This finding has no certain fix.", markup=False, severity="warning")
            return
        self.post_message(self.ApplyFix(finding))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_jump()
