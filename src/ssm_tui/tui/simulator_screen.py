"""The simulator screen: does the policy in the editor allow one request?

Asks for an action (completed from the catalogue), a resource (with the action's ARN
formats as a hint) and a value for each condition key the policy uses, then shows the
decision of `ssm_tui.access.simulate`.  `g` returns the (line, column) of the deciding (or the
nearest) statement so the app can show it in the editor.  Every text is `Content`, never
markup: the policy and the inputs are text the app does not control.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Footer, Input, Label, Static

from ssm_tui.access.simulate import (
    Decision,
    PolicyError,
    Request,
    StatementRef,
    condition_keys_used,
    simulate,
)
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.policy.model import parse_policy

DECISION_WORDS = {
    "allowed": ("✓ allowed", "bold $success"),
    "explicit_deny": ("✗ explicitly denied", "bold $error"),
    "implicit_deny": ("✗ implicitly denied", "bold $warning"),
}
RESOURCE_HINT = 'Resource: "*" (the default) or an ARN.'


class ActionSuggester(Suggester):
    """Completes `service` to `service:` and `service:Act` to a catalogue action name;
    a service's actions are loaded only once something of it is typed."""

    def __init__(self) -> None:
        super().__init__(use_cache=True, case_sensitive=False)

    async def get_suggestion(self, value: str) -> str | None:
        prefix, sep, _name = value.partition(":")
        if not prefix:
            return None
        catalog = get_catalog()
        if not sep:
            services = sorted(s for s in catalog.services if s.startswith(prefix))
            return f"{services[0]}:" if services else None
        names = sorted(a.full_name for a in catalog.actions(prefix).values())
        return next((n for n in names if n.lower().startswith(value)), None)


def split_values(text: str) -> list[str]:
    """Comma-separated values; empty ones are dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _statement(ref: StatementRef) -> str:
    sid = f"Sid {ref.sid!r}" if ref.sid else "no Sid"
    return (
        f"statement {ref.statement + 1} ({ref.effect}, {sid}) "
        f"at line {ref.line}, column {ref.column}"
    )


def describe(decision: Decision) -> Content:
    """The decision as a few lines of Content (word and symbol, not colour only)."""
    word, style = DECISION_WORDS[decision.decision]
    lines = [
        Content.assemble((word, style)),
        Content(f"{decision.action} on {decision.resource}"),
    ]
    verb = "Allowed by" if decision.allowed else "Denied by"
    lines.extend(Content(f"{verb} {_statement(ref)}") for ref in decision.deciding)
    if decision.decision == "implicit_deny":
        if decision.nearest is None:
            lines.append(Content("No Allow statement in the policy comes close."))
        else:
            lines.append(
                Content(
                    f"Nearest: {_statement(decision.nearest.statement)}, "
                    f"which does not match on {decision.nearest.why}"
                )
            )
    if decision.missing_context_keys:
        lines.append(Content(f"Missing context keys: {', '.join(decision.missing_context_keys)}"))
    return Content("\n").join(lines)


def _error(message: str) -> Content:
    return Content.assemble(("✗ cannot simulate", "bold $error"), "\n", message)


def _validation_message(error: ValidationError) -> str:
    messages = []
    for item in error.errors():
        message = str(item.get("msg", ""))
        messages.append(message.removeprefix("Value error, "))
    return "; ".join(messages) or str(error)


class _Result(Static, can_focus=True):
    """The outcome; focusable so that `g` works once the simulation has run."""


class SimulatorScreen(ModalScreen[tuple[int, int] | None]):
    """Simulate one request against `policy_text`.

    Dismisses with the (line, column) of the deciding statement (or the nearest one for an
    implicit deny) on `g`, with None on escape."""

    DEFAULT_CSS = """
    SimulatorScreen { align: center middle; }
    SimulatorScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; padding: 0 1; background: $surface;
    }
    SimulatorScreen Label { margin-top: 1; }
    SimulatorScreen .hint { color: $text-muted; }
    SimulatorScreen #result { margin-top: 1; padding: 0 1; border: round $primary; height: auto; }
    SimulatorScreen #result:focus { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run", "Simulate", id="simulator.run"),
        Binding("g", "go_to", "Go to statement", id="simulator.go-to"),
        Binding("escape", "close", "Close", id="simulator.close"),
    ]

    def __init__(self, policy_text: str, remembered: dict[str, str] | None = None) -> None:
        """`remembered` holds the last request's fields (action, resource, one per context
        key by name); the screen fills its inputs from it and writes every change back, so
        the caller that passes the same dict gets the request again on the next opening."""
        super().__init__()
        self.policy_text = policy_text
        self.remembered = {} if remembered is None else remembered
        # The keys the simulator reports as missing when the request lacks them.
        self.keys = list(condition_keys_used([parse_policy(policy_text)]))
        self.decision: Decision | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                Content.assemble(
                    ("Simulate a request", "bold"),
                    "  enter or ctrl+r runs it, escape closes",
                )
            )
            yield Label(Content("Action"))
            yield Input(
                self.remembered.get("action", ""),
                placeholder="service:Action",
                suggester=ActionSuggester(),
                id="action",
            )
            yield Label(Content("Resource"))
            yield Input(self.remembered.get("resource", ""), placeholder="*", id="resource")
            yield Static(Content(RESOURCE_HINT), id="resource-hint", classes="hint")
            if self.keys:
                yield Label(Content("Context (comma-separated values; empty: not in the request)"))
            for index, key in enumerate(self.keys):
                yield Label(Content(key), classes="key")
                yield Input(
                    self.remembered.get(key, ""),
                    placeholder="values, comma-separated",
                    id=f"context-{index}",
                )
            yield _Result(Content("Not simulated yet."), id="result")
        yield Footer()

    def on_mount(self) -> None:
        action = self.query_one("#action", Input)
        self._show_arn_formats(action.value.strip())
        action.focus()

    # --- inputs -----------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        name = event.input.id or ""
        if name == "action":
            self._show_arn_formats(event.value.strip())
        if name.startswith("context-"):
            name = self.keys[int(name.removeprefix("context-"))]
        if name:
            self.remembered[name] = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def _show_arn_formats(self, action_name: str) -> None:
        hint = self.query_one("#resource-hint", Static)
        resource = self.query_one("#resource", Input)
        action = get_catalog().action(action_name) if ":" in action_name else None
        if action is None:
            resource.placeholder = "*"
            if action_name.count(":") == 1 and action_name.partition(":")[2]:
                hint.update(Content(f"{RESOURCE_HINT}\n{action_name} is not in the catalogue."))
            else:
                hint.update(Content(RESOURCE_HINT))
            return
        templates = [t for rt in action.resource_types for t in rt.arn_templates if t]
        if not templates:
            resource.placeholder = "*"
            hint.update(Content(f'{action.full_name} takes only "*" as its resource.'))
            return
        resource.placeholder = templates[0]
        hint.update(
            Content("\n").join(
                [Content(f"ARN formats for {action.full_name}:")]
                + [Content(f"  {template}") for template in templates]
            )
        )

    def request(self) -> Request:
        """The request the inputs describe (raises ValidationError for a bad one)."""
        context = {}
        for index, key in enumerate(self.keys):
            values = split_values(self.query_one(f"#context-{index}", Input).value)
            if values:
                context[key] = values
        return Request(
            action=self.query_one("#action", Input).value.strip(),
            resource=self.query_one("#resource", Input).value.strip() or "*",
            context=context,
        )

    # --- actions ----------------------------------------------------------------------
    def action_run(self) -> None:
        result = self.query_one("#result", _Result)
        self.decision = None
        try:
            request = self.request()
            self.decision = simulate([self.policy_text], request)
        except ValidationError as error:
            result.update(_error(_validation_message(error)))
        except PolicyError as error:
            result.update(_error(f"The policy is not valid: {error.reason}"))
        else:
            text = describe(self.decision)
            if self.target() is not None:
                text = Content.assemble(
                    text, "\n", ("g: go to the statement in the editor", "$text-muted")
                )
            result.update(text)
        self.refresh_bindings()
        result.focus(scroll_visible=False)
        # The outcome is last: once its new text is laid out, scroll down to it.
        self.query_one(VerticalScroll).scroll_end(animate=False)

    def target(self) -> tuple[int, int] | None:
        """(line, column) of the deciding statement, else of the nearest one."""
        if self.decision is None:
            return None
        if self.decision.deciding:
            ref = self.decision.deciding[0]
        elif self.decision.nearest is not None:
            ref = self.decision.nearest.statement
        else:
            return None
        return (ref.line, ref.column)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_to":
            return self.target() is not None
        return True

    def action_go_to(self) -> None:
        target = self.target()
        if target is not None:
            self.dismiss(target)

    def action_close(self) -> None:
        self.dismiss(None)
