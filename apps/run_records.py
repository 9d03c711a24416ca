"""Run records: one directory per run with its events as JSON lines and a final summary.

Events are appended and flushed one line at a time, so a killed process leaves every event up to
the kill readable; the summary is written atomically (temp file + rename) at the end.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pocketpilot.devices.events import Event

EVENTS = "events.jsonl"
SUMMARY = "summary.json"
RUN_INFO = "run.json"  # what a resume needs to know of the run: its task and device


class RunRecord:
    """An open run directory: ``__call__`` is an ``EventSink`` that appends to ``events.jsonl``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "screens").mkdir(exist_ok=True)
        self._file = open(directory / EVENTS, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the run

    def __call__(self, event: Event) -> None:
        self._file.write(json.dumps(event.to_dict(), ensure_ascii=False, default=str) + "\n")
        self._file.flush()

    def save_screenshot(self, name: str, png: bytes) -> Path:
        path = self.directory / "screens" / name
        path.write_bytes(png)
        return path

    def write_summary(self, summary: dict[str, Any]) -> Path:
        path = self.directory / SUMMARY
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()


def read_events(directory: Path) -> Iterator[Event]:
    """Every complete event line; a half-written last line (a kill mid-write) is skipped."""
    path = directory / EVENTS
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                yield Event.from_dict(json.loads(line))
            except (json.JSONDecodeError, KeyError):
                continue


def write_run_info(directory: Path, info: dict[str, Any]) -> None:
    path = directory / RUN_INFO
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_run_info(directory: Path) -> dict[str, Any]:
    """The run's ``run.json``; empty for runs recorded before it existed."""
    try:
        data = json.loads((directory / RUN_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def runs_dir(data: Path) -> Path:
    path = data / "runs"
    path.mkdir(parents=True, exist_ok=True)
    return path
