"""The task graph (LangGraph): plan → start subtask → decide ⇄ act → verify → (replan) → finish.

Every node returns a state update that the SQLite checkpointer stores, so a run survives a crash
or a device disconnect and continues from the last completed node. The device, model and memory
are injected (never stored in state), so the same graph drives the virtual phone or a real one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from pocketpilot.devices.actions import (
    Back,
    ClearText,
    Direction,
    Home,
    Launch,
    Scroll,
    Tap,
    TypeText,
    action_to_dict,
)
from pocketpilot.devices.device import Device
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.screen import Element, Screen
from pocketpilot.planner.decompose import decompose
from pocketpilot.planner.evidence import missing_evidence
from pocketpilot.planner.executor import DONE_REJECTED, Decision, decide, taps_since_typing
from pocketpilot.planner.grounding import find_again
from pocketpilot.planner.plan import Plan, Subtask, SubtaskStatus
from pocketpilot.planner.reflect import (
    RESUMED_EFFECT,
    action_effect,
    content_key,
    effective,
    verify_subtask,
    verify_task,
)
from pocketpilot.planner.safety import SensitivePolicy, categories, classify
from pocketpilot.planner.state import Budget, RunState
from pocketpilot.planner.step_proof import prove_pending
from pocketpilot.planner.value_shapes import extract, nth_item, ordinal, shape_of
from pocketpilot.planner.vocabulary import VERBS
from pocketpilot.runtime.backend import Backend, Completion

OBSERVED_LINES = 40  # element lines a device.observe event carries


@dataclass
class Seams:
    """What the graph's nodes act through; injected, never checkpointed."""

    backend: Backend
    device: Device
    memory: Any = None  # a pocketpilot.memory MemoryStore, or None
    policy: SensitivePolicy = field(default_factory=SensitivePolicy)
    budget: Budget = field(default_factory=Budget)
    on_event: EventSink = discard
    # called at the start of every decide step; the energy switcher swaps ``backend`` here
    before_step: Callable[[RunState], None] | None = None


SENSOR_EVERY_STEPS = 3  # battery/thermal readings for progress and the console; ADB reads cost ~0.1 s


class _Tally:
    """Counts the model calls one node makes, to add them to the checkpointed totals."""

    def __init__(self, seams: Seams, state: RunState) -> None:
        self.seams, self.state, self.calls, self.tokens = seams, state, 0, 0

    def __call__(self, completion: Completion) -> None:
        # The backend itself emits the llm.call event (with its KV slot state); here we only count
        # model calls: an answer the caller's own prior gave (a gated call) ran no model.
        if completion.answered_by != "model":
            return
        self.calls += 1
        self.tokens += completion.usage.prompt_tokens

    def update(self) -> dict:
        return {"llm_calls": self.state.get("llm_calls", 0) + self.calls,
                "prompt_tokens": self.state.get("prompt_tokens", 0) + self.tokens}


def build_graph(seams: Seams, checkpointer: Any) -> Any:
    nodes = _Nodes(seams)
    graph = StateGraph(RunState)
    graph.add_node("plan", nodes.plan)
    graph.add_node("start_subtask", nodes.start_subtask)
    graph.add_node("decide", nodes.decide)
    graph.add_node("act", nodes.act)
    graph.add_node("verify", nodes.verify)
    graph.add_node("replan", nodes.replan)
    graph.add_node("finish", nodes.finish)
    graph.add_edge(START, "plan")
    graph.add_edge("plan", "start_subtask")
    graph.add_edge("start_subtask", "decide")
    graph.add_edge("decide", "act")
    graph.add_conditional_edges("act", nodes.after_act, ["decide", "verify"])
    graph.add_node("advance", nodes.advance)
    graph.add_conditional_edges("verify", nodes.after_verify, ["advance", "replan", "finish"])
    graph.add_edge("advance", "start_subtask")
    graph.add_edge("replan", "start_subtask")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer)


class _Nodes:
    def __init__(self, seams: Seams) -> None:
        self.s = seams

    # -- helpers -------------------------------------------------------------------------
    def _emit(self, state: RunState, kind: str, /, **data: Any) -> None:
        self.s.on_event(Event(kind, {"run_id": state.get("run_id"), **data}))

    def _subtask(self, state: RunState) -> Subtask:
        return Plan.from_dict(state["plan"]).subtasks[state["current"]]

    def _observe(self, state: RunState) -> Screen:
        screen = self.s.device.observe()
        # the element lines (capped) let the console show the screen from the run record alone
        self._emit(state, "device.observe", signature=screen.signature, package=screen.package,
                   elements=len(screen.elements), lines=[e.render() for e in screen.elements[:OBSERVED_LINES]])
        return screen

    # -- nodes ---------------------------------------------------------------------------
    def plan(self, state: RunState) -> dict:
        tally = _Tally(self.s, state)
        apps = [a.label for a in self.s.device.apps()]
        if state.get("mode") == "monolithic":
            plan = Plan((Subtask(1, "", state["task"]),), source="monolithic")
        else:
            hint = ""
            if self.s.memory is not None:
                hint = "; ".join(p.description for p in self.s.memory.relevant_pages(state["task"], 3))
            plan = decompose(self.s.backend, state["task"], apps, memory_hint=hint,
                             app_from_memory=self._app_from_memory, on_call=tally)
        self._emit(state, "plan.created", plan=plan.to_dict())
        return {"plan": plan.to_dict(), "statuses": [SubtaskStatus.PENDING.value] * len(plan.subtasks),
                "current": 0, "values": {}, "total_steps": 0, "replans": 0, **tally.update()}

    def _app_from_memory(self, text: str) -> str | None:
        """The launcher label of the app whose remembered pages best match ``text`` (MapAgent-style)."""
        if self.s.memory is None:
            return None
        labels = {a.package: a.label for a in self.s.device.apps()}
        # what the clause is about: 'change' or 'turn' are on pages of every app, while a verb that
        # sends or deletes ('text it to Zoe') says which app does it
        topic = " ".join(w for w in text.split()
                         if w.lower().strip(",.'") not in VERBS or categories(w)) or text
        for hit in self.s.memory.relevant_pages(topic, 3):
            if hit.app in labels:
                return labels[hit.app]
        return None

    def start_subtask(self, state: RunState) -> dict:
        subtask = self._subtask(state)
        if subtask.app and self._continues_in_place(state, subtask):
            self.s.device.observe()  # the previous subtask left this app on the page to go on from
        elif subtask.app:
            # from the app's start page, whatever an earlier subtask or run left open in it
            self.s.device.act(Launch(subtask.app, fresh=True))
        else:
            self.s.device.observe()
            self.s.device.act(Home())
        statuses = list(state["statuses"])
        statuses[state["current"]] = SubtaskStatus.RUNNING.value
        self._emit(state, "subtask.started", subtask=subtask.to_dict())
        fresh = {"step": 0, "history": [], "pending": None, "blocked": [], "edges": [], "spots": []}
        return {"statuses": statuses, **fresh}

    def _continues_in_place(self, state: RunState, subtask: Subtask) -> bool:
        """A subtask in the same app right after one that found something there goes on where it
        left off (a deep dive: 'find Quinn, change the number'); others start from the app's start."""
        current = state["current"]
        if current == 0 or state["statuses"][current - 1] != SubtaskStatus.DONE.value:
            return False
        if state["statuses"][current] != SubtaskStatus.PENDING.value:
            return False
        previous = Plan.from_dict(state["plan"]).subtasks[current - 1]
        return previous.app == subtask.app and bool(previous.outputs)

    def decide(self, state: RunState) -> dict:
        if self.s.before_step is not None:
            self.s.before_step(state)
        subtask = self._subtask(state)
        if state.get("total_steps", 0) % SENSOR_EVERY_STEPS == 0:
            self._emit(state, "sensors.read", **self.s.device.sensors().to_dict())
        screen = self._observe(state)
        hints = None
        if self.s.memory is not None:
            hints = self.s.memory.hints(subtask.goal, screen, walked=state.get("edges", []))
        tally = _Tally(self.s, state)
        values = {k: v for k, v in state.get("values", {}).items() if k in subtask.inputs}
        goal = subtask.goal if state.get("mode") != "monolithic" else state["task"]
        decision = decide(
            self.s.backend, f"executor-{subtask.id}", goal=goal, screen=screen, values=values,
            history=state.get("history", []), hints=hints, blocked=set(state.get("blocked", [])), app=subtask.app,
            spots=tuple(state.get("spots", [])), app_names=tuple(a.label for a in self.s.device.apps()),
            reading=bool(subtask.outputs), shape=shape_of(subtask.outputs[0]) if subtask.outputs else None,
            on_call=tally,
        )
        if decision.spot:
            # Per app, not per page: a toggle's own summary text ("Off" -> "On") can change the page id.
            decision = replace(decision, spot=f"{screen.package}|{decision.spot}")
        if repeats_effective_step(decision, state.get("history", []), state.get("spots", [])):
            # Action-level reflection: the same tap/typing already took effect in this subtask;
            # doing it again would undo a toggle or type twice. A repeated tap is taken as the model
            # believing the goal is reached (subtask verification judges); typing the same text into
            # the same field again is skipped, and that field is not offered again.
            self._emit(state, "reflect.repeat", subtask=subtask.id, step=decision.describe())
            label = f"repeat of {decision.describe()}"
            decision = (Decision("skip", key=decision.key, source="reflection", label=label)
                        if decision.verb == "type" else Decision("done", source="reflection", label=label))
        self._emit(state, "step.decided", subtask=subtask.id, step=state.get("step", 0), decision=decision.to_dict())
        pending = {**decision.to_dict(), "before": screen.signature, "before_content": content_key(screen)}
        return {"pending": pending, **tally.update()}

    def act(self, state: RunState) -> dict:
        pending = state["pending"]
        decision = Decision.from_dict(pending)
        subtask = self._subtask(state)
        screen = self._observe(state)
        if decision.verb == "done":
            return self._read_outputs(state, subtask, decision, screen)
        if decision.verb == "skip":
            return self._after_step(state, decision, "skipped", blocked=[decision.key] if decision.key else [])
        if screen.signature != pending["before"] or content_key(screen) != pending["before_content"]:
            # Resumed, and the screen this step was decided on is gone. The step counts as done only
            # on the device's receipt for this very action; otherwise the screen is re-observed and
            # the step decided again (a changed screen is no evidence: another phone, a new one).
            proof = prove_pending(self.s.device, pending, lambda before: self._to_action(decision, before))
            if proof.done:
                # its effect as an uninterrupted step would have judged it: from the screen it was sent on
                effect = action_effect(proof.before, screen) if proof.before is not None else RESUMED_EFFECT
                self._emit(state, "step.resumed", before=pending["before"], now=screen.signature, evidence=proof.why,
                           effect=effect)
                blocked = [decision.key] if effect == "none" and decision.key else []
                return self._after_step(state, decision, effect, blocked=blocked)
            if not (proof.sent and decision.verb == "type"):
                self._emit(state, "step.reverified", before=pending["before"], now=screen.signature,
                           reason=f"the screen differs from the one this step was decided on and {proof.why}: "
                                  "deciding again from the screen")
                return {"pending": None}
            # typing whose answer was lost is done again: it replaces what the field holds (below),
            # so a field typed into in part or in full ends up holding the text once
            self._emit(state, "step.retried", before=pending["before"], now=screen.signature, reason=proof.why)
        # Taps are what send, pay or delete; typed text is data ("Call plumber" in a note calls nobody).
        # ... and a list item is content: a note titled "Call plumber" calls nobody
        target = find_again(screen, decision.key) if decision.key else None
        listed = target is not None and screen.in_list(target)
        category = classify(decision.label) if decision.verb == "tap" and not listed else None
        if self.s.policy.needs_confirmation(category):
            request = {"kind": "confirm", "run_id": state.get("run_id"), "category": str(category),
                       "action": decision.verb, "target": decision.label, "text": decision.text,
                       "subtask": subtask.goal}
            # The agent emits confirm.requested when it sees the interrupt (this node runs again on resume).
            approved = bool(interrupt(request))
            self._emit(state, "confirm.answered", approved=approved, category=str(category), target=decision.label)
            if not approved:
                statuses = list(state["statuses"])
                statuses[state["current"]] = SubtaskStatus.FAILED.value
                return {"pending": {**pending, "verb": "denied"}, "statuses": statuses,
                        "history": [*state.get("history", []), f"denied {decision.verb} {decision.label!r}"]}
        action = self._to_action(decision, screen)
        started = time.monotonic()
        if isinstance(action, TypeText) and action.element is not None and screen.element(action.element).text:
            # the field holds text already ('Level 3' in a note being changed): replace, not append
            self.s.device.act(ClearText(element=action.element))
        result = self.s.device.act(action) if action is not None else None
        after = self._observe(state)
        seconds = time.monotonic() - started
        effect = action_effect(screen, after)
        self._emit(state, "device.action", action=action_to_dict(action) if action else None, effect=effect,
                   seconds=round(seconds, 3), target=decision.label, source=decision.source,
                   detail=getattr(result, "detail", ""))
        edges: list[str] = []
        if self.s.memory is not None and action is not None:
            edge = self.s.memory.record_step(state["run_id"], screen, action_to_dict(action), after,
                                             effect != "none", seconds)
            edges = [edge.id]
        blocked = [decision.key] if effect == "none" and decision.key else []
        return {**self._after_step(state, decision, effect, blocked=blocked),
                "edges": [*state.get("edges", []), *edges]}

    def _after_step(self, state: RunState, decision: Decision, effect: str, *, blocked: list[str]) -> dict:
        line = f"{decision.describe()} -> {effect}"
        spots = [f"{decision.verb}|{decision.spot}"] if decision.spot and effect in {"page", "content"} else []
        return {"pending": None, "step": state.get("step", 0) + 1, "total_steps": state.get("total_steps", 0) + 1,
                "spots": [*state.get("spots", []), *spots],
                "history": [*state.get("history", []), line],
                "blocked": [*state.get("blocked", []), *blocked]}

    def _to_action(self, decision: Decision, screen: Screen):
        element = find_again(screen, decision.key) if decision.key else None
        if decision.verb == "tap":
            return Tap(element=element.id) if element is not None else None
        if decision.verb == "type":
            return TypeText(decision.text, element=element.id if element is not None and element.editable else None)
        if decision.verb in {"scroll_down", "scroll_up"}:
            direction = Direction.DOWN if decision.verb == "scroll_down" else Direction.UP
            return Scroll(direction, element=element.id if element is not None and element.scrollable else None)
        if decision.verb == "back":
            return Back()
        return None

    def _read_outputs(self, state: RunState, subtask: Subtask, decision: Decision, screen: Screen) -> dict:
        values = dict(state.get("values", {}))
        element = find_again(screen, decision.key) if decision.key else None
        for name in subtask.outputs[:1]:
            value = read_value(name, element, screen)
            if value:
                values[name] = value
        self._emit(state, "subtask.outputs", subtask=subtask.id, values={n: values.get(n) for n in subtask.outputs})
        missing = [n for n in subtask.outputs if not values.get(n)]
        history = state.get("history", [])
        nothing_done = not subtask.outputs and not any(effective(line) for line in history)
        if nothing_done and not any(DONE_REJECTED in line for line in history):
            # A 'done' before anything took effect is usually under-execution: refuse it once; if the
            # model insists after acting, subtask verification (the verifier model) decides.
            refused = Decision("done", decision.element, key=decision.key, label=decision.label)
            return self._after_step(state, refused, f"{DONE_REJECTED}: nothing took effect", blocked=[])
        inputs = {k: v for k, v in values.items() if k in subtask.inputs}
        goal = state["task"] if state.get("mode") == "monolithic" else subtask.goal
        lacking = None if subtask.outputs else missing_evidence(goal, inputs, screen, history)
        if lacking is not None:
            # Subtask-level reflection: the screen contradicts the goal (a switch still off, text
            # never typed or never submitted): under-execution, keep going.
            refused = Decision("done", decision.element, key=decision.key, label=decision.label)
            return self._after_step(state, refused, f"{DONE_REJECTED}: {lacking}", blocked=[])
        if missing:
            # Subtask-level reflection: a 'done' without its outputs is under-execution; keep going.
            rejected = Decision("done", decision.element, key=decision.key, label=decision.label)
            # the element pointed at does not hold the value: do not offer it again
            step = self._after_step(state, rejected, f"{DONE_REJECTED}: {', '.join(missing)} not read",
                                    blocked=[decision.key] if decision.key else [])
            return {"values": values, **step}
        return {"values": values}

    def after_act(self, state: RunState) -> str:
        pending = state.get("pending")
        if pending is not None and pending.get("verb") in {"done", "denied"}:
            return "verify"
        if state.get("step", 0) >= self._steps_for(state) or state.get("total_steps", 0) >= self.s.budget.total_steps:
            return "verify"
        return "decide"

    def _steps_for(self, state: RunState) -> int:
        return self.s.budget.total_steps if state.get("mode") == "monolithic" else self.s.budget.subtask_steps

    def verify(self, state: RunState) -> dict:
        subtask = self._subtask(state)
        pending = state.get("pending") or {}
        statuses = list(state["statuses"])
        tally = _Tally(self.s, state)
        if pending.get("verb") == "denied":
            ok, reason = False, "the user denied a sensitive action"
        elif pending.get("verb") == "done":
            ok, reason = verify_subtask(self.s.backend, subtask, values=state.get("values", {}),
                                        observe=self.s.device.observe, history=state.get("history", []), on_call=tally)
        else:
            ok, reason = False, "step budget exhausted"
        statuses[state["current"]] = (SubtaskStatus.DONE if ok else SubtaskStatus.FAILED).value
        if self.s.memory is not None:
            self.s.memory.record_task(state["task"], subtask.goal, state.get("edges", []), ok)
        self._emit(state, "subtask.finished", subtask=subtask.id, ok=ok, reason=reason, steps=state.get("step", 0))
        return {"statuses": statuses, "reason": reason, "pending": None, **tally.update()}

    def after_verify(self, state: RunState) -> str:
        status = state["statuses"][state["current"]]
        if status == SubtaskStatus.FAILED.value:
            denied = state.get("reason") == "the user denied a sensitive action"
            budget_left = state.get("total_steps", 0) < self.s.budget.total_steps
            if not denied and budget_left and state.get("replans", 0) < self.s.budget.replans:
                return "replan"
            return "finish"
        if state["current"] + 1 < len(state["statuses"]):
            return "advance"
        return "finish"

    def advance(self, state: RunState) -> dict:
        return {"current": state["current"] + 1}

    def replan(self, state: RunState) -> dict:
        """Re-plan on failure: the failed subtask runs again from its app's start, with what failed blocked."""
        self._emit(state, "plan.replanned", subtask=state["current"] + 1, reason=state.get("reason", ""))
        return {"replans": state.get("replans", 0) + 1, "current": state["current"]}

    def finish(self, state: RunState) -> dict:
        plan = Plan.from_dict(state["plan"])
        ok, reason = verify_task(plan, list(state["statuses"]), state.get("values", {}))
        if not ok and state.get("reason"):
            reason = f"{reason} ({state['reason']})"
        if self.s.memory is not None:
            self.s.memory.end_run(state["run_id"], ok)
        self._emit(state, "run.finished", ok=ok, reason=reason, steps=state.get("total_steps", 0),
                   llm_calls=state.get("llm_calls", 0))
        return {"outcome": "success" if ok else "failure", "reason": reason}


def read_value(name: str, element: Element | None, screen: Screen) -> str:
    """The value an output asks for: from the element the model chose, checked against the shape
    the output's name implies; when that element lacks it, the one element on screen that has it."""
    shape = shape_of(name)
    text = (element.text or element.label) if element is not None else ""
    position = ordinal(name)
    if position is not None and (item := nth_item(text, position)):
        return item  # 'the third item' of 'milk, eggs, spinach, coffee'
    if shape is None:
        return text
    if text and (value := extract(shape, text)):
        return value
    found = {v for e in screen.elements if (v := extract(shape, e.text or e.label))}
    return found.pop() if len(found) == 1 else ""


def repeats_effective_step(decision: Decision, history: list[str], spots: list[str] = ()) -> bool:
    """Whether ``decision`` is a tap or typing that this subtask already did with a visible effect:
    the same step as recorded, or the same control on the same page (its label may have changed)."""
    if decision.verb not in {"tap", "type"}:
        return False
    if decision.verb == "tap":
        # the same control, though its label changed (a switch's summary); not another control
        # with the same label (a dialog's 'Delete' confirming the page's 'Delete'); and not a Save
        # that commits text typed since the last Save
        return bool(decision.spot) and f"tap|{decision.spot}" in taps_since_typing(spots)
    step = decision.describe() + " -> "
    return any(line.startswith(step) and not line.endswith("-> none") for line in history)
