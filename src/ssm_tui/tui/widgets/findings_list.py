"""The findings of the editor's policy, one line each (severity symbol and word, line:column,
code, the message's first sentence), above a detail of the highlighted one (its whole
message, the suggested value and the quick fix).  `s` narrows the list by severity.

Policy text in messages is shown literally (Content, never markup)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
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
# most severe first, as Severity.rank (not imported: the checks load after the first paint)
SEVERITY_ORDER = ("error", "security_warning", "warning", "suggestion")
# The severity filter `s` steps through: the least severe severity shown.
FILTERS: tuple[str, ...] = ("suggestion", "error", "security_warning", "warning")
FILTER_NAMES = {
    "suggestion": "all",
    "error": "errors only",
    "security_warning": "errors and security",
    "warning": "no hints",
}
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s")


def first_sentence(message: str) -> str:
    """The message up to its first sentence end (all of it if it has one sentence)."""
    parts = _SENTENCE_END.split(message, maxsplit=1)
    return parts[0]


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


class FindingsList(OptionList):
    """Findings of the current policy; enter jumps to one, `f` applies its quick fix,
    `s` cycles the severity filter."""

    DEFAULT_CSS = """
    FindingsList {
        height: 1fr;
        min-height: 3;
        border: none;
        padding: 0;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: transparent;
    }
    FindingsList:focus {
        border: none;  /* the panel's border shows the focus; a list border costs 2 rows */
        background-tint: $foreground 4%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "jump", "Go to", id="findings.jump", tooltip="Put the cursor on it"),
        Binding(
            "f",
            "apply_fix",
            "Fix",
            id="findings.apply-fix",
            tooltip="Apply the highlighted finding's quick fix (undo with ctrl+z)",
        ),
        Binding(
            "s",
            "cycle_filter",
            "Severity",
            id="findings.filter",
            tooltip="Show all findings, errors only, errors and security warnings, or no hints",
        ),
        Binding("j", "cursor_down", "Down", show=False, id="findings.down", tooltip="Next"),
        Binding("k", "cursor_up", "Up", show=False, id="findings.up", tooltip="Previous"),
    ]

    @dataclass
    class Jump(Message):
        finding: Finding

    @dataclass
    class ApplyFix(Message):
        finding: Finding

    @dataclass
    class Highlighted(Message):
        """The highlighted finding changed (None: the list is empty)."""

        finding: Finding | None

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.all_findings: list[Finding] = []
        self.findings: list[Finding] = []  # the ones shown (after the severity filter)
        self.least_severe = "suggestion"  # the filter: the least severe severity shown

    def show_result(self, result: ValidationResult) -> None:
        """Show a validation's findings, with their counts in the title."""
        self.show(result.findings)

    @staticmethod
    def counts_of(findings: list[Finding]) -> str:
        """ "1 error · 2 warnings · 1 hint" (severities with none are left out)."""
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for finding in findings:
            counts[finding.severity.value] += 1
        words = {
            "error": "error",
            "security_warning": "security warning",
            "warning": "warning",
            "suggestion": "hint",
        }
        parts = [_count(counts[s], words[s]) for s in SEVERITY_ORDER if counts[s]]
        return " · ".join(parts) if parts else "none"

    def show(self, findings: list[Finding]) -> None:
        """Replace the list, keeping the highlighted position where possible."""
        self.all_findings = list(findings)
        self._refill()

    def _refill(self) -> None:
        highlighted = self.highlighted
        limit = SEVERITY_ORDER.index(self.least_severe)
        self.findings = [
            f for f in self.all_findings if SEVERITY_ORDER.index(f.severity.value) <= limit
        ]
        scrolled = self.scroll_y
        # one replacement, not clear + add: emptying the list hid its scrollbar and refilling
        # showed it again, two layouts of the whole screen per validation while typing
        self.set_options([Option(self._row(f)) for f in self.findings])
        if self.findings:
            self.highlighted = min(highlighted or 0, len(self.findings) - 1)
            self.scroll_to(y=scrolled, animate=False, immediate=True)
        self._title()
        self.post_message(self.Highlighted(self.current))

    def _title(self) -> None:
        panel = self.parent
        if not isinstance(panel, Widget):
            return
        title = f"Findings · {self.counts_of(self.all_findings)}"
        if self.least_severe != "suggestion":
            hidden = len(self.all_findings) - len(self.findings)
            title += f" · {FILTER_NAMES[self.least_severe]} ({hidden} hidden)"
        panel.border_title = Content(title)

    @staticmethod
    def _row(finding: Finding) -> Content:
        severity = finding.severity.value
        where = f"{finding.line}:{finding.column}"
        label = Content.assemble(
            (
                f"{SEVERITY_SYMBOLS[severity]} {SEVERITY_WORDS[severity]:<8}",
                SEVERITY_STYLES[severity],
            ),
            ("f " if finding.fix is not None else "  ", "bold $accent"),
            f"{where:>7} ",
            (finding.code, "bold"),
            " ",
            first_sentence(finding.message),
        )
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

    def action_cycle_filter(self) -> None:
        index = FILTERS.index(self.least_severe)
        self.least_severe = FILTERS[(index + 1) % len(FILTERS)]
        self._refill()

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_jump()

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self.current))


class FindingDetail(Static):
    """The highlighted finding in full: its message, the value to write instead and the
    quick fix."""

    DEFAULT_CSS = """
    FindingDetail {
        height: 3;
        padding: 0 1;
        border-top: hkey $primary 30%;
        color: $text;
        overflow: hidden;
    }
    """

    def show_finding(self, finding: Finding | None) -> None:
        if finding is None:
            self.update(Content("No finding."), layout=False)
            return
        severity = finding.severity.value
        parts: list[Content | str | tuple[str, str]] = [
            (f"{SEVERITY_WORDS[severity]} {finding.code}", SEVERITY_STYLES[severity]),
            f" at {finding.line}:{finding.column}: ",
            finding.message,
        ]
        if finding.suggestion is not None:
            parts += [("  Write: ", "bold"), finding.suggestion]
        if finding.fix is not None:
            parts += [("  f: ", "bold $accent"), finding.fix.description]
        self.update(Content.assemble(*parts), layout=False)  # a fixed height


class FindingsPanel(Vertical):
    """The findings list above the detail, in one border titled with the counts."""

    DEFAULT_CSS = """
    FindingsPanel {
        border: round $primary 40%;
        height: 12;
        min-height: 7;
    }
    FindingsPanel:focus-within {
        border: round $primary;
    }
    """

    def compose(self) -> ComposeResult:
        yield FindingsList(id="findings")
        yield FindingDetail(id="finding-detail")

    def on_mount(self) -> None:
        self.border_title = "Findings"

    def on_findings_list_highlighted(self, message: FindingsList.Highlighted) -> None:
        self.query_one(FindingDetail).show_finding(message.finding)
