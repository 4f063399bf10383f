"""The user's settings (theme, copy format, key bindings), kept in one JSON file.

A settings file is edited by hand and may come from another version of ssm-tui, so loading
it must never stop the app from starting: each setting is validated on its own (strictly: no
"1" for a number, no 5 for a string), a bad value falls back to its default, an unknown key
is ignored, and every such decision comes back as a message the TUI can show.  Saving is
atomic (`write_atomic`), so a crash mid-save leaves the old file whole.

The file lives in platformdirs' ``user_config_path("ssm-tui")``, or in
``$SSM_TUI_CONFIG_DIR`` when set (tests, unusual set-ups).  This module never imports
textual: the TUI applies ``theme`` and ``keymap`` (``App.set_keymap``) itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ssm_tui.export.clipboard import CopyFormat
from ssm_tui.export.files import write_atomic
from ssm_tui.paths import config_dir, ensure_dir

SETTINGS_FILE = "settings.json"


class Settings(BaseModel):
    """What the user can set.  Assignments are validated too (``settings.theme = 3`` raises)."""

    model_config = ConfigDict(strict=True, extra="ignore", validate_assignment=True)

    theme: str = Field(default="textual-dark", min_length=1)
    copy_format: CopyFormat = "pretty"
    # binding id -> keys, as Textual's App.set_keymap takes them ("send-request": "ctrl+s")
    keymap: dict[str, str] = Field(default_factory=dict)


def settings_path() -> Path:
    """``<config dir>/settings.json`` (the config dir is ``$SSM_TUI_CONFIG_DIR`` when set)."""
    return config_dir() / SETTINGS_FILE


def _error_text(error: ValidationError) -> str:
    return "; ".join(str(detail["msg"]) for detail in error.errors()) or str(error)


def _keymap(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(
            f"{where}: 'keymap' must be an object of binding id -> keys, "
            f"not {type(value).__name__}; using no custom keys"
        )
        return {}
    keymap: dict[str, str] = {}
    for binding, keys in value.items():
        if isinstance(binding, str) and isinstance(keys, str) and keys.strip():
            keymap[binding] = keys
        else:
            problems.append(
                f"{where}: keymap entry {binding!r} must be a non-empty string of keys, "
                f"not {keys!r}; ignored"
            )
    return keymap


def settings_from_data(data: Any, where: str = SETTINGS_FILE) -> tuple[Settings, list[str]]:
    """Settings from a decoded JSON value, keeping every valid setting and reporting the rest
    (`where` names the source in the messages)."""
    problems: list[str] = []
    if not isinstance(data, dict):
        problems.append(
            f"{where}: expected a JSON object, found {type(data).__name__}; using defaults"
        )
        return Settings(), problems
    accepted: dict[str, Any] = {}
    for key, value in data.items():
        if key not in Settings.model_fields:
            problems.append(f"{where}: unknown setting {key!r} ignored")
        elif key == "keymap":
            accepted[key] = _keymap(value, where, problems)
        else:
            try:
                Settings.model_validate({key: value})
            except ValidationError as error:
                default = Settings.model_fields[key].get_default(call_default_factory=True)
                problems.append(
                    f"{where}: setting {key!r} = {value!r} is invalid ({_error_text(error)}); "
                    f"using the default {default!r}"
                )
            else:
                accepted[key] = value
    return Settings.model_validate(accepted), problems


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The saved settings (defaults when there is no file) and a message for every problem
    found.  Never raises: an unreadable or malformed file gives the defaults."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), []
    except (OSError, UnicodeDecodeError) as error:
        return Settings(), [f"{path}: cannot be read ({error}); using defaults"]
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        return Settings(), [
            f"{path}: not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}); using defaults"
        ]
    return settings_from_data(data, str(path))


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write `settings` atomically (creating the folder) and return the file's path."""
    path = path or settings_path()
    ensure_dir(path.parent)
    write_atomic(path, settings.model_dump_json(indent=2) + "\n")
    return path
