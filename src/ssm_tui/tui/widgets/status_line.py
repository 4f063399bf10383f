"""The status line under the workspace: the file (● when modified), the finding under the
cursor, the cursor's line and column, the policy type and its size against the quota:

     policy.json ● │ ✗ INVALID_ACTION "ssm:Lst" is not… │ Ln 3, Col 14 │ managed 1,065/6,144

and the navigation bar above it all: Library F2 | Editor F3 | Findings F4.

Everything shown comes from the app (file names and findings are untrusted text: Content,
never markup).  When the line is too narrow the finding is cut first, then the file name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from textual.content import Content
from textual.widgets import Static

from ssm_tui.tui.widgets.policy_editor import SEVERITY_SYMBOLS

PANES = (("library", "Library", "F2"), ("editor", "Editor", "F3"), ("findings", "Findings", "F4"))


@dataclass(frozen=True)
class Status:
    """What the status line shows."""

    file: str = ""
    modified: bool = False
    line: int = 1
    column: int = 1
    finding: str = ""  # the finding under the cursor, "✗ CODE message" (one line)
    severity: str | None = None
    policy_type: str = "managed"
    size: str = ""  # "1,065/6,144" or "91,266" (no quota)
    over_quota: bool = False
    extras: tuple[str, ...] = field(default=())  # e.g. "wrap"


class StatusLine(Static):
    """The status line (see the module's docstring)."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.status = Status()

    def set_status(self, **changes: object) -> None:
        status = replace(self.status, **changes)  # type: ignore[arg-type]
        if status != self.status:
            self.status = status
            self.refresh_status()

    def on_resize(self) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        self.update(self.render_status(self.status, self.size.width or 80), layout=False)

    @staticmethod
    def render_status(status: Status, width: int) -> Content:
        narrow = width < 100
        where = f"Ln {status.line}:{status.column}"
        if not narrow:
            where = f"Ln {status.line}, Col {status.column}"
        size_style = "bold $error" if status.over_quota else ""
        kind = "" if narrow else f"{status.policy_type} "
        extras = "".join(f" │ {extra}" for extra in status.extras)
        tail = Content.assemble(
            " │ ",
            where,
            extras,
            " │ ",
            kind,
            (status.size, size_style),
            " ",
        )
        name = status.file + (" ●" if status.modified else "")
        limit = max(width // 3, 12)
        if len(name) > limit:
            keep = limit - 1
            name = name[: keep // 2] + "…" + name[len(name) - (keep - keep // 2) :]
        room = width - tail.cell_length - len(name) - 1
        parts: list[Content | tuple[str, str] | str] = [" ", (name, "bold")]
        finding = status.finding
        if finding and room > 8:
            if len(finding) > room - 3:
                finding = finding[: room - 4] + "…"
            style = {"error": "bold $error", "suggestion": "$text-muted"}.get(
                status.severity or "", "$warning"
            )
            parts += [" │ ", (finding, style)]
        body = Content.assemble(*parts)
        gap = width - body.cell_length - tail.cell_length
        return Content.assemble(body, " " * max(gap, 0), tail)


class NavBar(Static):
    """The top line: Library | Editor | Findings, the one with the focus in reverse video,
    each with its key (visible at every width, also where only one pane fits)."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        width: 1fr;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.pane = "editor"

    def on_mount(self) -> None:
        self.show_pane(self.pane)

    def show_pane(self, pane: str) -> None:
        self.pane = pane
        parts: list[Content | tuple[str, str] | str] = [(" ssm-tui ", "bold $accent")]
        for name, label, key in PANES:
            if name == pane:
                parts.append((f" {label} {key} ", "reverse bold"))
            else:
                parts.append((f" {label} {key} ", "$text-muted"))
        parts.append(("   ctrl+p commands · f1 keys", "$text-muted"))
        self.update(Content.assemble(*parts), layout=False)  # one line, always


def size_against_quota(size: int, limit: int | None) -> str:
    """ "1,065/6,144" (non-whitespace characters against the policy type's quota), or only
    the size for a policy type without one (an AWS managed policy)."""
    return f"{size:,}/{limit:,}" if limit is not None else f"{size:,}"


def finding_summary(severity: str, code: str, message: str) -> str:
    """ "✗ INVALID_ACTION "ssm:Lst" is not an action…" for the status line."""
    return f"{SEVERITY_SYMBOLS[severity]} {code} {message}"
