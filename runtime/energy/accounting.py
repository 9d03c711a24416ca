"""``EnergyMeter``: joules per LLM call, tool call, subtask and task, each labelled measured/estimated.

A span reads a cumulative joule counter (RAPL, or integrated device power) at its start and end;
where there is none, it prices its CPU and wall time with the ``power_model`` profile. Spans nest
freely (a task holds subtasks, a subtask holds LLM and tool calls); each emits ``energy.<kind>``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pocketpilot.devices.actions import Action
from pocketpilot.devices.device import ActionResult, Device
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.screen import Screen
from pocketpilot.runtime.energy.host_sensors import process_cpu_seconds
from pocketpilot.runtime.energy.power_model import DeviceProfile

JouleCounter = Callable[[], "float | None"]  # cumulative joules, or None when unreadable now
MEASURED, ESTIMATED = "measured", "estimated"


@dataclass(frozen=True)
class EnergyFigure:
    span: str  # "llm" | "tool" | "subtask" | "task" | any caller-chosen kind
    name: str
    joules: float
    kind: str  # MEASURED | ESTIMATED
    source: str  # "rapl", "device-power", "model:<profile>"
    cpu_seconds: float
    wall_s: float

    def to_dict(self) -> dict[str, Any]:
        return {"span": self.span, "name": self.name, "joules": round(self.joules, 4), "kind": self.kind,
                "source": self.source, "cpu_seconds": round(self.cpu_seconds, 4), "wall_s": round(self.wall_s, 4)}


@dataclass
class Totals:
    joules: float = 0.0
    cpu_seconds: float = 0.0
    wall_s: float = 0.0
    count: int = 0
    kinds: set[str] = field(default_factory=set)

    @property
    def kind(self) -> str:
        """``measured`` only when every figure was; one estimate makes the sum an estimate."""
        return MEASURED if self.kinds == {MEASURED} else ESTIMATED


@dataclass(frozen=True)
class _Open:
    span: str
    name: str
    wall: float
    cpu: float
    joules: float | None


class EnergyMeter:
    """Measures spans; ``counter`` is a measured joule source (None: estimate from ``profile``)."""

    def __init__(self, profile: DeviceProfile, *, counter: JouleCounter | None = None, counter_name: str = "rapl",
                 on_event: EventSink = discard, clock: Callable[[], float] = time.perf_counter,
                 cpu: Callable[[], float] = process_cpu_seconds) -> None:
        self.profile = profile
        self.counter = counter
        self.counter_name = counter_name
        self.emit = on_event
        self.clock = clock
        self.cpu = cpu
        self.totals: dict[str, Totals] = {}
        self.figures: list[EnergyFigure] = []
        self._open: dict[int, _Open] = {}
        self._ids = itertools.count(1)
        self._by_key: dict[tuple[str, str], int] = {}

    def start(self, span: str, name: str) -> int:
        token = next(self._ids)
        self._open[token] = _Open(span, name, self.clock(), self.cpu(), self._read())
        return token

    def stop(self, token: int, **data: Any) -> EnergyFigure:
        began = self._open.pop(token)
        wall, cpu = self.clock() - began.wall, self.cpu() - began.cpu
        joules_now = self._read() if began.joules is not None else None
        if began.joules is not None and joules_now is not None:
            figure = EnergyFigure(began.span, began.name, joules_now - began.joules, MEASURED, self.counter_name,
                                  cpu, wall)
        else:
            figure = EnergyFigure(began.span, began.name, self.profile.estimate_j(cpu, wall), ESTIMATED,
                                  f"model:{self.profile.name}", cpu, wall)
        total = self.totals.setdefault(figure.span, Totals())
        total.joules += figure.joules
        total.cpu_seconds += figure.cpu_seconds
        total.wall_s += figure.wall_s
        total.count += 1
        total.kinds.add(figure.kind)
        self.figures.append(figure)
        self.emit(Event(f"energy.{figure.span}", {**figure.to_dict(), **data}))
        return figure

    @contextmanager
    def span(self, span: str, name: str, **data: Any) -> Iterator[None]:
        token = self.start(span, name)
        try:
            yield
        finally:
            self.stop(token, **data)

    def observe(self, event: Event) -> None:
        """An event sink: opens/closes task and subtask spans on the planner's run events."""
        run = str(event.data.get("run_id"))
        if event.kind in ("run.started", "run.resumed"):
            self._by_key.setdefault(("task", run), self.start("task", run))
        elif event.kind == "subtask.started":
            subtask = event.data.get("subtask", {})
            self._close(("subtask", run))
            self._by_key[("subtask", run)] = self.start("subtask", f"{run}/{subtask.get('id', '?')}")
        elif event.kind == "subtask.finished":
            self._close(("subtask", run), ok=event.data.get("ok"))
        elif event.kind == "run.finished":
            self._close(("subtask", run))
            self._close(("task", run), ok=event.data.get("ok"))

    def _close(self, key: tuple[str, str], **data: Any) -> None:
        token = self._by_key.pop(key, None)
        if token is not None:
            self.stop(token, **data)

    def _read(self) -> float | None:
        return self.counter() if self.counter is not None else None


class DevicePowerCounter:
    """Cumulative joules from a device's instantaneous power (battery current × voltage),
    integrated by trapezoids between reads; None when the device reports no power."""

    def __init__(self, device: Device, clock: Callable[[], float] = time.perf_counter) -> None:
        self.device, self.clock = device, clock
        self._last: tuple[float, float] | None = None
        self._joules = 0.0

    def __call__(self) -> float | None:
        power = self.device.sensors().power_w
        if power is None:
            self._last = None
            return None
        now = self.clock()
        if self._last is not None:
            self._joules += (now - self._last[0]) * (power.value + self._last[1]) / 2
        self._last = (now, power.value)
        return self._joules


class MeteredDevice:
    """A ``Device`` whose screen reads and actions are ``tool`` spans; the rest passes through."""

    def __init__(self, device: Device, meter: EnergyMeter) -> None:
        self.inner, self.meter = device, meter

    def observe(self) -> Screen:
        with self.meter.span("tool", "observe"):
            return self.inner.observe()

    def screenshot(self) -> bytes:
        with self.meter.span("tool", "screenshot"):
            return self.inner.screenshot()

    def act(self, action: Action) -> ActionResult:
        with self.meter.span("tool", f"act:{type(action).__name__}"):
            return self.inner.act(action)

    def launch(self, app: str) -> None:
        with self.meter.span("tool", "launch"):
            self.inner.launch(app)

    def __getattr__(self, name: str) -> Any:  # sensors, apps, info, close and test controls
        return getattr(self.inner, name)
