"""Wait for the app's `ValidationDone` message instead of polling `app.result`.

    async with running(app, size=(120, 40)) as pilot:
        done = await settle(pilot)   # the validation of the editor's current text, shown

`running` is `app.run_test` with a message hook that keeps the `ValidationDone` messages the
app dispatches; `settle` waits for the one about the editor's current text, then lets the
app's handler finish.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from textual.message import Message
from textual.pilot import Pilot

from ssm_tui.tui.app import SsmTuiApp
from ssm_tui.tui.messages import ValidationDone

TIMEOUT = 15.0  # seconds; only a failing test waits this long


class Validations:
    """A `run_test` message hook: the `ValidationDone` messages, in the order dispatched."""

    def __init__(self) -> None:
        self.done: list[ValidationDone] = []
        self._arrived = asyncio.Event()

    def __call__(self, message: Message) -> None:
        if isinstance(message, ValidationDone):
            self.done.append(message)
            self._arrived.set()

    async def next(self) -> None:
        """Wait for the next `ValidationDone` (one dispatched after this call)."""
        self._arrived.clear()
        await self._arrived.wait()


_HOOKS: weakref.WeakKeyDictionary[SsmTuiApp, Validations] = weakref.WeakKeyDictionary()


def running(app: SsmTuiApp, **options: Any) -> Any:
    """`app.run_test(**options)`, keeping the app's `ValidationDone` messages for `settle`."""
    hook = Validations()
    _HOOKS[app] = hook
    return app.run_test(message_hook=hook, **options)


def validations(app: SsmTuiApp) -> Validations:
    hook = _HOOKS.get(app)
    assert hook is not None, "start the app with running(app, ...) to wait on its messages"
    return hook


async def settle(pilot: Pilot[Any], timeout: float = TIMEOUT) -> ValidationDone:
    """Wait for the `ValidationDone` about the editor's current text and for the app to
    show it; returns the message."""
    app = pilot.app
    assert isinstance(app, SsmTuiApp)
    hook = validations(app)
    try:
        async with asyncio.timeout(timeout):
            while not hook.done or hook.done[-1].text != app.editor.text:
                await hook.next()
    except TimeoutError:
        raise AssertionError(
            f"no ValidationDone for the editor's text in {timeout:.0f} s"
        ) from None
    done = hook.done[-1]
    await pilot.pause()  # the app's handler has run
    assert app.result is not None and app.result.policy.text == app.editor.text
    return done
