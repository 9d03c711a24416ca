"""The SQLite side of app memory: schema, pragmas, and sqlite3 errors mapped to ours.

WAL with ``synchronous=NORMAL``: each step is one transaction, so a killed process loses at most
the step in flight and the file reopens cleanly (WAL replay is SQLite's job). Lexical search is
FTS5 (BM25 ranking, persisted with the rest).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from pocketpilot.memory.errors import MemoryCorrupt, MemoryDatabaseError, is_busy, map_sqlite_error

T = TypeVar("T")

SCHEMA_VERSION = "1"
APPLICATION_ID = 0x70706D31  # "ppm1": marks the file as a pocketpilot memory
BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another process's transaction
BUSY_RETRIES, BUSY_PAUSE_S = 5, 0.05

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages(
    rowid INTEGER PRIMARY KEY,
    signature TEXT NOT NULL UNIQUE,
    app TEXT NOT NULL,
    activity TEXT NOT NULL,
    description TEXT NOT NULL,
    elements TEXT NOT NULL,
    visits INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS edges(
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    locator TEXT,
    successes INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    mean_seconds REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS runs(
    run_id TEXT PRIMARY KEY, source TEXT NOT NULL, outcome TEXT, started REAL NOT NULL);
CREATE TABLE IF NOT EXISTS steps(
    rowid INTEGER PRIMARY KEY, run_id TEXT NOT NULL, edge_id TEXT NOT NULL,
    ok INTEGER NOT NULL, seconds REAL NOT NULL, ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tasks(
    id INTEGER PRIMARY KEY, task_text TEXT NOT NULL, subtask_text TEXT NOT NULL,
    edge_ids TEXT NOT NULL, success INTEGER NOT NULL, ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS page_vectors(signature TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS page_fts USING fts5(text, tokenize='porter unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS task_fts USING fts5(text, tokenize='porter unicode61');
"""


class Database:
    """One connection to one memory file; ``transaction()`` is the only way to write.

    Several processes may share the file (runs side by side): every write takes the lock with
    ``BEGIN IMMEDIATE``, waits for it (``busy_timeout``, then a few bounded retries), and every
    insert tolerates the row another process just wrote.
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = ":memory:" if path in (None, ":memory:") else str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise self._mapped(exc) from exc
        try:
            self._setup()
        except sqlite3.Error as exc:
            raise self._mapped(exc) from exc

    def _setup(self) -> None:
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: the pragmas below may wait
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if has_tables and app_id != APPLICATION_ID:
            raise MemoryCorrupt(self.path, "is an SQLite file but not a pocketpilot memory; "
                                "pass --db with another path")
        _retry_busy(lambda: conn.execute("PRAGMA journal_mode=WAL"))
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=OFF")
        if not has_tables:
            with self.transaction():
                # Under the write lock: another process may have created it since we looked.
                if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute("INSERT INTO meta VALUES('schema', ?) ON CONFLICT(key) DO NOTHING", (SCHEMA_VERSION,))
        version = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            raise MemoryCorrupt(self.path, f"schema version {version and version[0]!r}, "
                                f"expected {SCHEMA_VERSION!r}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; sqlite3 errors become ours."""
        try:
            _retry_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            raise self._mapped(exc) from exc
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK")
            raise self._mapped(exc) from exc
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._mapped(exc) from exc

    def query(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        try:
            return _retry_busy(lambda: self.conn.execute(sql, params).fetchall())
        except sqlite3.Error as exc:
            raise self._mapped(exc) from exc

    def iterate(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        try:
            return _retry_busy(lambda: self.conn.execute(sql, params))
        except sqlite3.Error as exc:
            raise self._mapped(exc) from exc

    def integrity(self) -> str:
        return self.query("PRAGMA integrity_check")[0][0]

    def _mapped(self, exc: sqlite3.Error) -> MemoryDatabaseError:
        """Our error for ``exc``; a DatabaseError counts as damage only if the integrity check agrees."""
        plain = isinstance(exc, sqlite3.OperationalError | sqlite3.IntegrityError | sqlite3.ProgrammingError
                           | sqlite3.InterfaceError)
        if plain or not isinstance(exc, sqlite3.DatabaseError):
            return map_sqlite_error(self.path, exc)
        return map_sqlite_error(self.path, exc, damaged=_damaged(self.path))

    def size_bytes(self) -> int:
        if self.path == ":memory:":
            return self.query("PRAGMA page_count")[0][0] * self.query("PRAGMA page_size")[0][0]
        return sum(p.stat().st_size for p in (Path(self.path), Path(self.path + "-wal"))
                   if p.exists())

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error as exc:
            raise map_sqlite_error(self.path, exc) from exc


def _retry_busy(call: Callable[[], T]) -> T:
    """``call()``, again after a short pause while another connection holds the lock.

    ``busy_timeout`` already waits inside SQLite; some paths (WAL recovery, a journal-mode
    change) return SQLITE_BUSY without waiting, and those are retried here, a bounded number of times.
    """
    for attempt in range(BUSY_RETRIES):
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or attempt == BUSY_RETRIES - 1:
                raise
            time.sleep(BUSY_PAUSE_S * (attempt + 1))
    raise AssertionError("unreachable")


def _damaged(path: str) -> bool:
    """What ``PRAGMA integrity_check`` says of the file, on a connection of its own."""
    if path == ":memory:":
        return False
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return True
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    except sqlite3.Error:
        return True  # not even readable as a database: damaged (or not one at all)
    finally:
        conn.close()


def default_db_path() -> Path:
    """``$POCKETPILOT_DATA_DIR/memory.sqlite``, else the user data dir (XDG on Linux)."""
    import os

    import platformdirs

    base = os.environ.get("POCKETPILOT_DATA_DIR") or platformdirs.user_data_dir("pocketpilot")
    return Path(base) / "memory.sqlite"
