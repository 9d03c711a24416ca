"""The atomic executor: one bounded step of one subtask, as a choice among grounded candidates.

When memory knows a reliable path from this page towards the goal, the step follows it without
calling the model; otherwise the model picks under a schema whose enums are the candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pocketpilot.devices.screen import Element, Screen
from pocketpilot.memory.store import MemoryStore
from pocketpilot.planner.decompose import split_clauses
from pocketpilot.planner.evidence import handed_in_and_typed_before, missing_evidence, required_texts
from pocketpilot.planner.fields import named_fields
from pocketpilot.planner.grounding import (
    COMMITS,
    Candidates,
    element_key,
    element_spot,
    entered,
    ground,
    text_affinity,
    typing_texts,
    words,
)
from pocketpilot.planner.lookahead import relevance
from pocketpilot.planner.meaning import Meaning
from pocketpilot.planner.prompts import render, template
from pocketpilot.planner.safety import categories, classify
from pocketpilot.planner.steps import Effect, Step, anything_took_effect, done_allowed, last_effective
from pocketpilot.planner.value_shapes import extract
from pocketpilot.planner.verdict import subtask_evidence
from pocketpilot.runtime.backend import Backend, Completion, Message
from pocketpilot.runtime.errors import OutputParseError
from pocketpilot.runtime.grammar import PRIOR_KEY

VERBS = ("tap", "type", "scroll_down", "scroll_up", "back", "done")
# Memory's next action is followed without the model only on a path that achieved this very
# subtask before (reason "task"), when each of its steps is this reliable.
CONFIDENT_TASK_STEP = 0.6
CONFIDENT_MATCH = 0.8  # how well the remembered element must match one on the current screen


@dataclass(frozen=True)
class Decision:
    """``verb`` is one of VERBS, or ``skip`` when the model's reply was unusable; ``element`` an id
    on the screen decided on (0: none)."""

    verb: str
    element: int = 0
    text: str = ""
    source: str = "model"  # "model" | "prior" (the gate) | "memory" | "reflection" | "stuck"
    key: str = ""  # element_key of the target, to find it again after a resume
    label: str = ""
    spot: str = ""  # app + where the element sits (class, id, bounds): the same control, whatever it says

    def describe(self) -> str:
        """The step as the history records it (before its effect)."""
        return f"{self.verb} {self.label!r}" + (f" {self.text!r}" if self.text else "")

    def to_dict(self) -> dict:
        return {"verb": self.verb, "element": self.element, "text": self.text, "source": self.source,
                "key": self.key, "label": self.label, "spot": self.spot}

    @classmethod
    def from_dict(cls, data: dict) -> Decision:
        return cls(data["verb"], int(data.get("element", 0)), data.get("text", ""), data.get("source", "model"),
                   data.get("key", ""), data.get("label", ""), data.get("spot", ""))


MEMORY_HINT_CHARS = 240
LETTERS = "ABCDEFGHIJKLMN"  # option labels: a small model leans to the first ones, which match best
FINISH, GO_BACK = 0, -1  # pseudo options beside the screen's elements


def option_verb(element: Element, *, reading: bool, can_type: bool, shape: str | None = None) -> str | None:
    """What choosing ``element`` does; None when it does nothing useful for this subtask."""
    if reading and shape is not None and extract(shape, element.label or element.text):
        return "read"  # it shows the kind of value the subtask must read
    if element.editable and reading and element.text:
        return "read"  # a field's content (a note's body) is the value: a read never types over it
    if element.editable:
        return "type" if can_type else "tap"
    if reading and element.checkable:
        return "read" if shape is None else None  # a read looks at a switch, it never flips one
    if element.clickable or element.long_clickable or element.checkable:
        return "tap"
    if element.scrollable:
        return "scroll down"
    return "read" if reading and shape is None else None  # a known shape was checked above


@dataclass(frozen=True)
class Option:
    letter: str
    target: int  # an element id, FINISH or GO_BACK
    verb: str
    line: str
    prior: float = 0.0  # log-weight from grounding, added to the model's preference for the letter
    text: str = ""  # what a "type" option types


# The prior a tiny model's choice is weighed with (logit units; SmolLM2-135M's letter logits
# differ by ~0.5-4 between options and pick near chance). One goal word more on an element is
# worth PRIOR_PER_POINT * 2; PRIOR_WEIGHT scales the whole prior against the model's preference.
# Measured on the 43 scenarios: with the model weighed in, the agent won 1 scenario and lost 8
# against the prior alone, at weight 2 and 4 alike; the losses come from options the prior ties.
PRIOR_PER_POINT = 0.5
PRIOR_WEIGHT = 4.0
UNLIKELY = -3.0  # going back, or finishing while the goal shows no sign of being reached
FINISH_MARGIN = 2.5  # when the last step visibly did what the goal names, acting again is less likely
REPEATED = -2.0  # an element this subtask already used with an effect
NO_FIT = -0.75  # a text nothing ties to the field (no name, lead-in, kind or role): below a goal-named tap
MAX_TYPING_OPTIONS = 5  # (text, field) pairs offered, the likeliest first


def options(candidates: Candidates, *, reading: bool, allow_done: bool, shape: str | None = None,
            finish_likely: bool = False, used: frozenset[int] = frozenset(),
            typed: frozenset[str] = frozenset(), affinity: Callable[[str, Element], float] | None = None,
            unasked: frozenset[int] = frozenset(), saturated: bool = False,
            read_prior: dict[int, float] | None = None, filled: frozenset[int] = frozenset()) -> list[Option]:
    """The lettered choices the model sees: values of the wanted shape first, then best match
    first (typing as explicit text-into-field pairs), then finish and back; each with its prior."""
    scores = dict(zip((e.id for e in candidates.elements), candidates.scores, strict=False))
    best = max(scores.values(), default=0.0)
    read_prior = read_prior or {}
    rows: list[tuple[int, str, str, float, str]] = []
    typing: list[tuple[int, str, str, float, str]] = []
    for element in candidates.elements:
        verb = option_verb(element, reading=reading, can_type=bool(candidates.texts), shape=shape)
        if verb is None:
            continue
        settled = -FINISH_MARGIN if finish_likely and allow_done else 0.0
        if verb == "type":
            # which field a text goes in is the text's fit, not how many goal words the field shares;
            # a field already holding text the goal needs is done: typing there would replace it
            base = settled + (REPEATED if element.id in used or saturated or element.id in filled else 0.0)
            for text in candidates.texts:
                fit = affinity(text, element) if affinity is not None else 0.0
                fit = fit or NO_FIT
                again = REPEATED if text in typed else 0.0
                typing.append((element.id, verb, f"type {_quoted(text)} into {_name(element)}", base + fit + again,
                               text))
            continue
        prior = PRIOR_PER_POINT * (scores.get(element.id, best) - best) + settled
        prior += REPEATED if element.id in used else 0.0
        prior += UNLIKELY if element.id in unasked else 0.0
        rows.append((element.id, verb, f"{verb} {_name(element)}", read_prior.get(element.id, 0.0)
                     if verb == "read" else prior, ""))
    typing.sort(key=lambda row: -row[3])
    # every text keeps its likeliest field, then the next likeliest pairs fill the rest
    firsts = list({row[4]: row for row in reversed(typing)}.values())
    chosen = sorted(firsts, key=lambda row: -row[3])[:MAX_TYPING_OPTIONS]
    chosen += [row for row in typing if row not in chosen][: MAX_TYPING_OPTIONS - len(chosen)]
    rows = sorted([*rows, *chosen], key=lambda row: -row[3])
    if shape is not None:
        rows.sort(key=lambda row: row[1] != "read")  # stable: keeps best-match order otherwise
    # finish and back always keep their letters; the least likely screen options give theirs up
    rows = rows[: len(LETTERS) - 1 - allow_done]
    if allow_done:
        rows.append((FINISH, "finish", "finish: the goal is complete", 0.0 if finish_likely else UNLIKELY, ""))
    rows.append((GO_BACK, "go back", "go back", UNLIKELY, ""))
    return [Option(letter, target, verb, f"{letter}) {line}", prior, text)
            for letter, (target, verb, line, prior, text) in zip(LETTERS, rows, strict=False)]


def _quoted(text: str) -> str:
    return '"' + " ".join(text.split())[:60].replace('"', "'") + '"'


def _name(element: Element) -> str:
    label = element.label or element.desc or element.resource_id.split("/")[-1] or element.class_name
    state = (" (on)" if element.checked else " (off)") if element.checkable else ""
    return '"' + " ".join(label.split())[:60].replace('"', "'") + '"' + state


def decision_schema(choices: list[Option]) -> dict:
    choice = {"enum": [o.letter for o in choices], PRIOR_KEY: [round(PRIOR_WEIGHT * o.prior, 3) for o in choices]}
    return {"type": "object", "properties": {"choice": choice}, "required": ["choice"]}


def needed_here(goal: str, values: dict[str, str], screen: Screen, required: list[str],
                exclude: frozenset[str]) -> list[str]:
    """What this page must hold before its form is committed: the required texts (quoted, named,
    handed in) and every text one of its fields fits (an alarm's hour and minute, not only its label)."""
    editable = [e for e in screen.elements if e.editable]
    fitting = [t for t in typing_texts(goal, values, exclude)
               if any(text_affinity(t, field, goal, values) > 0 for field in editable)]
    return list(dict.fromkeys([*required, *fitting]))


def taps_since_typing(spots: Sequence[str]) -> frozenset[str]:
    """The controls tapped with an effect since text was last typed: tapping one again repeats
    it, but a Save after new typing commits something new."""
    last_typing = max((i for i, spot in enumerate(spots) if spot.startswith("type|")), default=-1)
    return frozenset(spot for spot in spots[last_typing + 1:] if spot.startswith("tap|"))


def _read_priors(candidates: Candidates, screen: Screen, goal: str) -> dict[int, float]:
    """For a value of unknown shape: text that repeats the goal's words is the thing's name, not
    the value; text in the same row as that name ('Alice Johnson' / 'Lunch tomorrow?') likely is."""
    wanted = words(goal)
    named = [e for e in screen.elements if wanted & words(f"{e.label} {e.desc}")]
    priors: dict[int, float] = {}
    for element in candidates.elements:
        if element in named:
            priors[element.id] = REPEATED
            continue
        x, y = element.bounds.center
        beside = any(n.bounds.contains(x, y) or (n.bounds.top <= y <= n.bounds.bottom and n is not element)
                     for n in named)
        priors[element.id] = 0.0 if beside else -1.0
    return priors


def asked_for(goal: str) -> frozenset:
    """The sensitive categories the goal's own verbs ask for: 'Text Mom ...' asks to send, but
    'add a contact ..., email x@y' does not (there 'email' is a field, not the step)."""
    return frozenset().union(*(categories(clause.split()[0]) for clause in split_clauses(goal) if clause.split()))


def _did_what_goal_names(steps: Sequence[Step], goal: str) -> bool:
    """The last step took effect on the page itself (a switch flipped, text typed, an item ticked)
    on a control the goal names, or committed what was just typed: the usual last step of a goal."""
    if not steps:
        return False
    last = steps[-1]
    tapped = last.verb == "tap" and last.effect in {Effect.PAGE, Effect.CONTENT}
    before = last_effective(steps[:-1])  # a no-op tap may sit between the typing and the commit
    if tapped and before is not None and before.verb == "type" and before.effect is Effect.CONTENT \
            and words(last.label) & COMMITS:
        return True  # typed into a form, then saved or sent (typing that changed the page was a search)
    if tapped and (category := classify(last.label)) is not None and category in asked_for(goal):
        return True  # the delete, send or share the goal asks for went through
    if last.effect is not Effect.CONTENT:
        return False
    return bool(words(last.label) & words(goal))


def decide(
    backend: Backend,
    program: str,
    *,
    goal: str,
    screen: Screen,
    values: dict[str, str],
    steps: Sequence[Step],
    hints: Any = None,
    blocked: set[str] = frozenset(),
    app: str = "",
    reading: bool = False,
    shape: str | None = None,
    spots: Sequence[str] = (),
    app_names: tuple[str, ...] = (),
    meaning: Meaning | None = None,
    memory: MemoryStore | None = None,
    on_call: Callable[[Completion], None] | None = None,
) -> Decision:
    """One step. ``reading``: the subtask must read a value, so plain text can be pointed at.
    ``meaning`` (with ``memory``'s explored pages) says which controls relate to the goal; when
    none does and nothing was done yet, the step is ``stuck`` rather than a guess."""
    suggested_id = _suggested_element(hints)
    last_step = last_effective(steps)
    # text in a field of this page already; text typed into a field on another page (a search)
    # does not count. Committing is the next step only once every text the goal needs is in.
    fields = [e.text for e in screen.elements if e.editable and e.text]
    required = required_texts(goal, values)
    exclude = frozenset(n.lower() for n in (*app_names, app) if n)
    needed = needed_here(goal, values, screen, required, exclude)
    # there: in this page's fields, or shown by the page itself (in Mom's chat, 'Mom' needs no
    # typing; what the goal quotes or names must be typed even if some label shows it), or a value
    # handed in that was typed on an earlier page of this subtask (the number that opened a chat)
    shown = [e.label.strip().lower() for e in screen.elements if not e.editable and e.label]
    literal = required_texts(goal, {})

    def there(text: str) -> bool:
        return entered(text, fields) or (text not in literal and any(text.lower() in label for label in shown)) \
            or handed_in_and_typed_before(text, values, steps)

    just_typed = last_step is not None and last_step.verb == "type"

    def related(elements: Sequence[Element]) -> dict[int, float]:
        scored = relevance(goal, screen, elements, meaning, memory) if meaning is not None else {}
        return {i: r.score for i, r in scored.items()}

    candidates = ground(screen, goal, values, blocked=blocked, suggested=suggested_id, exclude_texts=exclude, app=app,
                        after_typing=just_typed and all(there(t) for t in needed),
                        related=related if meaning is not None else None)
    if meaning is not None and not anything_took_effect(steps) and not _worth_acting_on(candidates, reading):
        where = f" in {app}" if app else ""
        return Decision("stuck", source="stuck",
                        label=f"could not find how to {goal!r}{where}; nothing on this screen or in memory "
                        f"relates to it (try: pocketpilot explore {app or 'APP'})")
    suggestion = _memory_suggestion(hints, screen, blocked, candidates.texts)
    if suggestion is not None and not any(s.describe() == suggestion.describe() for s in steps):
        return suggestion  # memory leads; an action it already took here is left to the model
    hint_text = hints.render() if hints is not None and hasattr(hints, "render") else ""
    hint_text = hint_text[:MEMORY_HINT_CHARS]  # a hint, not a second screen: prefill is the cost
    # the screen already shows the goal's effect (the evidence a verdict needs), or the last step
    # did what the goal names: finishing is likely, acting again less so
    seen = meaning is not None and not reading and subtask_evidence(
        goal, outputs=(), values=values, inputs=values, screen=screen, steps=steps, meaning=meaning) is not None
    finish_likely = (seen or _did_what_goal_names(steps, goal)) \
        and missing_evidence(goal, values, screen, steps) is None
    tapped = taps_since_typing(spots)
    # tapped since the last typing: the same place, or the same label moved down by what it added
    # ('Add phone' adds a row above itself); a dialog's 'Delete' confirming the page's is another
    # control
    since_typing = [s for s in steps[next((i + 1 for i in range(len(steps) - 1, -1, -1)
                                           if steps[i].verb == "type"), 0):] if s.verb == "tap" and s.effective]
    used = {e.id for e in candidates.elements if f"tap|{screen.package}|{element_spot(e, screen)}" in tapped
            or (e.label and classify(e.label) is None and any(s.label == e.label for s in since_typing))}
    typed = {t for t in candidates.texts if there(t)}
    # everything the goal needs typed is typed: more typing is less likely than committing it
    saturated = all(t in typed for t in needed or candidates.texts)
    # a control that would send, pay, delete or share although the goal asks for none of that
    asked = asked_for(goal)
    unasked = frozenset(e.id for e in candidates.elements if not screen.in_list(e)
                        and (c := classify(f"{e.label} {e.desc}")) is not None and c not in asked)
    # a dialog asking to confirm the delete or send the goal asked for: not finished yet
    confirming = any(e.enabled and e.id not in used and classify(e.label) in asked
                     for e in candidates.elements if e.actionable)
    finish_likely = finish_likely and not confirming
    reads = _read_priors(candidates, screen, goal) if reading and shape is None else {}
    editable = [e for e in candidates.elements if e.editable]
    named = named_fields(candidates.texts, editable, goal, values, meaning) if meaning is not None and editable else {}
    choices = options(candidates, reading=reading, allow_done=done_allowed(steps), shape=shape, read_prior=reads,
                      finish_likely=finish_likely, used=frozenset(used), typed=frozenset(typed), unasked=unasked,
                      saturated=saturated, filled=frozenset(
                          e.id for e in screen.elements if e.editable and e.text
                          and any(t.lower() in e.text.lower() for t in required)),
                      affinity=lambda text, field: text_affinity(text, field, goal, values,
                                                                 named=named.get(text) == field.id))
    lines = [o.line for o in choices]
    user = render(
        "executor_user",
        goal=goal,
        values="".join(f"Known {name}: {value}\n" for name, value in values.items() if value),
        memory=f"Memory: {hint_text}\n" if hint_text else "",
        history="; ".join(s.line() for s in steps[-4:]) or "nothing yet",
        app=screen.package or "unknown",
        candidates="\n".join(lines),
    )
    try:
        completion = backend.complete(
            program,
            [Message("system", template("executor")), Message("user", user)],
            schema=decision_schema(choices),
            max_tokens=16,
            temperature=0.0,
        )
    except OutputParseError as exc:  # the model's mistake: this step does nothing, the loop goes on
        if on_call is not None and exc.completion is not None:
            on_call(exc.completion)
        return Decision("skip", label=f"model output unparseable ({exc.detail})")
    if on_call is not None:
        on_call(completion)
    decision = decision_from_choice(completion.parsed, choices, candidates, screen)
    # who decided: the model, or the prior gate answering for it where grounding was sure
    return replace(decision, source="prior" if completion.answered_by != "model" else "model")


def decision_from_choice(parsed: dict, choices: list[Option], candidates: Candidates,
                         screen: Screen | None = None) -> Decision:
    """Turn the model's pick into a step: the option's verb decides tap, type, scroll or read."""
    option = next(o for o in choices if o.letter == parsed["choice"])
    if option.target == FINISH:
        return Decision("done")
    if option.target == GO_BACK:
        return Decision("back")
    element = next(e for e in candidates.elements if e.id == option.target)
    verb = option.verb
    key, label = element_key(element), element.label
    spot = element_spot(element, screen)
    if verb == "type":
        return Decision("type", element.id, text=option.text, key=key, label=label, spot=spot)
    if verb == "scroll down":
        return Decision("scroll_down", element.id, key=key, label=label, spot=spot)
    if verb == "read":
        return Decision("done", element.id, key=key, label=label, spot=spot)
    return Decision("tap", element.id, key=key, label=label, spot=spot)


def _worth_acting_on(candidates: Candidates, reading: bool) -> bool:
    """Something here relates to the goal: a control grounding kept, text to type, or, for a read,
    text to read."""
    if candidates.texts or reading:
        return True
    return any(e.clickable or e.long_clickable or e.checkable or e.editable for e in candidates.elements)


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
    if getattr(suggestion, "reason", "") != "task":
        return None  # a path to a page that merely resembles the goal only weighs the options
    # A recorded path that achieved this subtask: judge it per step (geometric mean), since a long
    # path seen once multiplies into a low whole-path probability.
    per_step = reliability ** (1 / max(1, getattr(suggestion, "steps_left", 1)))
    if per_step < CONFIDENT_TASK_STEP:
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
    return Decision(verb, element.id, text=text, source="memory", key=element_key(element), label=element.label,
                    spot=element_spot(element, screen))
