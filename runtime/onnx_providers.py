"""Which ONNX Runtime execution provider to run on: NPU/GPU first, CPU always last.

``onnxruntime.get_available_providers()`` lists what this build supports; we keep the preferred
ones in order and always end with CPU so a session can fall back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pocketpilot.runtime.errors import ProviderError

PREFERRED_PROVIDERS: tuple[str, ...] = (
    "QNNExecutionProvider",  # Qualcomm Hexagon NPU
    "NnapiExecutionProvider",  # Android NNAPI
    "CoreMLExecutionProvider",
    "CUDAExecutionProvider",
    "OpenVINOExecutionProvider",
    "DmlExecutionProvider",  # DirectML
    "XnnpackExecutionProvider",  # optimised ARM/x86 CPU kernels
    "CPUExecutionProvider",
)
CPU = "CPUExecutionProvider"


@dataclass(frozen=True)
class OnnxSettings:
    """Threads and provider preference; ``providers=None`` means choose automatically."""

    intra_op_threads: int = 2
    inter_op_threads: int = 1
    providers: tuple[str, ...] | None = None


def available_providers() -> list[str]:
    import onnxruntime

    return list(onnxruntime.get_available_providers())


def choose_providers(
    available: Sequence[str] | None = None, prefer: Sequence[str] = PREFERRED_PROVIDERS
) -> list[str]:
    """Preferred providers this build has, in preference order, ending with CPU."""
    have = list(available) if available is not None else available_providers()
    chosen = [p for p in prefer if p in have and p != CPU]
    return [*chosen, CPU]


def session_options(settings: OnnxSettings) -> Any:
    import onnxruntime

    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = settings.intra_op_threads
    opts.inter_op_num_threads = settings.inter_op_threads
    return opts


def create_session(model_path: Path | str, settings: OnnxSettings | None = None) -> Any:
    """An InferenceSession on the best provider, CPU as fallback; errors say which file failed."""
    import onnxruntime

    settings = settings or OnnxSettings()
    providers = list(settings.providers) if settings.providers else choose_providers()
    try:
        return onnxruntime.InferenceSession(
            str(model_path), sess_options=session_options(settings), providers=providers
        )
    except (*_ort_errors(), RuntimeError, ValueError) as exc:
        raise ProviderError(
            f"cannot create an ONNX session for {model_path} on {providers}: {exc}; "
            "check the file or pass providers=('CPUExecutionProvider',)"
        ) from exc


def _ort_errors() -> tuple[type[BaseException], ...]:
    """onnxruntime's own exception classes (Fail, InvalidProtobuf, NoSuchFile, ...)."""
    from onnxruntime.capi import onnxruntime_pybind11_state as state

    return tuple(v for v in vars(state).values()
                 if isinstance(v, type) and issubclass(v, Exception))
