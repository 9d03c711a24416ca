"""A task's plan: self-contained atomic subtasks with named values passed between them.

Three compositional shapes are expressible: concatenation (independent subtasks in order),
context transition (``inputs`` name a value an earlier subtask ``outputs``), and deep dive (a
subtask's output decides what later subtasks do, through the same named values).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

from pocketpilot.planner.errors import PlanInvalid

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class SubtaskStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"  # finished, with evidence of its effect on screen
    UNVERIFIED = "unverified"  # finished by the executor's word, but nothing on screen showed it
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Subtask:
    id: int
    app: str
    goal: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    check: str = ""

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "app": self.app,
            "goal": self.goal,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "check": self.check,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Subtask:
        return cls(
            id=int(data["id"]),
            app=str(data.get("app", "")),
            goal=str(data["goal"]),
            inputs=tuple(data.get("inputs", ())),
            outputs=tuple(data.get("outputs", ())),
            check=str(data.get("check", "")),
        )


@dataclass(frozen=True)
class Plan:
    subtasks: tuple[Subtask, ...]
    source: str = "model"  # "routed" (spans routed by model + exploration) | "model" | "monolithic"
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {
            "subtasks": [s.to_dict() for s in self.subtasks],
            "source": self.source,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        return cls(
            subtasks=tuple(Subtask.from_dict(s) for s in data["subtasks"]),
            source=data.get("source", "model"),
            notes=tuple(data.get("notes", ())),
        )


def plan_schema(apps: list[str]) -> dict:
    """The plan schema with ``app`` limited to the installed apps, so the grammar cannot invent one."""
    schema = json.loads(json.dumps(PLAN_SCHEMA))
    schema["properties"]["subtasks"]["items"]["properties"]["app"] = {"enum": list(apps)}
    return schema


PLAN_SCHEMA = {
    "type": "object",
    "properties": {
        "subtasks": {
            "type": "array",
            "minItems": 1,
            "maxItems": 6,
            "items": {
                "type": "object",
                "properties": {
                    "app": {"type": "string", "maxLength": 40},
                    "goal": {"type": "string", "maxLength": 80},
                    "inputs": {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 30}},
                    "outputs": {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 30}},
                    "check": {"type": "string", "maxLength": 60},
                },
                "required": ["app", "goal", "inputs", "outputs", "check"],
            },
        }
    },
    "required": ["subtasks"],
}


def plan_from_model(data: object, *, apps: list[str]) -> Plan:
    """Validate the model's plan JSON against the contract; raise ``PlanInvalid`` naming the flaw."""
    if not isinstance(data, dict) or not isinstance(data.get("subtasks"), list) or not data["subtasks"]:
        raise PlanInvalid("plan must be an object with a non-empty 'subtasks' list")
    subtasks: list[Subtask] = []
    produced: set[str] = set()
    for number, raw in enumerate(data["subtasks"], start=1):
        if not isinstance(raw, dict):
            raise PlanInvalid(f"subtask {number} is not an object")
        goal = str(raw.get("goal", "")).strip()
        if len(goal.split()) < 2:
            raise PlanInvalid(f"subtask {number} has no usable goal ({goal!r})")
        app = match_app(str(raw.get("app", "")), apps)
        if app is None:
            raise PlanInvalid(f"subtask {number} names app {raw.get('app')!r}, which is not installed")
        inputs = tuple(_name(n, number) for n in raw.get("inputs", ()))
        outputs = tuple(_name(n, number) for n in raw.get("outputs", ()))
        missing = [n for n in inputs if n not in produced]
        if missing:
            raise PlanInvalid(f"subtask {number} needs {missing}, which no earlier subtask outputs")
        produced.update(outputs)
        subtasks.append(Subtask(number, app, goal, inputs, outputs, str(raw.get("check", "")).strip()))
    return Plan(tuple(subtasks), source="model")


def _name(value: object, number: int) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", str(value).strip().lower()).strip("_")
    if not _NAME.match(name):
        raise PlanInvalid(f"subtask {number}: value name {value!r} is not a short identifier")
    return name


def match_app(name: str, apps: list[str]) -> str | None:
    """The installed app (launcher label) that ``name`` means, by exact or word overlap; else None."""
    wanted = name.strip().lower()
    if not wanted:
        return None
    for app in apps:
        if app.lower() == wanted:
            return app
    words = name_words(wanted)
    best = max(apps, key=lambda a: len(words & name_words(a)), default=None)
    if best is not None and words & name_words(best):
        return best
    return None


def name_words(text: str) -> set[str]:
    """Words for matching app names, singular: 'my notes' and 'a note' both name Notes."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in re.findall(r"[a-z0-9]+", text.lower())}
