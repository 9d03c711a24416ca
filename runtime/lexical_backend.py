"""``LexicalBackend``: a model-free ``Backend`` that answers schema-constrained calls by word overlap.

It is the fake of the Backend seam (fast, deterministic tests of everything above the runtime)
and a floor to compare models against. It understands no prose: for an enum it picks the option
whose words best overlap the prompt; for a free-form plan it returns nothing usable, so callers
exercise their validation and fallbacks. Every reply obeys the schema, like a grammar would make
a real model's reply obey it.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Sequence
from typing import Any

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.runtime.backend import Completion, Message, Usage

_WORD = re.compile(r"[a-z0-9]+")
_ELEMENT = re.compile(r"^\[(\d+)\] (\S+)(?: \"([^\"]*)\")?(?: = \"([^\"]*)\")?(.*)$")


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
        if "action" in props:
            return self._act(last, props)
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

    def _act(self, last: str, props: dict[str, Any]) -> dict[str, Any]:
        goal = re.search(r"^Goal: (.*)$", last, re.M)
        history = re.search(r"^Done so far: (.*)$", last, re.M)
        goal_words = _words(goal.group(1) if goal else "")
        done = history.group(1) if history else ""
        ids = set(props["element"]["enum"])
        texts = [t for t in props["text"]["enum"] if t]
        elements = []
        for line in last.splitlines():
            match = _ELEMENT.match(line)
            if match and int(match.group(1)) in ids:
                number, kind, label, value, flags = match.groups()
                elements.append((int(number), kind, label or "", value, flags))
        steps = [step.strip() for step in done.split(";") if "->" in step]
        typed_then_submitted = any(
            a.startswith("type ") and b.startswith("tap ") for a, b in itertools.pairwise(steps)
        )
        if typed_then_submitted:
            return {"action": "done", "element": 0, "text": ""}  # typed, then pressed: that was the job
        untyped = [t for t in texts if repr(t) not in done]
        for element_id, _kind, _label, value, _flags in elements:
            if value is not None and untyped and not value:
                return {"action": "type", "element": element_id, "text": untyped[0]}
        scored = sorted(
            (
                (len(goal_words & _words(label)), element_id, label, flags)
                for element_id, _k, label, _v, flags in elements
                if label and "info" not in flags and repr(label) not in done
            ),
            reverse=True,
        )
        if scored and scored[0][0] > 0:
            return {"action": "tap", "element": scored[0][1], "text": ""}
        shown = [(len(goal_words & _words(label)), element_id) for element_id, _k, label, _v, _f in elements if label]
        if shown and max(shown)[0] > 0:
            return {"action": "done", "element": max(shown)[1], "text": ""}
        return {"action": "done" if done.count("->") >= 3 else "scroll_down", "element": 0, "text": ""}
