"""The atomic executor: one bounded step of one subtask, as a choice among grounded candidates.

When memory knows a reliable path from this page towards the goal, the step follows it without
calling the model; otherwise the model picks under a schema whose enums are the candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pocketpilot.devices.screen import Screen
from pocketpilot.planner.grounding import Candidates, element_key, ground
from pocketpilot.planner.prompts import render, template
from pocketpilot.runtime.backend import Backend, Completion, Message
from pocketpilot.runtime.errors import OutputParseError

VERBS = ("tap", "type", "scroll_down", "scroll_up", "back", "done")
DONE_REJECTED = "not done yet"  # how the history marks a 'done' that subtask reflection refused
# Memory's next action is followed without the model when its path is this reliable: a path that
# achieved this very subtask before (reason "task") is trusted sooner than a path to a similar page.
CONFIDENT_PATH = 0.8
CONFIDENT_TASK_STEP = 0.6
CONFIDENT_MATCH = 0.8  # how well the remembered element must match one on the current screen


@dataclass(frozen=True)
class Decision:
    """``verb`` is one of VERBS, or ``skip`` when the model's reply was unusable; ``element`` an id
    on the screen decided on (0: none)."""

    verb: str
    element: int = 0
    text: str = ""
    source: str = "model"  # "model" | "memory"
    key: str = ""  # element_key of the target, to find it again after a resume
    label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """The step as the history records it (before its effect)."""
        return f"{self.verb} {self.label!r}" + (f" {self.text!r}" if self.text else "")

    def to_dict(self) -> dict:
        return {"verb": self.verb, "element": self.element, "text": self.text, "source": self.source,
                "key": self.key, "label": self.label}

    @classmethod
    def from_dict(cls, data: dict) -> Decision:
        return cls(data["verb"], int(data.get("element", 0)), data.get("text", ""), data.get("source", "model"),
                   data.get("key", ""), data.get("label", ""))


def decision_schema(candidates: Candidates, *, allow_done: bool = True) -> dict:
    ids = [0, *(e.id for e in candidates.elements)]
    texts = ["", *candidates.texts]
    verbs = [v for v in VERBS if allow_done or v != "done"]
    return {
        "type": "object",
        "properties": {
            "action": {"enum": verbs},
            "element": {"enum": ids},
            "text": {"enum": texts},
        },
        "required": ["action", "element", "text"],
    }


def decide(
    backend: Backend,
    program: str,
    *,
    goal: str,
    screen: Screen,
    values: dict[str, str],
    history: list[str],
    hints: Any = None,
    blocked: set[str] = frozenset(),
    app: str = "",
    on_call: Callable[[Completion], None] | None = None,
) -> Decision:
    suggested_id = _suggested_element(hints)
    candidates = ground(screen, goal, values, blocked=blocked, suggested=suggested_id,
                        exclude_texts=frozenset({app.lower()}) if app else frozenset())
    suggestion = _memory_suggestion(hints, screen, blocked, candidates.texts)
    if suggestion is not None and not any(line.startswith(suggestion.describe()) for line in history):
        return suggestion  # memory leads; an action it already took here is left to the model
    hint_text = hints.render() if hints is not None and hasattr(hints, "render") else ""
    user = render(
        "executor_user",
        goal=goal,
        values="".join(f"Known {name}: {value}\n" for name, value in values.items() if value),
        memory=f"Memory: {hint_text}\n" if hint_text else "",
        history="; ".join(history[-4:]) or "nothing yet",
        app=screen.package or "unknown",
        candidates=candidates.render(),
    )
    try:
        completion = backend.complete(
            program,
            [Message("system", template("executor")), Message("user", user)],
            # Right after a 'done' was rejected, the grammar leaves it out: the model must act.
            schema=decision_schema(candidates, allow_done=not (history and DONE_REJECTED in history[-1])),
            max_tokens=48,
            temperature=0.0,
        )
    except OutputParseError as exc:  # the model's mistake: this step does nothing, the loop goes on
        if on_call is not None and exc.completion is not None:
            on_call(exc.completion)
        return Decision("skip", label=f"model output unparseable ({exc.detail})")
    if on_call is not None:
        on_call(completion)
    return _decision_from(completion.parsed, screen, candidates)


def _decision_from(parsed: dict, screen: Screen, candidates: Candidates) -> Decision:
    verb, element_id, text = parsed["action"], int(parsed["element"]), parsed.get("text", "")
    element = next((e for e in candidates.elements if e.id == element_id), None)
    if verb == "type" and (element is None or not element.editable):
        focused = [e for e in screen.elements if e.editable and e.focused] or [
            e for e in candidates.elements if e.editable
        ]
        element = focused[0] if focused else None
        if not text and candidates.texts:
            text = candidates.texts[0]
    if verb == "type" and not text:
        verb = "tap"  # nothing to type: the model meant to focus the field
    if verb == "tap" and element is None:
        verb = "scroll_down"  # a tap on nothing; look further instead of failing the step
    return Decision(
        verb=verb,
        element=element.id if element is not None else 0,
        text=text if verb == "type" else "",
        key=element_key(element) if element is not None else "",
        label=element.label if element is not None else "",
    )


def _suggested_element(hints: Any) -> int | None:
    action = getattr(getattr(hints, "next_action", None), "action", None)
    return action.get("element") if isinstance(action, dict) else None


def _memory_suggestion(hints: Any, screen: Screen, blocked: set[str], texts: tuple[str, ...]) -> Decision | None:
    """Follow memory's next action when its path is reliable and the element is on screen.

    Taps are followed; typing only when the remembered text is one this subtask may type (a known
    value or a literal of its goal), so a path learned for another value never types stale text.
    """
    suggestion = getattr(hints, "next_action", None)
    if suggestion is None or getattr(suggestion, "match", 1.0) < CONFIDENT_MATCH:
        return None
    reliability = getattr(suggestion, "reliability", 0.0)
    if getattr(suggestion, "reason", "") == "task":
        # A recorded path that achieved this subtask: judge it per step (geometric mean), since
        # a long path seen once multiplies into a low whole-path probability.
        per_step = reliability ** (1 / max(1, getattr(suggestion, "steps_left", 1)))
        if per_step < CONFIDENT_TASK_STEP:
            return None
    elif reliability < CONFIDENT_PATH:
        return None
    action = suggestion.action
    kind = action.get("kind")
    if action.get("element") is None or kind not in {"tap", "type_text"}:
        return None
    if kind == "type_text" and action.get("text") not in texts:
        return None
    try:
        element = screen.element(int(action["element"]))
    except KeyError:
        return None
    if element_key(element) in blocked:
        return None
    verb, text = ("tap", "") if kind == "tap" else ("type", action["text"])
    return Decision(verb, element.id, text=text, source="memory", key=element_key(element), label=element.label)
