"""``replay --workers N`` on one loaded model: trials in threads, each a lane of one scheduler.

The model's KV slots serve every trial's programs (named per trial), the scheduler serves their
calls one at a time (FCFS by program, priorities with aging), and each device action pins its
trial's KV for a TTL learnt from measured action times, which its run record shows (``kv.pin``).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pocketpilot.apps.scenarios.replay import Hooks, ReplayConfig, ScenarioResult, lane_name, run_trial, trial_record
from pocketpilot.apps.scenarios.suite import Trial
from pocketpilot.devices.events import EventCollector, discard


def run_shared(pairs: list[tuple[Trial, ReplayConfig, Path | None]], workers: int,
               model_stats: dict[str, Any] | None = None) -> Iterator[ScenarioResult]:
    """Results in input order, ``workers`` trials at a time on one model."""
    from pocketpilot.runtime.llama_backend import LlamaCppBackend
    from pocketpilot.runtime.llama_engine import LlamaConfig
    from pocketpilot.runtime.prior_gate import PriorGate
    from pocketpilot.runtime.scripted import RecordingBackend
    from pocketpilot.runtime.shared_model import LaneEvents, SharedModel

    first = pairs[0][1]
    if len({(c.model, c.threads) for _, c, _ in pairs}) > 1:
        raise ValueError("one shared model serves one --model; run other models in another replay")
    loaded = EventCollector()
    events = LaneEvents(fallback=loaded)
    # a slot per running trial and one for a planning call beside them
    config = LlamaConfig(model_path=Path(first.model) if first.model else None, n_threads=first.threads,
                         n_threads_batch=first.threads, n_slots=max(LlamaConfig().n_slots, workers + 1))
    llama = LlamaCppBackend(config, on_event=events).load()

    def one(pair: tuple[Trial, ReplayConfig, Path | None]) -> ScenarioResult:
        trial, replay_config, records = pair
        with trial_record(records, trial, replay_config) as sink:
            lane = shared.lane(lane_name(trial, replay_config), on_event=sink or discard)
            try:
                # the gate answers sure calls before they queue for the model
                backend = PriorGate(lane, replay_config.gate) if replay_config.gate > 0 else lane
                if replay_config.recordings:
                    backend = RecordingBackend(backend)
                return run_trial(trial, replay_config, Hooks(backend=backend, device=lane.device, on_event=sink))
            finally:
                lane.close()

    try:
        with SharedModel(llama, kv=llama, events=events) as shared, ThreadPoolExecutor(workers) as pool:
            yield from pool.map(one, pairs)
    finally:
        llama.close()
        if model_stats is not None:
            model_stats["model_loads"] = len(loaded.of_kind("model.loaded"))
            model_stats["n_slots"] = config.n_slots
