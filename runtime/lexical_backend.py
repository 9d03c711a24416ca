"""``LexicalBackend``: a model-free ``Backend`` that answers schema-constrained calls by word overlap.

It is the fake of the Backend seam (fast, deterministic tests of everything above the runtime)
and a floor to compare models against. It understands no prose: for an enum with a prior
(``x-prior``) it takes the caller's best-weighted value, for another enum the option whose words
best overlap the prompt; for a free-form plan it returns nothing usable, so callers
exercise their validation and fallbacks. Every reply obeys the schema, like a grammar would make
a real model's reply obey it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from typing import Any

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.runtime.backend import Completion, Message, Usage
from pocketpilot.runtime.grammar import enum_priors
from pocketpilot.runtime.prior_gate import prior_pick

_WORD = re.compile(r"[a-z0-9]+")
_OPTION = re.compile(
    r'^([A-Z])\) (tap|type|scroll down|read|finish|go back)(?:: | )?(?:"([^"]*)")?(?: into "([^"]*)")?', re.M
)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


class LexicalBackend:
    """Deterministic answers; usage counts whitespace tokens so budgets and reports still add up."""

    def __init__(self, on_event: EventSink | None = None) -> None:
        self.calls = 0
        self.emit = on_event or discard

    def complete(
        self,
        program: str,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 128,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        seed: int = 0,
    ) -> Completion:
        started = time.perf_counter()
        self.calls += 1
        prompt = "\n".join(m.content for m in messages)
        parsed = self._answer(prompt, messages[-1].content if messages else "", schema or {})
        text = json.dumps(parsed) if schema else ""
        tokens = len(prompt.split())
        usage = Usage(prompt_tokens=tokens, prefilled_tokens=tokens, generated_tokens=len(text.split()),
                      wall_s=time.perf_counter() - started)
        self.emit(Event("llm.call", {"program": program, "backend": "lexical", **usage.to_dict()}))
        return Completion(program=program, text=text, usage=usage, parsed=parsed if schema else None)

    def _answer(self, prompt: str, last: str, schema: dict[str, Any]) -> Any:
        props = schema.get("properties", {})
        priors = enum_priors(schema)
        picked = prior_pick(schema) if priors else None
        if picked is not None:
            return picked[0]  # the caller's own belief, with no model to weigh it against: its best option
        if "choice" in props:
            return self._choose(last, props)
        if "subtasks" in props:
            return {"subtasks": []}  # no planning ability: the caller's fallback must take over
        answer: dict[str, Any] = {}
        for name, spec in props.items():
            if "enum" in spec:
                answer[name] = max(spec["enum"], key=lambda option: len(_words(str(option)) & _words(last)))
            elif spec.get("type") == "boolean":
                answer[name] = True
            elif spec.get("type") == "string":
                answer[name] = ""
            elif spec.get("type") == "array":
                answer[name] = []
        return answer

    def _choose(self, last: str, props: dict[str, Any]) -> dict[str, Any]:
        """Pick an option like a careful novice: type what is given, tap what the goal names, read
        what it asks for, finish once typed-then-pressed or once something worked."""
        goal = re.search(r"^Goal: (.*)$", last, re.M)
        history = re.search(r"^Done so far: (.*)$", last, re.M)
        goal_words = _words(goal.group(1) if goal else "")
        done = history.group(1) if history else ""
        allowed = set(props["choice"]["enum"])
        options = [(m.group(1), m.group(2), m.group(3) or "") for m in _OPTION.finditer(last)
                   if m.group(1) in allowed]
        texts = list(dict.fromkeys(text for _, verb, text in options if verb == "type"))
        finish = next((letter for letter, verb, _ in options if verb == "finish"), None)
        back = next(letter for letter, verb, _ in options if verb == "go back")
        steps = [step.strip() for step in done.split(";") if "->" in step]
        worked = [step for step in steps if step.endswith(("-> page", "-> content"))]
        untyped = [t for t in texts if repr(t) not in done] if not any(x.startswith("type ") for x in steps) else []
        for choice, verb, text in options:
            if verb == "type" and text in untyped:
                return {"choice": choice}
        def best(verbs: set[str]) -> tuple[int, str] | None:
            scored = [(len(goal_words & _words(label)), choice) for choice, verb, label in options
                      if verb in verbs and label and repr(label) not in done]
            return max(scored) if scored and max(scored)[0] > 0 else None
        for verbs in ({"read"}, {"tap"}):
            pick = best(verbs)
            if pick is not None:
                return {"choice": pick[1]}
        if worked and finish:
            return {"choice": finish}
        scroll = [choice for choice, verb, _ in options if verb == "scroll down"]
        if scroll and done.count("scroll") < 3:
            return {"choice": scroll[0]}
        return {"choice": finish or back}
