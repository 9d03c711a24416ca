"""Decomposition: the model's plan is validated; an invalid one falls back to clause splitting."""

from __future__ import annotations

import json

import pytest

from pocketpilot.planner.decompose import decompose, decompose_by_clauses, split_clauses
from pocketpilot.planner.errors import PlanInvalid
from pocketpilot.planner.plan import Plan, plan_from_model
from pocketpilot.runtime.backend import Completion, Usage
from pocketpilot.runtime.lexical_backend import LexicalBackend

# Made-up apps: the planner must work on apps it has never seen.
APPS = ["Inbox", "Recipes", "Weather", "Timer", "Pantry"]


class CannedBackend:
    """A Backend that replies with the given JSON documents in order (a Protocol fake)."""

    def __init__(self, *replies: object) -> None:
        self.replies = list(replies)
        self.prompts: list[str] = []

    def complete(self, program, messages, *, schema=None, max_tokens=128, stop=(), temperature=0.0, seed=0):
        self.prompts.append(messages[-1].content)
        reply = self.replies.pop(0)
        return Completion(program, json.dumps(reply), Usage(prompt_tokens=10), parsed=reply)


def test_valid_model_plan_is_taken_as_is():
    reply = {"subtasks": [
        {"app": "Weather", "goal": "read tomorrow's high", "inputs": [], "outputs": ["high"], "check": "shown"},
        {"app": "inbox", "goal": "mail Ann the high", "inputs": ["high"], "outputs": [], "check": "sent"},
    ]}
    plan = decompose(CannedBackend(reply), "Mail Ann tomorrow's high", APPS, free_form=True)
    assert plan.source == "model"
    assert [s.app for s in plan.subtasks] == ["Weather", "Inbox"]
    assert plan.subtasks[1].inputs == ("high",)


def test_invalid_plan_is_retried_with_the_reason():
    bad = {"subtasks": [{"app": "Mail", "goal": "send it", "inputs": ["x"], "outputs": [], "check": ""}]}
    good = {"subtasks": [{"app": "Timer", "goal": "start a 5 minute timer", "inputs": [], "outputs": [], "check": ""}]}
    backend = CannedBackend(bad, good)
    plan = decompose(backend, "start a 5 minute timer", APPS, free_form=True)
    assert plan.source == "model-retry"
    assert "not installed" in backend.prompts[-1]


def test_model_that_cannot_plan_falls_back_to_clauses():
    plan = decompose(LexicalBackend(), "Check the forecast in Weather, then add flour to Pantry", APPS, free_form=True)
    assert plan.source == "routed"
    assert [(s.app, s.goal) for s in plan.subtasks] == [
        ("Weather", "Check the forecast in Weather"),
        ("Pantry", "add flour to Pantry"),
    ]
    assert plan.notes and "rejected" in plan.notes[0]


def test_value_read_from_another_app_becomes_its_own_subtask():
    plan = decompose_by_clauses(
        "Find Ann's email in Inbox, send her the soup recipe from my Recipes", APPS, choose_app=lambda c: "Inbox"
    )
    assert [(s.app, s.inputs, s.outputs) for s in plan.subtasks] == [
        ("Inbox", (), ("email",)),
        ("Recipes", (), ("soup_recipe",)),
        ("Inbox", ("email", "soup_recipe"), ()),
    ]
    assert plan.subtasks[1].goal == "find the soup recipe in my Recipes"


def test_the_thing_of_something_held_in_another_app_is_read_there_first():
    # the action names its app (Timer); where 'the dinner' lives is memory's or the model's call
    route = {"the dinner": "Recipes"}.get
    plan = decompose_by_clauses("Set a timer for the length of the dinner", APPS, choose_app=route)
    assert [(s.app, s.goal, s.inputs, s.outputs) for s in plan.subtasks] == [
        ("Recipes", "find the length of the dinner", (), ("length",)),
        ("Timer", "Set a timer for the length of the dinner", ("length",), ()),
    ]
    # both ends in one app: nothing to carry between apps, one subtask
    same = decompose_by_clauses("Set a timer for the length of the tea", APPS, choose_app=lambda c: "Timer")
    assert [s.app for s in same.subtasks] == ["Timer"]


def test_an_ordinal_output_reads_that_item_of_a_list():
    from pocketpilot.planner.value_shapes import nth_item, ordinal

    assert ordinal("third_item") == 3 and ordinal("last_entry") == -1 and ordinal("phone_number") is None
    assert nth_item("milk, eggs, spinach, coffee", 3) == "spinach"
    assert nth_item("milk\neggs\nspinach", -1) == "spinach"
    assert nth_item("milk, eggs", 5) is None and nth_item("just one thing", 1) is None


def test_a_clause_without_a_verb_shares_the_previous_one():
    assert split_clauses("Turn off Wi-Fi, turn on Bluetooth, the dark theme, Do Not Disturb and Battery Saver, "
                         "then set a 6:00 AM alarm") == [
        "Turn off Wi-Fi", "turn on Bluetooth", "turn on the dark theme", "turn on Do Not Disturb",
        "turn on Battery Saver", "set a 6:00 AM alarm"]


def test_a_detail_without_a_verb_stays_with_its_step():
    assert split_clauses("Add a contact Sam Lee, phone +1 555 0199, email sam@lee.io") == [
        "Add a contact Sam Lee, phone +1 555 0199, email sam@lee.io"]


def test_and_splits_only_between_steps():
    assert split_clauses("Add Apples at $3.50 to the list and check off Eggs") == [
        "Add Apples at $3.50 to the list", "check off Eggs"]
    assert split_clauses("Text Ann salt and pepper") == ["Text Ann salt and pepper"]


def test_an_app_named_in_the_singular_is_found():
    plan = decompose_by_clauses("Write a note titled 'x' then check off Milk in Pantry", ["Notes", "Pantry"])
    assert [(s.app, s.outputs) for s in plan.subtasks] == [("Notes", ()), ("Pantry", ())]


def test_deleting_from_an_app_is_not_reading_from_it():
    plan = decompose_by_clauses("Delete the Gym event from the Calendar", ["Calendar", "Notes"])
    assert [(s.app, s.goal) for s in plan.subtasks] == [("Calendar", "Delete the Gym event from the Calendar")]


def test_quoted_text_is_never_split():
    assert split_clauses('Text Ann "hi, then bye" then start a timer') == ['Text Ann "hi, then bye"', "start a timer"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({}, "non-empty 'subtasks'"),
        ({"subtasks": [{"app": "Weather", "goal": "x"}]}, "no usable goal"),
        ({"subtasks": [{"app": "Radio", "goal": "play music"}]}, "not installed"),
        ({"subtasks": [{"app": "Weather", "goal": "read it", "inputs": ["later"]}]}, "no earlier subtask"),
    ],
)
def test_plan_contract_violations_are_named(data, reason):
    with pytest.raises(PlanInvalid, match=reason):
        plan_from_model(data, apps=APPS)


def test_plan_round_trips():
    plan = decompose_by_clauses("Check Weather then open Pantry", APPS)
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


class CutOffBackend:
    """A Backend whose constrained replies are always cut off (the model's mistake)."""

    def complete(self, program, messages, *, schema=None, max_tokens=128, stop=(), temperature=0.0, seed=0):
        from pocketpilot.runtime.errors import OutputParseError

        raise OutputParseError(program, '{"subtasks": [{"app": "Wea', "cut off at max_tokens")


def test_unparseable_model_output_is_noted_and_planning_goes_on():
    plan = decompose(CutOffBackend(), "Check the forecast in Weather, then add flour to Pantry", APPS,
                     free_form=True)
    assert plan.source == "routed"
    assert [s.app for s in plan.subtasks] == ["Weather", "Pantry"]
    assert all("unparseable" in note for note in plan.notes)


def test_unparseable_executor_reply_becomes_a_skipped_step():
    from pocketpilot.devices.virtual import VirtualPhone
    from pocketpilot.planner.executor import decide

    phone = VirtualPhone()
    decision = decide(CutOffBackend(), "executor-1", goal="open the first note", screen=phone.observe(),
                      values={}, steps=[])
    assert decision.verb == "skip" and "unparseable" in decision.label


def test_copying_into_another_app_reads_first_then_writes():
    plan = decompose_by_clauses("Copy the latest message from Ann into a note titled Ann", ["Inbox", "Notes"],
                                choose_app=lambda clause: "Inbox")
    assert [(s.app, s.goal, s.inputs, s.outputs) for s in plan.subtasks] == [
        ("Inbox", "find the latest message from Ann", (), ("latest_message",)),
        ("Notes", "write a note titled Ann", ("latest_message",), ()),
    ]


def test_by_default_no_planning_call_is_paid_for_and_thrown_away():
    class Counting(LexicalBackend):
        def __init__(self) -> None:
            super().__init__()
            self.programs: list[str] = []

        def complete(self, program, messages, **kwargs):
            self.programs.append(program)
            return super().complete(program, messages, **kwargs)

    backend = Counting()
    plan = decompose(backend, "Check the forecast in Weather, then add flour to Pantry", APPS)
    assert "planner" not in backend.programs and plan.source == "routed"


def test_an_empty_task_is_refused_with_a_clear_line():
    from pocketpilot.planner.errors import PlanInvalid

    with pytest.raises(PlanInvalid, match="the task is empty"):
        decompose(LexicalBackend(), "   ", APPS)


def test_numbers_in_words_become_digits_and_an_hour_of_the_day_a_time():
    from pocketpilot.planner.value_shapes import numbers_as_digits

    assert numbers_as_digits("wake me up at seven in the morning") == "wake me up at 7:00 AM"
    assert numbers_as_digits("count down ten minutes, then twenty-five push ups") == \
        "count down 10 minutes, then 25 push ups"
    quoted = "a note saying 'boil nine minutes', a new one"
    assert numbers_as_digits(quoted) == quoted
    assert numbers_as_digits("at 9 tonight") == "at 9:00 PM" and numbers_as_digits("at 22:15") == "at 22:15"


def test_copy_into_a_thing_no_app_is_named_for_reads_it_first_then_writes_it():
    from pocketpilot.planner.meaning import Meaning
    from pocketpilot.planner.route import Router

    class App:
        def __init__(self, package: str, label: str) -> None:
            self.package, self.label = package, label

    apps = [App("com.example.notes", "Notes"), App("com.example.sms", "Messages")]
    router = Router(apps, None, Meaning())
    plan = decompose(LexicalBackend(), "copy the code i was texted into a new memo titled Code",
                     [a.label for a in apps], router=router)
    assert [(s.app, s.outputs, s.inputs) for s in plan.subtasks] == [
        ("Messages", ("code",), ()), ("Notes", (), ("code",))]
