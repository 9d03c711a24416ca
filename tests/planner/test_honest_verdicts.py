"""Say only what is true: evidence-backed verdicts, no collateral changes, independent subtasks
after a denied one (issue 15). The agent runs on the virtual phone, its memory explored first,
with the model-free backend so outcomes are exact and the real embedding model for meaning."""

from __future__ import annotations

import pytest

from pocketpilot.apps.scenarios.explored import explored_db, memory_copy
from pocketpilot.apps.wiring import default_meaning
from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.memory import GraphMemory
from pocketpilot.planner.agent import Agent
from pocketpilot.planner.graph import Seams
from pocketpilot.planner.safety import SensitivePolicy
from pocketpilot.planner.verdict import Verdict
from pocketpilot.runtime.lexical_backend import LexicalBackend


def run(tmp_path, task, *, state=None, explored=True, confirm=lambda request: False, policy=None):
    phone = VirtualPhone(state or {})
    memory = GraphMemory(memory_copy(explored_db(0), tmp_path)) if explored else None
    seams = Seams(LexicalBackend(), phone, memory=memory, meaning=default_meaning(),
                  policy=policy or SensitivePolicy(), on_event=EventCollector())
    agent = Agent(seams, tmp_path / "checkpoints.sqlite", confirm=confirm)
    try:
        before = phone.state_dict()
        return before, agent.run(task), phone.state_dict()
    finally:
        agent.close()
        if memory is not None:
            memory.close()


def test_enabling_bluetooth_ticks_off_no_shopping_item(tmp_path):
    before, result, after = run(tmp_path, "Enable bluetooth; also switch on dark mode")
    assert after["shopping"] == before["shopping"]
    assert [s.app for s in result.plan.subtasks] == ["Settings", "Settings"]
    assert after["settings"]["bluetooth"] and after["settings"]["dark_theme"]


@pytest.mark.parametrize("explored", [True, False], ids=["explored", "unexplored"])
def test_an_alarm_and_dnd_change_no_contact_or_calendar_event(tmp_path, explored):
    before, result, after = run(tmp_path, "Set an alarm for 7:00 and then turn on do not disturb", explored=explored)
    # '7:00' saved as a new contact's phone, 'Do not disturb' typed into an event's Duration
    assert after["contacts"] == before["contacts"]
    assert after["events"] == before["events"]
    if result.success:  # a claim must hold on the phone
        assert any(a["time"] == "07:00" and a["enabled"] for a in after["alarms"])
        assert after["settings"]["dnd"]


def test_reading_an_item_from_a_note_does_not_type_over_its_body(tmp_path):
    notes = [{"title": "To-do", "body": "buy milk, call the plumber, book flights"}]
    before, _result, after = run(tmp_path, "Find the second item in my To-do note", state={"notes": notes})
    assert [n["body"] for n in after["notes"]] == [n["body"] for n in before["notes"]]


def test_demo_without_a_terminal_skips_the_denied_send_and_still_sets_the_alarm(tmp_path):
    from pocketpilot.apps.commands.run import DEMO_TASK

    before, result, after = run(tmp_path, DEMO_TASK, confirm=lambda request: False)
    assert result.verdict == Verdict.NOT_DONE and not result.success
    assert "skipped" in result.statuses and "denied" in " ".join(r.get("reason", "") for r in result.reports)
    sent = [m for t in after["threads"] for m in t["messages"] if m["outgoing"]]
    assert sent == [m for t in before["threads"] for m in t["messages"] if m["outgoing"]]
    assert any(a["time"] == "07:00" and a["enabled"] for a in after["alarms"])  # the alarm after it ran
    assert result.statuses[-1] == "done"


def test_a_success_is_claimed_only_with_evidence_on_screen(tmp_path):
    _before, result, after = run(tmp_path, "Turn on Bluetooth")
    assert result.success and after["settings"]["bluetooth"]
    (report,) = result.reports
    assert report["evidence"]["kind"] == "switch" and "Bluetooth" in report["evidence"]["detail"]


def test_a_task_nothing_on_the_phone_can_do_stops_instead_of_tapping_around(tmp_path):
    before, result, after = run(tmp_path, "Order a large pepperoni pizza for delivery")
    assert not result.success
    for kind in ("contacts", "notes", "shopping", "events", "alarms", "threads", "settings"):
        assert after[kind] == before[kind], kind


def test_writing_down_a_value_never_read_is_not_claimed_done(tmp_path):
    # the plan keeps 'write it in a memo' as one Notes step: the note gets its title, never the
    # value ('it'), so the title on screen must not count as the goal done
    _before, result, _after = run(tmp_path, "what's the next thing on my schedule? write it in a memo called Next")
    assert not result.success
