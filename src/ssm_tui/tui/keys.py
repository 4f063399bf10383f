"""Every key of the app, by section, for F1; and the remaps that cannot work.

The rows come from the BINDINGS of the app, its panes and its screens (each Binding has an
id such as "editor.copy"; the part before the dot names its section), plus the editor's own
editing keys (Textual's TextArea).  A user's keymap (settings.json `keymap`: binding id →
key) is applied to what is shown.

A remap collides when the key is one the focused widget keeps for itself: the README's own
example `{"editor.copy": "ctrl+k"}` loses to the editor's delete-to-line-end, because a
widget's binding wins over the app's.  `remap_conflicts` names each such remap, so the app
says so at start and in F1 instead of the key silently doing something else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding
from textual.widgets import Input, OptionList, TextArea

SECTIONS = {
    "app": "General",
    "editor": "Editor",
    "find": "Find and go to line",
    "findings": "Findings",
    "managed": "Managed policies",
    "templates": "Templates",
    "builder": "Builder",
    "simulator": "Simulator",
    "export": "Export",
    "confirm": "Dialogs",
    "choice": "Dialogs",
    "path": "Dialogs",
    "help": "Help",
}
EDITING = "Editing (the editor's own keys)"
# the app's bindings are active in these widgets, which keep these keys for themselves
_KEPT_BY = {
    "editor": (TextArea, "the editor"),
    "findings": (OptionList, "the findings list"),
    "managed": (Input, "the filter box"),
}


def _bindings(owner: type) -> Iterable[Binding]:
    for binding in getattr(owner, "BINDINGS", ()):
        if isinstance(binding, Binding):
            yield binding


def _keys_of(owner: type) -> dict[str, str]:
    """Key → description of what the widget class does with it."""
    kept: dict[str, str] = {}
    for binding in _bindings(owner):
        for key in binding.key.split(","):
            kept.setdefault(key.strip(), binding.description or binding.action)
    return kept


HelpRow = tuple[str, str, str, str]


def help_rows(owners: Iterable[type], keymap: Mapping[str, str]) -> list[HelpRow]:
    """(section, key, description, binding id) for every binding with an id of `owners`,
    in section order, then the editor's own editing keys (id "" : not remappable)."""
    rows: list[HelpRow] = []
    seen: set[str] = set()
    for owner in owners:
        for binding in _bindings(owner):
            if binding.id is None or binding.id in seen:
                continue
            seen.add(binding.id)
            section = SECTIONS.get(binding.id.split(".", 1)[0], "General")
            key = keymap.get(binding.id, binding.key)
            description = binding.description or binding.action
            if binding.tooltip and binding.tooltip != description:
                description = f"{description}: {binding.tooltip}"
            rows.append((section, key, description, binding.id))
    order = list(dict.fromkeys(SECTIONS.values()))
    rows.sort(key=lambda row: order.index(row[0]) if row[0] in order else len(order))
    for binding in _bindings(TextArea):
        if binding.description:
            rows.append((EDITING, binding.key, binding.description, ""))
    return rows


def remap_conflicts(keymap: Mapping[str, str], owners: Iterable[type]) -> list[str]:
    """One sentence per remapped binding whose new key a widget keeps for itself."""
    known = {b.id: b for owner in owners for b in _bindings(owner) if b.id}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        binding = known.get(binding_id)
        if binding is None or binding.priority:
            continue  # unknown ids are the settings loader's to report; priority keys win
        section = binding_id.split(".", 1)[0]
        places = ["editor", "findings"] if section in ("app", "editor") else [section]
        for key in keys.split(","):
            key = key.strip()
            for place in places:
                if place not in _KEPT_BY:
                    continue
                widget, name = _KEPT_BY[place]
                kept = _keys_of(widget).get(key)
                if kept is not None:
                    problems.append(
                        f"{key} for {binding_id} ({binding.description}) does not work in "
                        f"{name}, which keeps {key} for itself ({kept}). Pick another key."
                    )
                    break
    return problems
