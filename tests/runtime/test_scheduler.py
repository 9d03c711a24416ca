"""The asyncio scheduler: one model, priorities with aging, tools concurrent with LLM calls."""

from __future__ import annotations

import asyncio
import threading
import time

from pocketpilot.devices.events import EventCollector
from pocketpilot.runtime.backend import Completion, Message, Usage
from pocketpilot.runtime.scheduler import Scheduler

MSGS = [Message("user", "go")]


class SlowBackend:
    """Takes ``delay`` per call and records the order programs were served in."""

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.order: list[str] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()

    def complete(self, program, messages, **kwargs):
        with self._lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        time.sleep(self.delay)
        with self._lock:
            self.active -= 1
        self.order.append(program)
        return Completion(program, f"ok {program}", Usage())


class PinLog:
    def __init__(self) -> None:
        self.log: list[tuple[str, str, float | None]] = []

    def pin(self, program, ttl_s):
        self.log.append(("pin", program, ttl_s))

    def unpin(self, program):
        self.log.append(("unpin", program, None))

    def held_tokens(self, program):
        return 2000


async def test_llm_calls_never_overlap_on_the_one_model():
    backend = SlowBackend()
    sched = Scheduler(backend)
    await asyncio.gather(*(sched.llm(f"p{i}", MSGS) for i in range(4)))
    await sched.close()
    assert backend.max_active == 1 and sorted(backend.order) == ["p0", "p1", "p2", "p3"]


async def test_higher_priority_runs_first_then_program_arrival_order():
    backend = SlowBackend()
    sched = Scheduler(backend, aging_s=1e9)
    first = asyncio.ensure_future(sched.llm("busy", MSGS))
    await asyncio.sleep(0.01)  # "busy" holds the model while the rest queue
    rest = [asyncio.ensure_future(sched.llm(p, MSGS, priority=prio))
            for p, prio in (("late-low", 1), ("old", 0), ("urgent", -1))]
    await asyncio.gather(first, *rest)
    await sched.close()
    assert backend.order == ["busy", "urgent", "old", "late-low"]


async def test_aging_lets_a_waiting_low_priority_call_overtake():
    backend = SlowBackend(delay=0.05)
    sched = Scheduler(backend, aging_s=0.01)
    blocker = asyncio.ensure_future(sched.llm("blocker", MSGS))
    await asyncio.sleep(0.01)
    low = asyncio.ensure_future(sched.llm("low", MSGS, priority=3))
    await asyncio.sleep(0.03)
    high = asyncio.ensure_future(sched.llm("high", MSGS, priority=0))
    await asyncio.gather(blocker, low, high)
    await sched.close()
    assert backend.order.index("low") < backend.order.index("high")


async def test_tool_calls_run_while_another_program_uses_the_model():
    backend = SlowBackend(delay=0.2)
    sched = Scheduler(backend)
    seen = {}

    async def tap():
        seen["model_busy"] = backend.active
        await asyncio.sleep(0.05)
        return "tapped"

    llm = asyncio.ensure_future(sched.llm("a", MSGS))
    await asyncio.sleep(0.02)
    assert await sched.tool("b", "tap", tap) == "tapped"
    await llm
    await sched.close()
    assert seen["model_busy"] == 1


async def test_tool_call_pins_kv_with_a_ttl_and_records_its_duration():
    events, kv = EventCollector(), PinLog()
    sched = Scheduler(SlowBackend(), kv=kv, on_event=events)
    assert await sched.tool("a", "swipe", lambda: "done") == "done"
    await sched.close()
    assert [entry[0] for entry in kv.log] == ["pin", "unpin"] and kv.log[0][2] > 0
    assert len(sched.durations.samples("swipe")) == 1
    kinds = [e.kind for e in events.events]
    assert kinds == ["sched.tool_start", "sched.tool_end"]


async def test_each_decision_is_an_event_and_errors_reach_the_caller():
    class Broken(SlowBackend):
        def complete(self, program, messages, **kwargs):
            raise RuntimeError("backend crashed")

    events = EventCollector()
    sched = Scheduler(Broken(), on_event=events)
    try:
        await sched.llm("a", MSGS)
    except RuntimeError as exc:
        assert "crashed" in str(exc)
    else:
        raise AssertionError("the backend's error was swallowed")
    await sched.close()
    assert [e.kind for e in events.events] == ["sched.enqueue", "sched.start", "sched.done"]
