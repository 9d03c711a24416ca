"""The agent: runs a task through the checkpointed graph, asks for confirmations, resumes runs.

``run`` and ``resume`` drive the graph until it finishes; when a node interrupts for a sensitive
action, ``confirm`` (a CLI prompt, the console, or a test) answers and the graph goes on.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command

from pocketpilot.devices.events import Event
from pocketpilot.planner.errors import RunNotFound
from pocketpilot.planner.graph import Seams, build_graph
from pocketpilot.planner.plan import Plan

Confirm = Callable[[dict[str, Any]], bool]
RECURSION_LIMIT = 2_000  # graph super-steps per invocation; the step budget bounds the run long before


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
    """One agent over one device; ``checkpoints`` is the SQLite file that makes runs resumable."""

    def __init__(self, seams: Seams, checkpoints: str | Path, *, confirm: Confirm = deny_all) -> None:
        self.seams = seams
        self.confirm = confirm
        self._conn = sqlite3.connect(str(checkpoints), check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._saver = SqliteSaver(self._conn)
        self._graph = build_graph(seams, self._saver)

    def run(self, task: str, *, run_id: str | None = None, mode: str = "decomposed") -> RunResult:
        run_id = run_id or time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        self.seams.on_event(Event("run.started", {"run_id": run_id, "task": task, "mode": mode}))
        return self._drive(run_id, {"run_id": run_id, "task": task, "mode": mode, "llm_calls": 0, "prompt_tokens": 0})

    def resume(self, run_id: str) -> RunResult:
        """Continue a run from its last completed node (after a crash, Ctrl-C or a disconnect)."""
        snapshot = self._graph.get_state(self._config(run_id))
        if not snapshot.values:
            raise RunNotFound(f"no checkpointed run {run_id!r}; list runs with 'pocketpilot runs'")
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
            self._graph.invoke(payload, config)
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
