"""Building the agent's parts from command-line choices: backend, device, memory, policy."""

from __future__ import annotations

from pathlib import Path

from pocketpilot.devices.events import EventSink
from pocketpilot.devices.registry import open_device
from pocketpilot.planner.graph import Seams
from pocketpilot.planner.safety import SensitivePolicy
from pocketpilot.planner.state import Budget
from pocketpilot.runtime.backend import Backend

BACKENDS = ("llama", "lexical")


def make_backend(kind: str, *, model: str | None = None, on_event: EventSink | None = None) -> Backend:
    """``llama``: llama.cpp on ``model`` (default: the bundled GGUF); ``lexical``: no model at all."""
    if kind == "lexical":
        from pocketpilot.runtime.lexical_backend import LexicalBackend

        return LexicalBackend(on_event=on_event)
    from pocketpilot.runtime.llama_backend import LlamaCppBackend
    from pocketpilot.runtime.llama_engine import LlamaConfig

    config = LlamaConfig(model_path=Path(model) if model else None)
    return LlamaCppBackend(config, on_event=on_event).load()


def make_seams(
    *,
    backend: Backend,
    device: str = "virtual",
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
        device=open_device(device),
        memory=memory,
        policy=SensitivePolicy(allow_all=allow_sensitive),
        budget=budget or Budget(),
        on_event=on_event,
    )
