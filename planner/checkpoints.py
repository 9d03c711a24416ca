"""The run's checkpointer: LangGraph's SQLite saver, telling rewindable devices where each save falls.

Before a checkpoint (or a node's result) is written, every ``Rewindable`` device marks its state
under that save's key; the mark is durable first, so every durable save has a mark. On resume
the devices go back to the mark of the latest durable save (``resume_keys``): the phone is then
exactly the phone that checkpoint saw, whatever the killed process did after it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver

from pocketpilot.devices.device import Rewindable

# Writes to these channels are not a node's result: an interrupt, an error, a resume answer.
# The node runs again after them, so the device goes back to the checkpoint before it.
_NOT_RESULTS = frozenset({"__interrupt__", "__error__", "__resume__", "__error_source_node__"})


def writes_key(checkpoint_id: str, task_id: str) -> str:
    return f"{checkpoint_id}/{task_id}"


class MarkingSaver(SqliteSaver):
    """A ``SqliteSaver`` that marks ``devices`` before every checkpoint and every node result."""

    def __init__(self, conn: sqlite3.Connection, devices: Sequence[Rewindable] = ()) -> None:
        super().__init__(conn)
        self.devices = tuple(devices)

    def put(self, config: dict, checkpoint: dict, metadata: Any, new_versions: Any) -> dict:
        self.mark_devices(checkpoint["id"])
        return super().put(config, checkpoint, metadata, new_versions)

    def put_writes(self, config: dict, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        if any(channel not in _NOT_RESULTS for channel, _ in writes):
            self.mark_devices(writes_key(config["configurable"]["checkpoint_id"], task_id))
        super().put_writes(config, writes, task_id, task_path)

    def resume_keys(self, config: dict) -> list[str]:
        """The keys of the latest durable save of a run: its checkpoint first, then node results on it."""
        saved = self.get_tuple(config)
        if saved is None:
            return []
        checkpoint_id = saved.checkpoint["id"]
        results = {task_id for task_id, channel, _ in saved.pending_writes or () if channel not in _NOT_RESULTS}
        return [checkpoint_id, *(writes_key(checkpoint_id, task_id) for task_id in sorted(results))]

    def mark_devices(self, key: str) -> None:
        for device in self.devices:
            device.mark(key)
