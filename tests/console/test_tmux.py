"""A plain terminal: the console in tmux at 80x24 shows the plan tree and the subtasks' statuses."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"), pytest.mark.slow]
POCKETPILOT = Path(sys.executable).with_name("pocketpilot")


def _pane(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def test_console_in_tmux_shows_plan_tree_and_statuses(data_dir, run_dir):
    session = f"pp-console-{uuid.uuid4().hex[:8]}"
    command = f"TERM=xterm-256color {POCKETPILOT} console {run_dir} --data-dir {data_dir}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True)
    try:
        deadline, pane = time.monotonic() + 30, ""
        while time.monotonic() < deadline and "failed" not in pane:
            time.sleep(0.5)
            pane = _pane(session)
        lines = pane.splitlines()
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert "plan" in pane and "Find Bob's phone number in Contacts" in pane
        assert "✓ done" in pane and "1. [Contacts]" in pane
        assert "✗ failed" in pane and "2. [Messages]" in pane
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
