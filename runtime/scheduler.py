"""Runs several agent workflows at once over one model.

LLM calls queue for the single model: lowest priority value first, then the program that
arrived first (program-level FCFS, so a workflow's later calls are not overtaken by newcomers),
with aging so nothing starves. Tool calls run concurrently with other programs' LLM calls, and
while one runs its program's KV is pinned for a Continuum TTL (``ttl.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.runtime.backend import Backend, Completion, Message
from pocketpilot.runtime.ttl import ToolDurations, continuum_ttl

T = TypeVar("T")


class KVControl(Protocol):
    """What the scheduler needs from a backend that retains KV (LlamaCppBackend has it)."""

    def pin(self, program: str, ttl_s: float) -> None: ...
    def unpin(self, program: str) -> None: ...
    def held_tokens(self, program: str) -> int: ...


@dataclass(order=True)
class _Request:
    key: tuple[float, float, int]
    program: str = field(compare=False)
    priority: int = field(compare=False)
    enqueued: float = field(compare=False)
    call: Callable[[], Completion] = field(compare=False)
    future: asyncio.Future = field(compare=False)


class Scheduler:
    """``await sched.llm(...)`` and ``await sched.tool(...)`` from as many workflows as you like."""

    def __init__(
        self,
        backend: Backend,
        *,
        kv: KVControl | None = None,
        durations: ToolDurations | None = None,
        on_event: EventSink | None = None,
        aging_s: float = 5.0,
        prefill_tokens_per_s: float = 250.0,
        memory_cost_per_token_s: float = 1e-5,
    ) -> None:
        self.backend = backend
        self.kv = kv
        self.durations = durations or ToolDurations()
        self.emit = on_event or discard
        self.aging_s = aging_s
        self.prefill_tokens_per_s = prefill_tokens_per_s
        self.memory_cost_per_token_s = memory_cost_per_token_s
        self._pending: list[_Request] = []
        self._arrival: dict[str, float] = {}
        self._seq = itertools.count()
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task | None = None
        self._avg_call_s = 1.0

    async def llm(
        self, program: str, messages: Sequence[Message], *, priority: int = 0, **kwargs: Any
    ) -> Completion:
        loop = asyncio.get_running_loop()
        now = time.monotonic()
        arrival = self._arrival.setdefault(program, now)
        req = _Request(
            key=(float(priority), arrival, next(self._seq)), program=program, priority=priority,
            enqueued=now, call=lambda: self.backend.complete(program, messages, **kwargs),
            future=loop.create_future(),
        )
        self._pending.append(req)
        self.emit(Event("sched.enqueue", {"program": program, "priority": priority,
                                          "queued": len(self._pending)}))
        self._ensure_worker()
        self._wake.set()
        return await req.future

    async def tool(self, program: str, name: str, fn: Callable[[], Awaitable[T] | T]) -> T:
        """Run a tool call; the program's KV stays pinned for the chosen TTL meanwhile."""
        ttl = None
        if self.kv is not None:
            held = self.kv.held_tokens(program)
            ttl = continuum_ttl(
                self.durations.samples(name),
                prefill_saved_s=held / self.prefill_tokens_per_s,
                queue_avoided_s=len(self._pending) * self._avg_call_s,
                memory_cost_per_s=held * self.memory_cost_per_token_s,
            )
            self.kv.pin(program, ttl.tau_s)
        self.emit(Event("sched.tool_start", {"program": program, "tool": name,
                                             "ttl_s": ttl.tau_s if ttl else None}))
        t0 = time.monotonic()
        try:
            if inspect.iscoroutinefunction(fn):
                result = await fn()
            else:
                result = await asyncio.to_thread(fn)
                if inspect.isawaitable(result):
                    result = await result
        finally:
            seconds = time.monotonic() - t0
            self.durations.record(name, seconds)
            if self.kv is not None:
                self.kv.unpin(program)
            self.emit(Event("sched.tool_end", {"program": program, "tool": name,
                                               "seconds": round(seconds, 4)}))
        return result

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    # -- internals ---------------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._wake is None:
            self._wake = asyncio.Event()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run())

    def _next(self) -> _Request:
        """Lowest (priority - waited/aging_s, program arrival, order): aging prevents starvation."""
        now = time.monotonic()
        best = min(self._pending, key=lambda r: (
            r.key[0] - (now - r.enqueued) / self.aging_s, r.key[1], r.key[2]))
        self._pending.remove(best)
        return best

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                req = self._next()
                waited = time.monotonic() - req.enqueued
                self.emit(Event("sched.start", {"program": req.program, "priority": req.priority,
                                                "waited_s": round(waited, 4)}))
                t0 = time.monotonic()
                try:
                    result = await asyncio.to_thread(req.call)
                except Exception as exc:  # delivered to the awaiting workflow, not swallowed
                    if not req.future.done():
                        req.future.set_exception(exc)
                else:
                    if not req.future.done():
                        req.future.set_result(result)
                took = time.monotonic() - t0
                self._avg_call_s = 0.8 * self._avg_call_s + 0.2 * took
                self.emit(Event("sched.done", {"program": req.program, "seconds": round(took, 4)}))
