"""The agent: runs a task through the checkpointed graph, asks for confirmations, resumes runs.

``run`` and ``resume`` drive the graph until it finishes; when a node interrupts for a sensitive
action, ``confirm`` (a CLI prompt, the console, or a test) answers and the graph goes on.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.types import Command

from pocketpilot.devices.device import Rewindable
from pocketpilot.devices.events import Event
from pocketpilot.planner.checkpoints import MarkingSaver
from pocketpilot.planner.errors import RunNotFound
from pocketpilot.planner.graph import Seams, build_graph
from pocketpilot.planner.plan import Plan

Confirm = Callable[[dict[str, Any]], bool]
RECURSION_LIMIT = 2_000  # graph super-steps per invocation; the step budget bounds the run long before
# Every node's checkpoint is on disk before the next node runs: a killed run resumes from the node
# it was in, never from one several actions back (LangGraph's default, "async", lags behind).
DURABILITY = "sync"


def deny_all(request: dict[str, Any]) -> bool:
    """The default answer where nobody can be asked: a sensitive action does not happen."""
    return False


@dataclass(frozen=True)
class RunResult:
    run_id: str
    success: bool
    reason: str
    plan: Plan | None
    statuses: list[str]
    values: dict[str, str]
    steps: int
    llm_calls: int
    prompt_tokens: int
    seconds: float
    history: list[str] = field(default_factory=list)
    verdict: str = "not_done"  # a Verdict; ``success`` is True only for a verified success
    reports: list[dict[str, Any]] = field(default_factory=list)  # per subtask: status, reason, evidence
    deciders: dict[str, int] = field(default_factory=dict)  # steps per decider (model, prior, memory, ...)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "success": self.success, "verdict": self.verdict, "reason": self.reason,
            "reports": self.reports, "deciders": self.deciders,
            "plan": self.plan.to_dict() if self.plan else None, "statuses": self.statuses, "values": self.values,
            "steps": self.steps, "llm_calls": self.llm_calls, "prompt_tokens": self.prompt_tokens,
            "seconds": self.seconds,
        }


class Agent:
    """One agent over one device; ``checkpoints`` is the SQLite file that makes runs resumable.

    ``rewindable``: devices (or device wrappers) whose state is marked at every save and rewound
    to the latest durable one on resume, e.g. an in-process phone that died with the run.
    """

    def __init__(self, seams: Seams, checkpoints: str | Path, *, confirm: Confirm = deny_all,
                 rewindable: Sequence[Rewindable] = ()) -> None:
        self.seams = seams
        self.confirm = confirm
        self._conn = sqlite3.connect(str(checkpoints), check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA busy_timeout=30000")  # runs side by side share the file
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._saver = MarkingSaver(self._conn, rewindable)
        self._graph = build_graph(seams, self._saver)

    def run(self, task: str, *, run_id: str | None = None, mode: str = "decomposed") -> RunResult:
        run_id = run_id or time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        self.seams.on_event(Event("run.started", {"run_id": run_id, "task": task, "mode": mode}))
        return self._drive(run_id, {"run_id": run_id, "task": task, "mode": mode, "llm_calls": 0, "prompt_tokens": 0})

    def resume(self, run_id: str, *, task: str | None = None, mode: str = "decomposed") -> RunResult:
        """Continue a run from its last completed node (after a crash, Ctrl-C or a disconnect).

        ``task``: the run's task, known from its record; a run stopped before its first checkpoint
        did nothing yet, so it starts from the beginning (without ``task`` that is ``RunNotFound``).
        """
        config = self._config(run_id)
        snapshot = self._graph.get_state(config)
        if not snapshot.values and task is not None:
            self.seams.on_event(Event("run.resumed", {"run_id": run_id, "next": ["plan"]}))
            return self._drive(run_id, {"run_id": run_id, "task": task, "mode": mode, "llm_calls": 0,
                                        "prompt_tokens": 0})
        if not snapshot.values:
            raise RunNotFound(f"no checkpointed run {run_id!r}; the runs are listed by 'pocketpilot console'")
        keys = self._saver.resume_keys(config)
        for device in self._saver.devices:
            device.rewind(keys)  # the phone as the checkpoint saw it, not as the kill left it
        if keys:
            self._saver.mark_devices(keys[0])  # what the resumed node does belongs to this checkpoint
        self.seams.on_event(Event("run.resumed", {"run_id": run_id, "next": list(snapshot.next)}))
        if snapshot.interrupts:
            return self._drive(run_id, Command(resume=self._ask(snapshot.interrupts[0].value)))
        return self._drive(run_id, None)

    def close(self) -> None:
        self._conn.close()

    def _config(self, run_id: str) -> dict:
        return {"configurable": {"thread_id": run_id}, "recursion_limit": RECURSION_LIMIT}

    def _ask(self, request: dict[str, Any]) -> bool:
        self.seams.on_event(Event("confirm.requested", dict(request)))
        return bool(self.confirm(request))

    def _drive(self, run_id: str, payload: Any) -> RunResult:
        started = time.monotonic()
        config = self._config(run_id)
        while True:
            self._graph.invoke(payload, config, durability=DURABILITY)
            snapshot = self._graph.get_state(config)
            if not snapshot.interrupts:
                break
            payload = Command(resume=self._ask(snapshot.interrupts[0].value))
        return self._result(run_id, snapshot.values, time.monotonic() - started)

    @staticmethod
    def _result(run_id: str, values: dict[str, Any], seconds: float) -> RunResult:
        plan = Plan.from_dict(values["plan"]) if values.get("plan") else None
        return RunResult(
            run_id=run_id, success=values.get("outcome") == "success", reason=values.get("reason", ""),
            verdict=values.get("outcome", "not_done"), reports=list(values.get("reports") or []),
            deciders=dict(values.get("deciders") or {}),
            plan=plan, statuses=list(values.get("statuses", [])), values=dict(values.get("values", {})),
            steps=values.get("total_steps", 0), llm_calls=values.get("llm_calls", 0),
            prompt_tokens=values.get("prompt_tokens", 0), seconds=round(seconds, 3),
            history=list(values.get("history", [])),
        )
