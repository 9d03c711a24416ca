"""One loaded model serving several synchronous agents at once, through the ``Scheduler``.

Each task gets a ``Lane``: a Backend whose calls queue in the one scheduler (FCFS by program,
priorities with aging), with its programs named ``LANE/program`` so two tasks' ``executor-1`` are
two KV slots, and a device wrapper whose actions run as scheduler tools, pinning the KV of the
lane's last program for a Continuum TTL while the phone acts. The backend's events (``llm.call``,
``kv.pin``, ``kv.share``...) go to the sink of the lane whose program they name.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import Any

from pocketpilot.devices.actions import Action
from pocketpilot.devices.device import ActionResult, Device
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.wrapping import WrappedDevice
from pocketpilot.runtime.backend import Backend, Completion, Message
from pocketpilot.runtime.scheduler import KVControl, Scheduler

SEPARATOR = "/"


class LaneEvents:
    """The shared backend's sink: an event naming ``LANE/program`` goes to that lane's sink, any
    other (``model.loaded``) to ``fallback``."""

    def __init__(self, fallback: EventSink = discard) -> None:
        self.fallback = fallback
        self._sinks: dict[str, EventSink] = {}
        self._lock = threading.Lock()

    def add(self, lane: str, sink: EventSink) -> None:
        with self._lock:
            self._sinks[lane] = sink

    def remove(self, lane: str) -> None:
        with self._lock:
            self._sinks.pop(lane, None)

    def __call__(self, event: Event) -> None:
        program = str(event.data.get("program", ""))
        with self._lock:
            sink = self._sinks.get(program.split(SEPARATOR, 1)[0]) if SEPARATOR in program else None
        (sink or self.fallback)(event)


class SharedModel:
    """A scheduler on its own event loop thread, in front of ``backend``; ``lane()`` per task."""

    def __init__(self, backend: Backend, *, kv: KVControl | None = None, events: LaneEvents | None = None,
                 on_event: EventSink = discard) -> None:
        self.backend = backend
        self.events = events or LaneEvents()
        self.scheduler = Scheduler(backend, kv=kv, on_event=on_event)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pocketpilot-scheduler", daemon=True)
        self._thread.start()

    def lane(self, name: str, *, priority: int = 0, on_event: EventSink = discard) -> Lane:
        if SEPARATOR in name:
            raise ValueError(f"a lane name may not hold {SEPARATOR!r}: {name!r}")
        self.events.add(name, on_event)
        return Lane(self, name, priority, on_event)

    def run(self, coro: Any) -> Any:
        """Run a coroutine on the scheduler's loop and wait for it (from any other thread)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self.run(self.scheduler.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> SharedModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Lane:
    """One task's seat at the shared model: a Backend, and ``device()`` to pin KV during actions."""

    def __init__(self, shared: SharedModel, name: str, priority: int, on_event: EventSink) -> None:
        self.shared, self.name, self.priority, self.emit = shared, name, priority, on_event
        self.last_program: str | None = None  # whose KV a device action pins

    def complete(self, program: str, messages: Sequence[Message], *, schema: dict[str, Any] | None = None,
                 max_tokens: int = 128, stop: Sequence[str] = (), temperature: float = 0.0,
                 seed: int = 0) -> Completion:
        qualified = f"{self.name}{SEPARATOR}{program}"
        self.last_program = qualified
        done = self.shared.run(self.shared.scheduler.llm(
            qualified, messages, priority=self.priority, schema=schema, max_tokens=max_tokens, stop=stop,
            temperature=temperature, seed=seed))
        return dataclasses.replace(done, program=program)

    def tool(self, name: str, fn: Callable[[], Any]) -> Any:
        """Run a device call as the scheduler's tool: the lane's KV stays pinned meanwhile."""
        program = self.last_program or f"{self.name}{SEPARATOR}"
        return self.shared.run(self.shared.scheduler.tool(program, name, fn))

    def device(self, inner: Device) -> Device:
        return _PinningDevice(inner, self)

    def close(self) -> None:
        self.shared.events.remove(self.name)


class _PinningDevice(WrappedDevice):
    """Actions go through the lane's scheduler tool (pinned KV); reading the screen does not."""

    def __init__(self, inner: Device, lane: Lane) -> None:
        super().__init__(inner)
        self.lane = lane

    def act(self, action: Action) -> ActionResult:
        return self.lane.tool(f"device.{type(action).__name__.lower()}", lambda: self.inner.act(action))
