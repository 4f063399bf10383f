"""The ssm-tui application: library panes, the policy editor with live findings, copy.

Layout: a navigation bar on top (Library F2 | Editor F3 | Findings F4, the focused one
marked), the status line and the footer at the bottom.  At 100 columns and wider the library
(managed policies, templates) sits left of the workspace (editor above findings), growing
with the terminal; narrower, one of the two fills the screen and F2/F3 switch.  Below 60x20
the app says the terminal is too small.  The core does every policy
judgement; this module only shows it: the validation worker posts `ValidationDone`, and the
policy text is read and edited by `ssm_tui.policy.edit` (reusing the validator's parse).
The open file is an `OpenDocument`; draft offers, copying and export saving have modules
of their own.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import TabbedContent, TabPane, TextArea
from textual.worker import Worker, WorkerState, get_current_worker

from ssm_tui.crash import EXIT_INTERNAL
from ssm_tui.tui.copying import Copier
from ssm_tui.tui.document import UNTITLED, OpenDocument
from ssm_tui.tui.messages import (
    CopyRequest,
    ExportRequest,
    InsertStatements,
    OpenInEditor,
    ValidationDone,
)
from ssm_tui.tui.screens import (
    ChoiceScreen,
    ConfirmScreen,
    HelpScreen,
    PathScreen,
    TooSmallScreen,
)
from ssm_tui.tui.terminal_safety import ControlCharacterFilter
from ssm_tui.tui.theme import ANSI_THEMES, saved_theme
from ssm_tui.tui.widgets.find_bar import FindBar
from ssm_tui.tui.widgets.findings_list import FindingsList, FindingsPanel
from ssm_tui.tui.widgets.pane_footer import PaneFooter
from ssm_tui.tui.widgets.policy_editor import PolicyEditor
from ssm_tui.tui.widgets.status_line import NavBar, StatusLine

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from ssm_tui.checks import Finding, ValidationResult
    from ssm_tui.drafts import Document, DraftStore, FoundDraft
    from ssm_tui.policy.edit import EditResult
    from ssm_tui.policy.source import ParsedJson
    from ssm_tui.settings import Settings

SKELETON = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Describe",
      "Effect": "Allow",
      "Action": [
        "ssm:DescribeInstanceInformation"
      ],
      "Resource": "*"
    }
  ]
}
"""
VALIDATE_DELAY = 0.3  # seconds after the last keystroke
DRAFT_DELAY = 2.0  # seconds after the last change
# Full garbage collections (30-50 ms over this heap, measured by bench/bench_startup.py) run
# only when the user pauses, this long after the last change, never between two keys: the
# automatic ones are off while the app runs (the young generations still collect as usual).
IDLE_GC_DELAY = 1.0
NO_AUTOMATIC_FULL_GC = 1_000_000  # gc threshold 2: gen-1 collections before a full one
MIN_WIDTH, MIN_HEIGHT = 60, 20


class SsmTuiApp(App[None]):
    """Compose, check and copy Systems Manager IAM policies."""

    TITLE = "ssm-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012
    NOTIFICATION_TIMEOUT = 4  # seconds: notices never cover the findings for long
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Every key of the app, by pane"),
        Binding(
            "f2",
            "show_library",
            "Library",
            id="app.library",
            tooltip="Managed policies and templates",
        ),
        Binding("f3", "show_editor", "Editor", id="app.editor", tooltip="The policy editor"),
        Binding(
            "f4",
            "focus_findings",
            "Findings",
            id="app.findings",
            tooltip="The findings list (Tab indents in the editor, so F4 leads there)",
        ),
        Binding("ctrl+f", "find", "Find", id="editor.find", tooltip="Find text in the editor"),
        Binding(
            "ctrl+l",
            "go_to_line",
            "Go to line",
            id="editor.go-to-line",
            tooltip="Go to a line (and column) of the editor",
        ),
        Binding(
            "alt+w",
            "toggle_wrap",
            "Wrap",
            id="editor.wrap",
            show=False,
            priority=True,  # else the editor types the "w" of alt+w
            tooltip="Soft-wrap long lines on or off (a one-line policy opens wrapped)",
        ),
        Binding("f5", "format", "Format", id="editor.format", tooltip="Pretty-print the policy"),
        # TextArea keeps F6 (select line), F7 (select all), ctrl+y (redo), ctrl+a/e (line
        # start/end), ctrl+k/u/w/d (deletions) and ctrl+x/c/v/z for itself.
        Binding(
            "f8",
            "copy_policy",
            "Copy",
            id="editor.copy",
            tooltip="Copy the editor's policy (sent to the terminal as OSC 52, and to a local "
            "clipboard if there is one); F12 then saves it to a file",
        ),
        Binding("f9", "minify", "Minify", id="editor.minify", show=False),
        Binding(
            "f12",
            "save_last_copy",
            "Copy to file",
            id="app.copy-to-file",
            show=False,
            tooltip="Save the text of the last copy to a file (when pasting does not work)",
        ),
        Binding(
            "f10",
            "toggle_copy_format",
            "Copy format",
            id="app.copy-format",
            show=False,
            tooltip="Copy pretty or minified JSON (remembered)",
        ),
        Binding(
            "ctrl+t",
            "export",
            "Export",
            id="editor.export",
            show=False,
            tooltip="Export the policy as JSON, an AWS CLI command, Terraform or CloudFormation",
        ),
        Binding("ctrl+s", "save", "Save", id="editor.save", tooltip="Save to the file"),
        Binding(
            "ctrl+r",
            "simulate",
            "Simulate",
            id="editor.simulate",
            tooltip="Would this policy allow a request? (action, resource, context keys)",
        ),
        Binding(
            "ctrl+g",
            "build_statement",
            "Build",
            id="editor.build",
            tooltip="Build a statement: search actions, fill ARNs, add a condition, append it",
        ),
        Binding(
            "ctrl+o", "open", "Open", id="editor.open", show=False, tooltip="Open a policy file"
        ),
        Binding("ctrl+n", "new", "New", id="editor.new", show=False, tooltip="A new policy"),
        Binding(
            "ctrl+q", "quit_app", "Quit", id="app.quit", priority=True, tooltip="Leave ssm-tui"
        ),
    ]

    def __init__(self, path: str | None = None, *, restore_drafts: bool = True) -> None:
        super().__init__()
        self._settings: Settings | None = None  # loaded after the first paint (pydantic)
        self.document = OpenDocument(Path(path) if path else None)
        self.result: ValidationResult | None = None
        self._validate_timer: Timer | None = None
        self._draft_timer: Timer | None = None
        self._gc_timer: Timer | None = None
        self._gc_thresholds: tuple[int, int, int] | None = None  # restored on unmount
        self._draft_lock = threading.Lock()  # one draft write at a time (autosave thread)
        self._draft_sequence = 0  # the last text taken for a draft ...
        self._draft_written = 0  # ... and the last one written: an older one never wins
        self._restore_drafts = restore_drafts
        self._control_filter = ControlCharacterFilter()
        self._started = False  # True once the first frame is painted
        self.policy_type = "managed"  # a PolicyType value: decides the size quota
        self._last_simulation: dict[str, str] = {}  # the simulator's fields, kept between openings
        self._store: DraftStore | None = None  # created on first use (after the first paint)
        self._deferred_drafts: set[str] = set()  # draft files the user chose to keep for later
        self.crash_report: Path | str | None = None  # the report of an unexpected error
        # (its path, or why it could not be written)
        self.copier = Copier(self, self._copy_to_file_key)  # keeps the last copy (F12)

    def get_default_screen(self) -> Screen[Any]:
        # The breakpoint classes would arrive with the first resize event, and each class
        # changed after mounting restyles every widget (about 20 ms at start): the screen is
        # born with them, so the first frame already has the right layout.
        width, height = self.size
        classes = ["-show-editor"]
        for breakpoints, length in (
            (self.HORIZONTAL_BREAKPOINTS, width),
            (self.VERTICAL_BREAKPOINTS, height),
        ):
            fitting = [name for least, name in breakpoints or () if length >= least]
            classes += fitting[-1:]
        return Screen(id="_default", classes=" ".join(classes))

    def get_line_filters(self) -> list[LineFilter]:
        # No control character in shown text (a file name, a policy) reaches the terminal.
        return [*super().get_line_filters(), self._control_filter]

    # --- composition --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield NavBar(id="nav")
        with Horizontal(id="main"):
            # the library's tabs and panes are mounted just after the first paint (see
            # _mount_library): the first frame does not wait for their styles
            yield Vertical(id="library")
            with Vertical(id="workspace"):
                # coloured just after the first paint; the find bar goes under it on first use
                yield PolicyEditor(id="editor", highlight=False)
                yield FindingsPanel(id="findings-panel")
        yield StatusLine(id="status")
        yield PaneFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        if self.no_color:
            # ANSI themes render black on black under NO_COLOR (TEXTUAL-NOTES.md §2.10)
            for name in ANSI_THEMES:
                if name in self.available_themes:
                    self.unregister_theme(name)
        theme = saved_theme()
        if theme is not None and theme in self.available_themes:
            self.theme = theme
        self._load_initial()
        self.editor.focus()
        self.on_resize()
        self.call_after_refresh(self._mount_library)

    # Which of the app's keys the footer shows, by the focused pane (most useful first; the
    # pane's own keys come before these, and keys are left out from the end until they fit).
    FOOTER_KEYS: ClassVar[dict[str, tuple[str, ...]]] = {
        "editor": (
            "app.quit",
            "app.help",
            "app.library",
            "app.findings",
            "editor.save",
            "editor.copy",
            "editor.simulate",
            "editor.find",
        ),
        "findings": ("app.editor", "app.quit", "app.help", "app.library", "editor.copy"),
        "library": ("app.editor", "app.quit", "app.help"),
        "find": ("app.quit",),
    }

    def pane_of(self, widget: object) -> str:
        """ "library", "editor", "findings" or "find": the pane `widget` is in."""
        node = widget
        while node is not None:
            node_id = getattr(node, "id", None)
            if node_id in ("library", "find-bar"):
                return "library" if node_id == "library" else "find"
            if node_id == "findings-panel":
                return "findings"
            node = getattr(node, "parent", None)
        return "editor"

    def footer_keys(self, focused: object) -> tuple[str, ...]:
        return self.FOOTER_KEYS[self.pane_of(focused)]

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        pane = self.pane_of(event.widget)
        if pane != "find":
            with contextlib.suppress(Exception):
                self.query_one(NavBar).show_pane(pane)

    def _hold_full_collections(self) -> None:
        if self._gc_thresholds is None:
            self._gc_thresholds = gc.get_threshold()
            young, middle, _ = self._gc_thresholds
            gc.set_threshold(young, middle, NO_AUTOMATIC_FULL_GC)

    def _collect_when_idle(self) -> None:
        if self._gc_timer is not None:
            self._gc_timer.stop()
        self._gc_timer = self.set_timer(IDLE_GC_DELAY, gc.collect)

    def on_unmount(self) -> None:
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            self._gc_thresholds = None
        # The app is gone: its drafts may now be offered to another instance (the OS does
        # the same when the process is killed).
        if self._store is not None:
            self._store.release()

    def _mount_library(self) -> AwaitMount | None:
        """Mount the library panes after the first paint: they (and the data they show)
        are not needed to start typing, and building them is most of the start-up work."""
        if self._started:
            return None
        from ssm_tui.tui.widgets.managed_pane import ManagedPane
        from ssm_tui.tui.widgets.templates_pane import TemplatesPane

        self._started = True
        self.editor.enable_highlighting()
        self.validate_now()  # imports the validator in its worker thread
        tabs = TabbedContent(id="library-tabs")
        tabs.compose_add_child(TabPane("Managed policies", ManagedPane(), id="managed-tab"))
        tabs.compose_add_child(TabPane("Templates", TemplatesPane(), id="templates-tab"))
        mounting = self.query_one("#library", Vertical).mount(tabs)
        self._apply_settings()
        if self._restore_drafts and not self.dirty:
            self._offer_drafts(start=True)
        self._prune_drafts()
        return mounting

    @property
    def settings(self) -> Settings:
        """The user's settings, validated (loaded on first use, after the first paint)."""
        if self._settings is None:
            self._apply_settings()
        assert self._settings is not None
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value

    def _apply_settings(self) -> None:
        if self._settings is not None:
            return
        from ssm_tui.settings import load_settings

        self._settings, problems = load_settings()
        if self._settings.theme != self.theme:
            if self._settings.theme in self.available_themes:
                self.theme = self._settings.theme
            else:
                problems.append(f"unknown theme {self._settings.theme!r}")
        if self._settings.keymap:
            self.set_keymap(self._settings.keymap)
            problems.extend(self.remap_problems())
        for problem in problems:
            self.notify(f"Settings: {problem}", severity="warning", markup=False)

    def _load_initial(self) -> None:
        from ssm_tui.export.files import FileProblem, MissingFile

        path = self.document.path
        if path is not None:
            try:
                loaded = self.document.read(path)
            except MissingFile:
                # `ssm-tui new.json`: a new file, created by the first save
                self.document.opened(path, None)
                self._set_buffer(SKELETON, path.name, saved=True)
                self.notify(f"{path} does not exist yet: ctrl+s creates it.", markup=False)
                return
            except FileProblem as exc:
                self.notify(
                    f"Not opened: {exc}. This is a new policy; the file is untouched.",
                    severity="error",
                    markup=False,
                    timeout=15,
                )
                self.document.untitled(UNTITLED)
            else:
                self.document.opened(path, loaded.snapshot)
                self._set_buffer(loaded.text, path.name, saved=True)
                return
        self._set_buffer(SKELETON, UNTITLED, saved=True)

    @property
    def source_path(self) -> Path | None:
        """The file the editor's policy is (None: a new policy, not saved yet)."""
        return self.document.path

    @source_path.setter
    def source_path(self, path: Path | None) -> None:
        self.document.path = path

    @property
    def title_of_buffer(self) -> str:
        """The policy's title: its file's name, else where it came from."""
        return self.document.title

    # --- drafts ---------------------------------------------------------------------------
    @property
    def drafts(self) -> DraftStore:
        """This instance's drafts (created on first use)."""
        if self._store is None:
            from ssm_tui.drafts import DraftStore

            self._store = DraftStore()
        return self._store

    def _document(self) -> Document:
        return self.drafts.document(self.source_path)

    def _offer_drafts(self, *, start: bool = False) -> None:
        """Offer the newest draft of the open document that differs from it (see
        `draft_offers`); starting without a file, say which files have drafts."""
        from ssm_tui.tui.draft_offers import (
            drafts_to_offer,
            files_with_drafts,
            files_with_drafts_notice,
        )

        store = self.drafts
        if self.source_path is None:
            names = files_with_drafts(store) if start else []
            if names:
                self.notify(files_with_drafts_notice(names), markup=False, timeout=10)
        else:
            others = store.editing_elsewhere(self.source_path)
            if others:
                who = ", ".join(f"pid {i.pid}" for i in others)
                self.notify(
                    f"Another ssm-tui ({who}) is editing {self.source_path.name} too; "
                    "a save here is checked against changes on disk.",
                    severity="warning",
                    markup=False,
                )
        found = drafts_to_offer(
            store,
            self.source_path,
            self.editor.text,
            skeleton=SKELETON,
            deferred=self._deferred_drafts,
        )
        if found:
            self._offer(found[0], len(found) - 1)

    def _offer(self, found: FoundDraft, more: int) -> None:
        from ssm_tui.tui.draft_offers import offer_question, offer_screen

        name = self.source_path.name if self.source_path else found.draft.title
        question = offer_question(found, name, self.editor.text, more)

        def answer(choice: str | None) -> None:
            if choice == "restore":
                self._restore(found)
            elif choice == "discard":
                self.drafts.remove(found)
                self.notify("Draft discarded.", markup=False)
                self._offer_drafts()
            else:  # keep for later (escape too): offered again next time
                self._deferred_drafts.add(str(found.file))

        self.push_screen(offer_screen(question), answer)

    def _restore(self, found: FoundDraft) -> None:
        draft = found.draft
        if draft.untitled:
            title = draft.title or "restored draft"
            self.document.untitled(title)
        else:
            title = self.document.title
        self._set_buffer(draft.text, title, saved=False)
        self.drafts.adopt(found, self._document(), title)
        self.notify("Draft restored (not saved to the file yet).", markup=False)

    @work(thread=True, exit_on_error=False, group="drafts")
    def _prune_drafts(self) -> None:
        self.drafts.prune()

    # --- helpers ------------------------------------------------------------------------
    @property
    def editor(self) -> PolicyEditor:
        return self.query_one("#editor", PolicyEditor)

    @property
    def findings(self) -> FindingsList:
        return self.query_one("#findings", FindingsList)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def dirty(self) -> bool:
        return self.editor.text != self.document.saved_text

    def _set_buffer(self, text: str, title: str, *, saved: bool, undoable: bool = False) -> None:
        """Put `text` in the editor: a file's text clears the undo history; a template or
        a managed policy put over the user's text is one undoable edit (ctrl+z)."""
        if undoable:
            self.editor.replace(text, (0, 0), self.editor.document.end)
            self.editor.cursor_location = (0, 0)
        else:
            self.editor.load_text(text)
        # a policy printed on one line (the guide, the AWS CLI) opens wrapped
        self.editor.wrap_long_lines(self._editor_text_width())
        self.document.title = title
        if saved:
            self.document.saved_text = text
        self._update_title()
        if self._started:
            self.validate_now()

    def _editor_text_width(self) -> int:
        """Cells for text in the editor (the layout may not have run yet: estimate it)."""
        width = self.editor.content_size.width
        if width <= 0:
            library = self.size.width * 32 // 100 if self.size.width >= 100 else 0
            width = self.size.width - library - 2
        return max(width - self.editor.gutter_width - 1, 20)

    def _update_title(self) -> None:
        dirty = self.dirty
        marker = " ●" if dirty else ""
        title = f"{self.document.title}{marker}"
        if str(self.editor.border_title) != title:  # a new title lays the screen out again
            self.editor.border_title = Content(title)
        self.sub_title = self.document.title
        with contextlib.suppress(Exception):  # the status line is composed after the editor
            self.status.set_status(file=self.document.title, modified=dirty)

    # --- the status line ------------------------------------------------------------------
    @on(TextArea.SelectionChanged, "#editor")
    def _cursor_moved(self) -> None:
        self._show_cursor_status()

    def _show_cursor_status(self) -> None:
        row, column = self.editor.cursor_location
        line, col = row + 1, column + 1
        finding = self._finding_at(line, col)
        summary, severity = "", None
        if finding is not None:
            from ssm_tui.tui.widgets.findings_list import first_sentence
            from ssm_tui.tui.widgets.status_line import finding_summary

            severity = finding.severity.value
            summary = finding_summary(severity, finding.code, first_sentence(finding.message))
        self.status.set_status(line=line, column=col, finding=summary, severity=severity)

    def _finding_at(self, line: int, column: int) -> Finding | None:
        """The most severe finding whose span holds (line, column), 1-based."""
        if self.result is None or self.result.policy.text != self.editor.text:
            return None
        best: Finding | None = None
        for finding in self.result.findings:
            start = (finding.line, finding.column)
            end = (finding.end_line, finding.end_column)
            inside = start <= (line, column) <= max(end, start)
            if inside and (best is None or finding.severity.rank < best.severity.rank):
                best = finding
        return best

    def _show_size_status(self, result: ValidationResult) -> None:
        from ssm_tui.tui.widgets.status_line import size_against_quota

        limit = result.size_limit
        self.status.set_status(
            size=size_against_quota(result.size, limit),
            over_quota=limit is not None and result.size > limit,
            policy_type=result.policy_type.label,
        )

    # --- live validation ----------------------------------------------------------------
    @on(TextArea.Changed, "#editor")
    def _text_changed(self) -> None:
        self._update_title()
        if self._validate_timer is not None:
            self._validate_timer.stop()
        self._validate_timer = self.set_timer(VALIDATE_DELAY, self.validate_now)
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._autosave)
        if self._gc_thresholds is not None:
            self._collect_when_idle()

    def validate_now(self) -> None:
        if not self.is_running:  # a debounce timer that fired while the app shuts down
            return
        self._validate(self.editor.text, self.policy_type)

    @work(thread=True, exclusive=True, exit_on_error=False, group="validate")
    def _validate(self, text: str, policy_type: str) -> None:
        from ssm_tui.checks import validate

        result = validate(text, policy_type)
        if not get_current_worker().is_cancelled:
            self.post_message(ValidationDone(text, result))

    @on(ValidationDone)
    def _validation_done(self, message: ValidationDone) -> None:
        if message.text != self.editor.text:
            return  # a newer validation is on its way
        if self.result is None:
            # The catalogue and the app are loaded now: move everything alive into the
            # permanent generation, so full collections stay short (they took ~100 ms over
            # this heap, measured by bench/bench_startup.py), and hold them for pauses.
            gc.freeze()
            self._hold_full_collections()
        self.result = message.result
        self.findings.show_result(message.result)
        self.editor.mark_findings(message.result.findings)
        self._show_size_status(message.result)
        self._show_cursor_status()

    def _parsed(self) -> ParsedJson | None:
        """The last validation's parse (the edits use it only if it is of the editor's
        current text and succeeded; else they read the text themselves)."""
        return self.result.policy.json if self.result is not None else None

    def save_draft(self) -> bool:
        """Write the editor's text as this instance's draft of the open document (or forget
        the draft when the text is what the file holds).  True when it is on disk."""
        if not self.is_running:  # as in validate_now
            return False
        return self._write_draft()

    def _autosave(self) -> None:
        """The draft timer: write the draft in a thread (the write ends with fsync, which
        can take tens of milliseconds: never on the event loop while the user types)."""
        if not self.is_running:
            return
        snapshot = self._draft_snapshot()
        if snapshot is not None:
            self._write_draft_in_thread(snapshot)

    @work(thread=True, exit_on_error=False, group="autosave")
    def _write_draft_in_thread(self, snapshot: tuple[Any, ...]) -> None:
        problem = self._store_draft(snapshot)
        if problem is not None:
            self.call_from_thread(
                self.notify,
                f"Could not save the draft: {problem}",
                severity="warning",
                markup=False,
            )

    def _draft_snapshot(self) -> tuple[Any, ...] | None:
        """What a draft write needs, read on the event loop: (sequence, store, document,
        text, title, saved?, base)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        try:
            text = self.editor.text
            store = self.drafts
            doc = self._document()
        except Exception:  # the app is half torn down (a crash): nothing to save from
            return None
        self._draft_sequence += 1
        saved = text == self.document.saved_text
        base = self.document.draft_base
        return (self._draft_sequence, store, doc, text, self.document.title, saved, base)

    def _store_draft(self, snapshot: tuple[Any, ...]) -> str | None:
        """Write (or forget) the draft of a snapshot, unless a newer one is already on
        disk; the reason when it could not be written, else None.  Safe from any thread."""
        sequence, store, doc, text, title, saved, (sha256, size) = snapshot
        with self._draft_lock:
            if sequence < self._draft_written:
                return None  # a newer text was written meanwhile
            try:
                if not saved:
                    store.save(doc, text, title, base_sha256=sha256, base_size=size)
                else:
                    store.discard(doc)
            except OSError as exc:
                from ssm_tui.export.files import FileProblem, os_reason

                return str(exc) if isinstance(exc, FileProblem) else os_reason(exc)
            self._draft_written = sequence
        return None

    def _write_draft(self, *, quiet: bool = False) -> bool:
        """Write the draft now, on this thread (before a risky action; at a crash)."""
        snapshot = self._draft_snapshot()
        if snapshot is None:
            return False
        problem = self._store_draft(snapshot)
        if problem is not None:
            if not quiet:
                self.notify(
                    f"Could not save the draft: {problem}", severity="warning", markup=False
                )
            return False
        return True

    def checkpoint(self) -> bool:
        """Write the draft now (before anything that could go wrong: format, export, copy,
        the builder, the simulator, a fix, an insert, open, new, save, quit)."""
        if not self.dirty:
            return True
        return self._write_draft()

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: keep the last edit in a draft and write a report before
        Textual ends the app (the user sees one line, not a traceback; see `run`)."""
        with contextlib.suppress(Exception):
            self._write_draft(quiet=True)
        with contextlib.suppress(Exception):
            from ssm_tui.crash import write_crash_report

            self.crash_report = write_crash_report(error, sys.argv)
        super()._handle_exception(error)
        self._return_code = EXIT_INTERNAL

    def _print_error_renderables(self) -> None:
        if self.crash_report is None or "debug" in self.features:
            super()._print_error_renderables()
            return
        self._exit_renderables.clear()

    # --- findings -----------------------------------------------------------------------
    @on(FindingsList.Jump)
    def _jump(self, event: FindingsList.Jump) -> None:
        finding = event.finding
        self.action_show_editor()
        self.editor.cursor_location = (finding.line - 1, finding.column - 1)
        self.editor.scroll_cursor_visible(center=True)
        self.editor.focus()
        self._show_cursor_status()

    @on(FindingsList.ApplyFix)
    def _apply_fix(self, event: FindingsList.ApplyFix) -> None:
        self.apply_fix(event.finding)

    def apply_fix(self, finding: Finding) -> None:
        """Apply a finding's text edits to the editor (each undoable with ctrl+z)."""
        if finding.fix is None or self.result is None:
            return
        if self.result.policy.text != self.editor.text:
            self.notify("The policy changed; wait for the findings to update.", markup=False)
            return
        self.checkpoint()
        for edit in sorted(finding.fix.edits, key=lambda e: e.offset, reverse=True):
            self.editor.replace(
                edit.replacement,
                (edit.line - 1, edit.column - 1),
                (edit.end_line - 1, edit.end_column - 1),
            )
        self.notify(f"Fixed: {finding.fix.description}", markup=False)
        self.validate_now()

    # --- messages from the panes --------------------------------------------------------
    @on(OpenInEditor)
    def _open_in_editor(self, message: OpenInEditor) -> None:
        self.checkpoint()

        def load(answer: bool | None = True) -> None:
            if answer:
                if self.dirty:  # the user chose to replace the unsaved work
                    self.drafts.discard(self._document())
                self.document.untitled(message.title)
                self._set_buffer(message.text, message.title, saved=False, undoable=True)
                self.action_show_editor()
                self.notify(
                    f"Opened {message.title}; ctrl+z brings back the text before.", markup=False
                )

        if self.dirty:
            self.push_screen(
                ConfirmScreen(
                    f"Replace the unsaved policy {self.title_of_buffer!r} with {message.title!r}?",
                    yes="Replace",
                    no="Keep",
                ),
                load,
            )
        else:
            load()

    @on(InsertStatements)
    def _insert(self, message: InsertStatements) -> None:
        from ssm_tui.policy.edit import (
            Edited,
            Inserted,
            NotJson,
            insert_statements,
            new_document,
            statements_of,
        )

        self.checkpoint()
        if message.mode == "replace":
            opened = new_document(message.policy)
            if isinstance(opened, Edited):
                self.post_message(OpenInEditor(opened.text, message.title))
            else:
                self.notify(f"Not opened: {opened}", severity="error", markup=False)
            return
        result = insert_statements(
            self.editor.text, statements_of(message.policy), parsed=self._parsed()
        )
        if isinstance(result, Inserted):
            editor = self.editor
            text = editor.text
            editor.insert(result.text, _location(text, result.offset))  # one undoable edit
            skipped = len(result.text) - len(result.text.lstrip(", \n"))
            self.action_show_editor()
            editor.cursor_location = _location(editor.text, result.offset + skipped)
            editor.scroll_cursor_visible(center=True)
            self.notify(f"Appended the statements of {message.title}.", markup=False)
        elif isinstance(result, NotJson):
            self.notify(
                f"The editor's policy is not valid JSON ({result}); fix it before appending.",
                severity="error",
                markup=False,
            )
        elif self._replace_all(result, "Not appended"):
            self.notify(f"Appended the statements of {message.title}.", markup=False)
            self.action_show_editor()

    def _replace_all(
        self, result: EditResult, refused: str, *, severity: SeverityLevel = "error"
    ) -> bool:
        """Put an edit's new text in the editor (one undoable change); False, and a
        notice "`refused`: <why>", when its value could not be written."""
        from ssm_tui.policy.edit import Edited

        if not isinstance(result, Edited):
            self.notify(f"{refused}: {result}", severity=severity, markup=False)
            return False
        self.editor.replace(result.text, (0, 0), self.editor.document.end)
        return True

    @on(CopyRequest)
    def _copy_request(self, message: CopyRequest) -> None:
        from ssm_tui.export.clipboard import policy_text

        self.checkpoint()
        try:
            text = policy_text(message.policy, self.settings.copy_format)
        except ValueError as exc:
            self.notify(f"Not copied: {exc}", severity="error", markup=False)
            return
        self._copy(text, message.title)

    # --- simulate -----------------------------------------------------------------------
    def action_simulate(self) -> None:
        from ssm_tui.tui.simulator_screen import SimulatorScreen

        def go_to(where: tuple[int, int] | None) -> None:
            if where is None:
                return
            line, column = where
            self.action_show_editor()
            self.editor.select_line(line - 1)  # the deciding statement's first line
            self.editor.cursor_location = (line - 1, column - 1)
            self.editor.scroll_cursor_visible(center=True)

        self.checkpoint()
        self.push_screen(SimulatorScreen(self.editor.text, self._last_simulation), go_to)

    # --- build a statement ----------------------------------------------------------------
    def action_build_statement(self) -> None:
        from ssm_tui.policy.edit import NEW_POLICY_VERSION, read_value
        from ssm_tui.policy.format import PolicyJsonError
        from ssm_tui.tui.builder_screen import BuilderScreen

        self.checkpoint()
        try:
            read_value(self.editor.text, self._parsed())
        except PolicyJsonError:
            # Checked before the form opens, so a built statement is never refused afterwards.
            self.notify(
                "Fix the JSON syntax error first (see Findings): the statement is appended to it.",
                severity="warning",
                markup=False,
            )
            return

        def append(statement: dict[str, Any] | None) -> None:
            if statement is not None:
                policy = {"Version": NEW_POLICY_VERSION, "Statement": [statement]}
                self.post_message(InsertStatements(policy, "append", "the statement builder"))

        self.push_screen(BuilderScreen(), append)

    # --- export -------------------------------------------------------------------------
    def action_export(self) -> None:
        from ssm_tui.policy.edit import read_value
        from ssm_tui.policy.format import PolicyJsonError

        self.checkpoint()
        try:
            policy = read_value(self.editor.text, self._parsed())
        except PolicyJsonError:
            self.notify(
                "Fix the JSON syntax error first (see Findings).", severity="warning", markup=False
            )
            return
        self._show_export(ExportRequest(policy, self.title_of_buffer), errors=self._error_count())

    def _error_count(self) -> int:
        if self.result is None:
            return 0
        return sum(1 for f in self.result.findings if f.severity == "error")

    @on(ExportRequest)
    def _export_request(self, message: ExportRequest) -> None:
        self._show_export(message)  # a library policy (AWS's or a template): not validated here

    def _show_export(self, message: ExportRequest, *, errors: int = 0) -> None:
        from ssm_tui.tui.export_screen import ExportChoice, ExportScreen, save_export

        def chosen(choice: ExportChoice | None) -> None:
            if choice is None:
                return
            what, text, fmt = choice
            if what == "copy":
                self._copy(text, f"{message.title} ({fmt})")
            else:
                save_export(self, text, fmt)

        self.push_screen(ExportScreen(message.policy, message.title, errors=errors), chosen)

    # --- copy ---------------------------------------------------------------------------
    def action_copy_policy(self) -> None:
        from ssm_tui.export.clipboard import policy_text
        from ssm_tui.policy.edit import read_value

        self.checkpoint()
        text = self.editor.text
        with contextlib.suppress(ValueError):  # not JSON (or not writable): copy what is there
            text = policy_text(read_value(text, self._parsed()), self.settings.copy_format)
        errors = self._error_count() > 0

        def go(answer: bool | None = True) -> None:
            if answer:
                self._copy(text, self.title_of_buffer)

        if errors:
            self.push_screen(
                ConfirmScreen(
                    "The policy has errors: IAM may reject it or it may not do what you expect. "
                    "Copy it anyway?",
                    yes="Copy",
                    no="Cancel",
                ),
                go,
            )
        else:
            go()

    def _copy(self, text: str, title: str) -> None:
        """Copy by every route (see `Copier.copy`); F12 then saves the text to a file."""
        self.copier.copy(text, title)

    def _copy_to_file_key(self) -> str:
        key = "f12"
        with contextlib.suppress(Exception):
            key = self.settings.keymap.get("app.copy-to-file", key)
        return key.upper() if len(key) <= 3 else key

    def action_save_last_copy(self) -> None:
        """Save the text of the last copy to a file in the state folder."""
        self.copier.save_last()

    def action_toggle_copy_format(self) -> None:
        from ssm_tui.settings import save_settings

        fmt = "minified" if self.settings.copy_format == "pretty" else "pretty"
        self.settings = self.settings.model_copy(update={"copy_format": fmt})
        self._persist_settings(save_settings)
        self.notify(f"Copy format: {fmt}", markup=False)

    def _persist_settings(self, save: Any) -> None:
        try:
            save(self.settings)
        except OSError as exc:
            self.notify(f"Could not save the settings: {exc}", severity="warning", markup=False)

    def watch_theme(self, theme: str) -> None:
        with contextlib.suppress(Exception):  # before compose there is no editor yet
            self.editor.follow_theme(dark=self.current_theme.dark)
        if getattr(self, "_settings", None) is None or self.settings.theme == theme:
            return
        from ssm_tui.settings import save_settings

        self.settings = self.settings.model_copy(update={"theme": theme})
        self._persist_settings(save_settings)

    # --- find, go to line, wrap, policy type ------------------------------------------------
    async def action_find(self) -> None:
        await self._open_find_bar("find")

    async def action_go_to_line(self) -> None:
        await self._open_find_bar("line")

    async def _open_find_bar(self, mode: str) -> None:
        self.action_show_editor()
        bars = self.query(FindBar)
        if bars:
            bar = bars.first()
        else:  # mounted on first use: it is not needed for the first paint
            bar = FindBar(id="find-bar")
            await self.query_one("#workspace").mount(bar, after=self.editor)
        bar.open(mode, self.editor.document.lines, self.editor.cursor_location)  # type: ignore[arg-type]

    @on(FindBar.Go)
    def _find_go(self, message: FindBar.Go) -> None:
        row, column = message.location
        editor = self.editor
        row = min(row, editor.document.line_count - 1)
        column = min(column, len(editor.document.get_line(row)))
        if message.length:
            from textual.widgets.text_area import Selection

            editor.selection = Selection((row, column), (row, column + message.length))
        else:
            editor.cursor_location = (row, column)
            editor.focus()
        editor.scroll_cursor_visible(center=True)

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self.editor.focus()

    def action_toggle_wrap(self) -> None:
        self.editor.soft_wrap = not self.editor.soft_wrap
        self.editor.scroll_cursor_visible(center=True)
        self.status.set_status(extras=("wrap",) if self.editor.soft_wrap else ())
        self.notify(f"Soft wrap {'on' if self.editor.soft_wrap else 'off'}.", markup=False)

    def action_cycle_policy_type(self) -> None:
        """Check the policy as the next policy type (each has its own size quota)."""
        from ssm_tui.checks import PolicyType

        kinds = list(PolicyType)
        current = PolicyType(self.policy_type)
        self.policy_type = kinds[(kinds.index(current) + 1) % len(kinds)].value
        self.notify(f"Checked as: {PolicyType(self.policy_type).label}.", markup=False)
        self.validate_now()

    def action_save_as(self) -> None:
        self._save_as()

    # --- editor actions -----------------------------------------------------------------
    def action_format(self) -> None:
        self._reformat(minified=False)

    def action_minify(self) -> None:
        self._reformat(minified=True)

    def _reformat(self, *, minified: bool) -> None:
        from ssm_tui.policy.edit import NotJson, reformat

        self.checkpoint()
        result = reformat(self.editor.text, minified=minified, parsed=self._parsed())
        if isinstance(result, NotJson):
            self.notify(
                "Fix the JSON syntax error first (see Findings).", severity="warning", markup=False
            )
            return
        self._replace_all(result, "Not formatted", severity="warning")

    def action_new(self) -> None:
        self.checkpoint()
        self.post_message(OpenInEditor(SKELETON, UNTITLED))

    def action_open(self) -> None:
        from ssm_tui.export.files import FileProblem, LoadedFile

        self.checkpoint()
        read: dict[Path, LoadedFile] = {}

        def check(path: str) -> str | None:
            """Read the file now: a path that fails stays in the prompt, with the reason."""
            target = Path(path).expanduser()
            try:
                read[target] = self.document.read(target)
            except FileProblem as exc:
                return f"Not opened: {exc}"
            return None

        def opened(path: str | None) -> None:
            if not path:
                return
            target = Path(path).expanduser()
            loaded = read.get(target)
            if loaded is None:
                return

            def load(answer: bool | None = True) -> None:
                if not answer:
                    return
                if self.dirty:  # the user chose to discard the unsaved work
                    self.drafts.discard(self._document())
                self.document.opened(target, loaded.snapshot)
                self._set_buffer(loaded.text, target.name, saved=True)
                self._offer_drafts()

            if self.dirty:
                self.push_screen(
                    ConfirmScreen(
                        f"Discard the unsaved changes to {self.title_of_buffer}?",
                        yes="Discard",
                        no="Keep",
                    ),
                    load,
                )
            else:
                load()

        self.push_screen(PathScreen("Open a policy file", check=check), opened)

    def action_save(self) -> None:
        if self.source_path is None:
            self._save_as()
        else:
            self._save_to(str(self.source_path))

    def _save_as(self) -> None:
        self.push_screen(PathScreen("Save the policy as"), self._save_to)

    def _save_to(
        self, path: str | None, *, overwrite: bool = False, allow_read_only: bool = False
    ) -> None:
        """Save the editor's text to `path`: to the file that was opened only if nobody
        changed it since (else ask), over another existing file or a read-only one only if
        the user says so.  Any failure is one line; the text stays in the editor and in the
        draft."""
        from ssm_tui.export.files import ChangedOnDisk, FileExistsConflict, ReadOnlyFile

        if not path:
            return
        target = Path(path).expanduser()
        drafted = self.checkpoint()
        text = self.editor.text
        try:
            snapshot = self.document.write(
                target, text, overwrite=overwrite, allow_read_only=allow_read_only
            )
        except ChangedOnDisk:
            self._changed_on_disk(target)
            return
        except FileExistsConflict:
            same = self.document.is_file(target)
            what = "was created since you opened it" if same else "already exists"

            def overwrite_it(answer: bool | None) -> None:
                if answer:
                    self._save_to(path, overwrite=True, allow_read_only=allow_read_only)

            self.push_screen(
                ConfirmScreen(f"{target} {what}. Overwrite it?", yes="Overwrite", no="Cancel"),
                overwrite_it,
            )
            return
        except ReadOnlyFile:

            def write_anyway(answer: bool | None) -> None:
                if answer:
                    self._save_to(path, overwrite=overwrite, allow_read_only=True)

            self.push_screen(
                ConfirmScreen(
                    f"{target} is read-only. Write it anyway (it stays read-only)?",
                    yes="Write",
                    no="Cancel",
                ),
                write_anyway,
            )
            return
        except OSError as exc:  # FileProblem: one line that names the file
            kept = "the text is still here and in a draft" if drafted else "the text is still here"
            self.notify(f"Not saved: {exc}; {kept}.", severity="error", markup=False, timeout=15)
            return
        old_document = self._document()
        others = self.document.saved_as(target, snapshot, text)
        self._update_title()
        self.drafts.discard(old_document)
        self._write_draft(quiet=True)  # forgets the draft, or keeps what was typed since
        note = f" (its {others} other hard link(s) keep the old text)" if others else ""
        self.notify(f"Saved {target}{note}", markup=False)

    def _changed_on_disk(self, target: Path) -> None:
        from ssm_tui.export.files import snapshot_of

        gone = snapshot_of(target) is None
        what = "was deleted" if gone else "changed on disk"
        choices = [
            ("overwrite", "Save it again" if gone else "Overwrite", "o"),
            ("elsewhere", "Save elsewhere", "s"),
            ("cancel", "Cancel", "c"),
        ]
        if not gone:
            choices.insert(0, ("reload", "Reload", "r"))

        def answer(choice: str | None) -> None:
            if choice == "reload":
                self._reload(target)
            elif choice == "overwrite":
                self._save_to(str(target), overwrite=True)
            elif choice == "elsewhere":
                self._save_as()

        self.push_screen(
            ChoiceScreen(
                f"{target} {what} since you opened it (another program or another "
                "ssm-tui). Your text is not saved yet; it is kept in a draft."
                + ("" if gone else "\nReload shows the file's text (ctrl+z brings yours back)."),
                choices,
                cancel="cancel",
                title="Changed on disk",
            ),
            answer,
        )

    def _reload(self, target: Path) -> None:
        """Load the file's text from disk, keeping the editor's text undoable (ctrl+z) and
        in a draft of its own (offered by a later ssm-tui if this one goes away)."""
        from ssm_tui.drafts import Document
        from ssm_tui.export.files import FileProblem

        try:
            loaded = self.document.read(target)
        except FileProblem as exc:
            self.notify(f"Not reloaded: {exc}", severity="error", markup=False)
            return
        mine = self.editor.text
        with contextlib.suppress(OSError):
            owner = f"{self.drafts.instance.id}-before-reload"
            self.drafts.save(Document(None, None, owner), mine, f"{target.name} before reload")
        self.document.reloaded(loaded)
        self.editor.replace(loaded.text, (0, 0), self.editor.document.end)
        self._update_title()
        self.notify(f"Reloaded {target.name}; ctrl+z brings your text back.", markup=False)

    # --- navigation, help, quit ---------------------------------------------------------
    @property
    def main_screen(self) -> Screen[Any]:
        """The screen with the library and the editor (under any modal or notice)."""
        return self.screen_stack[0]

    async def action_show_library(self) -> None:
        self.main_screen.update_classes({"-show-editor": False, "-show-library": True})
        mounting = self._mount_library()  # a key pressed before the first paint: mount now
        if mounting is not None:
            await mounting
        tabs = self.query_one("#library-tabs", TabbedContent)
        pane = tabs.active_pane
        content = pane.children[0] if pane is not None and pane.children else None
        focus_list = getattr(content, "focus_list", None)
        if callable(focus_list):  # the pane's list, not its filter box (typing would go there)
            focus_list()
            return
        target = next((w for w in pane.query("*") if w.focusable), None) if pane else None
        (target or tabs).focus()

    def action_show_editor(self) -> None:
        self.main_screen.update_classes({"-show-library": False, "-show-editor": True})
        self.editor.focus()

    def action_focus_findings(self) -> None:
        self.action_show_editor()
        self.findings.focus()

    def key_owners(self) -> list[type]:
        """The classes whose keys F1 lists (and remaps are checked against), in order."""
        from ssm_tui.tui import screens
        from ssm_tui.tui.builder_screen import BuilderScreen
        from ssm_tui.tui.export_screen import ExportScreen
        from ssm_tui.tui.simulator_screen import SimulatorScreen
        from ssm_tui.tui.widgets.managed_pane import ManagedPane
        from ssm_tui.tui.widgets.templates_pane import TemplatesPane

        dialogs = [
            getattr(screens, name)
            for name in ("ConfirmScreen", "ChoiceScreen", "PathScreen", "HelpScreen")
        ]
        return [
            type(self),
            FindBar,
            FindingsList,
            ManagedPane,
            TemplatesPane,
            BuilderScreen,
            SimulatorScreen,
            ExportScreen,
            *dialogs,
        ]

    def remap_problems(self) -> list[str]:
        from ssm_tui.tui.keys import remap_conflicts

        return remap_conflicts(self.settings.keymap, self.key_owners())

    def action_help(self, section: str | None = None) -> None:
        """F1: every key by section (`section`: open at that one, e.g. "Managed policies")."""
        from ssm_tui.tui.keys import help_rows

        rows: list[Any] = list(help_rows(self.key_owners(), self.settings.keymap))
        notes = [f"Key remap problem: {problem}" for problem in self.remap_problems()]
        self.push_screen(HelpScreen(rows, section=section, notes=notes))

    def action_quit_app(self) -> None:
        if not self.dirty:
            self._write_draft(quiet=True)  # forgets a draft the saved file made needless
            self.exit()
            return
        kept = self.checkpoint()

        def answer(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        if kept:
            question = (
                "The policy has unsaved changes (a draft is kept and offered next time). Quit?"
            )
        else:
            question = (
                "The policy has unsaved changes and NO draft could be written (see the notice). "
                "Quitting loses them: save (ctrl+s) or copy (F8) first. Quit anyway?"
            )
        self.push_screen(
            ConfirmScreen(question, yes="Quit" if kept else "Quit and lose them", no="Stay"),
            answer,
        )

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        """Every command of the app and of the panes (with its key) for ctrl+p."""
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id and binding.description:
                action = binding.action
                yield SystemCommand(
                    f"{binding.description} ({binding.key})",
                    binding.tooltip or binding.description,
                    lambda action=action: self.run_action(action),
                )
        yield SystemCommand("Save as…", "Save the policy to another file", self.action_save_as)
        yield SystemCommand(
            "Policy type (size quota)",
            f"Check the policy as the next policy type (now {self.policy_type})",
            self.action_cycle_policy_type,
        )
        from ssm_tui.tui.widgets.managed_pane import ManagedPane
        from ssm_tui.tui.widgets.templates_pane import TemplatesPane

        for pane_type, prefix in ((ManagedPane, "Managed policy"), (TemplatesPane, "Template")):
            panes = self.query(pane_type)
            if not panes:
                continue
            pane = panes.first()
            for binding in pane_type.BINDINGS:
                if not isinstance(binding, Binding) or not binding.id or not binding.description:
                    continue
                action = binding.action
                yield SystemCommand(
                    f"{prefix}: {binding.description} ({binding.key})",
                    binding.tooltip or binding.description,
                    lambda pane=pane, action=action: pane.run_action(action),
                )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failure inside a worker becomes a notification, never a crash."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"{event.worker.name or 'A background task'} failed: "
                f"{type(error).__name__}: {error}",
                severity="error",
                markup=False,
            )

    def on_resize(self, event: events.Resize | None = None) -> None:
        size = event.size if event is not None else self.size
        small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif not small:
            while isinstance(self.screen, TooSmallScreen):
                self.pop_screen()


def _location(text: str, offset: int) -> tuple[int, int]:
    """The editor location (0-based row, column) of a character offset in `text`."""
    row = text.count("\n", 0, offset)
    return row, offset - (text.rfind("\n", 0, offset) + 1)


def run(path: str | None = None, *, mouse: bool = True) -> int:
    """Start the app (the `ssm-tui` command with no subcommand); its exit status: 0, or
    EXIT_INTERNAL (3) after an unexpected error (said in one line, with where the report
    and the draft are)."""
    app = SsmTuiApp(path)
    app.run(mouse=mouse)
    if app.crash_report is not None:
        where = (
            f"the report is in {app.crash_report}"
            if isinstance(app.crash_report, Path)
            else f"no report could be written ({app.crash_report})"
        )
        print(
            f"ssm-tui: internal error; your text is kept in a draft (offered next time); {where}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return app.return_code or 0
