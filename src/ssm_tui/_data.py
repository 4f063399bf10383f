"""Locate and load the JSON files bundled in data/ (one loader, cached).

In a wheel the files sit in `ssm_tui/data/`; in a source checkout they sit in the
repository's top-level `data/`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DATA = Path(__file__).resolve().parent / "data"
_CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"


def data_dir() -> Path:
    if _PACKAGE_DATA.is_dir():
        return _PACKAGE_DATA
    return _CHECKOUT_DATA


@cache
def load_data(name: str) -> Any:
    """Parsed contents of data/`name`; raises FileNotFoundError if it is not bundled."""
    with (data_dir() / name).open(encoding="utf-8") as handle:
        return json.load(handle)
