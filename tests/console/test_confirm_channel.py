"""The file channel: the agent's request waits in the run dir until someone answers it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from pocketpilot.apps import confirm_channel
from pocketpilot.apps.confirm_channel import Answer, FileConfirm, Request
from pocketpilot.devices.events import EventCollector

REQUEST = {"kind": "confirm", "category": "send", "action": "tap", "target": "Send"}


def _answer_when_asked(run_dir, approved):
    def answer():
        while not (waiting := confirm_channel.pending(run_dir)):
            threading.Event().wait(0.01)
        confirm_channel.answer(run_dir, waiting[0].id, approved)

    thread = threading.Thread(target=answer)
    thread.start()
    return thread


def test_an_answer_reaches_the_waiting_agent(tmp_path):
    events = EventCollector()
    thread = _answer_when_asked(tmp_path, True)
    assert FileConfirm(tmp_path, poll_s=0.01, on_event=events)(REQUEST) is True
    thread.join()
    assert events.of_kind("confirm.replied")[0].data["by"] == "console"
    assert confirm_channel.pending(tmp_path) == []


def test_no_answer_in_time_denies_and_records_why(tmp_path):
    events = EventCollector()
    assert FileConfirm(tmp_path, timeout_s=0.05, poll_s=0.01, on_event=events)(REQUEST) is False
    replied = events.of_kind("confirm.replied")[0].data
    assert (replied["approved"], replied["by"], replied["reason"]) == (False, "timeout", "no answer within 0.05s")
    assert confirm_channel.pending(tmp_path) == []  # the console no longer offers it


def test_the_first_answer_stands(tmp_path):
    assert confirm_channel.answer(tmp_path, "r1", True) is True
    assert confirm_channel.answer(tmp_path, "r1", False) is False
    assert confirm_channel.read_answer(tmp_path, "r1").approved is True


def test_requests_of_a_dead_process_are_not_pending(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    for rid, pid in (("alive", os.getpid()), ("dead", int(dead.stdout))):
        confirm_channel.write_json_atomic(tmp_path / "confirm" / f"{rid}.request.json",
                                          Request(rid, REQUEST, pid, 1.0).to_dict())
    assert [r.id for r in confirm_channel.pending(tmp_path)] == ["alive"]


def test_requests_and_answers_round_trip():
    request = Request("r", REQUEST, 7, 1.5)
    assert Request.from_dict(request.to_dict()) == request
    answer = Answer(False, "timeout", "no answer", 2.0)
    assert Answer.from_dict(answer.to_dict()) == answer
