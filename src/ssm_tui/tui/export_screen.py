"""Export a policy in any format (JSON, AWS CLI, Terraform, CloudFormation): pick the
format, see the result, then copy it or save it to a file.

The preview takes every row and column the format list leaves and never wraps (a token is
never cut; long lines scroll sideways).  A policy with errors is said so at the top, and copy
or save asks first, as the editor's copy does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, Literal

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ssm_tui.export.formats import FORMATS, export
from ssm_tui.tui.screens import ConfirmScreen, PathScreen

ExportChoice = tuple[Literal["copy", "save"], str, str]  # (what, text, format)


def default_policy_name(title: str) -> str:
    """A valid IAM policy name made from a buffer title ("AmazonSSMFullAccess v4")."""
    name = re.sub(r"[^\w+=,.@-]+", "-", title).strip("-.") or "ssm-policy"
    return name[:128]


class ExportScreen(ModalScreen[ExportChoice | None]):
    """Formats on the left, the exported text on the right; `c` copies, `s` saves."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 100%; max-width: 160; height: 100%; max-height: 50;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ExportScreen #export-name-row { height: auto; }
    ExportScreen #export-body { height: 1fr; }
    ExportScreen #export-formats { width: 20; height: 1fr; }
    ExportScreen #export-preview { width: 1fr; height: 1fr; }
    ExportScreen #export-name { width: 1fr; }
    ExportScreen #export-errors { color: $warning; text-style: bold; height: auto; }
    ExportScreen #export-problem { color: $error; height: auto; }
    ExportScreen #export-keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c,ctrl+y",
            "choose('copy')",
            "Copy",
            id="export.copy",
            tooltip="Copy the exported text (sent to the terminal as OSC 52; F12 then saves "
            "it to a file)",
        ),
        Binding(
            "s,ctrl+s",
            "choose('save')",
            "Save",
            id="export.save",
            tooltip="Save the exported text to a file",
        ),
        Binding(
            "escape",
            "cancel",
            "Close",
            id="export.close",
            tooltip="Close the export without copying or saving",
        ),
    ]

    def __init__(self, policy: Any, title: str, errors: int = 0) -> None:
        """`errors`: how many error findings the validator has on the policy (the app's
        count for the editor's policy); with any, the screen warns and copy or save asks."""
        super().__init__()
        self.policy = policy
        self.title_text = title
        self.errors = errors
        self.format_names = list(FORMATS)
        self.text = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content.assemble(("Export ", "bold"), self.title_text))
            with Horizontal(id="export-name-row"):
                yield Label(Content("Policy name: "))
                yield Input(
                    value=default_policy_name(self.title_text), id="export-name", compact=True
                )
            errors = Static(Content(self.errors_warning()), id="export-errors")
            errors.display = self.errors > 0
            yield errors
            yield Static(Content(""), id="export-problem")
            with Horizontal(id="export-body"):
                yield OptionList(
                    *[Option(Content(name), id=name) for name in self.format_names],
                    id="export-formats",
                )
                # no soft wrap: a wrapped line would cut an ARN or a command in two
                yield TextArea(read_only=True, id="export-preview", soft_wrap=False)
            yield Static(
                Content("c copy · s save to a file · escape close · ↑↓ format"), id="export-keys"
            )

    def errors_warning(self) -> str:
        if not self.errors:
            return ""
        noun = "error" if self.errors == 1 else "errors"
        return (
            f"⚠ The policy has {self.errors} {noun}: IAM may reject it or it may not do "
            "what you expect."
        )

    def on_mount(self) -> None:
        formats = self.query_one("#export-formats", OptionList)
        formats.highlighted = 0
        formats.focus()
        self.render_export()

    @property
    def chosen_format(self) -> str:
        index = self.query_one("#export-formats", OptionList).highlighted or 0
        return self.format_names[index]

    def render_export(self) -> None:
        name = self.query_one("#export-name", Input).value.strip()
        problem = self.query_one("#export-problem", Static)
        try:
            self.text = export(self.policy, self.chosen_format, name=name)
        except (ValueError, RecursionError) as exc:  # a value no format can write
            self.text = ""
            problem.update(Content(f"✗ {exc}"))
        else:
            problem.update(Content(""))
        problem.display = bool(self.text == "")
        preview = self.query_one("#export-preview", TextArea)
        preview.border_title = Content(f"{self.chosen_format}: {FORMATS[self.chosen_format]}")
        preview.load_text(self.text)
        preview.language = "json" if self.chosen_format in ("json", "min") else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.render_export()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.render_export()

    def action_choose(self, what: Literal["copy", "save"]) -> None:
        if not self.text:
            self.notify(
                "Nothing to export: fix the problem shown first.", severity="warning", markup=False
            )
            return
        choice: ExportChoice = (what, self.text, self.chosen_format)
        if not self.errors:
            self.dismiss(choice)
            return

        def answer(anyway: bool | None) -> None:
            if anyway:
                self.dismiss(choice)

        verb = "Copy" if what == "copy" else "Save"
        self.app.push_screen(
            ConfirmScreen(
                f"{self.errors_warning().removeprefix('⚠ ')} {verb} it anyway?",
                yes=verb,
                no="Cancel",
            ),
            answer,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def save_export(app: App[Any], text: str, fmt: str) -> None:
    """Ask for a path and save the exported `text` there: over an existing or a read-only
    file only when the user says so; a failure is one line."""

    def save(path: str | None, overwrite: bool = False, read_only: bool = False) -> None:
        from ssm_tui.export.files import FileExistsConflict, ReadOnlyFile, save_policy_file

        if not path:
            return
        target = Path(path).expanduser()
        try:
            save_policy_file(
                target, text, expected=None, overwrite=overwrite, allow_read_only=read_only
            )
        except (FileExistsConflict, ReadOnlyFile) as exc:
            read_only_now = isinstance(exc, ReadOnlyFile)
            what = "is read-only" if read_only_now else "already exists"

            def again(answer: bool | None) -> None:
                if answer:
                    save(path, overwrite=True, read_only=read_only or read_only_now)

            app.push_screen(
                ConfirmScreen(f"{target} {what}. Overwrite it?", yes="Overwrite", no="Cancel"),
                again,
            )
        except OSError as exc:  # FileProblem: one line naming the file
            app.notify(f"Not saved: {exc}", severity="error", markup=False)
        else:
            app.notify(f"Saved {fmt} export to {target}", markup=False)

    app.push_screen(PathScreen(f"Save the {fmt} export as"), save)
