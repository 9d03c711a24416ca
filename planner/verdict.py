"""Verdicts from evidence: a subtask is done only when the screen shows the goal's effect.

Each rule states a principle that holds in any app: a value of the asked kind was read; a switch
or box the subtask flipped, and that the goal names, is in the asked state; the texts the goal
carries (quoted, handed in, its times and numbers) are shown committed, outside any input box; a
delete the goal asked for went through and the item is gone. When no rule sees the effect, the
verdict is ``unverified``, never success. The task's verdict combines its subtasks'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pocketpilot.devices.screen import Screen
from pocketpilot.planner.decompose import hide_quotes, split_clauses
from pocketpilot.planner.evidence import handed_in_and_typed_before, required_texts
from pocketpilot.planner.grounding import COMMITS, element_spot, entered, literals, time_parts, words
from pocketpilot.planner.meaning import EVIDENCE_BELOW, Meaning
from pocketpilot.planner.plan import SubtaskStatus
from pocketpilot.planner.route import topic_of
from pocketpilot.planner.safety import Sensitive, categories, classify
from pocketpilot.planner.steps import Effect, Step, typing_uncommitted
from pocketpilot.planner.value_shapes import SHAPE_HINTS, extract, shape_of
from pocketpilot.planner.vocabulary import SWITCHING


class Verdict(StrEnum):
    SUCCESS = "success"  # every subtask done, each with evidence seen on screen
    UNVERIFIED = "unverified"  # everything ran, but some subtask's effect was never seen
    NOT_DONE = "not_done"  # some subtask failed, was denied or was skipped


# Documented exit codes of `pocketpilot run` / `resume` (README): 0 only for a verified success.
EXIT_CODES = {Verdict.SUCCESS: 0, Verdict.NOT_DONE: 3, Verdict.UNVERIFIED: 4}
EXIT_STOPPED = 130  # stopped by the user (Ctrl-C); `pocketpilot resume RUN_ID` continues


@dataclass(frozen=True)
class Evidence:
    kind: str  # read | switch | shown | removed
    detail: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "detail": self.detail}


# A goal that points at information it does not carry (a pronoun, or a question word standing for
# a value) needs that value handed in; done without it, nothing on screen can show it was right.
_REFERS_ELSEWHERE = re.compile(
    r"\b(?:it|its|that|this|them|those|what|where|when|which|whose|how (?:much|many|long))\b", re.I)
# '... grace lee's e-mail', "Bob's phone number": someone's value of a known kind, held elsewhere
_SOMEONES_VALUE = re.compile(
    r"\w'?s\s+(?:[\w-]+\s+)?(?:e-?)?(?:" + "|".join(sorted({h for hs in SHAPE_HINTS.values() for h in hs})) + r")\b",
    re.I)
_OFF = re.compile(r"\b(?:off|disable|deactivate|uncheck|untick|unstar|unmark|mute)\b", re.I)


def subtask_evidence(goal: str, *, outputs: Sequence[str], values: dict[str, str], inputs: dict[str, str],
                     screen: Screen, steps: Sequence[Step], meaning: Meaning,
                     every_part: bool = False, read_from: str = "") -> Evidence | None:
    """What on this screen (and in what the subtask did) shows ``goal`` done; None when nothing does.

    ``every_part`` (the verdict, not the executor's sense of being nearly done): each phrase the
    user wrote ('going to bed: no interruptions, an alarm at 5:30 named Run') needs its own
    evidence, not only the clauses the splitter found; a part nothing shows is not claimed.
    ``read_from``: the text the subtask's outputs were read from."""
    if outputs:
        return _read(outputs, values, read_from, meaning)
    if not inputs and (_REFERS_ELSEWHERE.search(goal) or _SOMEONES_VALUE.search(goal)):
        return None  # 'write it in a note', "write Grace's e-mail": a value it was never handed
    if typing_uncommitted(steps):
        return None  # typed, never saved or sent: whatever the box shows is not done
    parts = phrases(goal) if every_part else split_clauses(goal)
    if len(parts) > 1:
        # a goal that still holds several steps is done only when each of them shows
        found = [_one_effect(part, inputs, screen, steps, meaning) for part in parts]
        if any(f is None for f in found):
            return None
        return Evidence(found[-1].kind, "; ".join(f.detail for f in found if f is not None))
    return _one_effect(goal, inputs, screen, steps, meaning)


_PHRASE_BREAK = re.compile(r"\s*(?:[,;:]\s+|\s+and\s+|\s+then\s+)\s*", re.I)


def phrases(goal: str) -> list[str]:
    """The goal cut at every comma, colon, semicolon, 'and' and 'then' outside quotes."""
    hidden, restore = hide_quotes(goal)
    parts = [restore(p.strip(" .")) for p in _PHRASE_BREAK.split(hidden)]
    return [p for p in parts if p and words(p)] or [goal]


def _one_effect(goal: str, inputs: dict[str, str], screen: Screen, steps: Sequence[Step],
                meaning: Meaning) -> Evidence | None:
    return (_flipped(goal, screen, steps, meaning) or _removed(goal, screen, steps, meaning)
            or _shown(goal, inputs, screen, steps) or _opened(goal, steps, meaning))


_OPENING = re.compile(r"^\s*(?:tap|open|press|click|select|go to|show)\b", re.I)


def _opened(goal: str, steps: Sequence[Step], meaning: Meaning) -> Evidence | None:
    """A goal that only asks to open or tap something ('tap Battery'): that very control, which
    the goal names, took effect."""
    if not _OPENING.match(goal):
        return None
    target = _OPENING.sub("", goal).strip()
    for step in reversed(steps):
        if step.verb == "tap" and step.effective and step.label and meaning.surely_names(target, step.label):
            return Evidence("opened", f"{step.label!r} opened")
    return None


def _read(outputs: Sequence[str], values: dict[str, str], source: str, meaning: Meaning) -> Evidence | None:
    read = []
    for name in outputs:
        value = values.get(name, "")
        shape = shape_of(name)
        # a value of a kind no pattern knows ('the dinner place') cannot be seen to be the right one
        if not value or shape is None or extract(shape, value) is None:
            return None
        if shape in BARE_SHAPES and not _says_what_it_is(value, shape, source, meaning):
            return None
        read.append(f"{name}={value!r}")
    return Evidence("read", ", ".join(read))


# Shapes too common to be evidence alone: 4-8 digits are also a year, a size, a sender's short code.
BARE_SHAPES = frozenset({"code"})


def _says_what_it_is(value: str, shape: str, source: str, meaning: Meaning) -> bool:
    """The text the value was read from says what kind of value it is ('Your verification code is
    482913'), beyond the value itself ('72345, unread' names a sender, not a code)."""
    context = source.replace(value, " ").strip(" ,.:;·")
    return bool(context) and meaning.score(" ".join(SHAPE_HINTS[shape]), context) >= EVIDENCE_BELOW


def _flipped(goal: str, screen: Screen, steps: Sequence[Step], meaning: Meaning) -> Evidence | None:
    """A checkable control this subtask tapped, that the goal names, in the state the goal asks."""
    tapped = {s.label for s in steps if s.verb == "tap" and s.effective}
    spots = {s.spot for s in steps if s.verb == "tap" and s.effective and s.spot}
    want_on = not _OFF.search(goal)
    switch = SWITCHING.search(goal)
    if switch is not None:
        want_on = (switch.group(1) or switch.group(2)).lower() in {"on", "enable"}
    if any(e.editable for e in screen.elements):
        return None  # a switch inside a form ('All-day') is the user's only once the form is saved
    if categories(goal) - {Sensitive.SECURITY}:
        return None  # removing, sending, paying or sharing is no switch's state: 'wipe Saturday' is not 'Weekend on'
    for element in screen.elements:
        if not element.checkable:
            continue
        name = element.label or element.desc or _row_label(element, screen)
        touched = f"{screen.package}|{element_spot(element, screen)}" in spots or any(
            t and (t == name or t in name or name in t) for t in tapped)
        if not name or not touched:
            continue
        if meaning.surely_names(topic_of(goal), name) and element.checked == want_on:
            return Evidence("switch", f"{name!r} is {'on' if want_on else 'off'}")
    return None


def _row_label(element, screen: Screen) -> str:
    """An unlabelled switch or box is named by the text in its row."""
    _, y = element.bounds.center
    return " ".join(e.label for e in screen.elements if e is not element and e.label and not e.checkable
                    and e.bounds.top <= y <= e.bounds.bottom)


def _removed(goal: str, screen: Screen, steps: Sequence[Step], meaning: Meaning) -> Evidence | None:
    """The delete the goal asked for went through, and what was opened or pressed for it, which
    the goal names, is gone."""
    if Sensitive.DELETE not in categories(goal):
        return None
    deletes = [i for i, s in enumerate(steps)
               if s.verb == "tap" and s.effective and classify(s.label) is Sensitive.DELETE]
    if not deletes:
        return None
    shown = " ".join(f"{e.label} {e.text}" for e in screen.elements).lower()
    # what was picked from a list: gone only when that very list is on screen again
    picked = [s for s in steps[: deletes[0]] if s.verb in {"tap", "long_press"} and s.label
              and classify(s.label) is None and s.page == screen.signature]
    gone = [s.label for s in picked if s.label.lower() not in shown and meaning.surely_names(topic_of(goal), s.label)]
    return Evidence("removed", f"{gone[-1]!r} is no longer shown after {steps[deletes[-1]].label!r}") if gone else None


def _goal_texts(goal: str, inputs: dict[str, str]) -> list[str]:
    """What the goal carries that its effect must show: quoted and named texts, values handed in,
    its times, dates, phone numbers and addresses (a bare number is on too many screens to show anything)."""
    texts = list(required_texts(goal, inputs))
    for literal in literals(goal):
        distinct = time_parts(literal) or any(extract(shape, literal) == literal for shape in DISTINCT_SHAPES)
        if distinct and literal not in texts:
            texts.append(literal)
    return texts


# Literals whose shape alone makes them the goal's own: a date, a phone number, an e-mail address
DISTINCT_SHAPES = ("date", "phone", "email", "address")


def _shown(goal: str, inputs: dict[str, str], screen: Screen, steps: Sequence[Step]) -> Evidence | None:
    """Every text the goal carries was typed by this subtask and is now on screen outside input
    boxes (saved, sent, listed)."""
    # typed into a form's field, or tried before a crash; not a search or recipient box that led
    # to another page: that text chose where to go, it was not saved
    typed = [s.text for s in steps if s.verb == "type" and (s.effective or s.note) and s.effect is not Effect.PAGE]
    texts = _goal_texts(goal, inputs)
    if not texts or not any(s.effective for s in steps) or not _committed(steps, screen):
        return None
    committed = [e for e in screen.elements if not e.editable]
    shown = [f"{e.label} {e.text} {e.desc}" for e in committed]
    for text in texts:
        if handed_in_and_typed_before(text, inputs, steps):
            continue  # a number typed into the recipient box that opened this chat: it chose the chat
        if not entered(text, typed):
            return None  # shown, but not put there by this subtask: it may have been there all along
        if not _stands_on_screen(text, shown):
            return None
        if not _OFF.search(goal) and _switched_off(text, committed, screen):
            return None  # saved, but its row's switch says it is not in effect (an alarm left off)
    return Evidence("shown", ", ".join(repr(t) for t in texts) + " shown")


def _whole(text: str, shown: str) -> bool:
    """``text`` stands in ``shown`` as whole words, not glued to others."""
    return re.search(rf"(?<!\w){re.escape(text.lower())}(?!\w)", shown.lower()) is not None


def _stands_on_screen(text: str, shown: Sequence[str]) -> bool:
    """``text`` is shown as itself ('Meds' inside 'PillsMeds' is not), or its parts each fill a
    field of their own (a picker's hour and minute, a First and a Last name)."""
    if any(_whole(text, c) for c in shown):
        return True
    if any(text.lower() in c.lower() for c in shown):
        return False  # only glued to other words
    return entered(text, list(shown))


def _switched_off(text: str, committed: Sequence, screen: Screen) -> bool:
    """Every element showing ``text`` sits in a row whose on/off switch is off. Only a switch
    says whether an item is in effect; a list's check box says whether it is ticked off."""
    holders = [e for e in committed if not e.checkable and text.lower() in f"{e.label} {e.text} {e.desc}".lower()]
    switches = [e for e in screen.elements if e.checkable and _ON_OFF.search(e.class_name)]

    def off_in_row(holder) -> bool:
        top, bottom = holder.bounds.top, holder.bounds.bottom
        row = [w for w in switches if w is not holder and top <= w.bounds.center[1] <= bottom]
        return bool(row) and not any(w.checked for w in row)

    return bool(holders) and all(off_in_row(h) for h in holders)


_ON_OFF = re.compile(r"Switch|Toggle", re.I)


def _committed(steps: Sequence[Step], screen: Screen) -> bool:
    """What was typed left its input box: a control that commits (Save, Send, Done ...) took
    effect on the form after the last typing, or nothing was tapped since and no box on screen
    still holds the typed text (a crash may have hidden the Send from the steps, not the bubble).
    Text left in a search box or an unsaved form is nobody's data yet."""
    last_typing = max((i for i, s in enumerate(steps) if s.verb == "type" and s.effective), default=None)
    if last_typing is None:
        return True
    after = [s for s in steps[last_typing + 1:] if s.verb == "tap" and s.effective]
    if _commit_on_form(steps[last_typing].page, after):
        return True
    if after:
        return False  # the box was left by picking something else (a search's result): nothing was saved
    boxes = [e.text.lower() for e in screen.elements if e.editable and e.text]
    return not any(s.text.lower() in box for s in steps if s.verb == "type" and s.text for box in boxes)


def _commit_on_form(form: str, after: Sequence[Step]) -> bool:
    """A control that commits, tapped on the form the text was typed on (or before anything led
    away from it): 'Start chat' back on the list, after leaving a draft, saves nothing."""
    left = False
    for step in after:
        if words(step.label) & COMMITS and (not left or not form or step.page == form):
            return True
        left = left or step.effect is Effect.PAGE
    return False


def task_verdict(statuses: Sequence[str]) -> Verdict:
    if all(s == SubtaskStatus.DONE for s in statuses):
        return Verdict.SUCCESS
    if all(s in {SubtaskStatus.DONE, SubtaskStatus.UNVERIFIED} for s in statuses):
        return Verdict.UNVERIFIED
    return Verdict.NOT_DONE
