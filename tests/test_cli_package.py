"""`ssm_tui.cli` is a package without an import circle: its modules import `common` (and
`ssm_tui.crash`, below both faces), the entry point imports the commands, and none imports
the package `__init__` back.
Imports inside functions count (they close a circle as surely as top-level ones do); so do
`if TYPE_CHECKING:` ones, which a type checker follows."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import grimp
import pytest

import ssm_tui.cli

PACKAGE = "ssm_tui.cli"
MODULES = sorted(info.name for info in pkgutil.iter_modules(ssm_tui.cli.__path__, "ssm_tui.cli."))


def _graph(package: str) -> grimp.ImportGraph:
    return grimp.build_graph(package, cache_dir=None)


def _imports_of_the_init(graph: grimp.ImportGraph, package: str) -> list[str]:
    """The modules of `package` that import its __init__."""
    inside = sorted(graph.find_children(package))
    return [name for name in inside if package in graph.find_modules_directly_imported_by(name)]


def _circles(graph: grimp.ImportGraph, package: str) -> list[tuple[str, str]]:
    """Each import (importer, imported) between modules of `package` (its __init__
    included) from which a chain of imports inside the package leads back to the importer."""
    inside = {package, *graph.find_descendants(package)}
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & inside for m in inside}
    found = []
    for importer in sorted(inside):
        for imported in sorted(edges[importer]):
            seen, todo = set(), [imported]
            while todo:
                node = todo.pop()
                if node == importer:
                    found.append((importer, imported))
                    break
                if node not in seen:
                    seen.add(node)
                    todo.extend(edges[node])
    return found


def test_the_modules_are_found() -> None:
    expected = {"common", "entry", "check", "library", "simulate", "export"}
    assert {name.rsplit(".", 1)[1] for name in MODULES} == expected


@pytest.mark.parametrize("name", MODULES)
def test_each_module_imports_alone_in_a_fresh_interpreter(name: str) -> None:
    code = f"import importlib; importlib.import_module({name!r}); print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr[-2000:]


def test_no_module_of_the_package_imports_its_init() -> None:
    assert _imports_of_the_init(_graph("ssm_tui"), PACKAGE) == []


def test_no_import_circle_inside_the_package() -> None:
    graph = _graph("ssm_tui")
    assert _circles(graph, PACKAGE) == []
    # the arrows that make the package: the entry point assembles the commands, they share
    # common (a vacuous graph would pass the two asserts above)
    assert {f"{PACKAGE}.{name}" for name in ("check", "library", "simulate", "export")} <= set(
        graph.find_modules_directly_imported_by(f"{PACKAGE}.entry")
    )
    for name in ("check", "library", "simulate", "export", "entry"):
        assert f"{PACKAGE}.common" in graph.find_modules_directly_imported_by(f"{PACKAGE}.{name}")
    assert not graph.find_modules_directly_imported_by(f"{PACKAGE}.common") & {
        PACKAGE,
        *graph.find_descendants(PACKAGE),
    }


def test_the_checks_find_a_circle_through_a_function_level_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old shape: the __init__ imports a command module that imports a name back from
    the __init__ inside a function."""
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from circled.command import run\n\nclass UsageError(Exception):\n    pass\n"
    )
    (package / "command.py").write_text(
        "def run():\n    from circled import UsageError\n\n    return UsageError\n"
    )
    (package / "common.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = _graph("circled")
    assert _imports_of_the_init(graph, "circled") == ["circled.command"]
    assert _circles(graph, "circled") == [
        ("circled", "circled.command"),
        ("circled.command", "circled"),
    ]


def test_the_console_script_is_the_package_main() -> None:
    (script,) = entry_points(group="console_scripts", name="ssm-tui")
    assert script.value == "ssm_tui.cli:main"
    assert script.load() is ssm_tui.cli.main
    from ssm_tui.cli.entry import main

    assert ssm_tui.cli.main is main


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ssm_tui", "templates", "render", "nosuch"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("ssm-tui: no template named 'nosuch'"), result.stderr


def test_starting_loads_no_command_module() -> None:
    """Start-up stays lazy: importing the entry point (all the TUI path needs before it opens
    the TUI) loads no command module, no validator and no Rich."""
    code = (
        "import sys\n"
        "from ssm_tui.cli import main\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ssm_tui', 'rich', 'textual'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(ast.literal_eval(result.stdout))
    assert {"ssm_tui.cli.common", "ssm_tui.crash", "ssm_tui.cli.entry"} <= loaded
    for absent in ("check", "library", "simulate", "export"):
        assert f"ssm_tui.cli.{absent}" not in loaded
    assert not {m for m in loaded if m.startswith(("ssm_tui.checks", "rich", "textual"))}
