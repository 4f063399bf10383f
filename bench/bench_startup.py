"""Benchmark: how quickly the TUI paints, and whether typing ever stalls it.

Two measurements, one run:

1. **First paint** of `ssm-tui` (no arguments) and of a minimal Textual app (`Static("hello")`),
   side by side, each in a real pseudo-terminal of 80x24 with TERM=xterm-256color (the Linux
   driver, as a user gets it).  The target is for ssm-tui to reach its first paint **within
   1.3x** the minimal app's time (median of N runs each).

   The product gets no test hook: first paint is read off the pty output, the same way for
   both apps.  Textual draws a full-screen frame as one write, row by row, each row starting
   with a cursor move to column 1 of that row (``ESC [ row ; 1 H``).  The first paint is the
   moment the output first holds the move to the last row (``ESC [ 24 ; 1 H``), i.e. the
   first complete frame has arrived (its last row follows in the same write).  Time runs from
   just before the fork to that read.  For ssm-tui the time until the findings title shows
   the first validation's summary ("Findings ·") is reported too, as "checked".

   Runs alternate between the two apps (which goes first alternates too), so that drift in
   background load hits both alike; one warm-up run of each is dropped.

2. **Event-loop stalls while typing** into a ~10 KB policy, in-process and headless
   (`App.run_test`): the policy is built from the shared corpus and opened as a file, then
   characters are typed with `pilot.press` in bursts at a human pace, with pauses longer
   than the 0.3 s validation delay between bursts so that validations run while typing goes
   on.  A background asyncio task sleeps 1 ms over and over and records how late it wakes:
   the worst overshoot is the longest time the event loop could not answer a key.  The
   validator the app calls is wrapped (in this script only) to count validations and time
   them.

Run it from a venv that has the project's dependencies (see bench/README.md):

    python bench/bench_startup.py [--runs N] [--json] [--skip-startup] [--skip-typing]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import select
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TARGET_RATIO = 1.3  # issue 12 (was 1.5)
STALL_TARGET_MS = 16.0  # worst event-loop stall while typing (issue 12)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE_ROOT = PROJECT_ROOT / "src"
DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
COLUMNS, ROWS = 80, 24
CTRL_Q = b"\x11"

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

Minimal().run()
"""


# --- 1. first paint in a pseudo-terminal ---------------------------------------------------


@dataclass(slots=True)
class Launch:
    first_paint_ms: float | None  # None: no frame before the timeout
    checked_ms: float | None = None  # ssm-tui only: first validation summary on screen


@dataclass(slots=True)
class AppStartup:
    name: str
    command: list[str]
    launches: list[Launch] = field(default_factory=list)

    def median(self, attribute: str) -> float | None:
        values = [getattr(x, attribute) for x in self.launches]
        known = [v for v in values if v is not None]
        return statistics.median(known) if known else None

    def spread(self, attribute: str) -> tuple[float, float] | None:
        known = [v for x in self.launches if (v := getattr(x, attribute)) is not None]
        return (min(known), max(known)) if known else None


def _child_env(state: Path) -> dict[str, str]:
    """The apps' environment.  Bytecode is cached under `state` (PYTHONPYCACHEPREFIX), and
    PYTHONDONTWRITEBYTECODE is dropped: with it set (as on our machines) and no cache, every
    launch would compile ssm_tui's ~0.5 MB of source, which a pip install never does.  The
    warm-up run fills the cache."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TEXTUAL", "SSM_TUI_"))
        and name not in {"NO_COLOR", "TMUX", "STY", "COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE"}
    }
    env["PYTHONPATH"] = os.pathsep.join(
        [str(SOURCE_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        SSM_TUI_CONFIG_DIR=str(state / "config"),
        SSM_TUI_STATE_DIR=str(state / "state"),
        PYTHONPYCACHEPREFIX=str(state / "pycache"),
    )
    return env


def _spawn_in_pty(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Fork `argv` onto a new 80x24 pseudo-terminal; (pid, the terminal's fd)."""
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin/stdout/stderr are the pty
        try:
            winsize = struct.pack("HHHH", ROWS, COLUMNS, 0, 0)
            fcntl.ioctl(1, termios.TIOCSWINSZ, winsize)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid, fd


def _stop(pid: int, fd: int, grace: float = 3.0) -> None:
    """Ask the app to quit (ctrl+q), then kill it if it does not exit in `grace` seconds."""
    with contextlib.suppress(OSError):
        os.write(fd, CTRL_Q)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            select.select([fd], [], [], 0.05)
            os.read(fd, 1 << 16)  # keep draining, or the child may block on a full pty
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)


def launch_once(
    argv: list[str], env: dict[str, str], checked_marker: bytes | None, timeout: float
) -> Launch:
    last_row = f"\x1b[{ROWS};1H".encode()
    output = bytearray()
    first_paint: float | None = None
    checked: float | None = None
    start = time.perf_counter()
    pid, fd = _spawn_in_pty(argv, env)
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(fd, 1 << 16)
            except OSError:  # the child exited (EIO)
                break
            now = time.perf_counter()
            output.extend(data)
            if first_paint is None and last_row in output:
                first_paint = now
            if checked_marker is not None and checked is None and checked_marker in output:
                checked = now
            if first_paint is not None and (checked_marker is None or checked is not None):
                break
    finally:
        _stop(pid, fd)

    def ms(moment: float | None) -> float | None:
        return None if moment is None else (moment - start) * 1000

    return Launch(ms(first_paint), ms(checked))


def measure_startup(runs: int, timeout: float) -> tuple[AppStartup, AppStartup]:
    minimal = AppStartup("minimal Textual app", [sys.executable, "-c", MINIMAL_APP])
    product = AppStartup("ssm-tui", [sys.executable, "-m", "ssm_tui"])
    checked_marker = "Findings ·".encode()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        env = _child_env(Path(folder))
        for run in range(runs + 1):  # run 0 is the warm-up
            pair = [(minimal, None), (product, checked_marker)]
            if run % 2:
                pair.reverse()
            for app, marker in pair:
                result = launch_once(app.command, env, marker, timeout)
                if run > 0:
                    app.launches.append(result)
            print(f"  run {run}/{runs}{' (warm-up)' if run == 0 else ''}", file=sys.stderr)
    return minimal, product


# --- 2. event-loop stalls while typing -----------------------------------------------------


@dataclass(slots=True)
class TypingResult:
    policy_chars: int
    keys: int
    typing_seconds: float
    validations_while_typing: int
    validation_ms_median: float | None
    validation_ms_max: float | None
    max_stall_ms: float
    p99_stall_ms: float
    stalls_over_16ms: int
    stalls_over_50ms: int
    loop_samples: int
    load_max_stall_ms: float  # while the file loads and is first checked (not typing)
    full_gc_runs: int  # generation-2 garbage collections while typing
    full_gc_max_ms: float
    gc_frozen: bool  # --gc-freeze: gc.freeze() after the file loaded (an experiment)


def build_policy(corpus: Path, target_chars: int = 10_000) -> str:
    """A ~10 KB pretty-printed policy: docs_application_manager.json's statements, then
    iamv_maximum_size_policy.json's, one at a time, until the text reaches `target_chars`."""
    base = json.loads((corpus / "docs_application_manager.json").read_text(encoding="utf-8"))
    extra = json.loads((corpus / "iamv_maximum_size_policy.json").read_text(encoding="utf-8"))
    statements = base["Statement"] if isinstance(base["Statement"], list) else [base["Statement"]]
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    for statement in extra["Statement"]:
        if len(json.dumps(document, indent=2)) >= target_chars:
            break
        document["Statement"].append(statement)
    return json.dumps(document, indent=2) + "\n"


def _typing_position(text: str) -> tuple[int, int]:
    """Where to type: before the closing quote of the action (a list item such as
    ``"ssm:GetParameter",``) nearest the middle of the policy."""
    lines = text.splitlines()
    middle = len(lines) // 2
    for row in sorted(range(len(lines)), key=lambda i: abs(i - middle)):
        item = lines[row].strip().rstrip(",")
        if item.startswith('"') and item.endswith('"') and ":" in item:
            return row, lines[row].rindex('"')
    return middle, 0


class LoopSampler:
    """Sleeps 1 ms over and over on the running loop and records how late each wake-up is."""

    def __init__(self) -> None:
        self.overshoots_ms: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            self.overshoots_ms.append((time.perf_counter() - before - 0.001) * 1000)

    def start(self) -> None:
        self.overshoots_ms = []
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        return self.overshoots_ms


class FullCollections:
    """Times the garbage collector's full (generation 2) collections: they stop the whole
    interpreter, so they show up as event-loop stalls wherever they happen to start."""

    def __init__(self) -> None:
        self.durations_ms: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.durations_ms.append((time.perf_counter() - self._started) * 1000)


def _send_key(app: Any, key: str) -> None:
    """Send one key as the terminal driver does, without waiting: `pilot.press` waits until
    the process is idle (up to a second per key while the loop sampler runs), which made the
    typing ~10x slower than the pace asked for and hid what happens between fast keys."""
    from textual import events

    character = {"backspace": None}.get(key, key if len(key) == 1 else None)
    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)


async def _measure_typing(
    policy: str,
    size: tuple[int, int],
    bursts: int,
    burst_keys: int,
    interval: float,
    gc_freeze: bool,
) -> TypingResult:
    import gc

    import ssm_tui.checks as checks_module
    import ssm_tui.tui.app as app_module

    validations: list[tuple[float, float]] = []  # (start, duration ms)
    real_validate = checks_module.validate  # the app imports it from ssm_tui.checks

    def counting_validate(text: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real_validate(text, *args, **kwargs)
        finally:
            validations.append((started, (time.perf_counter() - started) * 1000))

    saved_env = {name: os.environ.get(name) for name in ("SSM_TUI_CONFIG_DIR", "SSM_TUI_STATE_DIR")}
    checks_module.validate = counting_validate  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-typing-") as folder:
            os.environ["SSM_TUI_CONFIG_DIR"] = str(Path(folder) / "config")
            os.environ["SSM_TUI_STATE_DIR"] = str(Path(folder) / "state")
            path = Path(folder) / "policy.json"
            path.write_text(policy, encoding="utf-8")
            app = app_module.SsmTuiApp(str(path))
            sampler = LoopSampler()
            async with app.run_test(size=size) as pilot:
                sampler.start()
                deadline = time.monotonic() + 30
                while not validations and time.monotonic() < deadline:
                    await pilot.pause(0.05)
                await pilot.pause(0.5)
                load_stalls = await sampler.stop()
                if gc_freeze:
                    gc.collect()
                    gc.freeze()

                app.editor.cursor_location = _typing_position(app.editor.text)
                await pilot.pause(0.2)

                before = len(validations)
                keys_typed = 0
                collections = FullCollections()
                gc.callbacks.append(collections)
                sampler.start()
                typing_start = time.perf_counter()
                letters = "abcdefghijklmnopqrstuvwxyz"
                for burst in range(bursts):
                    # Type a word, then (next burst) take it back: findings come and go.
                    keys = (
                        [letters[(burst + i) % 26] for i in range(burst_keys)]
                        if burst % 2 == 0
                        else ["backspace"] * burst_keys
                    )
                    next_key = time.perf_counter()
                    for key in keys:
                        delay = next_key - time.perf_counter()
                        if delay > 0:
                            await asyncio.sleep(delay)
                        _send_key(app, key)
                        keys_typed += 1
                        next_key += interval
                    await asyncio.sleep(0.6)  # longer than the 0.3 s validation delay
                typing_seconds = time.perf_counter() - typing_start
                stalls = await sampler.stop()
                gc.callbacks.remove(collections)
                durations = [ms for started, ms in validations[before:]]
    finally:
        checks_module.validate = real_validate  # type: ignore[assignment]
        if gc_freeze:
            gc.unfreeze()
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    ordered = sorted(stalls)
    return TypingResult(
        policy_chars=len(policy),
        keys=keys_typed,
        typing_seconds=typing_seconds,
        validations_while_typing=len(durations),
        validation_ms_median=statistics.median(durations) if durations else None,
        validation_ms_max=max(durations) if durations else None,
        max_stall_ms=ordered[-1] if ordered else 0.0,
        p99_stall_ms=ordered[int(0.99 * (len(ordered) - 1))] if ordered else 0.0,
        stalls_over_16ms=sum(1 for s in ordered if s > 16),
        stalls_over_50ms=sum(1 for s in ordered if s > 50),
        loop_samples=len(ordered),
        load_max_stall_ms=max(load_stalls) if load_stalls else 0.0,
        full_gc_runs=len(collections.durations_ms),
        full_gc_max_ms=max(collections.durations_ms, default=0.0),
        gc_frozen=gc_freeze,
    )


def measure_typing(
    corpus: Path,
    size: tuple[int, int],
    bursts: int,
    burst_keys: int,
    interval: float,
    gc_freeze: bool = False,
) -> TypingResult | None:
    if not corpus.is_dir():
        print(f"corpus folder {corpus} not found: typing measurement skipped", file=sys.stderr)
        return None
    sys.path.insert(0, str(SOURCE_ROOT))  # measure this checkout, not an installed copy
    policy = build_policy(corpus)
    return asyncio.run(_measure_typing(policy, size, bursts, burst_keys, interval, gc_freeze))


# --- report --------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def report(
    startup: tuple[AppStartup, AppStartup] | None, typing: TypingResult | None, runs: int
) -> None:
    if startup is not None:
        minimal, product = startup
        print(f"First paint in a pty {COLUMNS}x{ROWS}, TERM=xterm-256color, median of {runs} runs")
        print(f"  {'app':<22}{'median ms':>10}{'min–max ms':>16}{'checked ms':>12}")
        for app in (minimal, product):
            spread = app.spread("first_paint_ms")
            span = "—" if spread is None else f"{spread[0]:.0f}–{spread[1]:.0f}"
            checked = _fmt(app.median("checked_ms")) if app is product else ""
            print(
                f"  {app.name:<22}{_fmt(app.median('first_paint_ms')):>10}{span:>16}{checked:>12}"
            )
        low, high = minimal.median("first_paint_ms"), product.median("first_paint_ms")
        if low and high:
            ratio = high / low
            verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
            target = f"target within {TARGET_RATIO}x: {verdict}"
            print(f"  ratio ssm-tui / minimal: {ratio:.2f}x ({target})")
        else:
            print("  ratio: not available (an app never painted; see the runs)")
        print()
    if typing is not None:
        t = typing
        print(
            f"Typing into a {t.policy_chars:,}-character policy (run_test, headless): "
            f"{t.keys} keys in {t.typing_seconds:.1f} s"
        )
        print(f"  worst event-loop stall: {t.max_stall_ms:.1f} ms (p99 {t.p99_stall_ms:.1f} ms)")
        print(
            f"  stalls over 16 ms: {t.stalls_over_16ms}, over 50 ms: {t.stalls_over_50ms} "
            f"(of {t.loop_samples} samples)"
        )
        print(
            f"  validations while typing: {t.validations_while_typing} "
            f"(median {_fmt(t.validation_ms_median)} ms, max {_fmt(t.validation_ms_max)} ms, "
            "in a thread worker)"
        )
        print(
            f"  full garbage collections while typing: {t.full_gc_runs}, longest "
            f"{t.full_gc_max_ms:.1f} ms{' (after gc.freeze())' if t.gc_frozen else ''}"
        )
        print(f"  worst stall while the file loaded (not typing): {t.load_max_stall_ms:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="launches per app (default 9)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per launch")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--size", default="120x40", help="run_test size for typing (WxH)")
    parser.add_argument("--bursts", type=int, default=8, help="typing bursts (default 8)")
    parser.add_argument("--burst-keys", type=int, default=8, help="keys per burst (default 8)")
    parser.add_argument(
        "--interval", type=float, default=0.08, help="seconds between keys (default 0.08)"
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="experiment: gc.freeze() once the policy is loaded, before typing",
    )
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--skip-typing", action="store_true")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if sys.platform == "win32":
        print("bench_startup.py needs a POSIX pseudo-terminal", file=sys.stderr)
        return 0
    width, height = (int(n) for n in args.size.lower().split("x"))

    startup = None if args.skip_startup else measure_startup(args.runs, args.timeout)
    typing = (
        None
        if args.skip_typing
        else measure_typing(
            args.corpus,
            (width, height),
            args.bursts,
            args.burst_keys,
            args.interval,
            args.gc_freeze,
        )
    )
    if args.json:
        out: dict[str, Any] = {"target_ratio": TARGET_RATIO}
        if startup is not None:
            minimal, product = startup
            out["startup"] = {
                app.name: {
                    "first_paint_ms_median": app.median("first_paint_ms"),
                    "checked_ms_median": app.median("checked_ms"),
                    "launches": [asdict(x) for x in app.launches],
                }
                for app in startup
            }
            low, high = minimal.median("first_paint_ms"), product.median("first_paint_ms")
            out["ratio"] = high / low if low and high else None
        if typing is not None:
            out["typing"] = asdict(typing)
        print(json.dumps(out, indent=2))
    else:
        report(startup, typing, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
