"""Following a run's ``events.jsonl`` as it grows: only complete lines, from where we left off."""

from __future__ import annotations

import json
from pathlib import Path

from pocketpilot.apps.run_records import EVENTS
from pocketpilot.devices.events import Event


class EventTail:
    """Reads the events appended since the last ``read``; a half-written line waits for its newline."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / EVENTS
        self.offset = 0
        self.skipped = 0  # complete lines that were not events (corrupt): counted, not fatal

    def read(self) -> list[Event]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
        except FileNotFoundError:
            return []
        end = chunk.rfind(b"\n")
        if end < 0:
            return []
        self.offset += end + 1
        events = []
        for line in chunk[: end + 1].splitlines():
            if not line.strip():
                continue
            try:
                events.append(Event.from_dict(json.loads(line)))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                self.skipped += 1
        return events
