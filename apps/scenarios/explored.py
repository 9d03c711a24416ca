"""The memory a replayed scenario starts from: the virtual phone of its variant, explored app by
app beforehand (MapAgent/AutoDroid style), the same for every scenario and every agent mode.

Each scenario gets its own copy, so what one run records never leaks into the next and the
comparison between modes stays fair.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.memory import GraphMemory
from pocketpilot.memory.explore import explore_all

EXPLORE_BUDGET = 200  # device actions per app
_CACHE: dict[int, Path] = {}  # per process: variant -> explored DB
_DIR: tempfile.TemporaryDirectory | None = None
_LOCK = threading.Lock()  # trials on a shared model run in threads: one exploration per variant


def explored_db(variant: int) -> Path:
    """A memory DB holding every app of the virtual phone of ``variant``, explored once per process."""
    global _DIR
    with _LOCK:
        return _explored(variant)


def _explored(variant: int) -> Path:
    global _DIR
    if variant not in _CACHE:
        if _DIR is None:
            _DIR = tempfile.TemporaryDirectory(prefix="pp-explored-")
        path = Path(_DIR.name) / f"variant-{variant}.sqlite"
        phone = VirtualPhone(variant=variant)
        with GraphMemory(path) as memory:
            explore_all(phone, memory, budget=EXPLORE_BUDGET)
        _CACHE[variant] = path
    return _CACHE[variant]


def memory_copy(base: Path, into: Path) -> Path:
    """A private copy of ``base`` (closed, so its WAL is checkpointed) for one scenario."""
    target = into / "memory.sqlite"
    shutil.copyfile(base, target)
    return target
