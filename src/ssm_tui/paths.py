"""Where ssm-tui keeps the user's files: settings in the config folder, drafts and
clipboard fallbacks in the state folder.

One module decides this so that settings, drafts and exports agree, and so that tests (and
users with unusual set-ups) can move both folders with an environment variable instead of
writing into the real home directory:

- ``SSM_TUI_CONFIG_DIR`` replaces platformdirs' ``user_config_path("ssm-tui")``
- ``SSM_TUI_STATE_DIR`` replaces platformdirs' ``user_state_path("ssm-tui")``

Nothing here creates a folder except `ensure_dir`; computing a path has no side effects.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_state_path

APP_NAME = "ssm-tui"
CONFIG_DIR_ENV = "SSM_TUI_CONFIG_DIR"
STATE_DIR_ENV = "SSM_TUI_STATE_DIR"


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The folder for settings (``$SSM_TUI_CONFIG_DIR`` when set)."""
    # appauthor=False: on Windows, %LOCALAPPDATA%\ssm-tui rather than ssm-tui\ssm-tui.
    return _from_env(CONFIG_DIR_ENV) or user_config_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    """The folder for drafts and saved exports (``$SSM_TUI_STATE_DIR`` when set)."""
    return _from_env(STATE_DIR_ENV) or user_state_path(APP_NAME, appauthor=False)


def ensure_dir(path: Path) -> Path:
    """Create `path` (and its parents) if needed and return it.  A folder this creates is
    private to the user (0o700 before the umask): drafts and exports can hold account IDs."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
