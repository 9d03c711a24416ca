"""The one event stream: every component emits typed events; run records, CLI and console read them.

It lives in the bottom layer so every package can emit without importing upward.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

EventSink = Callable[["Event"], None]


@dataclass(frozen=True)
class Event:
    """``kind`` is dotted, e.g. ``device.action``, ``llm.call``, ``plan.created``."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    ts: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ts": self.ts, "data": self.data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        return cls(kind=data["kind"], data=dict(data.get("data", {})), ts=float(data["ts"]))


def discard(event: Event) -> None:
    """The default sink: emitting costs nothing when nobody listens."""


class EventCollector:
    """A sink that keeps events in memory (for tests and summaries)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of_kind(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]
