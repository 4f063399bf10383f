"""The theme of the first frame: read from the settings file before the settings are
loaded (validating them needs pydantic, which is imported after the first paint)."""

from __future__ import annotations

import json

# Themes that use the terminal's own palette: under NO_COLOR they render black on black
# (TEXTUAL-NOTES.md §2.10), so the app does not offer them then.
ANSI_THEMES = ("ansi-dark", "ansi-light")


def saved_theme() -> str | None:
    """The theme in the settings file, read without validation (None when there is no
    file, it is not JSON or it names no theme); the settings are validated in full just
    after the first frame."""
    from ssm_tui.paths import config_dir

    # the name is ssm_tui.settings.SETTINGS_FILE; that module is not imported (pydantic)
    try:
        data = json.loads((config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    theme = data.get("theme") if isinstance(data, dict) else None
    return theme if isinstance(theme, str) else None
