"""The agent's real model workload, for ``bench kv --replay``: the calls replayed scenarios make.

Each scenario runs through the agent as ``pocketpilot replay`` runs it, with a ``CallLog`` where the
model would sit: behind the prior gate, so the calls logged are the ones that reach a model in the
product. The default recorder is the model-free lexical backend (seconds, not minutes): the
prompts are the agent's own, built from the screens the run walked through; with ``llama`` the
runs take the bundled model's own decisions. Programs are named per scenario, and the calls of
several scenarios are interleaved the way concurrent tasks reach one shared model.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pocketpilot.apps.scenarios.format import Scenario
from pocketpilot.apps.scenarios.suite import Trial
from pocketpilot.runtime.backend import Backend, Completion, Message


@dataclass(frozen=True)
class Call:
    """One model call as the agent made it (``program`` already names its scenario)."""

    program: str
    messages: tuple[Message, ...]
    schema: dict[str, Any] | None
    max_tokens: int
    stop: tuple[str, ...] = ()
    temperature: float = 0.0
    seed: int = 0

    def kwargs(self) -> dict[str, Any]:
        return {"schema": self.schema, "max_tokens": self.max_tokens, "stop": self.stop,
                "temperature": self.temperature, "seed": self.seed}


class CallLog:
    """A Backend that keeps every call it passes on to ``inner``, in the order they came."""

    def __init__(self, inner: Backend, *, prefix: str = "") -> None:
        self.inner, self.prefix = inner, prefix
        self.calls: list[Call] = []

    def complete(self, program: str, messages: Sequence[Message], *, schema: dict[str, Any] | None = None,
                 max_tokens: int = 128, stop: Sequence[str] = (), temperature: float = 0.0,
                 seed: int = 0) -> Completion:
        self.calls.append(Call(f"{self.prefix}{program}", tuple(messages), schema, max_tokens, tuple(stop),
                               temperature, seed))
        return self.inner.complete(program, messages, schema=schema, max_tokens=max_tokens, stop=stop,
                                   temperature=temperature, seed=seed)


def pick(scenarios: list[Scenario], limit: int) -> list[Scenario]:
    """``limit`` scenarios, taking each category in turn (by id within one): a fixed, mixed subset."""
    by_category: dict[str, deque[Scenario]] = {}
    for scenario in sorted(scenarios, key=lambda s: (s.category.value, s.id)):
        by_category.setdefault(scenario.category.value, deque()).append(scenario)
    out: list[Scenario] = []
    while len(out) < limit and any(by_category.values()):
        for queue in by_category.values():
            if queue and len(out) < limit:
                out.append(queue.popleft())
    return out


def record(scenarios: list[Scenario], recorder: str = "lexical", *, model: str | None = None,
           threads: int | None = None) -> tuple[list[list[Call]], list[dict[str, Any]]]:
    """Each scenario's model calls in order, and how each run ended (success, steps, gated calls)."""
    from pocketpilot.apps.scenarios.replay import Hooks, ReplayConfig, run_trial
    from pocketpilot.apps.wiring import make_backend
    from pocketpilot.runtime.prior_gate import DEFAULT_GATE, PriorGate

    inner = make_backend(recorder, model=model, threads=threads, gate=0)
    streams, runs = [], []
    for scenario in scenarios:
        log = CallLog(inner, prefix=f"{scenario.id}/")
        gate = PriorGate(log, DEFAULT_GATE)  # in front of the log: gated calls never reach a model
        result = run_trial(Trial(scenario), ReplayConfig(backend=recorder, model=model), Hooks(backend=gate))
        streams.append(log.calls)
        runs.append({"scenario": scenario.id, "category": scenario.category.value, "success": result.success,
                     "steps": result.steps, "model_calls": len(log.calls), "gated_calls": gate.gated,
                     "reason": result.reason})
    return streams, runs


def interleave(streams: list[list[Call]], lanes: int) -> list[Call]:
    """The calls as ``lanes`` concurrent tasks send them: one call per running task in turn, and a
    task that ends gives its lane to the next scenario (as ``replay --workers`` does)."""
    waiting = deque(deque(s) for s in streams if s)
    running: list[deque[Call]] = []
    out: list[Call] = []
    while waiting or running:
        while len(running) < max(1, lanes) and waiting:
            running.append(waiting.popleft())
        for stream in list(running):
            out.append(stream.popleft())
            if not stream:
                running.remove(stream)
    return out
