"""Evidence a verdict may rest on, on real virtual-phone screens: each test names the false
success it guards against."""

from __future__ import annotations

from pocketpilot.devices.actions import Tap
from pocketpilot.devices.screen import Screen
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.planner.executor import option_verb
from pocketpilot.planner.fields import named_fields
from pocketpilot.planner.grounding import slot_names
from pocketpilot.planner.meaning import Meaning
from pocketpilot.planner.steps import Effect, Step
from pocketpilot.planner.value_shapes import numbers_as_digits
from pocketpilot.planner.verdict import phrases, subtask_evidence

MEANING = Meaning()
FORM, LIST = "alarm-form", "alarm-list"


def _clock(alarms: list[dict]) -> Screen:
    phone = VirtualPhone({"alarms": alarms})
    phone.launch("Clock")
    return phone.observe()


def _saved(label: str, *, then: tuple[Step, ...] = ()) -> list[Step]:
    """A new alarm: its form opened, the label typed, saved from the form."""
    return [Step("tap", "Add alarm", effect=Effect.PAGE, page=LIST),
            Step("type", "Label", label, effect=Effect.CONTENT, page=FORM),
            Step("tap", "Save", effect=Effect.PAGE, page=FORM), *then]


def _evidence(goal: str, screen: Screen, steps: list[Step], **kwargs):
    return subtask_evidence(goal, outputs=kwargs.pop("outputs", ()), values=kwargs.pop("values", {}),
                            inputs=kwargs.pop("inputs", {}), screen=screen, steps=steps, meaning=MEANING,
                            every_part=True, **kwargs)


def test_a_label_glued_to_an_old_one_is_not_the_label():
    # typing 'Meds' after 'Pills' saved 'PillsMeds': the substring is no evidence of 'Meds'
    glued = _clock([{"id": 1, "time": "21:30", "label": "PillsMeds", "enabled": True, "days": []}])
    assert _evidence("an alarm called Meds", glued, _saved("Meds")) is None
    right = _clock([{"id": 1, "time": "21:30", "label": "Meds", "enabled": True, "days": []}])
    assert _evidence("an alarm called Meds", right, _saved("Meds")) is not None


def test_an_item_saved_with_its_switch_off_is_not_in_effect():
    off = _clock([{"id": 1, "time": "07:30", "label": "Hike", "enabled": False, "days": ["Sat", "Sun"]}])
    assert _evidence("an alarm called Hike", off, _saved("Hike")) is None
    assert _evidence("turn off the alarm called Hike", off, _saved("Hike")) is not None


def test_a_commit_tapped_after_leaving_the_form_saves_nothing():
    shown = _clock([{"id": 1, "time": "07:30", "label": "Hike", "enabled": True, "days": []}])
    left = [Step("tap", "Add alarm", effect=Effect.PAGE, page=LIST),
            Step("type", "Label", "Hike", effect=Effect.CONTENT, page=FORM),
            Step("tap", "Navigate up", effect=Effect.PAGE, page=FORM),
            Step("tap", "Start", effect=Effect.PAGE, page=LIST)]  # 'start' commits, but not this form
    assert _evidence("an alarm called Hike", shown, left) is None


def test_every_phrase_the_user_wrote_needs_its_own_evidence():
    assert phrases("going to bed: no interruptions, an alarm named 'Run'") == [
        "going to bed", "no interruptions", "an alarm named 'Run'"]
    assert phrases("send 'hi, there' to Bob") == ["send 'hi, there' to Bob"]  # never inside quotes
    shown = _clock([{"id": 1, "time": "05:30", "label": "Run", "enabled": True, "days": []}])
    assert _evidence("an alarm named Run", shown, _saved("Run")) is not None
    assert _evidence("no interruptions, an alarm named Run", shown, _saved("Run")) is None


def test_a_code_is_read_only_from_text_that_says_it_is_one():
    screen = _clock([])
    done = [Step("done", "x")]
    sender = _evidence("find the code", screen, done, outputs=("code",), values={"code": "72345"},
                       read_from="72345, unread")
    told = _evidence("find the code", screen, done, outputs=("code",), values={"code": "482913"},
                     read_from="Your verification code is 482913. It expires in 10 minutes.")
    assert sender is None and told is not None and told.kind == "read"


def test_someones_value_never_handed_in_cannot_be_shown_written():
    shown = _clock([{"id": 1, "time": "05:30", "label": "Grace", "enabled": True, "days": []}])
    assert _evidence("write grace lee's e-mail in an alarm called Grace", shown, _saved("Grace")) is None


def test_a_field_named_by_meaning_wins_over_the_role_of_quoted_words():
    phone = VirtualPhone()
    phone.launch("Notes")
    screen = phone.observe()
    phone.act(Tap(element=next(e for e in screen.elements if e.label == "Take a note").id))
    fields = [e for e in phone.observe().elements if e.editable]
    goal = "jot down a memo with the heading 'Call plumber'"
    named = named_fields(["Call plumber"], fields, goal, {}, MEANING)
    assert {e.id: e.label for e in fields}[named["Call plumber"]] == "Title"
    assert named_fields(["Call plumber"], fields, "jot down a memo saying 'Call plumber'", {}, MEANING) == {}


def test_the_thing_a_verb_makes_names_no_field():
    goal = "Add a contact Sam Lee, phone +1 555 0199"
    assert slot_names("Sam Lee", goal, {}) == ""
    assert "heading" in slot_names("Call plumber", "a memo with the heading 'Call plumber'", {})


def test_a_day_of_the_month_in_words_becomes_digits():
    assert numbers_as_digits("on the twenty-fifth of may 2024") == "on the 25th of may 2024"
    assert numbers_as_digits("on May third") == "on May 3rd"
    assert numbers_as_digits("the third item of my list") == "the third item of my list"


def test_a_read_looks_at_a_switch_and_never_flips_it():
    phone = VirtualPhone()
    phone.launch("Settings")
    screen = phone.observe()
    phone.act(Tap(element=next(e for e in screen.elements if e.label.startswith("Network")).id))
    switch = next(e for e in phone.observe().elements if e.checkable)
    assert option_verb(switch, reading=False, can_type=False) == "tap"
    assert option_verb(switch, reading=True, can_type=False) == "read"
    assert option_verb(switch, reading=True, can_type=False, shape="code") is None
