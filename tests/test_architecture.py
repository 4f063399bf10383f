"""The layers hold (ARCHITECTURE.md): import-linter's contracts in pyproject.toml, no import
circle anywhere, and the core never loads Textual (or Rich) when it runs."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import ssm_tui

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _core_modules() -> list[str]:
    """Every module of the package except the TUI and the entry points."""
    names = ["ssm_tui"]
    for info in pkgutil.walk_packages(ssm_tui.__path__, "ssm_tui."):
        if info.name.startswith("ssm_tui.tui") or info.name == "ssm_tui.__main__":
            continue
        names.append(info.name)
    return names


def test_core_modules_are_found() -> None:
    modules = _core_modules()
    # the walk sees the layers (a broken walk would make the next test vacuous)
    for expected in ("ssm_tui.iam.catalog", "ssm_tui.checks", "ssm_tui.access.simulate"):
        assert expected in modules
    assert not any(m.startswith("ssm_tui.tui") for m in modules)


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {_core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "from ssm_tui.checks import validate\n"
        "validate('{\"Statement\": []}')\n"
        "from ssm_tui.cli import main\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
def test_import_linter_contracts_are_kept() -> None:
    """Layers, acyclic siblings and the Textual ban, as pyproject.toml declares them."""
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout
    # every contract ran: a config typo would otherwise check nothing
    assert result.stdout.count("KEPT") >= 4


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_between_any_modules() -> None:
    """Counting imports inside functions too (only `if TYPE_CHECKING:` ones are free): a
    package's __init__ that imports a module importing the package back is a circle."""
    graph = grimp.build_graph("ssm_tui", exclude_type_checking_imports=True)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []


# The size bars of ARCHITECTURE.md for the core (the TUI's app and panes are larger, see there).
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _core_sources() -> list[Path]:
    package = Path(ssm_tui.__file__).parent
    return [p for p in sorted(package.rglob("*.py")) if "tui" not in p.relative_to(package).parts]


def _oversized(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found.append(f"{path.name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path.name}:{node.name}: {length} lines")
    return found


def test_core_modules_and_functions_stay_small() -> None:
    sources = _core_sources()
    assert len(sources) > 50 and not any("tui" in p.parts[-2:] for p in sources)
    assert _oversized(sources) == []


def test_the_size_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    source = tmp_path / "long.py"
    source.write_text(f"def long() -> None:\n{body}\n", encoding="utf-8")
    assert _oversized([source]) == [f"long.py:long: {MAX_FUNCTION_LINES + 1} lines"]
