"""Benchmark: ssm_tui's validator against parliament, per policy, on the shared corpus.

Why: ssm_tui re-validates on every edit, so it must be quick; the target is to be at least
3x faster than parliament (`analyze_policy_string`) per policy, median.  This script measures
both in one process on the same real-world files and says whether the target is met.

Each file is validated once per tool as a warm-up (so one-time catalogue loading is excluded
and reported separately as "cold first run"), then `--repeat` rounds call the tools in turn;
the per-file median is kept, and the report gives the median, min and max of those medians.

Run it from the bench environment (see bench/README.md):

    bench/.venv/bin/python bench/bench_validate.py [--corpus DIR] [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TARGET_SPEEDUP = 3.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

Validator = Callable[[str], object]


@dataclass(slots=True)
class FileTiming:
    name: str
    median_ms: float
    warmup_ms: float
    raised: str | None = None  # exception type name, if the call raised


@dataclass(slots=True)
class ToolResult:
    tool: str
    version: str
    import_ms: float
    cold_first_run_ms: float
    cold_first_file: str
    files: list[FileTiming] = field(default_factory=list)

    @property
    def medians(self) -> list[float]:
        return [f.median_ms for f in self.files]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.medians)

    @property
    def one_time_ms(self) -> float:
        """Cold call plus every warm-up's excess over its file's median: lazy loading cost."""
        warmups = sum(max(0.0, f.warmup_ms - f.median_ms) for f in self.files)
        return self.cold_first_run_ms + warmups

    @property
    def raised_count(self) -> int:
        return sum(f.raised is not None for f in self.files)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            median_ms=self.median_ms,
            min_ms=min(self.medians),
            max_ms=max(self.medians),
            one_time_ms=self.one_time_ms,
            raised_count=self.raised_count,
        )
        return data


def _ms(start_ns: int, end_ns: int) -> float:
    return (end_ns - start_ns) / 1e6


def _call(func: Validator, text: str) -> str | None:
    """Run one validation; the name of the exception it raised, if any (time still counts)."""
    try:
        func(text)
    except Exception as exc:
        return type(exc).__name__
    return None


def cold_start(
    tool: str, version: str, import_ms: float, func: Validator, texts: dict[str, str]
) -> ToolResult:
    """The tool's first call in the process, on the largest file (most catalogue data)."""
    first = max(texts, key=lambda name: len(texts[name]))
    start = time.perf_counter_ns()
    _call(func, texts[first])
    return ToolResult(tool, version, import_ms, _ms(start, time.perf_counter_ns()), first)


def time_files(
    tools: list[tuple[ToolResult, Validator]],
    texts: dict[str, str],
    repeat: int,
    mode: str = "blocked",
) -> None:
    """Per file: one warm-up per tool, then `repeat` timed runs; each file's median is kept.

    "blocked": each tool's runs on a file follow one another, and the order of the tools
    alternates from file to file so that drift in background load hits both alike.  This
    is the steady state of a command checking many policies or an editor re-validating.
    "interleaved": the tools take turns call by call, so each call starts with the caches
    the other tool left behind (a cold-cache measure; it penalises the larger code path).
    """
    for index, (name, text) in enumerate(texts.items()):
        warmups: list[tuple[float, str | None]] = []
        for _, func in tools:  # warm-up: lazily loaded catalogue data for this file
            start = time.perf_counter_ns()
            raised = _call(func, text)
            warmups.append((_ms(start, time.perf_counter_ns()), raised))
        gc.collect()
        samples: list[list[float]] = [[] for _ in tools]
        if mode == "interleaved":
            for _ in range(repeat):
                for (_, func), tool_samples in zip(tools, samples, strict=True):
                    start = time.perf_counter_ns()
                    _call(func, text)
                    tool_samples.append(_ms(start, time.perf_counter_ns()))
        else:
            order = list(range(len(tools)))
            if index % 2:
                order.reverse()
            for position in order:
                func = tools[position][1]
                for _ in range(repeat):
                    start = time.perf_counter_ns()
                    _call(func, text)
                    samples[position].append(_ms(start, time.perf_counter_ns()))
        for (result, _), tool_samples, (warmup_ms, raised) in zip(
            tools, samples, warmups, strict=True
        ):
            median = statistics.median(tool_samples)
            result.files.append(FileTiming(name, median, warmup_ms, raised))


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "checkout"


def load_ssm_tui(policy_type: str) -> tuple[Validator, float, str]:
    """`validate` from this checkout's src/ (so the working tree is what gets measured)."""
    src = PROJECT_ROOT / "src"
    from_src = (src / "ssm_tui").is_dir()
    if from_src and str(src) not in sys.path:
        sys.path.insert(0, str(src))
    start = time.perf_counter_ns()
    checks = importlib.import_module("ssm_tui.checks")
    import_ms = _ms(start, time.perf_counter_ns())
    validate = checks.validate
    kind = checks.PolicyType(policy_type)

    def run(text: str) -> object:
        return validate(text, kind)

    return run, import_ms, "src/" if from_src else _version("ssm-tui")


def load_parliament() -> tuple[Validator, float, str] | str:
    """parliament's `analyze_policy_string`, or why it cannot be imported."""
    start = time.perf_counter_ns()
    try:
        parliament = importlib.import_module("parliament")  # loads its IAM definition
    except ImportError as exc:
        return f"{type(exc).__name__}: {exc}"
    import_ms = _ms(start, time.perf_counter_ns())
    analyze: Validator = parliament.analyze_policy_string
    return analyze, import_ms, _version("parliament")


def print_table(results: list[ToolResult], repeat: int, file_count: int) -> None:
    print(f"{file_count} policies, {repeat} timed runs each after one warm-up; times in ms\n")
    header = ("tool", "import", "cold 1st run", "1-time total", "median", "min", "max", "raised")
    rows = [header]
    for r in results:
        rows.append(
            (
                f"{r.tool} {r.version}",
                f"{r.import_ms:.1f}",
                f"{r.cold_first_run_ms:.2f}",
                f"{r.one_time_ms:.2f}",
                f"{r.median_ms:.3f}",
                f"{min(r.medians):.3f}",
                f"{max(r.medians):.3f}",
                str(r.raised_count),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
        if index == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\ncold 1st run = first call in the process, on {results[0].cold_first_file};")
    print("1-time total = cold 1st run + each warm-up's excess over its file's median")
    print("median/min/max = over files, of each file's median (import and warm-ups excluded)")
    for r in results:
        for f in r.files:
            if f.raised:
                print(f"{r.tool} raised {f.raised} on {f.name} (time still counted)")


def print_per_file(results: list[ToolResult]) -> None:
    names = [f.name for f in results[0].files]
    width = max(len(n) for n in names)
    print("\nper-file median (ms):")
    print("  ".join(["file".ljust(width)] + [r.tool.rjust(10) for r in results]))
    for i, name in enumerate(names):
        print("  ".join([name.ljust(width)] + [f"{r.files[i].median_ms:10.3f}" for r in results]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.json")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per file (50)")
    parser.add_argument("--policy-type", default="managed", help="ssm_tui PolicyType")
    parser.add_argument("--per-file", action="store_true", help="also list per-file medians")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--mode",
        choices=("blocked", "interleaved"),
        default="blocked",
        help="blocked: each tool's runs back to back, tool order alternating per file "
        "(steady state; the target is judged on this); interleaved: tools take turns call "
        "by call (cold caches)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    corpus: Path = args.corpus
    if not corpus.is_dir():
        print(f"skipped: corpus folder {corpus} does not exist", file=sys.stderr)
        return 0
    texts = {
        p.name: p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(corpus.glob("*.json"))
    }
    if not texts:
        print(f"skipped: no *.json files in {corpus}", file=sys.stderr)
        return 0

    try:
        ssm_tui, ssm_import_ms, ssm_version = load_ssm_tui(args.policy_type)
    except ValueError:
        parser.error(f"--policy-type {args.policy_type!r} is not an ssm_tui PolicyType value")
    except ImportError as exc:
        print(
            f"cannot import ssm_tui ({exc}): reinstall the bench environment as in "
            "bench/README.md (pyproject.toml may have gained a dependency)",
            file=sys.stderr,
        )
        return 1
    tools = [(cold_start("ssm_tui", ssm_version, ssm_import_ms, ssm_tui, texts), ssm_tui)]
    loaded = load_parliament()
    parliament_error = loaded if isinstance(loaded, str) else None
    if not isinstance(loaded, str):
        analyze, import_ms, version = loaded
        tools.append((cold_start("parliament", version, import_ms, analyze, texts), analyze))
    time_files(tools, texts, args.repeat, args.mode)
    results = [result for result, _ in tools]

    ratio = results[1].median_ms / results[0].median_ms if len(results) > 1 else None
    met = ratio is not None and ratio >= TARGET_SPEEDUP

    if args.json:
        report = {
            "corpus": str(corpus),
            "files": len(texts),
            "repeat": args.repeat,
            "mode": args.mode,
            "policy_type": args.policy_type,
            "results": [r.to_json() for r in results],
            "parliament_unavailable": parliament_error,
            "ratio_parliament_over_ssm_tui": ratio,
            "target_speedup": TARGET_SPEEDUP,
            "target_met": met if ratio is not None else None,
        }
        print(json.dumps(report, indent=2))
        return 0

    print(f"corpus: {corpus}  (timing mode: {args.mode})")
    print_table(results, args.repeat, len(texts))
    if args.per_file:
        print_per_file(results)
    if parliament_error is not None:
        print(f"\nparliament is not importable ({parliament_error}); timed ssm_tui only.")
        print("Set up the bench environment described in bench/README.md to compare.")
        return 0
    assert ratio is not None
    verdict = "MET" if met else "NOT MET"
    print(f"\nratio parliament median / ssm_tui median: {ratio:.2f}x")
    print(f"target: ssm_tui at least {TARGET_SPEEDUP:g}x faster per policy, median: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
