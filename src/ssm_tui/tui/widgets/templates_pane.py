"""The templates pane: pick a guide example, fill in its parameters, preview it, insert it.

The pane shows what the core's templates say (`ssm_tui.library.templates`) and asks the
validator about the preview; it builds no policy itself.  Template text and exception
messages reach the screen only as `Content` or with `markup=False` (TEXTUAL-NOTES §2.7).

Keys (each Binding has an id, so the app's keymap can move it; each key means one thing, and
none is also an app key): i / a / p / c / e act on the highlighted template and j / k move
in the list while the list, the detail or the preview has focus.  In a parameter field
letters are typed: Enter goes to the next field, and in the last field appends (the pane's
main action); Escape goes back to the list.  Enter in the list goes to the template's first
parameter.  Five templates need no filter, so `/` is not bound here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.validation import ValidationResult, Validator
from textual.widgets import ContentSwitcher, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ssm_tui.checks import Severity, validate
from ssm_tui.library.templates import (
    Template,
    TemplateParameter,
    TemplateParameterError,
    printed,
    templates,
)
from ssm_tui.tui.messages import CopyRequest, ExportRequest, InsertStatements, OpenInEditor

__all__ = ["TemplatesPane"]

INVALID_MARK = "✗"
VALID_MARK = "✓"
HELP_SECTION = "Templates"  # the F1 help's section for this pane's keys

# How each severity is counted in the preview's summary line (singular, plural).
_SEVERITY_NOUNS: dict[Severity, tuple[str, str]] = {
    Severity.ERROR: ("error", "errors"),
    Severity.SECURITY_WARNING: ("security warning", "security warnings"),
    Severity.WARNING: ("warning", "warnings"),
    Severity.SUGGESTION: ("suggestion", "suggestions"),
}


def parameter_problem(parameter: TemplateParameter, value: str) -> str | None:
    """What is wrong with `value` for `parameter`, with the form expected, or None if valid."""
    try:
        parameter.validate_value(value)
    except TemplateParameterError as error:
        return f"{error.problem}; expected {error.expected}"
    return None


def validation_summary(counts: dict[str, int]) -> str:
    """One line counting the validator's findings by severity ("✓ 0 errors, 8 security ...")."""
    parts = []
    for severity, (one, many) in _SEVERITY_NOUNS.items():
        count = counts.get(severity.value, 0)
        parts.append(f"{count} {one if count == 1 else many}")
    mark = INVALID_MARK if counts.get(Severity.ERROR.value, 0) else VALID_MARK
    return f"{mark} Validator: {', '.join(parts)}"


class _ParameterValidator(Validator):
    """Lets the Input keep its own -invalid class in step with the template's rule."""

    def __init__(self, parameter: TemplateParameter) -> None:
        super().__init__()
        self.parameter = parameter

    def validate(self, value: str) -> ValidationResult:
        problem = parameter_problem(self.parameter, value)
        return self.success() if problem is None else self.failure(problem, value)


class ParameterInput(Input):
    """The field for one parameter of one template."""

    def __init__(self, template: Template, parameter: TemplateParameter) -> None:
        super().__init__(
            value=parameter.default,
            placeholder=parameter.default,
            validators=[_ParameterValidator(parameter)],
            id=_widget_id(template, parameter),
            classes="templates-param-input",
        )
        self.template = template
        self.parameter = parameter


def _widget_id(template: Template, parameter: TemplateParameter, part: str = "") -> str:
    return f"templates--{template.name}--{parameter.name}{part}"


def _form_id(template: Template) -> str:
    return f"templates-form--{template.name}"


def _label(parameter: TemplateParameter, *, invalid: bool) -> Content:
    mark = INVALID_MARK if invalid else " "
    suffix = "" if parameter.required else " (optional)"
    return Content.from_markup(
        "[b]$mark $label[/b]$suffix", mark=mark, label=parameter.label, suffix=suffix
    )


class TemplatesPane(Vertical):
    """The guide's examples as templates: a list above a detail with a form and a preview.

    Posts `InsertStatements` (i: mode "replace"; a, or enter in the last parameter: mode
    "append"), `OpenInEditor` (p: the printed example, verbatim), `CopyRequest` (c) and
    `ExportRequest` (e).  An invalid parameter or a failure becomes a notification and nothing
    is posted.  `focus_list()` puts the focus on the list.
    """

    DEFAULT_CSS = """
    TemplatesPane {
        height: 1fr;
        & > #templates-list {
            height: auto;
            max-height: 7;
        }
        & > #templates-detail {
            height: 1fr;
            padding: 0 1;
        }
        & #templates-forms {
            height: auto;
        }
        & .templates-form {
            height: auto;
        }
        & .templates-title {
            text-style: bold;
        }
        & .templates-heading {
            margin-top: 1;
            text-style: bold underline;
        }
        & .templates-muted {
            color: $text-muted;
        }
        & .templates-param-label {
            margin-top: 1;
            width: 1fr;
        }
        & .templates-param-label.-invalid {
            color: $text-error;
        }
        & .templates-param-message {
            color: $text-error;
        }
        & .templates-param-message.-hidden {
            display: none;
        }
        & #templates-summary.-has-errors {
            color: $text-error;
            text-style: bold;
        }
        & #templates-preview {
            height: auto;
            max-height: 30;
            min-height: 5;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "i",
            "insert('replace')",
            "Insert",
            tooltip="Replace the editor's policy with this template's policy.",
            id="templates.insert-replace",
        ),
        Binding(
            "a",
            "insert('append')",
            "Append",
            tooltip="Append this template's statements to the editor's policy "
            "(enter in the last parameter too).",
            id="templates.insert-append",
        ),
        Binding(
            "p",
            "open_printed",
            "Printed",
            tooltip="Open the guide's example, exactly as printed, in the editor.",
            id="templates.open-printed",
        ),
        Binding(
            "c",
            "copy_policy",
            "Copy",
            tooltip="Copy this template's policy to the clipboard.",
            id="templates.copy",
        ),
        Binding(
            "e",
            "export_policy",
            "Export",
            tooltip="Export this template's policy as JSON, AWS CLI, Terraform or CloudFormation.",
            id="templates.export",
        ),
        Binding(
            "j",
            "cursor_down",
            "Next template",
            show=False,
            tooltip="Highlight the next template in the list.",
            id="templates.next-template",
        ),
        Binding(
            "k",
            "cursor_up",
            "Previous template",
            show=False,
            tooltip="Highlight the previous template in the list.",
            id="templates.previous-template",
        ),
        Binding(
            "escape",
            "focus_list",
            "To list",
            show=False,
            tooltip="Back to the list of templates (from a parameter, the detail or the preview).",
            id="templates.focus-list",
        ),
        Binding(
            "question_mark",
            f"app.help({HELP_SECTION!r})",
            "Keys",
            show=False,
            tooltip="The keys of the templates pane.",
            id="templates.help",
        ),
    ]

    def __init__(
        self,
        template_list: Sequence[Template] | None = None,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 (Textual's name)
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.templates: list[Template] = list(
            templates() if template_list is None else template_list
        )
        self._current: Template | None = self.templates[0] if self.templates else None

    # --- composition ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield OptionList(
            *(Option(Content(t.title), id=t.name) for t in self.templates),
            id="templates-list",
        )
        with VerticalScroll(id="templates-detail"):
            if not self.templates:
                yield Static(Content("No templates."), classes="templates-muted")
                return
            with ContentSwitcher(id="templates-forms", initial=_form_id(self.templates[0])):
                for template in self.templates:
                    with Vertical(id=_form_id(template), classes="templates-form"):
                        yield from self._compose_template(template)
            yield Static(Content("Preview"), classes="templates-heading")
            yield Static(Content(""), id="templates-summary")
            yield TextArea(
                "",
                language="json",
                read_only=True,
                show_line_numbers=False,
                id="templates-preview",
            )

    def _compose_template(self, template: Template) -> ComposeResult:
        yield Static(Content(template.title), classes="templates-title")
        yield Static(
            Content.from_markup(
                "$name · guide: $section", name=template.name, section=template.guide_section
            ),
            classes="templates-muted",
        )
        yield Static(Content("What it is for"), classes="templates-heading")
        yield Static(Content(template.purpose), classes="templates-purpose")
        yield Static(
            Content("How it differs from the printed example"), classes="templates-heading"
        )
        yield Static(Content(_differs(template)), classes="templates-differs")
        yield Static(Content("Parameters"), classes="templates-heading")
        if not template.parameters:
            yield Static(Content("None."), classes="templates-muted")
        for parameter in template.parameters:
            problem = parameter_problem(parameter, parameter.default)
            label = Label(
                _label(parameter, invalid=problem is not None),
                id=_widget_id(template, parameter, "--label"),
                classes="templates-param-label",
            )
            label.set_class(problem is not None, "-invalid")
            yield label
            yield Static(Content(parameter.description), classes="templates-muted")
            yield ParameterInput(template, parameter)
            message = Static(
                Content(f"{INVALID_MARK} {problem}" if problem else ""),
                id=_widget_id(template, parameter, "--message"),
                classes="templates-param-message",
            )
            message.set_class(problem is None, "-hidden")
            yield message

    def on_mount(self) -> None:
        if self.templates:
            self.query_one("#templates-list", OptionList).highlighted = 0
            self._refresh_preview()

    # --- the current template ------------------------------------------------------------
    @property
    def current(self) -> Template | None:
        """The template the detail shows (the highlighted one)."""
        return self._current

    def parameter_input(self, parameter_name: str, template: Template | None = None) -> Input:
        """The field of a parameter of `template` (the current one by default)."""
        template = template or self._current
        assert template is not None, "the pane has no templates"
        parameter = template.parameter(parameter_name)
        if parameter is None:
            raise KeyError(parameter_name)
        return self.query_one(f"#{_widget_id(template, parameter)}", Input)

    def values(self, template: Template | None = None) -> dict[str, str]:
        """The fields' text for `template` (the current one by default), as typed."""
        template = template or self._current
        if template is None:
            return {}
        return {p.name: self.parameter_input(p.name, template).value for p in template.parameters}

    def _show(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.templates):
            return
        template = self.templates[index]
        if template is self._current:
            return
        self._current = template
        self.query_one("#templates-forms", ContentSwitcher).current = _form_id(template)
        self.query_one("#templates-detail", VerticalScroll).scroll_home(animate=False)
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        """Render the current template with the fields' values; show it and what validate()
        says of it, or the first invalid parameter."""
        template = self._current
        if template is None:
            return
        summary = self.query_one("#templates-summary", Static)
        preview = self.query_one("#templates-preview", TextArea)
        try:
            text = template.render_text(self.values(template))
        except TemplateParameterError as error:
            invalid = [
                p.label
                for p in template.parameters
                if parameter_problem(p, self.parameter_input(p.name, template).value)
            ]
            preview.load_text(f"Not rendered: {_describe(template, error)}.")
            summary.update(
                Content(f"{INVALID_MARK} Not rendered: fix {', '.join(invalid) or error.parameter}")
            )
            summary.set_class(True, "-has-errors")
            return
        except Exception as error:  # a bug in a template must not take the app down
            preview.load_text(f"Not rendered: {error}")
            summary.update(Content(f"{INVALID_MARK} Not rendered: {error}"))
            summary.set_class(True, "-has-errors")
            return
        preview.load_text(text)
        try:
            counts = validate(text).summary()
        except Exception as error:
            summary.update(Content(f"{INVALID_MARK} The validator failed: {error}"))
            summary.set_class(True, "-has-errors")
            return
        summary.update(Content(validation_summary(counts)))
        summary.set_class(counts.get(Severity.ERROR.value, 0) > 0, "-has-errors")

    # --- events --------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#templates-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show(event.option_index)

    @on(OptionList.OptionSelected, "#templates-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._show(event.option_index)
        template = self._current
        if template is not None and template.parameters:
            self.parameter_input(template.parameters[0].name, template).focus()

    @on(Input.Changed, ".templates-param-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        field = event.input
        if not isinstance(field, ParameterInput):
            return
        template, parameter = field.template, field.parameter
        problem = parameter_problem(parameter, event.value)
        label = self.query_one(f"#{_widget_id(template, parameter, '--label')}", Label)
        label.update(_label(parameter, invalid=problem is not None))
        label.set_class(problem is not None, "-invalid")
        message = self.query_one(f"#{_widget_id(template, parameter, '--message')}", Static)
        message.update(Content(f"{INVALID_MARK} {problem}" if problem else ""))
        message.set_class(problem is None, "-hidden")
        if template is self._current:
            self._refresh_preview()

    @on(Input.Submitted, ".templates-param-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input
        if not isinstance(field, ParameterInput):
            return
        names = [p.name for p in field.template.parameters]
        position = names.index(field.parameter.name)
        if position + 1 < len(names):
            self.parameter_input(names[position + 1], field.template).focus()
        elif field.template is self._current and self._post_insert("append"):
            self.focus_list()

    # --- actions -------------------------------------------------------------------------
    def _render_or_notify(self, doing: str) -> tuple[Template, dict[str, Any]] | None:
        """The current template's policy, or None after telling the user why not."""
        template = self._current
        if template is None:
            self.notify("There is no template.", severity="warning", markup=False)
            return None
        try:
            return template, template.render(self.values(template))
        except TemplateParameterError as error:
            self.notify(
                f"Cannot {doing} {template.name}: {_describe(template, error)}.",
                title="Invalid parameter",
                severity="error",
                markup=False,
            )
            parameter = template.parameter(error.parameter)
            if parameter is not None:
                self.parameter_input(parameter.name, template).focus()
        except Exception as error:
            self.notify(
                f"Cannot {doing} {template.name}: {error}",
                title="Template failed",
                severity="error",
                markup=False,
            )
        return None

    def action_insert(self, mode: str) -> None:
        """Post InsertStatements for the current template (mode "replace" or "append")."""
        self._post_insert(mode)

    def _post_insert(self, mode: str) -> bool:
        """Post InsertStatements; False (after a notification) if the template cannot render."""
        insert_mode: Literal["replace", "append"] = "append" if mode == "append" else "replace"
        rendered = self._render_or_notify("insert" if insert_mode == "replace" else "append")
        if rendered is None:
            return False
        template, policy = rendered
        self.post_message(InsertStatements(policy, insert_mode, f"template: {template.name}"))
        return True

    def action_copy_policy(self) -> None:
        """Post CopyRequest with the current template's policy."""
        rendered = self._render_or_notify("copy")
        if rendered is not None:
            template, policy = rendered
            self.post_message(CopyRequest(policy, f"template: {template.name}"))

    def action_export_policy(self) -> None:
        """Post ExportRequest with the current template's policy."""
        rendered = self._render_or_notify("export")
        if rendered is not None:
            template, policy = rendered
            self.post_message(ExportRequest(policy, f"template: {template.name}"))

    def action_open_printed(self) -> None:
        """Post OpenInEditor with the guide's example exactly as printed."""
        template = self._current
        if template is None:
            self.notify("There is no template.", severity="warning", markup=False)
            return
        name = template.printed_example
        try:
            text = printed(name) if name is not None else None
        except Exception as error:
            self.notify(
                f"Cannot load the printed example {name}: {error}", severity="error", markup=False
            )
            return
        if name is None or text is None:
            self.notify(
                f"{template.name} has no printed example in the guide.",
                severity="warning",
                markup=False,
            )
            return
        self.post_message(OpenInEditor(text, f"as printed: {name}"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_list":  # from the list itself the key passes on (to the app)
            return not any(listing.has_focus for listing in self.query("#templates-list"))
        return True

    def action_cursor_down(self) -> None:
        self.query_one("#templates-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#templates-list", OptionList).action_cursor_up()

    def action_focus_list(self) -> None:
        self.focus_list()

    def focus_list(self) -> None:
        """Put the focus on the list of templates (what F2 does: letters act, not type)."""
        self.query_one("#templates-list", OptionList).focus()


def _differs(template: Template) -> str:
    if template.printed_example is None:
        return "The guide prints no example for this template."
    return template.differs_from_printed or "It renders the printed example as printed."


def _describe(template: Template, error: TemplateParameterError) -> str:
    parameter = template.parameter(error.parameter)
    label = parameter.label if parameter is not None else error.parameter
    return f"{label} ({error.parameter}): {error.problem}; expected {error.expected}"
