"""The managed policies list: what an entry says, what the filter matches, and the
OptionList whose Enter opens a copy (a click only highlights)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList

if TYPE_CHECKING:
    from ssm_tui.library.managed import ManagedPolicy

DEPRECATED_MARK = "  ⚠ deprecated"


def matches(policy: ManagedPolicy, needle: str) -> bool:
    """Does the filter text occur (any case) in the policy's name, purpose or description?"""
    needle = needle.strip().lower()
    return not needle or any(
        needle in (field or "").lower()
        for field in (policy.name, policy.purpose, policy.description)
    )


def policy_prompt(policy: ManagedPolicy, width: int | None = None) -> Content:
    """The list entry: the name, a deprecation mark, and (dimmed) the purpose or `related`;
    the dimmed part goes to a second line when it does not fit in `width` beside the name."""
    head: list[str | tuple[str, str]] = [policy.name]
    head_width = len(policy.name)
    if policy.deprecated:
        head.append((DEPRECATED_MARK, "bold"))
        head_width += len(DEPRECATED_MARK)
    tag = f"  {policy.purpose if policy.in_guide and policy.purpose else 'related'}"
    if width is not None and head_width + len(tag) > width:
        head.append("\n")
    return Content.assemble(*head, (tag, "dim"))


class PolicyList(OptionList):
    """The list of policies.  Enter opens a copy of the highlighted one; a click only
    highlights it (OptionList would select, i.e. open, on a click too)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "choose",
            "Open copy",
            show=False,
            id="managed.list-open",
            tooltip="Open a copy of the highlighted policy's shown version in the editor",
        ),
    ]

    @dataclass
    class Chosen(Message):
        """Enter was pressed on the highlighted policy."""

        option_id: str | None

    def action_choose(self) -> None:
        option = self.highlighted_option
        if option is not None and not option.disabled:
            self.post_message(self.Chosen(option.id))
