"""The managed policies pane: the guide's ten AWS managed policies, then the other
SSM-related ones, with what each grants and how its versions differ.

The core (policy data, the action catalogue, effective permissions) is imported inside the
workers, after first paint: importing and loading them takes a few hundred ms.  Every text
that comes from the data reaches the screen as `Content`, never as markup.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ssm_tui.tui.messages import CopyRequest, ExportRequest, OpenInEditor
from ssm_tui.tui.widgets.managed_detail import (
    AccessLevelChart,
    chart_content,
    deprecation_content,
    diff_content,
    facts_content,
    first_version_note,
    permissions_summary,
    title_content,
)
from ssm_tui.tui.widgets.managed_list import PolicyList, matches, policy_prompt

__all__ = [
    "AccessLevelChart",
    "ManagedPane",
    "PolicyList",
    "chart_content",
    "matches",
    "policy_prompt",
]

if TYPE_CHECKING:
    from ssm_tui.access.permissions import EffectivePermissions
    from ssm_tui.library.managed import ManagedPolicy, ManagedPolicyVersion

_COUNT_DELAY = 0.12  # seconds: a burst of highlights (key held down) counts only the last
_CACHE_SIZE = 32  # effective permissions kept, per (policy name, version id)

PermissionKey = tuple[str, str]  # (policy name, version id)

HELP_SECTION = "Managed policies"  # the F1 help's section for this pane's keys


@dataclass
class _PoliciesLoaded(Message, bubble=False):
    policies: Sequence[ManagedPolicy]


@dataclass
class _PermissionsCounted(Message, bubble=False):
    counted: dict[PermissionKey, EffectivePermissions]


@dataclass
class _WorkFailed(Message, bubble=False):
    what: str
    error: str
    keys: tuple[PermissionKey, ...] = ()


class ManagedPane(Vertical):
    """Browse the bundled AWS managed policies: filter, read, open a copy, compare versions.

    Posts `OpenInEditor` (o, or enter in the list), `CopyRequest` (c) and `ExportRequest`
    (e).  The data loads in a worker on mount; effective permissions are counted in a worker
    for the shown version only, and cached.  Letters act while the list, the detail or the
    document has focus; in the filter they are typed (escape, enter or down leave it).
    `focus_list()` puts the focus on the list; nothing in the pane focuses the filter
    except `/`.
    """

    DEFAULT_CSS = """
    ManagedPane {
        width: 1fr;
        height: 1fr;
    }
    ManagedPane > #managed-filter {
        width: 1fr;
    }
    ManagedPane > #managed-list {
        height: 1fr;
        min-height: 3;
    }
    ManagedPane > #managed-detail {
        height: 2fr;
        padding: 0 1;
    }
    ManagedPane #managed-detail > Static {
        width: 1fr;
        height: auto;
    }
    ManagedPane #managed-detail > .managed-heading {
        margin-top: 1;
        text-style: bold;
    }
    ManagedPane #managed-document {
        height: auto;
        max-height: 20;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o",
            "open_copy",
            "Open copy",
            id="managed.open-copy",
            tooltip="Open a copy of the shown version in the editor (enter in the list too)",
        ),
        Binding(
            "c",
            "copy_document",
            "Copy",
            id="managed.copy",
            tooltip="Copy the shown version's document",
        ),
        Binding(
            "e",
            "export_document",
            "Export",
            id="managed.export",
            tooltip="Export the shown version as JSON, an AWS CLI command, Terraform or "
            "CloudFormation",
        ),
        Binding(
            "v",
            "next_version",
            "Version",
            id="managed.next-version",
            tooltip="Show the next version (shift+v: the previous one)",
        ),
        Binding(
            "V,shift+v",
            "previous_version",
            "Previous version",
            show=False,
            id="managed.previous-version",
            tooltip="Show the previous version",
        ),
        Binding(
            "d",
            "toggle_diff",
            "Diff",
            id="managed.diff",
            tooltip="Show what the shown version changed from the one before",
        ),
        Binding(
            "j",
            "cursor_down",
            "Next policy",
            show=False,
            id="managed.next-policy",
            tooltip="Highlight the next policy in the list",
        ),
        Binding(
            "k",
            "cursor_up",
            "Previous policy",
            show=False,
            id="managed.previous-policy",
            tooltip="Highlight the previous policy in the list",
        ),
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            show=False,  # the filter sits in view above the list; F1 lists the key
            id="managed.filter",
            tooltip="Type to narrow the list by name, purpose or description",
        ),
        Binding(
            "escape",
            "focus_list",
            "To list",
            show=False,
            id="managed.focus-list",
            tooltip="Back to the list of policies (from the filter, the detail or the document)",
        ),
        Binding(
            "down",
            "leave_filter",
            "To list",
            show=False,
            id="managed.leave-filter",
            tooltip="From the filter, move to the list",
        ),
        Binding(
            "question_mark",
            f"app.help({HELP_SECTION!r})",
            "Keys",
            show=False,
            id="managed.help",
            tooltip="The keys of the managed policies pane",
        ),
    ]

    _POLICY_ACTIONS = frozenset(
        {
            "open_copy",
            "copy_document",
            "export_document",
            "next_version",
            "previous_version",
            "toggle_diff",
        }
    )

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 (Textual's name)
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._policies: list[ManagedPolicy] = []
        self._by_name: dict[str, ManagedPolicy] = {}
        self._prompt_width: int | None = None
        self._policy: ManagedPolicy | None = None
        self._version_index = 0
        self._show_diff = False
        self._permissions: OrderedDict[PermissionKey, EffectivePermissions] = OrderedDict()
        self._loading = True
        self._load_error: str | None = None

    # --- building --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter…", id="managed-filter", compact=True)
        yield PolicyList(id="managed-list", markup=False, compact=True)
        with VerticalScroll(id="managed-detail"):
            yield Static(Content("Loading managed policies…"), id="managed-title")
            yield Static(id="managed-facts")
            yield Static(id="managed-description")
            yield Static(id="managed-deprecation")
            yield Static(id="managed-permissions-heading", classes="managed-heading")
            yield AccessLevelChart(id="managed-chart")
            yield Static(id="managed-permissions")
            yield Static(id="managed-diff-heading", classes="managed-heading")
            yield Static(id="managed-diff")
            yield Static(id="managed-document-heading", classes="managed-heading")
            yield TextArea(
                "",
                language="json",
                read_only=True,
                soft_wrap=False,
                id="managed-document",
            )

    def on_mount(self) -> None:
        for part in self.query("#managed-detail > *"):
            if part.id != "managed-title":
                part.display = False
        self._load_policies()

    # --- state -----------------------------------------------------------------------------

    @property
    def policy(self) -> ManagedPolicy | None:
        """The selected policy."""
        return self._policy

    @property
    def version(self) -> ManagedPolicyVersion | None:
        """The shown version of the selected policy."""
        if self._policy is None or not self._policy.versions:
            return None
        return self._policy.versions[self._version_index]

    @property
    def shown_policies(self) -> list[ManagedPolicy]:
        """The policies the list shows (after the filter), in order."""
        needle = self.query_one("#managed-filter", Input).value
        return [p for p in self._policies if matches(p, needle)]

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="managed-load", exit_on_error=False)
    def _load_policies(self) -> None:
        try:
            from ssm_tui.library import managed

            policies = managed.managed_policies()
        except Exception as error:
            self.post_message(_WorkFailed("load the managed policies", str(error)))
            return
        self.post_message(_PoliciesLoaded(policies))

    @on(_PoliciesLoaded)
    def _policies_loaded(self, message: _PoliciesLoaded) -> None:
        self._loading = False
        self._policies = list(message.policies)
        self._by_name = {p.name: p for p in self._policies}
        self._fill_list()

    @on(_WorkFailed)
    def _work_failed(self, message: _WorkFailed) -> None:
        text = f"Could not {message.what}: {message.error}"
        self.notify(text, title="Managed policies", severity="error", markup=False)
        if not message.keys:
            self._loading = False
            self._load_error = text
            self.query_one("#managed-title", Static).update(Content(text))
        elif self._shown_key() in message.keys or self._previous_key() in message.keys:
            self.query_one(AccessLevelChart).show_note(Content(text))

    # --- the list --------------------------------------------------------------------------

    def _fill_list(self) -> None:
        """Show the policies the filter leaves, keeping the selection when it stays."""
        shown = self.shown_policies
        options: list[Option | None] = []
        guide = [p for p in shown if p.in_guide]
        related = [p for p in shown if not p.in_guide]
        option_list = self.query_one("#managed-list", OptionList)
        width = self._prompt_width = self._available_width(option_list)
        options.extend(Option(policy_prompt(p, width), id=p.name) for p in guide)
        if guide and related:
            options.append(None)  # a separator between the guide's ten and the rest
        options.extend(Option(policy_prompt(p, width), id=p.name) for p in related)
        listed = [*guide, *related]
        option_list.set_options(options)
        if not listed:
            self._select(None)
            return
        current = self._policy
        index = next(
            (i for i, p in enumerate(listed) if current is not None and p.name == current.name),
            0,
        )
        option_list.highlighted = index
        if current is None or listed[index].name != current.name:
            self._select(listed[index])

    @staticmethod
    def _available_width(option_list: OptionList) -> int | None:
        """Columns for an entry's text, leaving room for a scrollbar (None before layout)."""
        padding = option_list.get_component_styles("option-list--option").padding
        width = (
            option_list.content_region.width
            - option_list.styles.scrollbar_size_vertical
            - padding.width
        )
        return width if width > 0 else None

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit_prompts)

    def _refit_prompts(self) -> None:
        """Wrap the entries again for the list's new width."""
        option_list = self.query_one("#managed-list", OptionList)
        width = self._available_width(option_list)
        if width == self._prompt_width:
            return
        self._prompt_width = width
        for index, option in enumerate(option_list.options):
            policy = self._by_name.get(option.id or "")
            if policy is not None:
                option_list.replace_option_prompt_at_index(index, policy_prompt(policy, width))

    @on(Input.Changed, "#managed-filter")
    def _filter_changed(self) -> None:
        if not self._loading:
            self._fill_list()

    @on(Input.Submitted, "#managed-filter")
    def _filter_submitted(self) -> None:
        self.action_leave_filter()

    @on(OptionList.OptionHighlighted, "#managed-list")
    def _policy_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if self._policy is not None and self._policy.name == name:
            return
        found = self._by_name.get(name or "")
        if found is not None:
            self._select(found)

    @on(PolicyList.Chosen)
    def _policy_chosen(self, event: PolicyList.Chosen) -> None:
        event.stop()
        self.action_open_copy()

    def _select(self, policy: ManagedPolicy | None) -> None:
        self._policy = policy
        self._show_diff = False
        if policy is not None and policy.versions:
            latest = policy.latest
            self._version_index = next(
                (i for i, v in enumerate(policy.versions) if v.version_id == latest.version_id),
                len(policy.versions) - 1,
            )
        else:
            self._version_index = 0
        self._show_detail(scroll_home=True)
        self.refresh_bindings()

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_filter":  # only from the filter; elsewhere the key passes on
            return any(field.has_focus for field in self.query("#managed-filter"))
        if action == "focus_list":  # from the list itself the key passes on (to the app)
            return not any(listing.has_focus for listing in self.query("#managed-list"))
        if action in self._POLICY_ACTIONS and self.version is None:
            return None  # shown, greyed out: nothing is selected
        return True

    def action_open_copy(self) -> None:
        policy, version = self._policy, self.version
        if policy is None or version is None:
            return
        self.post_message(OpenInEditor(version.text, f"{policy.name} {version.version_id}"))

    def action_copy_document(self) -> None:
        policy, version = self._policy, self.version
        if policy is None or version is None:
            return
        self.post_message(CopyRequest(version.document, f"{policy.name} {version.version_id}"))

    def action_export_document(self) -> None:
        policy, version = self._policy, self.version
        if policy is None or version is None:
            return
        self.post_message(ExportRequest(version.document, f"{policy.name} {version.version_id}"))

    def action_next_version(self) -> None:
        self._step_version(1)

    def action_previous_version(self) -> None:
        self._step_version(-1)

    def _step_version(self, step: int) -> None:
        policy = self._policy
        if policy is None or not policy.versions:
            return
        if len(policy.versions) == 1:
            self.notify(
                f"{policy.name}: only {policy.versions[0].version_id} is bundled.",
                title="Versions",
                markup=False,
            )
            return
        self._version_index = (self._version_index + step) % len(policy.versions)
        self._show_detail(scroll_home=False)

    def action_toggle_diff(self) -> None:
        if self.version is None:
            return
        self._show_diff = not self._show_diff
        self._show_detail(scroll_home=False)
        if self._show_diff:
            heading = self.query_one("#managed-diff-heading")
            self.call_after_refresh(heading.scroll_visible, top=True, animate=False)

    def action_cursor_down(self) -> None:
        self.query_one("#managed-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#managed-list", OptionList).action_cursor_up()

    def action_focus_filter(self) -> None:
        self.query_one("#managed-filter", Input).focus()

    def action_focus_list(self) -> None:
        self.focus_list()

    def action_leave_filter(self) -> None:
        self.focus_list()

    def focus_list(self) -> None:
        """Put the focus on the list of policies (what F2 does: letters act, not type)."""
        self.query_one("#managed-list", OptionList).focus()

    # --- the detail ------------------------------------------------------------------------

    def _shown_key(self) -> PermissionKey | None:
        policy, version = self._policy, self.version
        if policy is None or version is None:
            return None
        return (policy.name, version.version_id)

    def _previous_key(self) -> PermissionKey | None:
        policy = self._policy
        if policy is None or self._version_index == 0:
            return None
        return (policy.name, policy.versions[self._version_index - 1].version_id)

    def _show_detail(self, *, scroll_home: bool) -> None:
        try:
            self._render_detail()
        except Exception as error:  # bad data must not take the app down
            self.notify(
                f"Could not show the policy: {error}",
                title="Managed policies",
                severity="error",
                markup=False,
            )
        if scroll_home:
            self.query_one("#managed-detail", VerticalScroll).scroll_home(animate=False)

    def _render_detail(self) -> None:
        policy, version = self._policy, self.version
        parts = {part.id: part for part in self.query("#managed-detail > *")}
        title = self.query_one("#managed-title", Static)
        if policy is None or version is None:
            for part_id, part in parts.items():
                part.display = part_id == "managed-title"
            needle = self.query_one("#managed-filter", Input).value.strip()
            if self._load_error is not None:
                title.update(Content(self._load_error))
            elif needle:
                title.update(
                    Content.from_markup("No managed policy matches “$needle”.", needle=needle)
                )
            else:
                title.update(Content("No managed policies."))
            return
        for part in parts.values():
            part.display = True

        title.update(title_content(policy))
        self.query_one("#managed-facts", Static).update(facts_content(policy, version))

        description = self.query_one("#managed-description", Static)
        description.display = bool(policy.description)
        description.update(Content(policy.description or ""))

        deprecation = self.query_one("#managed-deprecation", Static)
        deprecation.display = policy.deprecated
        if policy.deprecated:
            deprecation.update(deprecation_content(policy))

        self.query_one("#managed-permissions-heading", Static).update(
            Content(f"Effective permissions of {version.version_id}")
        )
        self._render_permissions()

        self.query_one("#managed-document-heading", Static).update(
            Content(f"Document {version.version_id} (read-only)")
        )
        document = self.query_one("#managed-document", TextArea)
        if document.text != version.text:
            document.load_text(version.text)
            document.scroll_home(animate=False)

    def _render_permissions(self) -> None:
        """The chart and the diff from the cache; what is missing is counted in a worker."""
        chart = self.query_one(AccessLevelChart)
        summary = self.query_one("#managed-permissions", Static)
        diff_heading = self.query_one("#managed-diff-heading", Static)
        diff_text = self.query_one("#managed-diff", Static)
        diff_heading.display = diff_text.display = self._show_diff
        shown, previous = self._shown_key(), self._previous_key()
        if shown is None:
            return
        wanted = [shown]
        if self._show_diff and previous is not None:
            wanted.append(previous)
        missing = tuple(key for key in wanted if key not in self._permissions)

        permissions = self._permissions.get(shown)
        if permissions is None:
            chart.show_note(Content.styled("counting actions…", "dim"))
            summary.update(Content(""))
        else:
            self._permissions.move_to_end(shown)
            chart.show_counts(permissions.counts_by_access_level())
            summary.update(permissions_summary(permissions))

        if self._show_diff:
            version_id = shown[1]
            if previous is None:
                diff_heading.update(Content(f"Changes in {version_id}"))
                diff_text.update(first_version_note(self._policy, version_id))
            else:
                diff_heading.update(Content(f"Changes from {previous[1]} to {version_id}"))
                before, after = self._permissions.get(previous), permissions
                if before is None or after is None:
                    diff_text.update(Content.styled("comparing versions…", "dim"))
                else:
                    from ssm_tui.access.permissions import diff_permissions

                    diff_text.update(diff_content(diff_permissions(before, after)))
        if missing:
            self._count_permissions(self._documents(missing))

    def _documents(self, keys: Sequence[PermissionKey]) -> dict[PermissionKey, dict[str, Any]]:
        policy = self._policy
        assert policy is not None
        found: dict[PermissionKey, dict[str, Any]] = {}
        for key in keys:
            version = policy.version(key[1])
            if version is not None:
                found[key] = version.document
        return found

    @work(thread=True, exclusive=True, group="managed-permissions", exit_on_error=False)
    def _count_permissions(self, documents: dict[PermissionKey, dict[str, Any]]) -> None:
        worker = get_current_worker()
        if worker.cancelled_event.wait(_COUNT_DELAY):
            return  # a newer selection replaced this one
        counted: dict[PermissionKey, EffectivePermissions] = {}
        try:
            from ssm_tui.access.permissions import effective_permissions

            for key, document in documents.items():
                if worker.is_cancelled:
                    return
                permissions = effective_permissions(document)
                permissions.counts_by_access_level()  # merge here, off the event loop
                counted[key] = permissions
        except Exception as error:
            self.post_message(
                _WorkFailed("count the effective permissions", str(error), tuple(documents))
            )
            return
        self.post_message(_PermissionsCounted(counted))

    @on(_PermissionsCounted)
    def _permissions_counted(self, message: _PermissionsCounted) -> None:
        self._permissions.update(message.counted)
        while len(self._permissions) > _CACHE_SIZE:
            self._permissions.popitem(last=False)
        if self._shown_key() in message.counted or self._previous_key() in message.counted:
            try:
                self._render_permissions()
            except Exception as error:
                self.notify(
                    f"Could not show the permissions: {error}",
                    title="Managed policies",
                    severity="error",
                    markup=False,
                )
