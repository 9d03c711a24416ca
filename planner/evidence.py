"""Subtask-level reflection before a 'done' is accepted: does the screen or what was typed show
the goal's effect? Only generic evidence counts: quoted text the goal asks for, values handed in
by earlier subtasks, the state of a switch the goal names, and typing that was never submitted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pocketpilot.devices.screen import Screen
from pocketpilot.planner.grounding import words
from pocketpilot.planner.steps import Effect, Step, last_effective, typed_into_box_that_led_on
from pocketpilot.planner.vocabulary import NAMED, SWITCHING

_QUOTED = re.compile(r"\"([^\"]+)\"|'([^']+)'(?!\w)")


def required_texts(goal: str, inputs: dict[str, str]) -> list[str]:
    """Text the goal cannot be done without: what it quotes, and values earlier subtasks handed in."""
    named = [m.group(1) for m in NAMED.finditer(goal) if not m.group(1).startswith(("'", '"'))]
    return [a or b for a, b in _QUOTED.findall(goal)] + named + [v for v in inputs.values() if v]


def handed_in_and_typed_before(text: str, inputs: dict[str, str], steps: Sequence[Step]) -> bool:
    """``text`` is a value handed in that this subtask typed into a box that led to another page
    (a recipient or search box): it did its part, though the page it led to may not show it."""
    return text in inputs.values() and typed_into_box_that_led_on(text, steps)


def missing_evidence(goal: str, inputs: dict[str, str], screen: Screen, steps: Sequence[Step]) -> str | None:
    """Why the goal is not visibly complete yet, or None when nothing generic contradicts it."""
    shown = " ".join(f"{e.label} {e.text} {e.desc}" for e in screen.elements).lower()
    for text in required_texts(goal, inputs):
        # typed into this page's field, saved and listed, or typed into a recipient or search box
        # that led here (a chat does not show the number that opened it)
        if text.lower() not in shown and not handed_in_and_typed_before(text, inputs, steps):
            return f"{text!r} is not on the screen"
    switch = SWITCHING.search(goal)
    if switch is not None:
        want_on = (switch.group(1) or switch.group(2)).lower() in {"on", "enable"}
        target = words(goal[switch.end():])
        toggles = [e for e in screen.elements if e.checkable and target & words(f"{e.label} {e.desc}")]
        if toggles and not any(e.checked == want_on for e in toggles):
            return f"{toggles[0].label!r} is still {'off' if want_on else 'on'}"
    last = last_effective(steps)
    if last is not None and last.verb == "type" and last.effect is not Effect.RESUMED:
        return "the typed text was not submitted"
    return None
