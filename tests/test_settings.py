"""Settings: defaults, round trip, and a broken file never stopping the app."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
import pytest
from pydantic import ValidationError

from ssm_tui.settings import Settings, load_settings, save_settings, settings_path


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("SSM_TUI_CONFIG_DIR", str(folder))
    return folder


def write(config: Path, data: object) -> Path:
    config.mkdir(parents=True, exist_ok=True)
    path = config / "settings.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_defaults() -> None:
    settings = Settings()
    assert settings.theme == "textual-dark"
    assert settings.copy_format == "pretty"
    assert settings.keymap == {}
    assert Settings().keymap is not settings.keymap  # no shared mutable default


def test_settings_path_from_env(config: Path) -> None:
    assert settings_path() == config / "settings.json"


def test_settings_path_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSM_TUI_CONFIG_DIR", raising=False)
    expected = platformdirs.user_config_path("ssm-tui", appauthor=False) / "settings.json"
    assert settings_path() == expected


def test_missing_file_gives_defaults_silently(config: Path) -> None:
    assert load_settings() == (Settings(), [])
    assert not config.exists()  # loading creates nothing


def test_round_trip_creates_the_folder(config: Path) -> None:
    settings = Settings(theme="nord", copy_format="minified", keymap={"copy-policy": "ctrl+y,f6"})
    path = save_settings(settings)
    assert path == config / "settings.json"
    assert json.loads(path.read_text(encoding="utf-8"))["copy_format"] == "minified"
    assert load_settings() == (settings, [])
    assert sorted(p.name for p in config.iterdir()) == ["settings.json"]  # no temporary left


def test_save_overwrites(config: Path) -> None:
    save_settings(Settings(theme="nord"))
    save_settings(Settings(theme="gruvbox"))
    assert load_settings()[0].theme == "gruvbox"


def test_unknown_keys_ignored_with_a_warning(config: Path) -> None:
    write(config, {"theme": "nord", "font": "Fira", "colour": 1})
    settings, problems = load_settings()
    assert settings.theme == "nord"
    assert len(problems) == 2
    assert "unknown setting 'font' ignored" in problems[0]
    assert "unknown setting 'colour' ignored" in problems[1]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("theme", 3),
        ("theme", ""),
        ("theme", None),
        ("copy_format", "compact"),
        ("copy_format", ["pretty"]),
    ],
)
def test_wrong_value_resets_that_setting_only(config: Path, key: str, value: object) -> None:
    good = {"theme": "nord", "copy_format": "minified", "keymap": {"quit": "ctrl+q"}}
    write(config, {**good, key: value})
    settings, problems = load_settings()
    expected = {**good, key: Settings.model_fields[key].default}
    assert settings.model_dump() == expected
    assert len(problems) == 1
    assert repr(key) in problems[0]
    assert "using the default" in problems[0]


def test_keymap_bad_entries_dropped(config: Path) -> None:
    write(config, {"keymap": {"quit": "ctrl+q", "copy": 5, "save": "", "help": "f1"}})
    settings, problems = load_settings()
    assert settings.keymap == {"quit": "ctrl+q", "help": "f1"}
    assert len(problems) == 2
    assert "'copy'" in problems[0]
    assert "'save'" in problems[1]


def test_keymap_not_an_object(config: Path) -> None:
    write(config, {"keymap": ["ctrl+q"]})
    settings, problems = load_settings()
    assert settings.keymap == {}
    assert len(problems) == 1
    assert "keymap" in problems[0]


def test_invalid_json(config: Path) -> None:
    config.mkdir()
    (config / "settings.json").write_text('{"theme": "nord",}', encoding="utf-8")
    settings, problems = load_settings()
    assert settings == Settings()
    assert len(problems) == 1
    assert "not valid JSON" in problems[0]
    assert "line 1" in problems[0]


def test_not_an_object(config: Path) -> None:
    write(config, ["theme", "nord"])
    settings, problems = load_settings()
    assert settings == Settings()
    assert "expected a JSON object, found list" in problems[0]


def test_not_utf8(config: Path) -> None:
    config.mkdir()
    (config / "settings.json").write_bytes(b'{"theme": "\xff"}')
    settings, problems = load_settings()
    assert settings == Settings()
    assert "cannot be read" in problems[0]


def test_unreadable(config: Path) -> None:
    (config / "settings.json").mkdir(parents=True)  # a folder where the file should be
    settings, problems = load_settings()
    assert settings == Settings()
    assert "cannot be read" in problems[0]


def test_strict_model() -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({"copy_format": "compact"})
    with pytest.raises(ValidationError):
        Settings.model_validate({"keymap": {"quit": 1}})
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.theme = 3  # type: ignore[assignment]
    settings.copy_format = "minified"
    assert settings.copy_format == "minified"


def test_explicit_path(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "my.json"
    save_settings(Settings(theme="nord"), path)
    assert load_settings(path) == (Settings(theme="nord"), [])
