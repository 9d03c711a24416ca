"""pocketpilot.memory: app memory as a persistent graph of pages (nodes) and actions (edges).

Built from executed runs, scenario gold traces and exploration; retrieved coarse to fine by the
planner and executor through the ``MemoryStore`` seam (``hints`` is the one-call version).
"""

from pocketpilot.memory.errors import (
    MemoryCorrupt,
    MemoryDatabaseError,
    MemoryFormatError,
    MemoryStoreError,
    NoKnownPath,
    UnknownEdge,
    UnknownPage,
)
from pocketpilot.memory.graph import GraphMemory
from pocketpilot.memory.model import (
    Edge,
    Hints,
    Locator,
    MemoryStats,
    Page,
    PageElement,
    PageHit,
    Source,
    SuggestedAction,
    TaskRecord,
)
from pocketpilot.memory.store import Embedder, MemoryStore

__all__ = [
    "Edge",
    "Embedder",
    "GraphMemory",
    "Hints",
    "Locator",
    "MemoryCorrupt",
    "MemoryDatabaseError",
    "MemoryFormatError",
    "MemoryStats",
    "MemoryStore",
    "MemoryStoreError",
    "NoKnownPath",
    "Page",
    "PageElement",
    "PageHit",
    "Source",
    "SuggestedAction",
    "TaskRecord",
    "UnknownEdge",
    "UnknownPage",
]
