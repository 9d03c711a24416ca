"""The SQLite side of app memory: schema, pragmas, and sqlite3 errors mapped to ours.

WAL with ``synchronous=NORMAL``: each step is one transaction, so a killed process loses at most
the step in flight and the file reopens cleanly (WAL replay is SQLite's job). Lexical search is
FTS5 (BM25 ranking, persisted with the rest).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pocketpilot.memory.errors import MemoryCorrupt, map_sqlite_error

SCHEMA_VERSION = "1"
APPLICATION_ID = 0x70706D31  # "ppm1": marks the file as a pocketpilot memory

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
    """One connection to one memory file; ``transaction()`` is the only way to write."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = ":memory:" if path in (None, ":memory:") else str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None)
            self._setup()
        except sqlite3.Error as exc:
            raise map_sqlite_error(self.path, exc) from exc

    def _setup(self) -> None:
        conn = self.conn
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if has_tables and app_id != APPLICATION_ID:
            raise MemoryCorrupt(self.path, "is an SQLite file but not a pocketpilot memory; "
                                "pass --db with another path")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA busy_timeout=5000")
        if not has_tables:
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute("INSERT INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))
        version = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            raise MemoryCorrupt(self.path, f"schema version {version and version[0]!r}, "
                                f"expected {SCHEMA_VERSION!r}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; sqlite3 errors become ours."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise map_sqlite_error(self.path, exc) from exc
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK")
            raise map_sqlite_error(self.path, exc) from exc
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise map_sqlite_error(self.path, exc) from exc

    def query(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise map_sqlite_error(self.path, exc) from exc

    def iterate(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise map_sqlite_error(self.path, exc) from exc

    def integrity(self) -> str:
        return self.query("PRAGMA integrity_check")[0][0]

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


def default_db_path() -> Path:
    """``$POCKETPILOT_DATA_DIR/memory.sqlite``, else the user data dir (XDG on Linux)."""
    import os

    import platformdirs

    base = os.environ.get("POCKETPILOT_DATA_DIR") or platformdirs.user_data_dir("pocketpilot")
    return Path(base) / "memory.sqlite"
