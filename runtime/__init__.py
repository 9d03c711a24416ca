"""pocketpilot.runtime: model backends with per-program KV retention, scheduling, ONNX and OCR.

Importing this package is cheap: llama_cpp, onnxruntime and rapidocr load inside the adapters.
"""

from pocketpilot.runtime.backend import Backend, Completion, Message, Role, Usage
from pocketpilot.runtime.errors import (
    BackendConfigError,
    BackendError,
    ContextOverflow,
    DecodeError,
    KVRestoreError,
    ModelLoadError,
    OCRError,
    OutputParseError,
    ProviderError,
    RecordingMissing,
    SchemaError,
)
from pocketpilot.runtime.kv_slots import SlotPolicy, SlotState, SlotTable
from pocketpilot.runtime.llama_backend import LlamaCppBackend, Reuse
from pocketpilot.runtime.llama_engine import LlamaConfig
from pocketpilot.runtime.model_files import bundled_model_path, validate_gguf
from pocketpilot.runtime.scheduler import KVControl, Scheduler
from pocketpilot.runtime.scripted import Recording, RecordingBackend, ScriptedBackend
from pocketpilot.runtime.ttl import ToolDurations, continuum_ttl

__all__ = [
    "Backend", "BackendConfigError", "BackendError", "Completion", "ContextOverflow",
    "DecodeError", "KVControl", "KVRestoreError", "LlamaConfig", "LlamaCppBackend", "Message",
    "ModelLoadError", "OCRError", "OutputParseError", "ProviderError", "Recording",
    "RecordingBackend", "RecordingMissing", "Reuse", "Role", "Scheduler", "SchemaError",
    "ScriptedBackend", "SlotPolicy", "SlotState", "SlotTable", "ToolDurations", "Usage",
    "bundled_model_path", "continuum_ttl", "validate_gguf",
]
