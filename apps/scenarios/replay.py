"""Running scenarios through the agent: a fresh phone, data dir and agent per scenario, judged
from the final state; in worker processes for model backends (one model per worker).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from pocketpilot.apps.scenarios.format import Scenario
from pocketpilot.apps.scenarios.outcome import judge
from pocketpilot.apps.scenarios.suite import CANONICAL, Trial
from pocketpilot.devices.device import Device
from pocketpilot.devices.events import EventCollector, EventSink
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.devices.virtual.sensors_sim import CAPACITY_MAH
from pocketpilot.planner.agent import Agent
from pocketpilot.planner.graph import Seams
from pocketpilot.runtime.backend import Backend
from pocketpilot.runtime.prior_gate import DEFAULT_GATE

MODES = ("decomposed", "monolithic")
BACKENDS = ("scripted", "lexical", "llama")


@dataclass(frozen=True)
class ReplayConfig:
    """One configuration to compare: an agent ``mode`` on a ``backend``."""

    mode: str = "decomposed"
    backend: str = "lexical"
    model: str | None = None
    recordings: str | None = None  # scripted: <dir>/<mode>/<scenario id>.json; else where to record
    # "explore": the phone of the scenario's variant explored beforehand; a path: that DB; None: no
    # memory. Either way every scenario starts from its own copy.
    memory: str | None = "explore"
    threads: int | None = None  # model threads; set per worker so parallel models do not oversubscribe
    gate: float = DEFAULT_GATE  # llama: choices the grounding prior is sure of skip the model (0: never)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScenarioResult:
    scenario: str
    category: str
    config: str
    success: bool
    failure_kind: str | None
    predicate_held: bool | None
    steps: int
    optimal_steps: int | None
    llm_calls: int
    prompt_tokens: int
    seconds: float
    energy_j: float | None
    energy_source: str = "estimated"  # battery drop of the virtual phone, not a measurement
    reason: str = ""
    side_effects: list[str] = field(default_factory=list)
    claimed: bool | None = None  # the agent's own verdict (RunResult.success); None: it never gave one
    wording: str = CANONICAL  # canonical, or paraphrase (number ``paraphrase``)
    paraphrase: int | None = None
    variant: int = 0
    split: str = ""  # tuning | evaluation, from the scenario id
    deciders: dict[str, int] = field(default_factory=dict)  # steps per decider (model, prior, memory, ...)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioResult:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Hooks:
    """What a caller puts around one trial: the backend it asks (instead of one built from its
    config), a wrapper of its phone, and a sink that hears its events too."""

    backend: Backend | None = None
    device: Callable[[Device], Device] | None = None
    on_event: EventSink | None = None


_BACKENDS: dict[tuple, Backend] = {}  # per process: one loaded model per worker


def _backend(config: ReplayConfig, scenario: Scenario, trial_key: str | None = None) -> Backend:
    if config.backend == "scripted":
        from pocketpilot.runtime.scripted import ScriptedBackend

        return ScriptedBackend(_recording_path(config, scenario, trial_key))
    key = (config.backend, config.model, config.gate)
    if key not in _BACKENDS:
        from pocketpilot.apps.wiring import make_backend

        _BACKENDS[key] = make_backend(config.backend, model=config.model, threads=config.threads, gate=config.gate)
    backend = _BACKENDS[key]
    if config.recordings:
        from pocketpilot.runtime.scripted import RecordingBackend

        return RecordingBackend(backend)
    return backend


def _recording_path(config: ReplayConfig, scenario: Scenario, trial_key: str | None = None) -> Path:
    """``<recordings>/<mode>/<key>.json`` (key: the id, plus ``~pN`` for paraphrase N and ``~vN`` for
    a variant given on the command line); without ``--recordings``, the nearest ``recordings/``
    above the file."""
    if config.recordings:
        base = Path(config.recordings)
    else:
        parents = Path(scenario.file).resolve().parents
        base = next((p / "recordings" for p in parents if (p / "recordings").is_dir()), Path("recordings"))
    return base / config.mode / f"{trial_key or scenario.id}.json"


def _energy_j(before: dict, after: dict, voltage_mv: float) -> float:
    drop_pct = before["battery"]["level"] - after["battery"]["level"]
    return round(drop_pct / 100 * CAPACITY_MAH / 1000 * 3600 * voltage_mv / 1000, 2)


def run_scenario(scenario: Scenario, config: ReplayConfig) -> ScenarioResult:
    """Replay one scenario's canonical task from scratch (see ``run_trial``)."""
    return run_trial(Trial(scenario), config)


def run_trial(trial: Trial, config: ReplayConfig, hooks: Hooks | None = None) -> ScenarioResult:
    """Replay one trial from scratch; every exception becomes an ``error`` result, never a crash."""
    hooks = hooks or Hooks()
    scenario = trial.scenario
    labels = {"wording": trial.wording, "paraphrase": trial.paraphrase, "variant": scenario.variant,
              "split": trial.split.value}
    if scenario.recording_dir() is not None:
        from pocketpilot.apps.scenarios.recorded import run_recorded

        return replace(run_recorded(scenario, config, _backend), **labels)
    phone = VirtualPhone(dict(scenario.state), variant=scenario.variant, seed=scenario.seed)
    before = phone.state_dict()
    started = time.monotonic()
    steps = calls = tokens = 0
    reason, error, claimed = "", False, None
    deciders: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="pp-replay-") as tmp:
        try:
            backend = hooks.backend or _backend(config, scenario, trial.key)
            memory = None
            if config.memory:
                from pocketpilot.apps.scenarios.explored import explored_db, memory_copy
                from pocketpilot.memory import GraphMemory

                base = explored_db(scenario.variant) if config.memory == "explore" else Path(config.memory)
                memory = GraphMemory(memory_copy(base, Path(tmp)))
            from pocketpilot.apps.wiring import default_meaning

            events = EventCollector()
            sink = events if hooks.on_event is None else _both(events, hooks.on_event)
            device = hooks.device(phone) if hooks.device is not None else phone
            seams = Seams(backend=backend, device=device, memory=memory, meaning=default_meaning(),
                          policy=scenario.sensitive.to_policy(),
                          budget=scenario.budget.to_budget(), on_event=sink)
            approve = scenario.sensitive.answer == "approve"
            agent = Agent(seams, Path(tmp) / "checkpoints.sqlite", confirm=lambda request: approve)
            try:
                result = agent.run(scenario.task, run_id=scenario.id, mode=config.mode)
            finally:
                agent.close()
                if memory is not None:
                    memory.close()
            steps, calls, tokens, reason = result.steps, result.llm_calls, result.prompt_tokens, result.reason
            claimed = result.success
            deciders = dict(result.deciders)
            if config.recordings and config.backend != "scripted" and hasattr(backend, "recording"):
                path = _recording_path(config, scenario, trial.key)
                backend.recording.save(path)  # type: ignore[attr-defined]
        except Exception as exc:  # a scenario's crash is its result (kind 'error')
            error, reason = True, f"{type(exc).__name__}: {exc}"
            if os.environ.get("POCKETPILOT_TRACEBACK"):
                traceback.print_exc()
    after = phone.state_dict()
    voltage = phone.sensors().voltage_mv
    verdict = judge(scenario, before, after, budget_spent=steps >= scenario.budget.total_steps, error=error)
    return ScenarioResult(
        scenario=scenario.id, category=scenario.category.value, config=config.mode, success=verdict.success,
        failure_kind=verdict.failure_kind.value if verdict.failure_kind else None,
        predicate_held=verdict.predicate_held, steps=steps, optimal_steps=scenario.optimal_steps,
        llm_calls=calls, prompt_tokens=tokens, seconds=round(time.monotonic() - started, 3),
        energy_j=_energy_j(before, after, voltage.value if voltage else 3850.0), reason=reason,
        side_effects=list(verdict.side_effects), claimed=claimed, deciders=deciders, **labels,
    )


def _both(first: EventSink, second: EventSink) -> EventSink:
    def sink(event) -> None:
        first(event)
        second(event)

    return sink


def _run_pair(pair: tuple[Trial, ReplayConfig, Path | None]) -> ScenarioResult:
    trial, config, records = pair
    return recorded_trial(trial, config, records)


def recorded_trial(trial: Trial, config: ReplayConfig, records: Path | None,
                   hooks: Hooks | None = None) -> ScenarioResult:
    """``run_trial``, with its events written to ``records/<trial>~<mode>/events.jsonl`` when asked."""
    hooks = hooks or Hooks()
    with trial_record(records, trial, config) as sink:
        if sink is not None:
            hooks = replace(hooks, on_event=sink if hooks.on_event is None else _both(sink, hooks.on_event))
        return run_trial(trial, config, hooks)


@contextlib.contextmanager
def trial_record(records: Path | None, trial: Trial, config: ReplayConfig) -> Iterator[Any]:
    """The trial's run record (a sink) under ``records``, closed afterwards; None without ``records``."""
    if records is None:
        yield None
        return
    from pocketpilot.apps.run_records import RunRecord

    sink = RunRecord(records / lane_name(trial, config))
    try:
        yield sink
    finally:
        sink.close()


def lane_name(trial: Trial, config: ReplayConfig) -> str:
    """Names a trial under one config: its record folder, and its programs on a shared model."""
    return f"{trial.key}~{config.mode}"


SHARINGS = ("shared", "separate")


def run_all(
    runs: list[Trial] | list[Scenario], configs: list[ReplayConfig], *, workers: int | None = None,
    on_result: Callable[[ScenarioResult, int, int], None] | None = None, sharing: str = "shared",
    records: Path | None = None, model_stats: dict[str, Any] | None = None,
) -> list[ScenarioResult]:
    """Every trial (a bare scenario: its canonical task) under every config, in input order.
    Several workers on a model backend share one loaded model through the scheduler
    (``sharing="shared"``, threads) or load one each (``"separate"``, processes).
    ``on_result(result, done, total)`` hears of each result as it comes (progress for long runs);
    ``records``: a folder for each trial's events; ``model_stats`` is filled with how models were held."""
    heavy = any(c.backend == "llama" for c in configs)
    count = workers or (min(os.cpu_count() or 1, 2) if heavy else 1)
    shared = heavy and count > 1 and sharing == "shared"
    if heavy and count > 1 and not shared:  # llama.cpp threads spin: more threads than cores stalls every worker
        share = max(1, (os.cpu_count() or 1) // count)
        configs = [c if c.threads else replace(c, threads=share) for c in configs]
    pending = [run if isinstance(run, Trial) else Trial(run) for run in runs]
    pairs = [(t, c, records) for c in configs for t in pending]
    results: list[ScenarioResult] = []
    if model_stats is not None and heavy:
        model_stats.update({"sharing": "shared" if shared else "separate" if count > 1 else "one",
                            "model_loads": 1 if count <= 1 or shared else count})

    def note(result: ScenarioResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result, len(results), len(pairs))

    if shared:
        from pocketpilot.apps.scenarios.shared import run_shared

        for result in run_shared(pairs, count, model_stats):
            note(result)
        return results
    if count <= 1:
        for pair in pairs:
            note(_run_pair(pair))
        return results
    pool = ProcessPoolExecutor if heavy else ThreadPoolExecutor
    with pool(max_workers=count) as executor:
        for result in executor.map(_run_pair, pairs):
            note(result)
    return results
