"""RunView folds events into what the console shows, at any point of a run."""

from __future__ import annotations

from pocketpilot.apps.console.model import RunView
from pocketpilot.devices.events import Event


def test_final_state_has_the_plan_tree_with_statuses(recorded_events):
    state = RunView(recorded_events).final
    assert [(s.id, s.app, s.status) for s in state.subtasks] == [(1, "Contacts", "done"), (2, "Messages", "failed")]
    assert state.subtasks[0].outputs == {"phone_number": "+1 555 0102"}
    assert state.subtasks[1].reason == "the user denied a sensitive action"
    assert state.status == "failure"


def test_stepping_back_shows_the_run_as_it_was(recorded_events):
    view = RunView(recorded_events)
    started = next(i for i, e in enumerate(recorded_events) if e.kind == "subtask.started")
    at_start = view.at(started)
    assert [s.status for s in at_start.subtasks] == ["running", "pending"]
    assert at_start.actions == ()
    assert view.at(len(recorded_events) - 1).actions  # and forward again
    assert view.at(started).subtasks == at_start.subtasks  # back again: same state


def test_before_the_first_event_nothing_is_known(recorded_events):
    state = RunView(recorded_events).at(-1)
    assert state.index == -1 and state.status == "waiting" and state.subtasks == ()


def test_the_screen_is_the_element_list_of_the_last_observation(recorded_events):
    screen = RunView(recorded_events).final.screen
    assert screen.count == len(screen.lines) == 12
    assert '[9] Button "Send"' in screen.lines


def test_a_denied_action_is_logged_and_not_performed(recorded_events):
    state = RunView(recorded_events).final
    assert [(a.verb, a.target) for a in state.actions][-1] == ("denied", "Send")
    assert [c.approved for c in state.confirmations] == [False]  # asked twice by the graph, one request


def test_llm_calls_keep_tokens_ttft_and_reuse():
    view = RunView([Event("llm.call", {"program": "executor-1", "prompt_tokens": 100, "prefilled_tokens": 40,
                                       "reused_tokens": 60, "generated_tokens": 5, "ttft_s": 0.12,
                                       "decode_tokens_per_s": 31.5, "slot": "hit"})])
    (call,) = view.final.llm
    assert (call.prefilled, call.reused, call.ttft_s, call.tokens_per_s, call.slot) == (40, 60, 0.12, 31.5, "hit")


def test_scheduler_kv_sensors_and_reconfig_fold_into_numbers_and_series():
    view = RunView([
        Event("sched.enqueue", {"program": "a", "queued": 1}), Event("sched.enqueue", {"program": "b", "queued": 2}),
        Event("sched.start", {"program": "a"}), Event("kv.usage", {"resident_bytes": 2048, "budget_bytes": 8192}),
        Event("kv.spill", {"program": "b", "tokens": 10, "bytes": 100}),
        Event("sensors.read", {"battery_level": {"value": 80, "measured": True}, "thermal_status": "LIGHT"}),
        Event("sensors.read", {"battery_level": {"value": 79, "measured": True}, "power_w": None}),
        Event("energy.step", {"joules": 1.5}),
        Event("reconfig.decision", {"from": "balanced", "to": "saver", "reason": "battery below 20%"}),
    ])
    state = view.final
    assert (state.queue, state.running, state.kv_bytes, state.kv_budget) == (1, "a", 2048, 8192)
    assert state.series["battery_level"] == (80.0, 79.0) and state.series["thermal"] == (1.0,)
    assert state.energy_j == 1.5
    assert [(n.text, n.reason) for n in state.reconfig] == [("balanced → saver", "battery below 20%")]
    assert state.kv_log[0].kind == "kv.spill"


def test_unknown_events_and_missing_fields_do_not_break_the_fold():
    state = RunView([Event("something.new", {}), Event("subtask.finished", {}), Event("device.action", {})]).final
    assert state.index == 2 and state.actions[0].verb == "none"
