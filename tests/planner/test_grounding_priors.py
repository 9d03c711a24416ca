"""Grounding priors on real virtual-phone screens: which option a tiny model is nudged towards."""

from __future__ import annotations

from collections import Counter

from pocketpilot.devices.actions import Tap, TypeText
from pocketpilot.devices.screen import Screen
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.planner.evidence import missing_evidence, required_texts
from pocketpilot.planner.executor import PRIOR_WEIGHT, UNLIKELY, Option, decision_schema, options
from pocketpilot.planner.grounding import ground, literals, text_affinity, time_parts
from pocketpilot.planner.steps import Effect, Step
from pocketpilot.runtime.grammar import PRIOR_KEY, enum_priors, without_priors


def _open(app: str, *labels: str) -> Screen:
    phone = VirtualPhone()
    phone.launch(app)
    screen = phone.observe()
    for label in labels:
        target = next(e for e in screen.elements if e.label.startswith(label))
        phone.act(Tap(element=target.id))
        screen = phone.observe()
    return screen


def _options(screen: Screen, goal: str, *, app: str, values: dict | None = None, **kwargs) -> list[Option]:
    values = values or {}
    candidates = ground(screen, goal, values, exclude_texts=frozenset({app.lower()}), app=app,
                        after_typing=kwargs.pop("after_typing", False))
    return options(candidates, reading=False, allow_done=True,
                   affinity=lambda text, field: text_affinity(text, field, goal, values), **kwargs)


def _best(choices: list[Option]) -> Option:
    return max(choices, key=lambda o: o.prior)


def test_a_title_goes_in_the_title_field_and_quoted_words_in_the_body():
    screen = _open("Notes", "Take a note")
    best = _best(_options(screen, "Create a note titled 'Call plumber'", app="Notes"))
    assert best.line.endswith('type "Call plumber" into "Title"')
    best = _best(_options(screen, "Write a note saying 'buy milk'", app="Notes"))
    assert best.line.endswith('type "buy milk" into "Note"')


def test_a_time_is_typed_as_hour_and_minute_into_a_picker():
    assert time_parts("7:00 AM") == ("7", "00") and time_parts("Bob") == ()
    screen = _open("Clock", "Add alarm")
    typing = [o for o in _options(screen, "Set an alarm for 7:00 AM", app="Clock") if o.verb == "type"]
    by_text = {o.text: o for o in sorted(typing, key=lambda o: o.prior)}  # the likeliest field wins
    assert by_text["7"].line.endswith('into "Hour"') and by_text["00"].line.endswith('into "Minute"')


def test_a_goal_that_creates_prefers_the_creating_control_over_existing_items():
    screen = _open("Clock")
    assert _best(_options(screen, "Set an alarm for 7:00 AM", app="Clock")).line.endswith('tap "Add alarm"')


def test_unasked_sensitive_controls_are_unlikely_and_asked_ones_are_not():
    screen = _open("Files", "Downloads", "invoice")
    from pocketpilot.planner.safety import categories, classify

    def prior(goal: str, label: str) -> float:
        asked = categories(goal)
        unasked = frozenset(e.id for e in screen.elements if (c := classify(e.label)) and c not in asked)
        return next(o.prior for o in _options(screen, goal, app="Files", unasked=unasked) if label in o.line)

    assert prior("Rename the April invoice", '"Share"') <= UNLIKELY
    assert prior("Delete the April invoice", '"Delete"') > UNLIKELY


def test_after_typing_the_control_that_commits_ranks_first():
    screen = _open("Notes", "Take a note")
    best = _best(_options(screen, "Create a note titled 'x'", app="Notes", after_typing=True,
                          typed=frozenset({"x"})))
    assert best.line.endswith('tap "Save"')


def test_a_message_literal_without_quotes_is_found():
    assert literals("send hello to Bob") == ["hello", "Bob"]
    assert literals("Text Mom 'Landed safely'") == ["Landed safely", "Mom"]


def test_required_texts_and_missing_evidence():
    assert required_texts("Create a contact named Plumber with the number", {"phone": "+1 555"}) == [
        "Plumber", "+1 555"]
    screen = _open("Settings", "Display")
    opened = [Step("tap", "Display", effect=Effect.PAGE)]
    assert "still off" in missing_evidence("Turn on the dark theme", {}, screen, opened)
    assert missing_evidence("Turn off the dark theme", {}, screen, opened) is None


def test_the_prior_travels_in_the_schema_and_stays_out_of_the_grammar():
    choices = [Option("A", 1, "tap", "A) tap x", -1.5), Option("B", 2, "tap", "B) tap y", 0.0)]
    schema = decision_schema(choices)
    assert enum_priors(schema) == {"A": -1.5 * PRIOR_WEIGHT, "B": 0.0}
    assert PRIOR_KEY not in str(without_priors(schema))


def test_a_goal_word_on_one_control_outweighs_one_on_many():
    # 'alarm' is on the tab, the list and 'Add alarm'; 'Weekend' only on its row (and its switch)
    screen = _open("Clock")
    choices = _options(screen, "Delete the Weekend alarm", app="Clock")
    prior = {o.line.split(") ", 1)[1]: o.prior for o in choices}
    row = next(p for line, p in prior.items() if "Weekend · Sat" in line)
    assert row > prior['tap "Add alarm"'] and row > prior['tap "Alarm"']


def test_typing_that_nothing_ties_to_the_field_ranks_below_the_goal_named_item():
    from pocketpilot.planner.executor import decide
    from pocketpilot.runtime.lexical_backend import LexicalBackend

    # the executor as it runs, with the prior's argmax deciding: the new text is no search term
    decision = decide(LexicalBackend(), "t", goal="Change my Parking note to 'Level 2, spot B7'",
                      screen=_open("Notes"), values={}, steps=[], app="Notes")
    assert (decision.verb, decision.label) == ("tap", "Parking · Level 3, spot C14")
    choices = _options(_open("Notes"), "Change my Parking note to 'Level 2, spot B7'", app="Notes",
                       typed=frozenset({"Parking"}))
    tap = next(o.prior for o in choices if o.line.endswith('tap "Parking · Level 3, spot C14"'))
    search = next(o.prior for o in choices if o.line.endswith('type "Level 2, spot B7" into "Search notes"'))
    assert tap - search >= 0.5  # a lead, not a tie a small model settles by chance


def test_a_change_goal_prefers_the_edit_control():
    screen = _open("Contacts", "Bob Smith")
    assert _best(_options(screen, "Change Bob Smith's email to bob@new.dev", app="Contacts")).line.endswith(
        'tap "Edit contact"')


def test_a_count_goes_in_the_quantity_field():
    screen = _open("Shopping", "Add item")
    typing = [o for o in _options(screen, "Add 4 Batteries at $5.99 each to the shopping list", app="Shopping")
              if o.verb == "type" and o.text == "4"]
    assert max(typing, key=lambda o: o.prior).line.endswith('into "Quantity"')


def test_a_time_counts_as_entered_once_its_parts_fill_the_picker():
    from pocketpilot.planner.grounding import entered

    assert entered("7:00 AM", ["7", "00"]) and entered("7:05", ["07", "05"])
    assert not entered("7:00 AM", ["7"]) and not entered("7:30", ["7", "00"])
    assert entered("Parking", ["parking lot"]) and not entered("Bob", [])


def test_prose_handed_in_goes_in_a_body_field_and_a_name_in_a_name_field():
    screen = _open("Notes", "Take a note")
    values = {"latest_message": "Lunch tomorrow?"}
    best = _best([o for o in _options(screen, "write a note titled Alice", app="Notes", values=values)
                  if o.text == "Lunch tomorrow?"])
    assert best.line.endswith('into "Note"')


def test_a_save_after_new_typing_is_not_a_repeat_of_the_earlier_save():
    from pocketpilot.planner.executor import Decision, taps_since_typing
    from pocketpilot.planner.graph import repeats_effective_step

    spots = ["tap|notes|Save@1", "type|notes|Title@2"]
    assert taps_since_typing(spots) == frozenset()
    assert taps_since_typing([*spots, "tap|notes|Save@1"]) == {"tap|notes|Save@1"}
    save = Decision("tap", 5, spot="notes|Save@1")
    assert not repeats_effective_step(save, [], spots)
    assert repeats_effective_step(save, [], spots[:1])


def test_every_text_a_field_here_fits_is_typed_before_the_form_is_committed():
    from pocketpilot.planner.executor import decide
    from pocketpilot.runtime.lexical_backend import LexicalBackend

    phone = VirtualPhone()
    phone.launch("Clock")
    add = next(e for e in phone.observe().elements if e.label == "Add alarm")
    phone.act(Tap(element=add.id))
    label = next(e for e in phone.observe().elements if e.label == "Label")
    phone.act(TypeText("Run", element=label.id))
    # the label is in, but the hour and minute are not: Save would store the wrong time
    decision = decide(LexicalBackend(), "t", goal="set a 5:30 AM alarm labelled Run", screen=phone.observe(),
                      values={}, app="Clock",
                      steps=[Step("tap", "Add alarm", effect=Effect.PAGE),
                             Step("type", "Label", "Run", effect=Effect.CONTENT)])
    assert decision.verb == "type" and (decision.label, decision.text) in {("Hour", "5"), ("Minute", "30")}


def test_texting_a_number_just_read_opens_its_chat_and_sends_once(tmp_path):
    """A context transition end to end: the number read in Contacts is typed as the recipient,
    the chat it opens does not show it, and the send still counts as the goal's last step."""
    from pocketpilot.planner.agent import Agent
    from pocketpilot.planner.graph import Seams
    from pocketpilot.planner.safety import SensitivePolicy
    from pocketpilot.runtime.lexical_backend import LexicalBackend

    phone = VirtualPhone()

    def outgoing() -> list[tuple[str, str]]:
        return [(t["address"], m["body"]) for t in phone.state_dict()["threads"] for m in t["messages"]
                if m["outgoing"]]

    before = outgoing()
    seams = Seams(LexicalBackend(), phone, policy=SensitivePolicy(allow_all=True))
    agent = Agent(seams, tmp_path / "checkpoints.sqlite")
    try:
        result = agent.run("Find Bob's phone number in Contacts, then text him the address from my Notes in Messages")
    finally:
        agent.close()
    assert result.success
    new = Counter(outgoing()) - Counter(before)
    to_bob = [body for (address, body), n in new.items() if address.endswith("0102") for _ in range(n)]
    assert len(to_bob) == 1 and "12 Oak St" in to_bob[0]  # sent once, the address, not the number


def test_finish_and_back_are_offered_however_long_the_screen_is():
    from pocketpilot.devices.screen import Bounds, Element
    from pocketpilot.planner.executor import LETTERS, options
    from pocketpilot.planner.grounding import Candidates

    def row(i: int) -> Element:
        return Element(id=i, node=i, class_name="android.widget.TextView", resource_id="", label=f"Row {i}",
                       text="", desc="", bounds=Bounds(0, 100 * i, 1080, 100 * i + 90), clickable=True,
                       long_clickable=False, scrollable=False, checkable=False, checked=False, selected=False,
                       focused=False, enabled=True, password=False, editable=False)

    rows = tuple(row(i) for i in range(1, 21))
    choices = options(Candidates(rows, (), tuple(0.0 for _ in rows)), reading=False, allow_done=True)
    assert len(choices) == len(LETTERS)
    assert [c.verb for c in choices[-2:]] == ["finish", "go back"]
