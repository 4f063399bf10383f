"""A footer that shows the keys that matter for the focused pane, and only as many as fit.

Textual's Footer shows every binding with `show=True`, in a grid that scrolls sideways when
they do not fit; at 80 columns ours was cut at "^r Si", and the command palette key docked
at its right edge left a cell of the hidden keys showing through after it ("paletteu").
This footer asks the app which of its own keys belong to the focused pane
(`footer_keys(focused)`: a set of binding ids, or None for all), keeps the focused
widget's keys first, and leaves out whole keys from the end until the rest fits the width,
so no key is cut and no stray cell remains.  The command palette key is not shown here
(the navigation bar names it).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def key_width(display: str, description: str) -> int:
    """Cells a compact FooterKey takes: the key, a space, the description, a space."""
    return len(display) + 1 + len(description) + 1 if description else len(display) + 1


class PaneFooter(Footer):
    """The footer (see the module's docstring)."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        wanted = None
        footer_keys = getattr(self.app, "footer_keys", None)
        if callable(footer_keys):
            wanted = footer_keys(self.screen.focused)
        mine: list[tuple[Binding, bool, str]] = []
        app_level: list[tuple[Binding, bool, str]] = []
        seen: set[str] = set()
        for node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            is_app = node is self.app or node is self.screen
            if is_app and wanted is not None and binding.id not in wanted:
                continue
            seen.add(binding.action)
            (app_level if is_app else mine).append((binding, enabled, tooltip))
        if wanted is not None:
            order = list(wanted)
            app_level.sort(key=lambda item: order.index(item[0].id) if item[0].id in order else 99)
        keys: list[tuple[Binding, bool, str, str]] = []
        room = self.size.width or self.app.size.width
        for binding, enabled, tooltip in mine + app_level:
            display = self.app.get_key_display(binding)
            width = key_width(display, binding.description)
            if width > room:
                continue
            room -= width
            keys.append((binding, enabled, tooltip, display))
        self.styles.grid_size_columns = max(len(keys), 1)
        for binding, enabled, tooltip, display in keys:
            yield FooterKey(
                binding.key,
                display,
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip or binding.description,
            ).data_bind(compact=Footer.compact)

    def on_resize(self) -> None:
        if self._bindings_ready:
            self.call_after_refresh(self.recompose)
