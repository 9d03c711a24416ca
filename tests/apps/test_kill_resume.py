"""Kill -9 a run at seeded random points, resume it each time: it ends as an uninterrupted run does.

On the virtual phone the phone dies with the run, so it is rebuilt from its journal as its last
checkpoint saw it; over ADB the phone (a daemon in this process) survives, and an action whose
answer the kill lost is settled by the phone's own receipt (every part done, the first parts done
and the rest sent now, or never received). Either way: the same final phone, the same steps, and
over ADB the very same gestures reaching the phone: none lost and none done twice.
"""

from __future__ import annotations

import json

import pytest

from tests.apps.killing import (
    KILLS,
    VERDICT_EXITS,
    command,
    event_lines,
    final_phone,
    journal_calls,
    kill_chain,
    summary,
)
from tests.devices.test_adb_fixtures import ADB, adb_server  # noqa: F401

pytestmark = pytest.mark.slow
TASK = "Send a message to Bob Smith saying 'See you at noon' in Messages, then set an alarm for 7:00 in Clock"
FLAGS = ("--backend", "lexical", "--no-memory", "--allow-sensitive", "--confirm", "deny")


def reference(tmp_path, *device: str, env=None):
    import os
    import subprocess

    data = tmp_path / "reference"
    done = subprocess.run(command("run", TASK, "--data-dir", str(data), *FLAGS, *device), capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})
    assert done.returncode in VERDICT_EXITS, done.stderr
    return data, done.returncode


def chain(tmp_path, ref, seed: int, *device: str, env=None, near_actions: float = 0.0):
    from tests.apps.killing import run_dir

    data = tmp_path / "killed"
    start = command("run", TASK, "--data-dir", str(data), *FLAGS, *device)

    class Resume(list):  # the run id is known once the first process made its run dir
        def __iter__(self):
            return iter(command("resume", run_dir(data).name, "--data-dir", str(data), *FLAGS))

    result = kill_chain(start, Resume(), data, seed=seed, env=env, max_gap=max(2, event_lines(ref) // KILLS),
                        near_actions=near_actions)
    return data, result


@pytest.mark.parametrize("seed", [1])
def test_killed_and_resumed_on_the_virtual_phone_ends_as_an_uninterrupted_run(tmp_path, seed):
    ref, verdict_exit = reference(tmp_path)
    data, result = chain(tmp_path, ref, seed)
    assert len(result.kills) >= 10, result
    assert result.final.returncode == verdict_exit, result.final.stderr
    assert summary(data) == summary(ref)
    # the phone saw exactly the calls of the uninterrupted run: no step lost, none twice
    assert journal_calls(data) == journal_calls(ref)
    assert final_phone(data) == final_phone(ref)


def _app_data(phone) -> dict:
    """What the apps hold. Virtual time moves with every screen dump, and a resumed run dumps the
    screen more often, so the clock, the battery and a message's time stamp are left out."""
    data = {k: v for k, v in phone.state_dict().items() if k not in {"clock", "battery"}}
    for thread in data["threads"]:
        thread["messages"] = [{k: v for k, v in m.items() if k != "time"} for m in thread["messages"]]
    return data


def _gestures(log: list) -> list[dict]:
    """What the phone was made to do, in order: every tap, key, text, app start and stop."""
    return [dict(e.data) for e in log if e.kind == "virtual.gesture"]


def _settled(data) -> list[str]:
    """How each resumed process found the action whose answer its predecessor lost (phone receipts)."""
    from tests.apps.killing import run_dir

    rows = [json.loads(line) for line in (run_dir(data) / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["data"]["reached"] for r in rows if r["kind"] == "receipt.settled"]


@pytest.mark.adb
@pytest.mark.skipif(ADB is None, reason="needs Debian's adb (apt install adb)")
def test_killed_and_resumed_over_adb_ends_as_an_uninterrupted_run(tmp_path, adb_server):  # noqa: F811
    from pocketpilot.devices.adbd import AdbDaemon
    from pocketpilot.devices.virtual import VirtualPhone

    phones, results, received = [], [], []
    for name in ("reference", "killed"):
        log: list = []
        phone = VirtualPhone(on_event=log.append)
        with AdbDaemon(phone) as daemon:
            adb_server.connect(daemon.serial)
            env = {"ANDROID_ADB_SERVER_PORT": str(adb_server.port)}
            if name == "reference":
                data, verdict_exit = reference(tmp_path, "--device", daemon.serial, env=env)
            else:
                # most kills wait for an action to go out and land 0-250 ms later: before the phone
                # got it, between its parts (typing's focus tap, then its text), or after its answer
                data, result = chain(tmp_path, data, 1, "--device", daemon.serial, env=env, near_actions=0.6)
                assert len(result.kills) >= 10, result
                assert result.receipts.count("sent") >= 3, result  # kills in the "answer lost" window
                assert result.final.returncode == verdict_exit, result.final.stderr
                settled = _settled(data)
                assert settled and set(settled) <= {"all", "some", "none"}, settled  # never unknown
            results.append(summary(data))
        phones.append(phone)
        received.append(_gestures(log))
    # What reached the phone is what the uninterrupted run sent, gesture for gesture: an action whose
    # answer a kill lost is settled by the phone's own receipt, neither sent twice nor dropped.
    assert len(received[0]) > 10
    assert received[1] == received[0]
    assert results[1] == results[0]  # the same steps, subtasks and values
    assert _app_data(phones[1]) == _app_data(phones[0])
