"""Hierarchical reflection, on demand: action level (did the screen react?), subtask level (is it
really complete, were its outputs read?) and task level (did every subtask finish with its outputs?).
"""

from __future__ import annotations

from collections.abc import Callable

from pocketpilot.devices.screen import Screen
from pocketpilot.planner.plan import Plan, Subtask, SubtaskStatus
from pocketpilot.planner.prompts import template
from pocketpilot.runtime.backend import Backend, Completion, Message

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {"complete": {"type": "boolean"}},
    "required": ["complete"],
}


def content_key(screen: Screen) -> str:
    """What the screen shows, beyond which page it is: labels, typed text, toggles, focus."""
    return repr([(e.label, e.text, e.checked, e.focused) for e in screen.elements])


RESUMED_EFFECT = "done before the resume"


def effective(history_line: str) -> bool:
    """Whether a history line records an action that changed the screen."""
    return history_line.rsplit("-> ", 1)[-1] in {"page", "content", RESUMED_EFFECT}


def action_effect(before: Screen, after: Screen) -> str:
    """``page`` (another page), ``content`` (same page, different content) or ``none``."""
    if before.signature != after.signature:
        return "page"
    if content_key(before) != content_key(after):
        return "content"
    return "none"


def verify_subtask(
    backend: Backend,
    subtask: Subtask,
    *,
    values: dict[str, str],
    observe: Callable[[], Screen],
    history: list[str],
    on_call: Callable[[Completion], None] | None = None,
) -> tuple[bool, str]:
    """Accept a 'done': outputs must be read; a done with no action taken asks the verifier model.

    ``observe`` is called only then: a dump costs seconds on a real phone.
    """
    missing = [name for name in subtask.outputs if not values.get(name)]
    if missing:
        return False, f"outputs not read: {', '.join(missing)}"
    if subtask.outputs:
        return True, "outputs read"
    if any(effective(line) for line in history):
        return True, "actions took effect"
    completion = backend.complete(
        "verifier",
        [Message("system", template("verifier")),
         Message("user", f"Goal: {subtask.goal}\nActions taken: {'; '.join(history) or 'none'}\n"
                         f"Screen:\n{observe().render()}")],
        schema=VERDICT_SCHEMA, max_tokens=12, temperature=0.0,
    )
    if on_call is not None:
        on_call(completion)
    complete = bool(completion.parsed and completion.parsed.get("complete"))
    return complete, "verifier: complete" if complete else "verifier: not complete"


def verify_task(plan: Plan, statuses: list[str], values: dict[str, str]) -> tuple[bool, str]:
    unfinished = [s.id for s, status in zip(plan.subtasks, statuses, strict=True) if status != SubtaskStatus.DONE]
    if unfinished:
        return False, f"subtasks not done: {unfinished}"
    missing = [n for s in plan.subtasks for n in s.outputs if not values.get(n)]
    if missing:
        return False, f"outputs missing: {missing}"
    return True, "all subtasks done"
