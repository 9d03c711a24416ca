"""The success-predicate language: generic over dicts and lists, validated with a location."""

from __future__ import annotations

import pytest

from pocketpilot.apps.scenarios.predicates import PredicateError, check, covers, holds, reads

STATE = {
    "settings": {"wifi": True, "brightness": 60},
    "alarms": [{"id": 1, "time": "06:30", "enabled": True}, {"id": 2, "time": "07:00", "enabled": False}],
    "threads": [{"address": "+1 555 0102", "messages": [
        {"body": "hi", "outgoing": False}, {"body": "I live at 12 Oak St", "outgoing": True}]}],
}


def test_equals_reads_a_dotted_path():
    assert holds({"equals": {"path": "settings.wifi", "value": True}}, STATE)
    assert not holds({"equals": {"path": "settings.nothing", "value": None}}, STATE)


def test_exists_matches_every_where_field():
    assert holds({"exists": {"in": "alarms", "where": {"time": "06:30", "enabled": True}}}, STATE)
    assert not holds({"exists": {"in": "alarms", "where": {"time": "07:00", "enabled": True}}}, STATE)


def test_a_nested_predicate_is_scoped_to_the_field_it_names():
    last = {"last": {"where": {"outgoing": True}, "field": "body", "contains": "12 oak st"}}
    assert holds({"exists": {"in": "threads", "where": {"address": "+1 555 0102", "messages": last}}}, STATE)
    last["last"]["contains"] = "Elm"
    assert not holds({"exists": {"in": "threads", "where": {"messages": last}}}, STATE)


def test_count_not_any_all_and_value_tests_compose():
    assert holds({"count": {"in": "alarms", "op": "==", "value": 2}}, STATE)
    assert holds({"not": {"count": {"in": "alarms", "where": {"enabled": True}, "op": ">", "value": 1}}}, STATE)
    assert holds({"any": [{"equals": {"path": "settings.wifi", "value": False}},
                          {"value": {"path": "settings.brightness", "ge": 50, "lt": 70}}]}, STATE)
    assert not holds({"all": [{"equals": {"path": "settings.wifi", "value": True}},
                              {"value": {"path": "alarms.-1.time", "matches": "^06"}}]}, STATE)


def test_reads_lists_the_top_level_paths_without_indexes():
    predicate = {"all": [{"equals": {"path": "settings.wifi", "value": True}},
                         {"exists": {"in": "threads.0.messages"}}]}
    assert reads(predicate) == {"settings.wifi", "threads.messages"}
    assert covers({"settings.wifi"}, "settings.wifi") and not covers({"settings.wifi"}, "settings.wifi_x")


@pytest.mark.parametrize(("predicate", "location", "words"), [
    ({"exist": {"in": "alarms"}}, (), "unknown predicate 'exist'"),
    ({"all": [{"equals": {"path": "a"}}]}, ("all", 0, "equals"), "equals needs value"),
    ({"count": {"in": "a", "op": "=~", "value": 1}}, ("count", "op"), "op must be one of"),
    ({"exists": {"in": "a", "where": {"x": {"bogus": 1}}}}, ("exists", "where", "x"), "holds tests"),
    ({"last": {"in": "a", "colour": "red"}}, ("last", "colour"), "does not take colour"),
])
def test_check_names_the_location_and_the_problem(predicate, location, words):
    with pytest.raises(PredicateError) as caught:
        check(predicate)
    assert caught.value.location == location
    assert words in str(caught.value)
