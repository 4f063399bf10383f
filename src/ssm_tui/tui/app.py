"""The ssm-tui application: library panes, the policy editor with live findings, copy.

Layout: at 100 columns and wider the library (managed policies, templates) sits left of
the workspace (editor above findings); narrower, one of the two fills the screen and F2/F3
switch.  Below 60x20 the app says the terminal is too small.  The core does every policy
judgement; this module only shows it.
"""

from __future__ import annotations

import contextlib
import gc
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.filter import LineFilter
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, TabbedContent, TabPane, TextArea
from textual.worker import Worker, WorkerState, get_current_worker

from ssm_tui.tui.messages import CopyRequest, ExportRequest, InsertStatements, OpenInEditor
from ssm_tui.tui.screens import ConfirmScreen, HelpScreen, PathScreen, TooSmallScreen
from ssm_tui.tui.terminal_safety import ControlCharacterFilter
from ssm_tui.tui.widgets.findings_list import FindingsList
from ssm_tui.tui.widgets.policy_editor import PolicyEditor

if TYPE_CHECKING:
    from ssm_tui.checks import Finding, ValidationResult
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
MIN_WIDTH, MIN_HEIGHT = 60, 20


class SsmTuiApp(App[None]):
    """Compose, check and copy Systems Manager IAM policies."""

    TITLE = "ssm-tui"
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Keys", id="app.help", tooltip="Every key of the app"),
        Binding(
            "f2",
            "show_library",
            "Library",
            id="app.library",
            tooltip="Managed policies and templates",
        ),
        Binding("f3", "show_editor", "Editor", id="app.editor", tooltip="The policy editor"),
        Binding("f4", "focus_findings", "Findings", id="app.findings", show=False),
        Binding("f5", "format", "Format", id="editor.format", tooltip="Pretty-print the policy"),
        # TextArea keeps F6 (select line), F7 (select all), ctrl+y (redo), ctrl+a/e (line
        # start/end), ctrl+k/u/w/d (deletions) and ctrl+x/c/v/z for itself.
        Binding(
            "f8",
            "copy_policy",
            "Copy",
            id="editor.copy",
            tooltip="Copy the editor's policy (OSC 52 and the local clipboard)",
        ),
        Binding("f9", "minify", "Minify", id="editor.minify", show=False),
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
        Binding("ctrl+s", "save", "Save", id="editor.save"),
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
        Binding("ctrl+o", "open", "Open", id="editor.open", show=False),
        Binding("ctrl+n", "new", "New", id="editor.new", show=False),
        Binding("ctrl+q", "quit_app", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, path: str | None = None, *, restore_drafts: bool = True) -> None:
        super().__init__()
        self._settings: Settings | None = None  # loaded after the first paint (pydantic)
        self.source_path: Path | None = Path(path) if path else None
        self.title_of_buffer = "new policy"
        self.saved_text = ""
        self.result: ValidationResult | None = None
        self._validate_timer: Timer | None = None
        self._draft_timer: Timer | None = None
        self._restore_drafts = restore_drafts
        self._control_filter = ControlCharacterFilter()
        self._started = False  # True once the first frame is painted
        self._last_simulation: dict[str, str] = {}  # the simulator's fields, kept between openings

    def get_line_filters(self) -> list[LineFilter]:
        # No control character in shown text (a file name, a policy) reaches the terminal.
        return [*super().get_line_filters(), self._control_filter]

    # --- composition --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="library"), TabbedContent(id="library-tabs"):
                # the panes are mounted just after the first paint (see _mount_library)
                yield TabPane("Managed policies", id="managed-tab")
                yield TabPane("Templates", id="templates-tab")
            with Vertical(id="workspace"):
                yield PolicyEditor(id="editor")
                yield FindingsList(id="findings")
        yield Footer(show_command_palette=True, compact=True)

    def on_mount(self) -> None:
        if self.no_color:
            # ANSI themes render black on black under NO_COLOR (TEXTUAL-NOTES.md §2.10)
            for name in ("ansi-dark", "ansi-light"):
                if name in self.available_themes:
                    self.unregister_theme(name)
        theme = _saved_theme()
        if theme is not None and theme in self.available_themes:
            self.theme = theme
        self._load_initial()
        self.main_screen.add_class("-show-editor")
        # the breakpoint classes arrive with the first resize event: set them now, so the
        # first frame already has the right layout
        wide = self.size.width >= 100
        self.main_screen.set_class(wide, "-wide")
        self.main_screen.set_class(not wide, "-narrow")
        self.editor.focus()
        self.on_resize()
        self.call_after_refresh(self._mount_library)

    def _mount_library(self) -> None:
        """Mount the library panes after the first paint: they (and the data they show)
        are not needed to start typing, and building them is most of the start-up work."""
        from ssm_tui.tui.widgets.managed_pane import ManagedPane
        from ssm_tui.tui.widgets.templates_pane import TemplatesPane

        self._started = True
        self.validate_now()  # imports the validator in its worker thread
        self.query_one("#managed-tab", TabPane).mount(ManagedPane())
        self.query_one("#templates-tab", TabPane).mount(TemplatesPane())
        self._apply_settings()
        if self._restore_drafts and self.source_path is None and not self.dirty:
            self._offer_draft()

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
        for problem in problems:
            self.notify(f"Settings: {problem}", severity="warning", markup=False)

    def _load_initial(self) -> None:
        if self.source_path is not None:
            try:
                text = self.source_path.read_text(encoding="utf-8")
            except OSError as exc:
                self.notify(
                    f"Cannot open {self.source_path}: {exc.strerror or exc}",
                    severity="error",
                    markup=False,
                )
                self.source_path = None
            else:
                self._set_buffer(text, self.source_path.name, saved=True)
                return
        self._set_buffer(SKELETON, "new policy", saved=True)

    def _offer_draft(self) -> None:
        from ssm_tui.drafts import load_draft

        draft = load_draft()
        if draft is None or not draft.text.strip() or draft.text == SKELETON:
            return

        def restore(answer: bool | None) -> None:
            if answer:
                self.source_path = Path(draft.source_path) if draft.source_path else None
                self._set_buffer(draft.text, draft.title or "restored draft", saved=False)
                self.notify("Draft restored.", markup=False)

        self.push_screen(
            ConfirmScreen(
                f"Restore the unsaved policy {draft.title!r} from {draft.saved_at}?",
                yes="Restore",
                no="Start anew",
            ),
            restore,
        )

    # --- helpers ------------------------------------------------------------------------
    @property
    def editor(self) -> PolicyEditor:
        return self.query_one("#editor", PolicyEditor)

    @property
    def findings(self) -> FindingsList:
        return self.query_one("#findings", FindingsList)

    @property
    def dirty(self) -> bool:
        return self.editor.text != self.saved_text

    def _set_buffer(self, text: str, title: str, *, saved: bool) -> None:
        self.editor.load_text(text)
        self.title_of_buffer = title
        if saved:
            self.saved_text = text
        self._update_title()
        if self._started:
            self.validate_now()

    def _update_title(self) -> None:
        marker = " ●" if self.dirty else ""
        self.editor.border_title = Content(f"{self.title_of_buffer}{marker}")
        self.sub_title = self.title_of_buffer

    # --- live validation ----------------------------------------------------------------
    @on(TextArea.Changed, "#editor")
    def _text_changed(self) -> None:
        self._update_title()
        if self._validate_timer is not None:
            self._validate_timer.stop()
        self._validate_timer = self.set_timer(VALIDATE_DELAY, self.validate_now)
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.save_draft)

    def validate_now(self) -> None:
        if not self.is_running:  # a debounce timer that fired while the app shuts down
            return
        self._validate(self.editor.text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="validate")
    def _validate(self, text: str) -> None:
        from ssm_tui.checks import validate

        result = validate(text)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._show_result, text, result)

    def _show_result(self, text: str, result: ValidationResult) -> None:
        if text != self.editor.text:
            return  # a newer validation is on its way
        if self.result is None:
            # The catalogue and the app are loaded now: move everything alive into the
            # permanent generation, so full collections while typing stay short (they took
            # ~100 ms over this heap, measured by bench/bench_startup.py).
            gc.freeze()
        self.result = result
        counts = result.summary()

        def count(number: int, word: str) -> str:
            return f"{number} {word}" if number == 1 else f"{number} {word}s"

        summary = (
            f"{count(counts['error'], 'error')}, {counts['security_warning']} security, "
            f"{count(counts['warning'], 'warning')}, {count(counts['suggestion'], 'hint')} · "
            f"{result.size:,}/{result.size_limit:,} chars"
        )
        self.findings.show(result.findings, summary)
        self.editor.set_marks(
            PolicyEditor.marks_for(
                [(f.line, f.end_line, f.severity.value) for f in result.findings]
            )
        )

    def save_draft(self) -> None:
        from ssm_tui.drafts import clear_draft, save_draft

        if not self.is_running:  # as in validate_now
            return
        try:
            if self.dirty:
                save_draft(
                    self.editor.text,
                    str(self.source_path) if self.source_path else None,
                    self.title_of_buffer,
                )
            else:
                clear_draft()
        except OSError as exc:
            self.notify(f"Could not save the draft: {exc}", severity="warning", markup=False)

    # --- findings -----------------------------------------------------------------------
    @on(FindingsList.Jump)
    def _jump(self, event: FindingsList.Jump) -> None:
        finding = event.finding
        self.action_show_editor()
        self.editor.cursor_location = (finding.line - 1, finding.column - 1)
        self.editor.scroll_cursor_visible(center=True)
        self.editor.focus()

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
        def load(answer: bool | None = True) -> None:
            if answer:
                self.source_path = None
                self._set_buffer(message.text, message.title, saved=False)
                self.action_show_editor()

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
        from ssm_tui.policy.format import pretty

        if message.mode == "replace":
            self.post_message(OpenInEditor(pretty(message.policy), message.title))
            return
        try:
            current = json.loads(self.editor.text)
        except ValueError:
            self.notify(
                "The editor's policy is not valid JSON; fix it before appending.",
                severity="error",
                markup=False,
            )
            return
        statements = current.get("Statement") if isinstance(current, dict) else None
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(statements, list):
            statements = []
        added = message.policy.get("Statement", [])
        current["Statement"] = statements + (added if isinstance(added, list) else [added])
        self.editor.replace(pretty(current), (0, 0), self.editor.document.end)
        self.notify(f"Appended the statements of {message.title}.", markup=False)
        self.action_show_editor()

    @on(CopyRequest)
    def _copy_request(self, message: CopyRequest) -> None:
        from ssm_tui.export.clipboard import policy_text

        self._copy(policy_text(message.policy, self.settings.copy_format), message.title)

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

        self.push_screen(SimulatorScreen(self.editor.text, self._last_simulation), go_to)

    # --- build a statement ----------------------------------------------------------------
    def action_build_statement(self) -> None:
        from ssm_tui.tui.builder_screen import BuilderScreen

        try:
            json.loads(self.editor.text)
        except ValueError:
            # Checked before the form opens, so a built statement is never refused afterwards.
            self.notify(
                "Fix the JSON syntax error first (see Findings): the statement is appended to it.",
                severity="warning",
                markup=False,
            )
            return

        def append(statement: dict[str, Any] | None) -> None:
            if statement is not None:
                policy = {"Version": "2012-10-17", "Statement": [statement]}
                self.post_message(InsertStatements(policy, "append", "the statement builder"))

        self.push_screen(BuilderScreen(), append)

    # --- export -------------------------------------------------------------------------
    def action_export(self) -> None:
        try:
            policy = json.loads(self.editor.text)
        except ValueError:
            self.notify(
                "Fix the JSON syntax error first (see Findings).", severity="warning", markup=False
            )
            return
        self.post_message(ExportRequest(policy, self.title_of_buffer))

    @on(ExportRequest)
    def _export_request(self, message: ExportRequest) -> None:
        from ssm_tui.tui.export_screen import ExportChoice, ExportScreen

        def chosen(choice: ExportChoice | None) -> None:
            if choice is None:
                return
            what, text, fmt = choice
            if what == "copy":
                self._copy(text, f"{message.title} ({fmt})")
                return

            def save(path: str | None) -> None:
                from ssm_tui.export.files import write_atomic

                if not path:
                    return
                target = Path(path).expanduser()
                try:
                    write_atomic(target, text)
                except OSError as exc:
                    self.notify(
                        f"Could not save {target}: {exc.strerror or exc}",
                        severity="error",
                        markup=False,
                    )
                else:
                    self.notify(f"Saved {fmt} export to {target}", markup=False)

            self.push_screen(PathScreen(f"Save the {fmt} export as"), save)

        self.push_screen(ExportScreen(message.policy, message.title), chosen)

    # --- copy ---------------------------------------------------------------------------
    def action_copy_policy(self) -> None:
        from ssm_tui.export.clipboard import policy_text

        text = self.editor.text
        with contextlib.suppress(ValueError):  # not JSON: copy what is there
            text = policy_text(json.loads(text), self.settings.copy_format)
        errors = self.result is not None and any(
            f.severity == "error" for f in self.result.findings
        )

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
        from ssm_tui.export.clipboard import copy, save_fallback

        outcome = copy(text, osc52=self.copy_to_clipboard)
        if outcome.routes:
            note = outcome.message + (f" {outcome.hint}" if outcome.hint else "")
            self.notify(note, title="Copied", markup=False)
            return

        def save(answer: bool | None) -> None:
            if answer:
                try:
                    path = save_fallback(text, title)
                except OSError as exc:
                    self.notify(f"Could not save: {exc}", severity="error", markup=False)
                else:
                    self.notify(f"Saved to {path}", markup=False)

        self.push_screen(
            ConfirmScreen(f"{outcome.message} Save it to a file instead?", yes="Save", no="Cancel"),
            save,
        )

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
        if getattr(self, "_settings", None) is None or self.settings.theme == theme:
            return
        from ssm_tui.settings import save_settings

        self.settings = self.settings.model_copy(update={"theme": theme})
        self._persist_settings(save_settings)

    # --- editor actions -----------------------------------------------------------------
    def action_format(self) -> None:
        self._reformat(minified=False)

    def action_minify(self) -> None:
        self._reformat(minified=True)

    def _reformat(self, *, minified: bool) -> None:
        from ssm_tui.policy.format import minify, pretty

        try:
            value = json.loads(self.editor.text)
        except ValueError:
            self.notify(
                "Fix the JSON syntax error first (see Findings).", severity="warning", markup=False
            )
            return
        text = minify(value) if minified else pretty(value)
        self.editor.replace(text, (0, 0), self.editor.document.end)

    def action_new(self) -> None:
        self.post_message(OpenInEditor(SKELETON, "new policy"))

    def action_open(self) -> None:
        def opened(path: str | None) -> None:
            if not path:
                return
            try:
                text = Path(path).expanduser().read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.notify(f"Cannot open {path}: {exc}", severity="error", markup=False)
                return

            def load(answer: bool | None = True) -> None:
                if answer:
                    self.source_path = Path(path).expanduser()
                    self._set_buffer(text, self.source_path.name, saved=True)

            if self.dirty:
                self.push_screen(
                    ConfirmScreen("Discard the unsaved changes?", yes="Discard", no="Keep"), load
                )
            else:
                load()

        self.push_screen(PathScreen("Open a policy file"), opened)

    def action_save(self) -> None:
        if self.source_path is None:
            self.push_screen(PathScreen("Save the policy as"), self._save_to)
        else:
            self._save_to(str(self.source_path))

    def _save_to(self, path: str | None) -> None:
        from ssm_tui.drafts import clear_draft
        from ssm_tui.export.files import write_atomic

        if not path:
            return
        target = Path(path).expanduser()
        try:
            write_atomic(target, self.editor.text)
        except OSError as exc:
            self.notify(
                f"Could not save {target}: {exc.strerror or exc}", severity="error", markup=False
            )
            return
        self.source_path = target
        self.saved_text = self.editor.text
        self.title_of_buffer = target.name
        self._update_title()
        with contextlib.suppress(OSError):
            clear_draft()
        self.notify(f"Saved {target}", markup=False)

    # --- navigation, help, quit ---------------------------------------------------------
    @property
    def main_screen(self) -> Screen[Any]:
        """The screen with the library and the editor (under any modal or notice)."""
        return self.screen_stack[0]

    def action_show_library(self) -> None:
        self.main_screen.remove_class("-show-editor")
        self.main_screen.add_class("-show-library")
        tabs = self.query_one("#library-tabs", TabbedContent)
        pane = tabs.active_pane
        target = next((w for w in pane.query("*") if w.focusable), None) if pane else None
        (target or tabs).focus()

    def action_show_editor(self) -> None:
        self.main_screen.remove_class("-show-library")
        self.main_screen.add_class("-show-editor")
        self.editor.focus()

    def action_focus_findings(self) -> None:
        self.action_show_editor()
        self.findings.focus()

    def action_help(self) -> None:
        remapped = self.settings.keymap
        rows = []
        seen = set()
        for node in (self, self.screen, *self.screen.walk_children()):
            for binding in getattr(node, "BINDINGS", []):
                if not isinstance(binding, Binding) or binding.id is None or binding.id in seen:
                    continue
                seen.add(binding.id)
                key = remapped.get(binding.id, binding.key)
                rows.append((key, binding.description or binding.action, binding.id))
        self.push_screen(HelpScreen(rows))

    def action_quit_app(self) -> None:
        if not self.dirty:
            self.exit()
            return

        def answer(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.save_draft()
                self.exit()

        self.push_screen(
            ConfirmScreen(
                "The policy has unsaved changes (a draft is kept and offered next time). Quit?",
                yes="Quit",
                no="Stay",
            ),
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


def _saved_theme() -> str | None:
    """The theme in the settings file, read without validation so that the first frame
    has the user's colours (the settings are validated in full just after it)."""
    from ssm_tui.paths import config_dir

    try:
        data = json.loads((config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    theme = data.get("theme") if isinstance(data, dict) else None
    return theme if isinstance(theme, str) else None


def run(path: str | None = None, *, mouse: bool = True) -> None:
    """Start the app (the `ssm-tui` command with no subcommand)."""
    SsmTuiApp(path).run(mouse=mouse)
