"""Failure kinds come from the initial and final state alone."""

from __future__ import annotations

from pocketpilot.apps.scenarios.format import Scenario
from pocketpilot.apps.scenarios.outcome import FailureKind, changed_paths, judge
from pocketpilot.devices.virtual import VirtualPhone

SCENARIO = Scenario(id="alarm", title="alarm", category="atomic", task="Set an alarm for 7:00",
                    success={"exists": {"in": "alarms", "where": {"time": "07:00", "enabled": True}}})


def _states(change):
    phone = VirtualPhone()
    before = phone.state_dict()
    after = phone.state_dict()
    change(after)
    return before, after


def _add_alarm(time, enabled=True):
    return lambda s: s["alarms"].append({"id": 9, "time": time, "label": "", "enabled": enabled, "days": []})


def test_changed_paths_match_records_by_id_and_drop_indexes():
    before, after = _states(lambda s: s["settings"].update(wifi=False))
    after["contacts"][3]["favorite"] = True
    assert changed_paths(before, after) == {"settings.wifi", "contacts.favorite"}


def test_goal_reached_with_only_ambient_changes_is_a_success():
    before, after = _states(_add_alarm("07:00"))
    after["clock"], after["battery"]["level"] = "2024-05-14T10:00:00", 80.0
    verdict = judge(SCENARIO, before, after, budget_spent=False, error=False)
    assert verdict.success and verdict.failure_kind is None


def test_nothing_done_is_under_execution():
    before, after = _states(lambda s: None)
    assert judge(SCENARIO, before, after, budget_spent=False, error=False).failure_kind == FailureKind.UNDER_EXECUTION


def test_the_right_collection_changed_to_the_wrong_value_is_wrong_value():
    before, after = _states(_add_alarm("08:00"))
    assert judge(SCENARIO, before, after, budget_spent=False, error=False).failure_kind == FailureKind.WRONG_VALUE


def test_changes_outside_the_goal_are_over_execution_even_when_the_goal_holds():
    before, after = _states(_add_alarm("07:00"))
    after["settings"]["wifi"] = False
    verdict = judge(SCENARIO, before, after, budget_spent=False, error=False)
    assert verdict.predicate_held and verdict.failure_kind == FailureKind.OVER_EXECUTION
    assert verdict.side_effects == ("settings.wifi",)


def test_allowed_changes_are_not_over_execution():
    lenient = Scenario.from_dict({**SCENARIO.to_dict(), "allowed_changes": ["settings"]})
    before, after = _states(_add_alarm("07:00"))
    after["settings"]["wifi"] = False
    assert judge(lenient, before, after, budget_spent=False, error=False).success


def test_budget_and_error_are_reported_as_such():
    before, after = _states(lambda s: None)
    assert judge(SCENARIO, before, after, budget_spent=True, error=False).failure_kind == FailureKind.BUDGET
    assert judge(SCENARIO, before, after, budget_spent=False, error=True).failure_kind == FailureKind.ERROR
