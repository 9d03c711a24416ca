"""A writer killed mid-run loses at most the step in flight; the store reopens intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from pocketpilot.memory import GraphMemory


def test_store_reopens_intact_after_the_writer_is_killed(tmp_path):
    db = tmp_path / "memory.sqlite"
    writer = subprocess.Popen([sys.executable, str(Path(__file__).parent / "kill_writer.py"), str(db)],
                              stdout=subprocess.PIPE, text=True)
    committed = -1
    try:
        for line in writer.stdout:
            committed = int(line)
            if committed >= 40:
                break
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    with GraphMemory(db) as memory:
        assert memory.integrity() == "ok"
        steps = memory.stats().steps
        # Every step it reported committed is there; at most the one in flight (and any
        # committed after our last read) beyond that.
        assert steps >= committed + 1
        assert memory.stats().pages == 4  # home + the three pages it kept visiting
        edges = memory._db.query("SELECT sum(successes) FROM edges")[0][0]
        assert edges == steps
