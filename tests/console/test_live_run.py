"""The console against a live run in another process: approve one gated action, deny the next.

``pocketpilot run`` with the lexical backend on the virtual phone texts Bob twice; each "Send" is
gated, so the agent process asks through the run dir and the console (driven by Pilot) answers.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pocketpilot.apps.console.app import ConsoleApp
from pocketpilot.apps.console.dialogs import ConfirmDialog
from pocketpilot.apps.run_records import read_events

pytestmark = pytest.mark.slow
TASK = "Open Messages and send hello to Bob, then open Messages and send bye to Bob"
POCKETPILOT = Path(sys.executable).with_name("pocketpilot")
WAIT_S = 60


def _start_run(data: Path) -> tuple[subprocess.Popen, Path]:
    log = open(data / "run.log", "w")  # noqa: SIM115 - closed with the process below
    proc = subprocess.Popen(
        [str(POCKETPILOT), "run", TASK, "--backend", "lexical", "--device", "virtual", "--confirm", "console",
         "--no-memory", "--data-dir", str(data)],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = list((data / "runs").glob("*/events.jsonl"))
        if found:
            return proc, found[0].parent
        assert proc.poll() is None, (data / "run.log").read_text()
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the run never wrote its events")


async def _next_dialog(app, pilot, seen: set[str]) -> ConfirmDialog:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        screen = app.screen
        if isinstance(screen, ConfirmDialog) and screen.request.id not in seen:
            seen.add(screen.request.id)
            return screen
        await pilot.pause(0.05)
    raise AssertionError("no confirmation dialog appeared")


async def test_console_approves_one_gated_action_and_denies_the_next(tmp_path):
    proc, run_dir = _start_run(tmp_path)
    try:
        app = ConsoleApp(run_dir.parent, run_dir, poll_s=0.05)
        seen: set[str] = set()
        async with app.run_test(size=(80, 24)) as pilot:
            first = await _next_dialog(app, pilot, seen)
            assert first.request.data["target"] == "Send"
            await pilot.press("y")
            second = await _next_dialog(app, pilot, seen)
            assert second.request.data["target"] == "Send"
            await pilot.press("n")
        await asyncio.to_thread(proc.wait, WAIT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 3, (tmp_path / "run.log").read_text()  # the run fails: an action was denied

    events = list(read_events(run_dir))
    kinds = [e.kind for e in events]
    answers = [e for e in events if e.kind == "confirm.answered"]
    assert [e.data["approved"] for e in answers] == [True, False]
    sends = [i for i, e in enumerate(events) if e.kind == "device.action" and e.data["target"] == "Send"]
    denied_at = kinds.index("confirm.answered", kinds.index("confirm.answered") + 1)
    assert len(sends) == 1 and sends[0] < denied_at  # the approved send happened, the denied one did not
    assert "device.action" not in kinds[denied_at:]
    finished = [e for e in events if e.kind == "subtask.finished"]
    assert finished[-1].data["ok"] is False and "denied" in finished[-1].data["reason"]
    replies = [e.data for e in events if e.kind == "confirm.replied"]
    assert [(r["approved"], r["by"]) for r in replies] == [(True, "console"), (False, "console")]
