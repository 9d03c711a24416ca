"""Applies the policy's configuration between steps without losing workflow state.

The plan, values and histories live in the planner's checkpointed ``RunState`` and memory in its
store; only ``seams.backend`` is swapped, through the ``Seams.before_step`` hook. A change of
model, threads, context or KV type needs another llama.cpp context, so that program's KV is
rebuilt by the next prefill; max tokens, perception, reflection and the gate switch in place and
keep KV. Perception is applied by wrapping ``seams.device`` in a ``PerceivingDevice``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.runtime.backend import Backend, Completion, Message
from pocketpilot.runtime.energy.accounting import EnergyMeter
from pocketpilot.runtime.energy.config_space import RuntimeConfig
from pocketpilot.runtime.energy.policy import Context, Decision
from pocketpilot.runtime.energy.profiler import Profiler
from pocketpilot.runtime.errors import OutputParseError
from pocketpilot.runtime.ocr import ScreenOCR
from pocketpilot.runtime.perception import PerceivingDevice
from pocketpilot.runtime.prior_gate import prior_completion

BackendFactory = Callable[[RuntimeConfig], Backend]
REFLECT_SCHEMA = {"type": "object", "properties": {"progress": {"type": "boolean"}}, "required": ["progress"]}
REFLECT_SYSTEM = "You check a phone agent's last action. Reply JSON: did it move the task forward?"


class ConfiguredBackend:
    """The Backend under one configuration: caps max_tokens, meters each call as an ``llm`` span,
    and answers the choices its gate lets grounding decide without calling the model.

    A reply cut by the cap raises ``OutputParseError`` like any unusable reply (the planner falls
    back to clauses, the executor skips the step) and counts as a quality miss, so the profiler
    learns what a small cap costs; retrying with the caller's budget would pay for both.
    """

    def __init__(self, inner: Backend, config: RuntimeConfig, meter: EnergyMeter) -> None:
        self.inner, self.config, self.meter = inner, config, meter
        self.truncations = 0
        self.max_context = 0
        self.gated = 0  # calls answered from the prior

    def complete(self, program: str, messages: Sequence[Message], *, schema: dict[str, Any] | None = None,
                 max_tokens: int = 128, stop: Sequence[str] = (), temperature: float = 0.0,
                 seed: int = 0) -> Completion:
        gated = prior_completion(program, schema, self.config.gate)
        if gated is not None:
            self.gated += 1
            return gated  # grounding is sure: no model runs, nothing to meter
        budget = min(max_tokens, self.config.max_tokens)
        kwargs = {"schema": schema, "stop": stop, "temperature": temperature, "seed": seed}
        with self.meter.span("llm", program, config=self.config.key):
            try:
                done = self.inner.complete(program, messages, max_tokens=budget, **kwargs)
            except OutputParseError:
                if budget < max_tokens:
                    self.truncations += 1
                raise
        self.max_context = max(self.max_context, done.usage.prompt_tokens + max_tokens)
        return done


class Switcher:
    """Decides and applies a configuration before each step; attach it to the graph's ``Seams``."""

    def __init__(self, policy: Any, make_backend: BackendFactory, device: Any, meter: EnergyMeter,
                 profiler: Profiler | None = None, *, keep_backends: int = 2, on_event: EventSink = discard,
                 on_step: Callable[[RuntimeConfig, float], None] | None = None,
                 ocr: ScreenOCR | None = None) -> None:
        self.policy, self.make_backend, self.device, self.meter = policy, make_backend, device, meter
        self.profiler, self.keep, self.emit, self.on_step = profiler, keep_backends, on_event, on_step
        self.backends: OrderedDict[tuple, Backend] = OrderedDict()
        self.backend: ConfiguredBackend | None = None
        self.decisions: list[Decision] = []
        self.switches = 0
        self.seams: Any = None
        self.ocr = ocr
        self.perceiver: PerceivingDevice | None = None
        self._step: tuple[int, float, int] | None = None  # span token, wall clock, truncations so far

    def attach(self, seams: Any) -> Any:
        """Install the hook and the first configuration's backend on ``seams`` (returned)."""
        self.seams = seams
        seams.before_step = self.before_step
        self.perceiver = PerceivingDevice(seams.device, self.ocr, on_event=self.emit, meter=self.meter)
        seams.device = self.perceiver
        self._apply(self.policy.decide(Context(self.device.sensors())))
        return seams

    def before_step(self, state: Mapping[str, Any]) -> None:
        self._close_step(state)
        decision = self.policy.decide(Context(self.device.sensors(), min_ctx=self.backend.max_context))
        self._apply(decision)
        config = self.backend.config
        history = list(state.get("history", []))
        if config.reflection_every and history and len(history) % config.reflection_every == 0:
            self._reflect(state, history)
        self._step = (self.meter.start("step", config.key), time.perf_counter(), self.backend.truncations)

    def finish(self, state: Mapping[str, Any] | None = None) -> None:
        """Close the last step's measurement (call once the run has finished)."""
        self._close_step(state or {})

    def _apply(self, decision: Decision) -> None:
        self.decisions.append(decision)
        config = decision.config
        if self.backend is not None and self.backend.config == config:
            return
        kv = "carried"
        inner = self.backends.get(config.engine_key)
        if inner is None:
            inner = self.make_backend(config)
            kv = "rebuilt" if self.backend is not None else "new"
            self.backends[config.engine_key] = inner
            while len(self.backends) > self.keep:
                _, old = self.backends.popitem(last=False)
                if hasattr(old, "close") and old is not inner:
                    old.close()
        self.backends.move_to_end(config.engine_key)
        previous = self.backend
        self.backend = ConfiguredBackend(inner, config, self.meter)
        if previous is not None:
            self.backend.max_context = previous.max_context
            self.backend.truncations = previous.truncations
            self.switches += 1
        if self.seams is not None:
            self.seams.backend = self.backend
        if self.perceiver is not None:
            self.perceiver.mode = config.perception
        self.emit(Event("reconfig.applied", {"config": config.key, "kv": kv, "reason": decision.reason,
                                             "previous": previous.config.key if previous else None}))

    def _reflect(self, state: Mapping[str, Any], history: list[str]) -> None:
        done = self.backend.complete(
            "step-reflector",
            [Message("system", REFLECT_SYSTEM),
             Message("user", f"Task: {state.get('task', '')}\nLast action: {history[-1]}")],
            schema=REFLECT_SCHEMA, max_tokens=12, temperature=0.0,
        )
        progress = bool(done.parsed and done.parsed.get("progress"))
        self.emit(Event("reflect.step", {"run_id": state.get("run_id"), "progress": progress, "action": history[-1]}))

    def _close_step(self, state: Mapping[str, Any]) -> None:
        if self._step is None:
            return
        token, wall, truncations = self._step
        self._step = None
        figure = self.meter.stop(token)
        history = list(state.get("history", []))
        success = self.backend.truncations == truncations and not (history and history[-1].endswith("-> none"))
        if self.profiler is not None:
            self.profiler.decay()
            self.profiler.observe(self.backend.config, latency_s=time.perf_counter() - wall,
                                  energy_j=figure.joules, success=success)
        if self.on_step is not None:
            self.on_step(self.backend.config, figure.cpu_seconds)
