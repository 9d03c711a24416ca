"""One loaded bundled model per test session (loading is cheap; generation is the cost)."""

from __future__ import annotations

import pytest

from pocketpilot.runtime.llama_backend import LlamaCppBackend, Reuse
from pocketpilot.runtime.llama_engine import LlamaConfig

CONFIG = LlamaConfig(n_ctx=1024, n_slots=4, n_threads=1, n_threads_batch=2)


@pytest.fixture(scope="session")
def model_config() -> LlamaConfig:
    return CONFIG


@pytest.fixture(scope="session")
def retained_backend():
    with LlamaCppBackend(CONFIG, reuse=Reuse.RETAINED) as backend:
        yield backend


@pytest.fixture(scope="session")
def plain_backend():
    """Prefills every prompt in full: the reference for 'same result with retention'."""
    with LlamaCppBackend(CONFIG, reuse=Reuse.NONE) as backend:
        yield backend
