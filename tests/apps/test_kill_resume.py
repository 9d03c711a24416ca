"""Kill -9 a run at seeded random points, resume it each time: it ends as an uninterrupted run does.

On the virtual phone the phone dies with the run, so it is rebuilt from its journal as its last
checkpoint saw it; over ADB the phone (a daemon in this process) survives, and a step pending at
the kill counts as done only on the device's receipt. Either way: the same final phone, the same
steps, none lost and none done twice.
"""

from __future__ import annotations

import pytest

from tests.apps.killing import KILLS, command, event_lines, final_phone, journal_calls, kill_chain, summary

pytestmark = pytest.mark.slow
TASK = "Send a message to Bob Smith saying 'See you at noon' in Messages, then set an alarm for 7:00 in Clock"
FLAGS = ("--backend", "lexical", "--no-memory", "--allow-sensitive", "--confirm", "deny")


def reference(tmp_path, *device: str, env=None):
    import os
    import subprocess

    data = tmp_path / "reference"
    done = subprocess.run(command("run", TASK, "--data-dir", str(data), *FLAGS, *device), capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    return data


def chain(tmp_path, ref, seed: int, *device: str, env=None):
    from tests.apps.killing import run_dir

    data = tmp_path / "killed"
    start = command("run", TASK, "--data-dir", str(data), *FLAGS, *device)

    class Resume(list):  # the run id is known once the first process made its run dir
        def __iter__(self):
            return iter(command("resume", run_dir(data).name, "--data-dir", str(data), *FLAGS))

    result = kill_chain(start, Resume(), data, seed=seed, env=env, max_gap=max(2, event_lines(ref) // KILLS))
    return data, result


@pytest.mark.parametrize("seed", [1])
def test_killed_and_resumed_on_the_virtual_phone_ends_as_an_uninterrupted_run(tmp_path, seed):
    ref = reference(tmp_path)
    data, result = chain(tmp_path, ref, seed)
    assert len(result.kills) >= 10, result
    assert result.final.returncode == 0, result.final.stderr
    assert summary(data) == summary(ref)
    # the phone saw exactly the calls of the uninterrupted run: no step lost, none twice
    assert journal_calls(data) == journal_calls(ref)
    assert final_phone(data) == final_phone(ref)
