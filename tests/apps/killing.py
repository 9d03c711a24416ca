"""Driving ``pocketpilot run``/``resume`` as real processes and killing them (-9) at chosen events.

A kill point is "right after the run record holds N event lines": events are flushed one line at
a time, so N moves the kill through planning, deciding, acting and checkpointing. ``kill_chain``
kills the run, then each resume, at seeded random points, and finally lets a resume finish.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

KILLS = 10
POLL_S = 0.002
# a run that ends exits with its verdict's code: 0 success, 3 not everything done, 4 unverified
VERDICT_EXITS = (0, 3, 4)


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pocketpilot.apps", *args]


def event_lines(data: Path) -> int:
    runs = list((data / "runs").glob("*/events.jsonl"))
    if not runs:
        return 0
    with open(runs[0], "rb") as handle:
        return handle.read().count(b"\n")


def run_dir(data: Path) -> Path:
    (found,) = (data / "runs").iterdir()
    return found


@dataclass
class Chain:
    kills: list[int] = field(default_factory=list)  # event line counts the kills came after
    # the run's action receipt at each kill: "sent" is a kill in the window where the action went
    # out and its answer never came back (it may have reached the phone, in part or in full)
    receipts: list[str] = field(default_factory=list)
    finished_early: int = 0  # processes that ended before their kill point
    final: subprocess.CompletedProcess | None = None


def kill_chain(start: list[str], resume: list[str], data: Path, *, seed: int, env: dict | None = None,
               kills: int = KILLS, max_gap: int = 20, timeout_s: float = 120, near_actions: float = 0.0,
               max_delay_s: float = 0.25) -> Chain:
    """Start ``start``; kill -9 it after a random number (1..max_gap) of new events; ``resume``
    and kill again, ``kills`` times; then run ``resume`` to its end.

    ``near_actions``: the share of kills that, once past their event count, wait for the next
    action to go out (its receipt turns ``sent``) and land at once or a random 0..``max_delay_s``
    later: before the phone got it, while it runs part by part, or after it answered."""
    rng = random.Random(seed)
    chain = Chain()
    env = {**os.environ, **(env or {})}
    argv = start
    while len(chain.kills) < kills:
        target = event_lines(data) + rng.randint(1, max_gap)
        aim = rng.random() < near_actions
        # a quarter at once: the action is then often still on its way to the phone
        delay = 0.0 if rng.random() < 0.25 else rng.uniform(0, max_delay_s)
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + timeout_s
        while process.poll() is None and event_lines(data) < target and time.monotonic() < deadline:
            time.sleep(POLL_S)
        if aim:
            seen = _receipt_text(data)
            while process.poll() is None and time.monotonic() < deadline and not (
                    receipt_state(data) == "sent" and _receipt_text(data) != seen):
                time.sleep(POLL_S)
            time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            chain.kills.append(target)
            chain.receipts.append(receipt_state(data))
        else:
            # it finished before the kill point: every kill point so far is behind us
            error = process.stderr.read().decode() if process.stderr else ""
            assert process.returncode in VERDICT_EXITS, f"{argv} exited {process.returncode}: {error}"
            chain.finished_early += 1
            break
        process.stderr.close()
        argv = resume
    chain.final = subprocess.run(resume, capture_output=True, text=True, env=env, timeout=timeout_s)
    return chain


def _receipt_text(data: Path) -> str:
    try:
        return (run_dir(data) / "receipt.json").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return ""


def receipt_state(data: Path) -> str:
    """The state of a run's latest action receipt ("" when none was written)."""
    try:
        path = run_dir(data) / "receipt.json"
        return str(json.loads(path.read_text(encoding="utf-8"))["state"])
    except (OSError, ValueError, KeyError):
        return ""


def summary(data: Path) -> dict:
    found = json.loads((run_dir(data) / "summary.json").read_text(encoding="utf-8"))
    return {k: found[k] for k in ("success", "reason", "statuses", "values", "steps", "plan")}


def journal_calls(data: Path) -> list[dict]:
    """The phone calls a run's virtual phone journal holds (its marks are checkpoint ids, left out)."""
    lines = (run_dir(data) / "phone.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    return [row for row in map(json.loads, lines) if "mark" not in row]


def final_phone(data: Path) -> dict:
    from pocketpilot.devices.virtual.journal import JournaledPhone

    phone = JournaledPhone(run_dir(data) / "phone.jsonl")
    try:
        return phone.phone.state_dict()
    finally:
        phone.close()
