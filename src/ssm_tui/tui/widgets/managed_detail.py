"""What the managed policies pane shows of one policy: its facts, the access level chart,
the effective permissions summary and the diff between versions.  Pure renderings to
`Content` (never markup) plus the chart widget; no data is loaded here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from ssm_tui.tui.widgets.managed_list import DEPRECATED_MARK

if TYPE_CHECKING:
    from ssm_tui.access.permissions import EffectivePermissions, PermissionDiff
    from ssm_tui.library.managed import ManagedPolicy, ManagedPolicyVersion

_LEVEL_LABELS_SHORT = {"Permissions management": "Permissions mgmt"}
_CHART_NARROW = 50  # below this many columns, long access level names are shortened
_BAR = "█"
_SHOWN_SERVICES = 6  # services named in the summary line before "and N more"
_SHOWN_PER_LEVEL = 40  # actions listed per access level in a diff before "and N more"
_SHOWN_CHANGES = 20  # changed scopes listed in a diff


def _day(timestamp: str | None) -> str:
    """`2019-05-23` from `2019-05-23T16:54:21.000Z`; `unknown` when missing."""
    return timestamp[:10] if timestamp else "unknown"


def _field(label: str, value: str) -> Content:
    return Content.assemble((f"{label:<9}", "bold"), value)


def title_content(policy: ManagedPolicy) -> Content:
    """The policy's name in bold, and the deprecation mark in reverse video."""
    heading: list[str | tuple[str, str]] = [(policy.name, "bold")]
    if policy.deprecated:
        heading.append((DEPRECATED_MARK, "bold reverse"))
    return Content.assemble(*heading)


def facts_content(policy: ManagedPolicy, version: ManagedPolicyVersion) -> Content:
    """Purpose, ARN, path, which version of how many, and the dates, one a line."""
    listed = "in the guide" if policy.in_guide else "related"
    version_line = f"{version.version_id} of {policy.version_count}"
    if version.is_default:
        version_line += " (default)"
    if len(policy.versions) == 1 < policy.version_count:
        version_line += ", the only one bundled"
    facts = [
        _field("Purpose", f"{policy.purpose or 'not stated'} ({listed})"),
        _field("ARN", policy.arn),
        _field("Path", policy.path),
        _field("Version", version_line),
        _field("Released", _day(version.created)),
        _field("Created", _day(policy.created)),
        _field("Updated", _day(policy.updated)),
    ]
    return Content("\n").join(facts)


def deprecation_content(policy: ManagedPolicy) -> Content:
    """What replaces a deprecated policy, and AWS's note on it."""
    lines = [
        Content.assemble(
            ("⚠ Deprecated", "bold"),
            f": use {policy.replacement} instead."
            if policy.replacement
            else ": no replacement named.",
        )
    ]
    if policy.deprecation_note:
        lines.append(Content(policy.deprecation_note))
    return Content("\n").join(lines)


def chart_content(counts: Mapping[str, int], width: int) -> Content:
    """One line per access level: the label, the count and a bar scaled to the largest count.
    The numbers carry the meaning, so the chart reads the same without colour."""
    if not counts:
        return Content("")
    from ssm_tui.iam.catalog import ACCESS_LEVELS  # loaded by then: counts come from the catalogue

    order = {level: i for i, level in enumerate(ACCESS_LEVELS)}
    counts = dict(sorted(counts.items(), key=lambda item: order.get(item[0], len(order))))
    narrow = width < _CHART_NARROW
    labels = {
        level: (_LEVEL_LABELS_SHORT.get(level, level) if narrow else level) for level in counts
    }
    label_width = max(len(label) for label in labels.values())
    number_width = max(len(str(n)) for n in counts.values())
    room = max(width - label_width - number_width - 2, 4)
    top = max(counts.values())
    lines = []
    for level, count in counts.items():
        length = round(count / top * room) if top else 0
        if count and not length:
            length = 1
        lines.append(
            Content.assemble(
                labels[level].ljust(label_width),
                " ",
                (str(count).rjust(number_width), "bold"),
                " ",
                (_BAR * length, "$accent"),
            )
        )
    return Content("\n").join(lines)


class AccessLevelChart(Widget):
    """Action counts per access level as a bar chart that fits its width."""

    DEFAULT_CSS = """
    AccessLevelChart {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._counts: dict[str, int] = {}
        self._note = Content("")

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def show_counts(self, counts: Mapping[str, int]) -> None:
        self._counts = dict(counts)
        self._note = Content("")
        self.refresh(layout=True)

    def show_note(self, note: Content) -> None:
        """A line in place of the chart (`counting…`, an error)."""
        self._counts = {}
        self._note = note
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # one line per level, whatever the width: the bars are drawn to fit the width
        # given here, and asking render() would draw them for the width of the last layout
        # (0 before the first one, so the longest bar wrapped to a second line)
        if not self._counts:
            return super().get_content_height(container, viewport, width)
        return len(self._counts)

    def render(self) -> Content:
        if not self._counts:
            return self._note
        return chart_content(self._counts, self.content_size.width or 40)

    def on_resize(self) -> None:
        self.refresh()  # the bars are scaled to the width


def permissions_summary(permissions: EffectivePermissions) -> Content:
    """Totals, the services with the most actions, and what grants nothing or is denied."""
    if permissions.error:
        return Content(f"Cannot count: {permissions.error}")
    by_service = {
        service: sum(len(names) for names in levels.values())
        for service, levels in permissions.by_service().items()
    }
    total = sum(by_service.values())
    lines = [
        Content.assemble(
            (f"{total} action{'' if total == 1 else 's'}", "bold"),
            f" in {len(by_service)} service{'' if len(by_service) == 1 else 's'}",
        )
    ]
    ranked = sorted(by_service.items(), key=lambda item: (-item[1], item[0]))
    if ranked:
        named = " · ".join(f"{service} {n}" for service, n in ranked[:_SHOWN_SERVICES])
        more = len(ranked) - _SHOWN_SERVICES
        lines.append(Content(named + (f" · and {more} more" if more > 0 else "")))
    actions = permissions.actions()
    conditional = sum(1 for granted in actions.values() if granted.conditional)
    denied = len(permissions.denied_actions())
    notes = []
    if conditional:
        notes.append(f"{conditional} only under conditions")
    if denied:
        notes.append(f"{denied} covered by a Deny")
    if notes:
        lines.append(Content(" · ".join(notes)))
    for index, reason in permissions.grants_nothing:
        lines.append(Content(f"statement {index + 1} grants nothing: {reason}"))
    return Content("\n").join(lines)


def first_version_note(policy: ManagedPolicy | None, version_id: str) -> Content:
    if policy is not None and len(policy.versions) < policy.version_count:
        return Content(
            f"gained/lost: only {version_id} is bundled for this policy, "
            "so there is no earlier version to compare."
        )
    return Content(f"gained/lost: {version_id} is the first version; nothing to compare.")


def _level_lines(sign: str, label: str, grouped: Mapping[str, list[str]]) -> list[Content]:
    """`gained:`, then per access level its count and one action a line (`+ ssm:X`)."""
    if not grouped:
        return [Content.assemble((label, "bold"), ": nothing")]
    lines = [Content.assemble((label, "bold"), ":")]
    for level, names in grouped.items():
        lines.append(Content.assemble("  ", (f"{level} ({len(names)})", "bold")))
        lines += [Content(f"    {sign} {name}") for name in names[:_SHOWN_PER_LEVEL]]
        more = len(names) - _SHOWN_PER_LEVEL
        if more > 0:
            lines.append(Content(f"    and {more} more"))
    return lines


def diff_content(diff: PermissionDiff) -> Content:
    """Gained and lost actions by access level, then the actions whose scope changed."""
    lines = [Content(diff.summary())]
    lines += _level_lines("+", "gained", diff.gained)
    lines += _level_lines("-", "lost", diff.lost)
    if diff.changed:
        lines.append(Content.assemble(("changed scope", "bold"), f" ({len(diff.changed)}):"))
        lines += [Content(f"  ~ {change.describe()}") for change in diff.changed[:_SHOWN_CHANGES]]
        more = len(diff.changed) - _SHOWN_CHANGES
        if more > 0:
            lines.append(Content(f"  and {more} more"))
    return Content("\n").join(lines)
