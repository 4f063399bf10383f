"""The statement builder: compose one IAM statement from the catalogue without typing JSON.

    self.app.push_screen(BuilderScreen(), callback)   # callback gets a statement dict or None

Effect, actions (fuzzy search per service, filtered by access level, multi-select), resources
(one row of inputs per ARN template of the selected actions; `"*"` for actions without
resource-level permissions, explained), an optional condition, and a live preview with the
validator's one-line summary.

The condition offers what the validator accepts, asked of `ssm_tui.iam`, never a copy: the
keys of `iam.keys.condition_keys_for` for the selected actions (their own keys and their
resource types' first, then the global ones; type in the open list to jump to a key), the
operators of `iam.operators.operators_for` for the chosen key, and for each value of an
operator that reads values (numbers, dates, Booleans, base64, IP ranges) the validator's
verdict or what IAM reads it as.  ARN fields are checked with `iam.values`.

The fields outlive the screen: `BuilderFields` holds them, one per app session (see
`remembered_fields`), so the next opening shows the last statement again.  Escape on a filled
form asks before discarding it, with "keep editing" the answer of Enter and Escape.

Every catalogue and user string is shown as `Content` (in the Selects as rich `Text`, which
their type-to-search reads), never as markup.  Nothing is told by colour alone (NO_COLOR): a
selected action's box holds an X, an unselected one is blank, and the focused Select is reversed.
"""

from __future__ import annotations

import dataclasses
import json
import weakref
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Button, Input, Select, SelectionList, Static, TextArea
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection

from ssm_tui.checks import Severity, ValidationResult, validate
from ssm_tui.iam.catalog import ACCESS_LEVELS, Action, ConditionKey, get_catalog
from ssm_tui.iam.dates import describe_instant
from ssm_tui.iam.keys import condition_keys_for
from ssm_tui.iam.operators import Operator, operators_for, parse_operator
from ssm_tui.iam.values import IpRange, is_account_id, is_partition, is_region
from ssm_tui.iam.variables import PLACEHOLDER, VARIABLE
from ssm_tui.policy.edit import NEW_POLICY_VERSION
from ssm_tui.policy.format import pretty
from ssm_tui.policy.model import ConditionScalar
from ssm_tui.tui.screens import ConfirmScreen

DEFAULT_SERVICE = "ssm"
ALL_LEVELS = "All"
# Operator families whose values iam reads as something other than text (numbers, dates,
# Booleans, base64, IP ranges): the builder shows how each typed value reads.
_TEXT_FAMILIES = ("String", "ARN")


def placeholders(template: str) -> list[str]:
    """`arn:${Partition}:ssm:${Region}:...` to `["Partition", "Region", ...]`."""
    return VARIABLE.findall(template)


def check_field(name: str, value: str) -> str | None:
    """A message when `value` is not acceptable for the placeholder `name`, else None."""
    catalog = get_catalog()
    if value == "*":
        return None
    if not value:
        return f"{name} is empty"
    if name == "Region" and not is_region(catalog, value):
        return f"Region {value!r} is not a known AWS Region"
    if name == "Account" and not is_account_id(value):
        return f"Account {value!r} must be 12 digits or *"
    if name == "Partition" and not is_partition(catalog, value):
        return f"Partition {value!r} is not a known partition"
    return None


def reading(op: Operator, value: ConditionScalar) -> str | None:
    """What IAM reads a condition value as, under the operator's family, or None when it
    reads nothing (the validator then says why)."""
    parsed = op.spec.family.parse(value)
    if parsed is None:
        return None
    if op.family == "Date":
        assert isinstance(parsed, Decimal)
        return describe_instant(parsed) or f"{parsed} seconds after 1970-01-01T00:00:00Z"
    if op.family == "Null":
        return "true: the key is absent" if parsed else "false: the key is present"
    if op.family == "Bool":
        return "true" if parsed else "false"
    if op.family == "IP":
        assert isinstance(parsed, IpRange)
        return f"the range {parsed.network}"
    if op.family == "Binary":
        assert isinstance(parsed, bytes)
        return f"{len(parsed)} bytes"
    return f"the number {parsed}"


def value_verdicts(result: ValidationResult) -> list[str]:
    """For each condition value of the first statement whose operator reads values (not
    String or ARN): what the validator says of that value, else what IAM reads it as."""
    document = result.policy.document
    if document is None or not document.statements:
        return []
    source_map = result.policy.json.source_map
    lines: list[str] = []
    for entry in document.statements[0].condition or ():
        op = parse_operator(entry.operator)
        if op is None or op.family in _TEXT_FAMILIES:
            continue
        for located in entry.values:
            span = source_map.span(located.pointer)
            said = [
                f.message
                for f in result.findings
                if span is not None
                and f.pointer == located.pointer
                and (f.line, f.column) == (span.line, span.column)
            ]
            meaning = reading(op, located.value)
            if said:
                lines.append(said[0])
            elif meaning is not None:
                lines.append(f"{json.dumps(located.value)} reads as {meaning}")
    return lines


@dataclass
class BuilderFields:
    """What the user put in the form; the default is the empty form."""

    effect: str = "Allow"
    level: str = ALL_LEVELS
    sid: str = ""
    search: str = ""
    actions: list[str] = dataclasses.field(default_factory=list)  # in the order picked
    # each ARN template's rows, a row being {placeholder: value}
    arns: dict[str, list[dict[str, str]]] = dataclasses.field(default_factory=dict)
    condition_key: str | None = None
    condition_operator: str | None = None
    condition_tag: str = ""
    condition_values: str = ""

    def is_empty(self) -> bool:
        return self == BuilderFields()


_SESSIONS: weakref.WeakKeyDictionary[App[Any], BuilderFields] = weakref.WeakKeyDictionary()


def remembered_fields(app: App[Any]) -> BuilderFields:
    """The builder's fields for this app session (the same object at every opening)."""
    return _SESSIONS.setdefault(app, BuilderFields())


def _default_value(name: str) -> str:
    return "aws" if name == "Partition" else ""


class ActionList(SelectionList[str]):
    """A SelectionList whose box reads without colour: X when selected, blank when not
    (Textual draws an X in both, told apart by colour only)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if selection.value in self._selected:
            return strip
        segments = list(strip)
        inner = segments[1] if len(segments) > 1 else None
        if inner is None or inner.text != ToggleButton.BUTTON_INNER:
            return strip
        segments[1] = inner._replace(text=" " * len(inner.text))
        return Strip(segments, strip.cell_length)


class DiscardScreen(ConfirmScreen):
    """Discard the filled form? Enter (the focused button) and Escape keep editing."""

    AUTO_FOCUS = "#no"

    def __init__(self) -> None:
        super().__init__(
            "Discard this statement? The builder's fields are lost.",
            yes="Discard",
            no="Keep editing",
        )


class ArnRow(Horizontal):
    """One ARN of a template: an input per placeholder."""

    DEFAULT_CSS = """
    ArnRow { height: auto; }
    ArnRow Input { width: 1fr; }
    ArnRow Input.-partition { width: 11; }
    ArnRow Input.-region { width: 16; }
    ArnRow Input.-account { width: 14; }
    """

    def __init__(self, template: str, values: dict[str, str] | None = None) -> None:
        super().__init__()
        self.template = template
        self.initial = values or {}

    def compose(self) -> ComposeResult:
        for name in placeholders(self.template):
            width_class = f"-{name.lower()}" if name in ("Partition", "Region", "Account") else ""
            field = Input(
                value=self.initial.get(name, _default_value(name)),
                placeholder=name,
                compact=True,
                tooltip=name,
                classes=f"arn-field {width_class}",
            )
            field.placeholder_name = name  # type: ignore[attr-defined]
            yield field

    def values(self) -> list[tuple[str, str]]:
        return [
            (getattr(field, "placeholder_name", ""), field.value.strip())
            for field in self.query(Input)
        ]

    def arn_and_problems(self) -> tuple[str | None, list[str]]:
        """The ARN when every field is acceptable; messages; (None, []) while untouched."""
        values = self.values()
        if all(not value or name == "Partition" for name, value in values):
            return None, []
        problems = [m for name, value in values if (m := check_field(name, value))]
        for field, (name, value) in zip(self.query(Input), values, strict=True):
            field.set_class(check_field(name, value) is not None, "-invalid")
        if problems:
            return None, problems
        lookup = dict(values)
        return VARIABLE.sub(lambda m: lookup.get(m.group(1), ""), self.template), []


class ArnGroup(Vertical):
    """An ARN template, its rows and an "add" button for another ARN of the same kind."""

    DEFAULT_CSS = """
    ArnGroup { height: auto; margin-bottom: 1; }
    ArnGroup .arn-template { color: $text-muted; }
    ArnGroup .arn-problems { color: $error; }
    ArnGroup Button { min-width: 10; }
    """

    def __init__(
        self, template: str, users: list[str], rows: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__()
        self.template = template
        self.users = users
        self.rows = rows or [{}]

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(self.template, ("  for " + ", ".join(self.users), "italic")),
            classes="arn-template",
        )
        for values in self.rows:
            yield ArnRow(self.template, values)
        yield Static(Content(""), classes="arn-problems").set_styles("display: none;")
        yield Button(Content("+ add ARN"), compact=True, classes="arn-add")

    @on(Button.Pressed, ".arn-add")
    async def add_row(self, event: Button.Pressed) -> None:
        event.stop()
        row = ArnRow(self.template)
        rows = list(self.query(ArnRow))
        await self.mount(row, after=rows[-1])
        row.query(Input).last().focus()


class BuilderScreen(ModalScreen[dict[str, Any] | None]):
    """Build one statement; dismisses with the statement dict, or None when cancelled."""

    DEFAULT_CSS = """
    BuilderScreen { align: center middle; }
    BuilderScreen > VerticalScroll {
        width: 100%; max-width: 120; height: 100%; border: thick $primary; padding: 0 1;
        background: $surface;
    }
    BuilderScreen .heading { text-style: bold; color: $accent; margin-top: 1; }
    BuilderScreen #builder-title { margin-top: 0; }
    BuilderScreen Horizontal { height: auto; }
    BuilderScreen #builder-effect { width: 20; }
    BuilderScreen #builder-level { width: 30; }
    BuilderScreen #builder-sid { width: 1fr; }
    BuilderScreen #builder-search { width: 1fr; }
    BuilderScreen #builder-actions { height: 8; }
    BuilderScreen #builder-resources { height: auto; }
    BuilderScreen #builder-explain { color: $warning; }
    BuilderScreen #builder-cond-key { width: 2fr; }
    BuilderScreen #builder-cond-op { width: 2fr; }
    BuilderScreen #builder-cond-tag { width: 1fr; }
    BuilderScreen #builder-cond-values { width: 2fr; }
    BuilderScreen #builder-cond-verdict { color: $text-muted; }
    BuilderScreen #builder-preview { height: 14; }
    BuilderScreen #builder-hint { color: $text-muted; }
    /* the compact Select marks focus by a 5% tint only: invisible without colour */
    BuilderScreen Select:focus > SelectCurrent { text-style: reverse; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s,i",
            "insert",
            "Insert",
            id="builder.insert",
            tooltip="Append the statement to the policy in the editor (refused while it has "
            "errors); i works when the focus is not in a text field",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="builder.cancel",
            tooltip="Close the builder; a filled form asks first (Enter keeps editing)",
        ),
    ]

    def __init__(
        self, service: str = DEFAULT_SERVICE, remembered: BuilderFields | None = None
    ) -> None:
        """`remembered` holds the fields to start from and receives them on insert (cleared
        on discard); by default the app session's own (`remembered_fields`)."""
        super().__init__()
        self.service = service
        self._remembered = remembered
        self.selected: dict[str, Action] = {}  # in the order picked
        self.key_records: dict[str, ConditionKey] = {}  # the keys offered, as written
        self._problems: list[str] = []
        self._statement: dict[str, Any] = {}
        self._has_error = False

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="builder-body"):
            yield Static(
                Content("Statement builder  (ctrl+s or i: insert, escape: cancel)"),
                classes="heading",
                id="builder-title",
            )
            with Horizontal():
                yield Select(
                    [(Content("Allow"), "Allow"), (Content("Deny"), "Deny")],
                    value="Allow",
                    allow_blank=False,
                    compact=True,
                    id="builder-effect",
                )
                yield Select(
                    [(Content(level), level) for level in (ALL_LEVELS, *ACCESS_LEVELS)],
                    value=ALL_LEVELS,
                    allow_blank=False,
                    compact=True,
                    id="builder-level",
                )
                yield Input(
                    placeholder="Sid (optional)",
                    compact=True,
                    id="builder-sid",
                )
            yield Input(
                placeholder=f"Search {self.service} actions (type ec2: for another service)",
                compact=True,
                id="builder-search",
            )
            yield ActionList(compact=True, id="builder-actions")
            yield Static(Content("Selected: none"), id="builder-selected")
            yield Static(Content("Resources"), classes="heading")
            yield Vertical(id="builder-resources")
            yield Static(Content(""), id="builder-explain")
            yield Static(Content("Condition (optional)"), classes="heading")
            with Horizontal():
                yield Select[str]([], prompt="key", compact=True, id="builder-cond-key")
                yield Select[str]([], prompt="operator", compact=True, id="builder-cond-op")
            with Horizontal():
                yield Input(
                    placeholder="TagKey", compact=True, disabled=True, id="builder-cond-tag"
                )
                yield Input(
                    placeholder="values, comma-separated", compact=True, id="builder-cond-values"
                )
            yield Static(Content(""), id="builder-cond-verdict").set_styles("display: none;")
            yield Static(Content("Preview"), classes="heading")
            yield TextArea(
                "", language="json", read_only=True, soft_wrap=True, id="builder-preview"
            )
            yield Static(Content(""), id="builder-summary")

    async def on_mount(self) -> None:
        await self.restore(self.remembered)
        self.query_one("#builder-search", Input).focus()

    @property
    def remembered(self) -> BuilderFields:
        if self._remembered is None:
            self._remembered = remembered_fields(self.app)
        return self._remembered

    async def restore(self, fields: BuilderFields) -> None:
        """Fill the form from `fields` (the empty form from the default)."""
        catalog = get_catalog()
        self.query_one("#builder-effect", Select).value = fields.effect
        self.query_one("#builder-level", Select).value = fields.level
        self.query_one("#builder-sid", Input).value = fields.sid
        self.query_one("#builder-search", Input).value = fields.search
        self.selected = {
            name: action for name in fields.actions if (action := catalog.action(name)) is not None
        }
        self.refresh_actions()
        self._show_selected()
        await self.refresh_resources(fields.arns)
        self.refresh_conditions()
        key = self.query_one("#builder-cond-key", Select)
        if fields.condition_key in self.key_records:
            with key.prevent(Select.Changed):
                key.value = fields.condition_key
            self.refresh_operators()
            operator = self.query_one("#builder-cond-op", Select)
            if fields.condition_operator in self.operators():
                with operator.prevent(Select.Changed):
                    operator.value = fields.condition_operator
        self.query_one("#builder-cond-tag", Input).value = fields.condition_tag
        self.query_one("#builder-cond-values", Input).value = fields.condition_values
        self.refresh_preview()

    def fields(self) -> BuilderFields:
        """The form as the user left it."""

        def chosen(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return value if isinstance(value, str) else None

        return BuilderFields(
            effect=chosen("#builder-effect") or "Allow",
            level=chosen("#builder-level") or ALL_LEVELS,
            sid=self.query_one("#builder-sid", Input).value,
            search=self.query_one("#builder-search", Input).value,
            actions=list(self.selected),
            arns={
                group.template: [dict(row.values()) for row in group.query(ArnRow)]
                for group in self.query(ArnGroup)
            },
            condition_key=chosen("#builder-cond-key"),
            condition_operator=chosen("#builder-cond-op"),
            condition_tag=self.query_one("#builder-cond-tag", Input).value,
            condition_values=self.query_one("#builder-cond-values", Input).value,
        )

    def form_is_empty(self) -> bool:
        """True when the form is the empty form (no ARN row without an action, no operator
        without a key)."""
        return self.fields().is_empty()

    def _keep(self, fields: BuilderFields) -> None:
        remembered = self.remembered
        for item in dataclasses.fields(fields):
            setattr(remembered, item.name, getattr(fields, item.name))

    # --- actions --------------------------------------------------------------------------
    def search_terms(self) -> tuple[str, str]:
        """(service, query) from the search text: `ec2:Run` switches to ec2."""
        text = self.query_one("#builder-search", Input).value.strip()
        prefix, sep, rest = text.partition(":")
        if sep and get_catalog().has_service(prefix):
            return prefix.lower(), rest.strip()
        return self.service, text

    def matching_actions(self) -> list[Action]:
        service, query = self.search_terms()
        level = self.query_one("#builder-level", Select).value
        actions = [
            a
            for a in get_catalog().actions(service).values()
            if level in (ALL_LEVELS, Select.NULL) or a.access_level == level
        ]
        if not query:
            return sorted(actions, key=lambda a: a.name)
        matcher = Matcher(query)
        scored = [(matcher.match(a.full_name), a) for a in actions]
        return [a for score, a in sorted(scored, key=lambda p: -p[0]) if score > 0]

    def refresh_actions(self) -> None:
        listing = self.query_one("#builder-actions", SelectionList)
        options = [
            Selection(
                Content.assemble(
                    (action.full_name, "bold"),
                    "  ",
                    (action.access_level, "$accent"),
                    "  ",
                    (action.description, "$text-muted"),
                ),
                action.full_name,
                action.full_name in self.selected,
            )
            for action in self.matching_actions()
        ]
        with listing.prevent(SelectionList.SelectedChanged):
            listing.clear_options()
            listing.add_options(options)
        if options:
            # Tab or Enter from the search lands on the best match, so space selects it.
            listing.highlighted = 0

    @on(Input.Changed, "#builder-search")
    def search_changed(self) -> None:
        self.refresh_actions()

    @on(Input.Submitted, "#builder-search")
    def search_submitted(self) -> None:
        self.query_one("#builder-actions", SelectionList).focus()

    @on(Select.Changed, "#builder-level")
    def level_changed(self) -> None:
        self.refresh_actions()

    @on(SelectionList.SelectedChanged, "#builder-actions")
    async def selection_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        listing = event.selection_list
        chosen = set(listing.selected)
        catalog = get_catalog()
        for index in range(listing.option_count):
            name = str(listing.get_option_at_index(index).value)
            if name in chosen and name not in self.selected:
                action = catalog.action(name)
                if action is not None:
                    self.selected[name] = action
            elif name not in chosen:
                self.selected.pop(name, None)
        self._show_selected()
        await self.refresh_resources()
        self.refresh_conditions()
        self.refresh_preview()

    def _show_selected(self) -> None:
        names = ", ".join(self.selected) or "none"
        self.query_one("#builder-selected", Static).update(Content(f"Selected: {names}"))

    # --- resources ------------------------------------------------------------------------
    def templates(self) -> dict[str, list[str]]:
        """Each distinct ARN template of the selected actions, with the actions using it."""
        found: dict[str, list[str]] = {}
        for name, action in self.selected.items():
            for resource_type in action.resource_types:
                for template in resource_type.arn_templates:
                    found.setdefault(template, []).append(name)
        return found

    def star_only(self) -> list[str]:
        return [n for n, a in self.selected.items() if not a.supports_resource_level]

    async def refresh_resources(self, rows: dict[str, list[dict[str, str]]] | None = None) -> None:
        """One ArnGroup per template of the selected actions; a new group's rows are
        `rows[template]` when given."""
        rows = rows or {}
        box = self.query_one("#builder-resources", Vertical)
        wanted = self.templates()
        for group in list(box.query(ArnGroup)):
            if group.template not in wanted:
                await group.remove()
        present = {group.template: group for group in box.query(ArnGroup)}
        new = [ArnGroup(t, users, rows.get(t)) for t, users in wanted.items() if t not in present]
        for template, users in wanted.items():
            if template in present and present[template].users != users:
                group = present[template]
                group.users = users
                group.query_one(".arn-template", Static).update(
                    Content.assemble(template, ("  for " + ", ".join(users), "italic"))
                )
        if new:
            await box.mount_all(new)
        lines = [
            f'{name} supports no resource-level permissions: Resource must be "*"'
            for name in self.star_only()
        ]
        explain = self.query_one("#builder-explain", Static)
        explain.update(Content("\n".join(lines)))
        explain.display = bool(lines)

    @on(Input.Changed, ".arn-field")
    def field_changed(self) -> None:
        self.refresh_preview()

    def resources(self) -> tuple[list[str], list[str]]:
        """(the Resource list, problems of the ARN fields)."""
        arns: list[str] = []
        problems: list[str] = []
        for group in self.query(ArnGroup):
            group_problems: list[str] = []
            for row in group.query(ArnRow):
                arn, row_problems = row.arn_and_problems()
                group_problems += row_problems
                if arn and arn not in arns:
                    arns.append(arn)
            shown = group.query_one(".arn-problems", Static)
            shown.update(Content("; ".join(group_problems)))
            shown.display = bool(group_problems)
            problems += group_problems
        if self.star_only() and "*" not in arns:
            arns.append("*")
        return arns, problems

    # --- conditions -----------------------------------------------------------------------
    def condition_keys(self) -> list[ConditionKey]:
        """The keys the validator accepts as supported by every selected action (global keys
        alone while none is selected): the actions' own keys first, then the global ones."""
        return condition_keys_for(get_catalog(), list(self.selected.values()))

    def refresh_conditions(self) -> None:
        select = self.query_one("#builder-cond-key", Select)
        current = select.value
        self.key_records = {record.key: record for record in self.condition_keys()}
        with select.prevent(Select.Changed):
            # Text prompts, not Content: the Select's type-to-search reads only str and Text
            # (shown literally, never as markup).
            select.set_options([(Text(key), key) for key in self.key_records])
            if current in self.key_records:
                select.value = current
        # The same key may now have another record (another service's): offer its operators,
        # keeping the chosen one when it still fits.
        self.refresh_operators(keep=True)

    def operators(self) -> tuple[str, ...]:
        """Every operator the validator accepts on the chosen key (none without a key)."""
        key = self.query_one("#builder-cond-key", Select).value
        record = self.key_records.get(key) if isinstance(key, str) else None
        return operators_for(record) if record is not None else ()

    def refresh_operators(self, *, keep: bool = False) -> None:
        """Offer the chosen key's operators; the key's own family first is chosen, or with
        `keep` the operator already chosen when it fits the key."""
        select = self.query_one("#builder-cond-op", Select)
        current = select.value
        operators = self.operators()
        with select.prevent(Select.Changed):
            select.set_options([(Text(op), op) for op in operators])
            if keep and current in operators:
                select.value = current
            elif operators:
                select.value = operators[0]
        key = self.query_one("#builder-cond-key", Select).value
        names = VARIABLE.findall(key) if isinstance(key, str) else []
        tag = self.query_one("#builder-cond-tag", Input)
        tag.placeholder = ", ".join(names) or "TagKey"
        # only a key template (aws:ResourceTag/${TagKey}) takes a name here; otherwise the
        # field is out of the Tab order, so typed values cannot land in it
        tag.disabled = not names

    @on(Select.Changed, "#builder-cond-key")
    def key_changed(self) -> None:
        self.refresh_operators()
        self.refresh_preview()

    @on(Select.Changed, "#builder-cond-op")
    @on(Input.Changed, "#builder-cond-values")
    @on(Input.Changed, "#builder-cond-tag")
    @on(Input.Changed, "#builder-sid")
    @on(Select.Changed, "#builder-effect")
    def condition_changed(self) -> None:
        self.refresh_preview()

    def condition(self) -> dict[str, Any] | None:
        key = self.query_one("#builder-cond-key", Select).value
        operator = self.query_one("#builder-cond-op", Select).value
        raw = self.query_one("#builder-cond-values", Input).value
        values = [v.strip() for v in raw.split(",") if v.strip()]
        if not isinstance(key, str) or not isinstance(operator, str) or not values:
            return None
        tag = self.query_one("#builder-cond-tag", Input).value.strip()
        if PLACEHOLDER.search(key):  # a key template: ssm:resourceTag/${TagKey}
            if not tag:
                return None
            key = PLACEHOLDER.sub(lambda _: tag, key)
        value: Any = values[0] if len(values) == 1 else values
        return {operator: {key: value}}

    # --- statement and preview -----------------------------------------------------------
    def statement(self) -> dict[str, Any]:
        actions = list(self.selected)
        resources, self._problems = self.resources()
        statement: dict[str, Any] = {}
        sid = self.query_one("#builder-sid", Input).value.strip()
        if sid:
            statement["Sid"] = sid
        statement |= {
            "Effect": self.query_one("#builder-effect", Select).value,
            "Action": actions[0] if len(actions) == 1 else actions,
        }
        if resources:
            statement["Resource"] = resources[0] if len(resources) == 1 else resources
        condition = self.condition()
        if condition:
            statement["Condition"] = condition
        return statement

    def refresh_preview(self) -> None:
        self._statement = self.statement()
        text = pretty({"Version": NEW_POLICY_VERSION, "Statement": [self._statement]})
        self.query_one("#builder-preview", TextArea).load_text(text)
        result = validate(text)
        counts = result.summary()
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        self._has_error = bool(errors)
        parts = [f"{count} {severity.replace('_', ' ')}" for severity, count in counts.items()]
        line = ", ".join(parts)
        if self._problems:
            line += f" | {self._problems[0]}"
        elif errors:
            line += f" | first error: {errors[0].message}"
        self.query_one("#builder-summary", Static).update(Content(line))
        verdicts = value_verdicts(result)
        shown = self.query_one("#builder-cond-verdict", Static)
        shown.update(Content("\n".join(verdicts)))
        shown.display = bool(verdicts)

    # --- keys -----------------------------------------------------------------------------
    def action_insert(self) -> None:
        self.refresh_preview()
        if not self.selected:
            reason = "Select at least one action first."
        elif self._problems:
            reason = f"Fix the resource fields: {self._problems[0]}"
        elif self._has_error:
            reason = "The statement has errors; see the summary under the preview."
        else:
            self._keep(self.fields())  # the next opening starts from this statement
            self.dismiss(self._statement)
            return
        self.notify(reason, title="Not inserted", severity="error", markup=False)

    def action_cancel(self) -> None:
        if self.form_is_empty():
            self._keep(BuilderFields())
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self._keep(BuilderFields())
                self.dismiss(None)

        self.app.push_screen(DiscardScreen(), answer)
