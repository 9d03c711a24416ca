"""What a subtask did, as data: one ``Step`` per decided action and the effect it had.

The checkpointed state keeps steps as dicts; the prompt and the console see ``Step.line()``.
Nothing parses those lines back: reflection and evidence read the fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum


class Effect(StrEnum):
    PAGE = "page"  # another page
    CONTENT = "content"  # the same page shows something else
    NONE = "none"  # nothing changed on screen
    RESUMED = "done before the resume"  # the action ran before a crash; seen on screen after it
    REFUSED = "not done yet"  # a 'done' that subtask reflection refused (``note`` says why)
    SKIPPED = "skipped"  # an unusable reply or a typing step that would repeat itself
    DENIED = "denied"  # the user (or nobody there) refused a gated action


EFFECTIVE = frozenset({Effect.PAGE, Effect.CONTENT, Effect.RESUMED})


@dataclass(frozen=True)
class Step:
    verb: str  # tap | type | scroll_down | scroll_up | back | done | skip
    label: str = ""  # the target control's label ('' for back, finish)
    text: str = ""  # what a type step typed
    effect: Effect = Effect.NONE
    note: str = ""  # why a done was refused, what was denied
    category: str = ""  # the sensitive category of the target ('' when none)
    source: str = ""  # who decided: model | prior | memory | reflection
    spot: str = ""  # app + where the control sits: the same control, whatever its label says now
    page: str = ""  # the signature of the screen the step was taken on

    @property
    def effective(self) -> bool:
        return self.effect in EFFECTIVE

    def describe(self) -> str:
        return f"{self.verb} {self.label!r}" + (f" {self.text!r}" if self.text else "")

    def line(self) -> str:
        """The step for a prompt or a log: what was done, and what came of it."""
        effect = f"{self.effect.value}: {self.note}" if self.note else self.effect.value
        return f"{self.describe()} -> {effect}"

    def to_dict(self) -> dict:
        return {**asdict(self), "effect": self.effect.value}

    @classmethod
    def from_dict(cls, data: dict) -> Step:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**{**fields, "effect": Effect(data.get("effect", Effect.NONE.value))})


def steps_of(raw: Sequence[dict]) -> list[Step]:
    return [Step.from_dict(d) for d in raw]


def last_effective(steps: Sequence[Step]) -> Step | None:
    return next((s for s in reversed(steps) if s.effective), None)


def anything_took_effect(steps: Sequence[Step]) -> bool:
    return any(s.effective for s in steps)


def done_allowed(steps: Sequence[Step]) -> bool:
    """After a refused 'done', finishing is left out until an action takes effect again."""
    for step in reversed(steps):
        if step.effect is Effect.REFUSED:
            return False
        if step.effective:
            return True
    return True


def typed_into_box_that_led_on(text: str, steps: Sequence[Step]) -> bool:
    """``text`` was typed into a box that led to another page (a recipient or search box)."""
    return any(s.verb == "type" and s.text == text and s.effect is Effect.PAGE for s in steps)


def typing_uncommitted(steps: Sequence[Step]) -> bool:
    """The last step that changed anything typed text on its own page: nothing saved or sent it."""
    last = last_effective(steps)
    return last is not None and last.verb == "type"


def repeats(verb: str, describe: str, steps: Sequence[Step]) -> bool:
    """The same typing already took effect in this subtask."""
    return any(s.verb == verb and s.describe() == describe and s.effective for s in steps)
