"""Runs side by side on one data dir, as a user starts them from several terminals.

Three ``pocketpilot run`` at once share the memory and checkpoint files: each ends with its own
verdict and none dies of a database error (the memory's check-then-insert did). One run has one
driver: while a resume drives it, a second resume refuses in one line.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time

import pytest

from tests.apps.killing import VERDICT_EXITS, command, run_dir

pytestmark = pytest.mark.slow
TASKS = (
    "Send a message to Bob Smith saying 'See you at noon' in Messages, then set an alarm for 7:00 in Clock",
    "Find Bob's phone number in Contacts, then set an alarm for 7:00 in Clock",
    "Find the address in my Notes, then send it to Bob Smith in Messages",
)
VERDICT_LINE = re.compile(r"run (\d{8}-\d{6}-[0-9a-f]{6}): \w")
FLAGS = ("--backend", "lexical", "--allow-sensitive", "--confirm", "deny")


def run_at_once(data) -> list[subprocess.CompletedProcess]:
    processes = [subprocess.Popen(command("run", task, "--data-dir", str(data), *FLAGS),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for task in TASKS]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=300), *p.communicate()) for p in processes]


@pytest.mark.parametrize("round_", [1, 2])
def test_three_runs_at_once_on_a_fresh_data_dir_each_end_with_their_own_verdict(tmp_path, round_):
    data = tmp_path / "data"
    finished = run_at_once(data)
    for done in finished:
        assert done.returncode in VERDICT_EXITS, done.stderr
        assert "Traceback" not in done.stderr and "database" not in done.stderr, done.stderr
    # each prints its own run's verdict: "run ID: ..." heads its summary table
    verdicts = [m.group(1) for done in finished if (m := VERDICT_LINE.search(done.stdout))]
    assert len(set(verdicts)) == 3, [done.stdout for done in finished]
    assert len(list((data / "runs").iterdir())) == 3


def _wait_for(predicate, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_second_resume_of_a_run_being_resumed_refuses_in_one_line(tmp_path):
    data = tmp_path / "data"
    # a send needs approval: with --confirm console the run waits for it, holding the run
    waiting = ("--backend", "lexical", "--no-memory", "--confirm", "console", "--data-dir", str(data))
    first = subprocess.Popen(command("run", TASKS[0], *waiting), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: (data / "runs").is_dir() and any(run_dir(data).glob("confirm/*.request.json")))
        first.send_signal(signal.SIGKILL)
        first.wait()
        run_id = run_dir(data).name
        for request in run_dir(data).glob("confirm/*"):
            request.unlink()
        first = subprocess.Popen(command("resume", run_id, *waiting), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        _wait_for(lambda: any(run_dir(data).glob("confirm/*.request.json")))
        second = subprocess.run(command("resume", run_id, *waiting), capture_output=True, text=True, timeout=120)
        assert second.returncode == 1
        assert second.stderr.splitlines() == [
            f"pocketpilot: error: run {run_id} is being driven by process {first.pid}; wait for it to finish "
            f"(or stop it), then 'pocketpilot resume {run_id}'"]
    finally:
        first.kill()
        first.wait()
