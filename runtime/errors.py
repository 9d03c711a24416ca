"""The runtime's error tree: ``BackendError`` and what callers recover from.

Third-party errors (llama_cpp, onnxruntime) are translated only at the adapters, re-raised as
the most specific class here ``from`` the original. Errors hold fields and do no I/O.
"""

from __future__ import annotations

from pathlib import Path

from pocketpilot.devices.errors import PocketpilotError


class BackendError(PocketpilotError):
    """Base of everything a model backend, its KV cache or an ONNX session raises on purpose."""


class BackendConfigError(BackendError):
    """A backend setting that cannot work (e.g. a quantized V cache without flash attention)."""


class ModelLoadError(BackendError):
    """The model file is missing, not GGUF, truncated or rejected by llama.cpp."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{reason}: {path}; pass --model with a valid .gguf file")
        self.path = str(path)
        self.reason = reason


class ContextOverflow(BackendError):
    """A program's prompt plus its reply budget does not fit its context window."""

    def __init__(self, program: str, needed: int, n_ctx: int) -> None:
        super().__init__(
            f"program {program!r} needs {needed} tokens (prompt + max_tokens) but its context "
            f"holds {n_ctx}; raise n_ctx with 'pin: {{n_ctx: 4096}}' in the --energy-config file, "
            "or trim the program's history"
        )
        self.program = program
        self.needed = needed
        self.n_ctx = n_ctx


class SchemaError(BackendError):
    """A JSON schema could not be turned into a grammar; we never fall back to free text."""


class OutputParseError(BackendError):
    """Constrained output still did not parse (it was cut off by max_tokens): the model's mistake."""

    def __init__(self, program: str, text: str, detail: str, completion: object = None) -> None:
        super().__init__(
            f"program {program!r} produced unparseable JSON ({detail}); raise max_tokens "
            f"so the constrained reply can finish: {text[:80]!r}"
        )
        self.program = program
        self.text = text
        self.detail = detail
        self.completion = completion  # the Completion (with its usage), for run records


class DecodeError(BackendError):
    """llama_decode failed (no free KV cells, or the backend aborted)."""


class KVRestoreError(BackendError):
    """A spilled KV slot could not be restored; the caller recomputes it instead."""


class RecordingMissing(BackendError):
    """A ScriptedBackend was asked for a prompt it has no recording of."""

    def __init__(self, program: str, key: str, path: str) -> None:
        super().__init__(
            f"no recorded completion for program {program!r} (key {key[:12]}) in {path}; "
            "re-record the scenario with a real backend (RecordingBackend)"
        )
        self.program = program
        self.key = key
        self.path = path


class ProviderError(BackendError):
    """No ONNX Runtime execution provider fits, or a session could not be created."""


class OCRError(BackendError):
    """Screen OCR failed: its models are missing or the image is unreadable."""


class EmbeddingModelError(BackendError):
    """The sentence-embedding model's files are missing or cannot be run."""

    def __init__(self, path: Path | str, reason: str, remedy: str) -> None:
        super().__init__(f"{reason}: {path}; {remedy}")
        self.path = str(path)
        self.reason = reason


class LabelledSetError(BackendError):
    """A labelled set for measuring a matcher is missing or malformed."""
