"""The memory package's error tree; ``MemoryStoreError`` is what callers catch.

sqlite3 errors are translated here only, at the adapter (see ``map_sqlite_error``), so the rest of
pocketpilot never sees a bare ``sqlite3.Error``.
"""

from __future__ import annotations

import sqlite3

from pocketpilot.devices.errors import PocketpilotError


class MemoryStoreError(PocketpilotError):
    """Something about the app memory (its database, an import, a lookup) went wrong."""


class MemoryDatabaseError(MemoryStoreError):
    """The SQLite database could not be opened, read or written."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"memory database {path}: {detail}")
        self.path = path
        self.detail = detail


class MemoryCorrupt(MemoryDatabaseError):
    """The file is not a pocketpilot memory, or SQLite reports it damaged."""


class MemoryFormatError(MemoryStoreError):
    """An import file (JSON/GraphML) does not have the shape pocketpilot writes."""


class UnknownPage(MemoryStoreError, KeyError):
    """A page signature that the memory has never seen."""

    def __init__(self, signature: str) -> None:
        super().__init__(f"no page {signature!r} in memory; record a step on it or explore its app")
        self.signature = signature


class UnknownEdge(MemoryStoreError, KeyError):
    """An edge id that the memory does not hold."""

    def __init__(self, edge_id: str) -> None:
        super().__init__(f"no edge {edge_id!r} in memory")
        self.edge_id = edge_id


# Which sqlite3 errors become which of ours (kept as data so a test can list the mapping). A
# DatabaseError means damage only when ``PRAGMA integrity_check`` agrees (``damaged``); a constraint
# failure is a bug in how we write, never a reason to throw a healthy memory away.
SQLITE_ERROR_MAP: tuple[tuple[type[sqlite3.Error], type[MemoryDatabaseError]], ...] = (
    (sqlite3.IntegrityError, MemoryDatabaseError),
    (sqlite3.DatabaseError, MemoryCorrupt),  # "file is not a database", "malformed"
    (sqlite3.Error, MemoryDatabaseError),
)
BUSY_WORDS = ("locked", "busy")  # OperationalError texts of SQLITE_BUSY / SQLITE_LOCKED


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` is another connection holding the lock (worth retrying), not a failure."""
    return isinstance(exc, sqlite3.OperationalError) and any(w in str(exc) for w in BUSY_WORDS)


def map_sqlite_error(path: str, exc: sqlite3.Error, *, damaged: bool = True) -> MemoryDatabaseError:
    """Our most specific class for ``exc``; callers ``raise map_sqlite_error(...) from exc``.

    ``damaged``: what ``PRAGMA integrity_check`` said of the file (the caller runs it); only a
    damaged file gets ``MemoryCorrupt`` and the advice to move it aside.
    """
    message = str(exc)
    if isinstance(exc, sqlite3.OperationalError):
        # OperationalError subclasses DatabaseError but means "locked", "no such table", I/O ...
        return MemoryDatabaseError(path, f"{message}; is another process writing it?"
                                   if is_busy(exc) else message)
    for sqlite_cls, ours in SQLITE_ERROR_MAP:
        if isinstance(exc, sqlite_cls):
            if ours is MemoryCorrupt and not damaged:
                return MemoryDatabaseError(path, f"{message} (integrity check: ok)")
            hint = "; move it aside and start a new memory" if ours is MemoryCorrupt else ""
            return ours(path, f"{message}{hint}")
    return MemoryDatabaseError(path, message)


class NoKnownPath(MemoryStoreError):
    """Both pages are known, but no recorded sequence of actions leads from one to the other."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__(f"no known path from page {source} to page {target}; "
                         "explore the app or record more runs")
        self.source = source
        self.target = target
