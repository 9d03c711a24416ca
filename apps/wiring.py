"""Building the agent's parts from command-line choices: backend, device, memory, policy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pocketpilot.devices.device import Device
from pocketpilot.devices.events import EventSink, discard
from pocketpilot.devices.registry import open_device
from pocketpilot.planner.graph import Seams
from pocketpilot.planner.meaning import Meaning, bundled_matcher
from pocketpilot.planner.safety import SensitivePolicy
from pocketpilot.planner.state import Budget
from pocketpilot.runtime.backend import Backend
from pocketpilot.runtime.prior_gate import DEFAULT_GATE, PriorGate

BACKENDS = ("llama", "lexical")


def make_backend(kind: str, *, model: str | None = None, on_event: EventSink | None = None,
                 threads: int | None = None, gate: float = DEFAULT_GATE) -> Backend:
    """``llama``: llama.cpp on ``model`` (default: the bundled GGUF); ``lexical``: no model at all.
    ``threads``: CPU threads for the model (default: all cores; fewer when models run side by side).
    ``gate``: a choice whose grounding prior leads by this many logits is taken without the model
    (0: the model weighs every choice)."""
    if kind == "lexical":
        from pocketpilot.runtime.lexical_backend import LexicalBackend

        return LexicalBackend(on_event=on_event)
    from pocketpilot.runtime.llama_backend import LlamaCppBackend
    from pocketpilot.runtime.llama_engine import LlamaConfig

    config = LlamaConfig(model_path=Path(model) if model else None, n_threads=threads, n_threads_batch=threads)
    llama = LlamaCppBackend(config, on_event=on_event).load()
    return PriorGate(llama, gate, on_event=on_event or discard) if gate > 0 else llama


def default_meaning() -> Meaning:
    """Semantic relatedness from the bundled embedding model, loaded once per process."""
    return Meaning(bundled_matcher())


def make_seams(
    *,
    backend: Backend | None,
    device: str | Device = "virtual",
    memory_path: Path | None = None,
    allow_sensitive: bool = False,
    budget: Budget | None = None,
    on_event: EventSink,
) -> Seams:
    memory = None
    if memory_path is not None:
        from pocketpilot.memory import GraphMemory

        memory = GraphMemory(memory_path)
    return Seams(
        backend=backend,
        device=open_device(device) if isinstance(device, str) else device,
        memory=memory,
        meaning=default_meaning(),
        policy=SensitivePolicy(allow_all=allow_sensitive),
        budget=budget or Budget(),
        on_event=on_event,
    )


def attach_energy_policy(
    seams: Seams, *, mode: str, model: str | None = None, prefs_path: Path | None = None, on_event: EventSink
) -> None:
    """Let the reconfiguration policy choose (and switch) the llama configuration before each step.

    ``mode`` (performance | balanced | saver) and the optional prefs file (pins, forbids, models)
    shape the choice; device sensors drive it. The first decision installs ``seams.backend``.
    """
    from pocketpilot.runtime.energy.accounting import EnergyMeter
    from pocketpilot.runtime.energy.config_space import ModelVariant, UserPrefs, load_prefs
    from pocketpilot.runtime.energy.policy import ReconfigPolicy
    from pocketpilot.runtime.energy.power_model import detect_profile
    from pocketpilot.runtime.energy.profiler import Profiler
    from pocketpilot.runtime.energy.switcher import Switcher
    from pocketpilot.runtime.llama_backend import LlamaCppBackend

    prefs = replace(load_prefs(prefs_path) if prefs_path else UserPrefs(), mode=mode)
    if model:  # --model registers the user's GGUF and pins the model axis to it
        space = prefs.space
        prefs = replace(prefs, space=replace(space, models={**space.models, "user": ModelVariant("user", Path(model))},
                                             pin={**space.pin, "model": "user"}))
    profiler = Profiler(prefs.space.models)

    def make(config):
        return LlamaCppBackend(config.to_llama_config(prefs.space.models), on_event=on_event).load()

    meter = EnergyMeter(detect_profile(), on_event=on_event)
    switcher = Switcher(ReconfigPolicy(prefs, profiler, on_event=on_event), make, seams.device, meter, profiler,
                        on_event=on_event)
    switcher.attach(seams)
