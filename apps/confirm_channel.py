"""Confirmations through files in the run directory, so a console in another process can answer.

The agent writes ``confirm/<id>.request.json`` and polls for ``confirm/<id>.answer.json``; the
console lists requests without an answer and writes one. Both files are written atomically (temp
file + rename), so a kill on either side never leaves half a request or half an answer, and the
files stay as a record of who allowed what.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pocketpilot.devices.events import Event, EventSink, discard

CONFIRM_DIR = "confirm"
REQUEST = ".request.json"
ANSWER = ".answer.json"


@dataclass(frozen=True)
class Request:
    """A gated action waiting for a person: what the agent wants to do, and which process asks."""

    id: str
    data: dict[str, Any]
    pid: int
    ts: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "data": self.data, "pid": self.pid, "ts": self.ts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Request:
        return cls(id=str(data["id"]), data=dict(data["data"]), pid=int(data["pid"]), ts=float(data["ts"]))


@dataclass(frozen=True)
class Answer:
    approved: bool
    by: str  # "console", "timeout", ...
    reason: str = ""
    ts: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"approved": self.approved, "by": self.by, "reason": self.reason, "ts": self.ts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        return cls(bool(data["approved"]), str(data.get("by", "")), str(data.get("reason", "")),
                   float(data.get("ts", 0.0)))


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Readers see the old file or the whole new one, never a partial write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def create_json_once(path: Path, data: dict[str, Any]) -> bool:
    """Like ``write_json_atomic`` but never replaces: False when ``path`` exists (first writer wins)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        os.link(tmp, path)  # atomic and exclusive, unlike os.replace
    except FileExistsError:
        return False
    finally:
        tmp.unlink()
    return True


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def read_answer(run_dir: Path, request_id: str) -> Answer | None:
    data = _read(run_dir / CONFIRM_DIR / f"{request_id}{ANSWER}")
    return None if data is None else Answer.from_dict(data)


def answer(run_dir: Path, request_id: str, approved: bool, *, by: str = "console", reason: str = "") -> bool:
    """Answer a request; False when it already had an answer (the first one stands)."""
    reason = reason or ("approved" if approved else "denied") + f" in the {by}"
    return create_json_once(run_dir / CONFIRM_DIR / f"{request_id}{ANSWER}",
                            Answer(approved, by, reason, time.time()).to_dict())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def pending(run_dir: Path) -> list[Request]:
    """Requests with no answer whose asking process still runs, oldest first."""
    folder = run_dir / CONFIRM_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{REQUEST}"):
        data = _read(path)
        if data is None:
            continue
        request = Request.from_dict(data)
        if read_answer(run_dir, request.id) is None and _alive(request.pid):
            found.append(request)
    return sorted(found, key=lambda r: (r.ts, r.id))


class FileConfirm:
    """The agent's ``confirm(request) -> bool`` answered through the run directory.

    Without an answer within ``timeout_s`` (None: wait for ever) the action is denied, and the
    denial is written as the answer so the console stops offering the request.
    """

    def __init__(self, run_dir: Path, timeout_s: float | None = None, poll_s: float = 0.2,
                 on_event: EventSink = discard, sleep: Callable[[float], None] = time.sleep) -> None:
        self.run_dir = Path(run_dir)
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self.emit = on_event
        self.sleep = sleep

    def __call__(self, request: dict[str, Any]) -> bool:
        asked = Request(id=f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}", data=dict(request),
                        pid=os.getpid(), ts=time.time())
        write_json_atomic(self.run_dir / CONFIRM_DIR / f"{asked.id}{REQUEST}", asked.to_dict())
        self.emit(Event("confirm.waiting", {"request_id": asked.id, "timeout_s": self.timeout_s}))
        started = time.monotonic()
        while True:
            got = read_answer(self.run_dir, asked.id)
            if got is not None:
                break
            if self.timeout_s is not None and time.monotonic() - started >= self.timeout_s:
                answer(self.run_dir, asked.id, False, by="timeout",
                       reason=f"no answer within {self.timeout_s:g}s")
                got = read_answer(self.run_dir, asked.id)  # the console may have answered first
                break
            self.sleep(self.poll_s)
        assert got is not None
        self.emit(Event("confirm.replied", {"request_id": asked.id, "approved": got.approved, "by": got.by,
                                            "reason": got.reason}))
        return got.approved
