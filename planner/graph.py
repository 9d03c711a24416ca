"""The task graph (LangGraph): plan → start subtask → decide ⇄ act → verify → (replan) → finish.

Every node returns a state update that the SQLite checkpointer stores, so a run survives a crash
or a device disconnect and continues from the last completed node. The device, model and memory
are injected (never stored in state), so the same graph drives the virtual phone or a real one.
"""

from __future__ import annotations

import time
import uuid
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
from pocketpilot.memory.explore_policy import gate_answer, grants_own_data
from pocketpilot.memory.store import MemoryStore
from pocketpilot.planner.decompose import decompose
from pocketpilot.planner.evidence import missing_evidence
from pocketpilot.planner.executor import Decision, decide, taps_since_typing
from pocketpilot.planner.grounding import asks_to_change, element_key, element_spot, find_again
from pocketpilot.planner.meaning import Meaning
from pocketpilot.planner.plan import Plan, Subtask, SubtaskStatus
from pocketpilot.planner.reflect import action_effect, content_key
from pocketpilot.planner.route import Router
from pocketpilot.planner.safety import SensitivePolicy, classify
from pocketpilot.planner.state import Budget, RunState
from pocketpilot.planner.step_proof import prove_pending
from pocketpilot.planner.steps import Effect, Step, anything_took_effect, steps_of
from pocketpilot.planner.value_shapes import extract, nth_item, numbers_as_digits, ordinal, shape_of
from pocketpilot.planner.verdict import subtask_evidence, task_verdict
from pocketpilot.runtime.backend import Backend, Completion

OBSERVED_LINES = 40  # element lines a device.observe event carries


@dataclass
class Seams:
    """What the graph's nodes act through; injected, never checkpointed."""

    backend: Backend
    device: Device
    memory: MemoryStore | None = None
    meaning: Meaning = field(default_factory=Meaning)  # semantic relatedness (the matcher's model)
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
    graph.add_conditional_edges("start_subtask", nodes.after_start, ["decide", "replan", "advance", "finish"])
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
        # which process decided a pending step: only a step decided before a crash or a
        # disconnect needs proof that it ran (a clock ticking on screen is no resume)
        self.session = uuid.uuid4().hex

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
            router = Router(self.s.device.apps(), self.s.memory, self.s.meaning)
            plan = decompose(self.s.backend, numbers_as_digits(state["task"]), apps, router=router, on_call=tally)
        self._emit(state, "plan.created", plan=plan.to_dict())
        return {"plan": plan.to_dict(), "statuses": [SubtaskStatus.PENDING.value] * len(plan.subtasks),
                "current": 0, "values": {}, "total_steps": 0, "replans": 0, "reports": [{}] * len(plan.subtasks),
                **tally.update()}

    def start_subtask(self, state: RunState) -> dict:
        subtask = self._subtask(state)
        statuses = list(state["statuses"])
        fresh = {"step": 0, "history": [], "steps": [], "pending": None, "blocked": [], "edges": [], "spots": []}
        why_not = self._cannot_start(state, subtask)
        if why_not:
            # a value it needs was never read, or the task's budget is spent: skip it, say why
            statuses[state["current"]] = SubtaskStatus.SKIPPED.value
            self._emit(state, "subtask.skipped", subtask=subtask.id, reason=why_not)
            return {"statuses": statuses, "reports": self._report(state, reason=why_not), **fresh}
        if subtask.app and self._continues_in_place(state, subtask):
            self.s.device.observe()  # the previous subtask left this app on the page to go on from
        elif subtask.app:
            # from the app's start page, whatever an earlier subtask or run left open in it
            self.s.device.act(Launch(subtask.app, fresh=True))
        else:
            self.s.device.observe()
            self.s.device.act(Home())
        statuses[state["current"]] = SubtaskStatus.RUNNING.value
        self._emit(state, "subtask.started", subtask=subtask.to_dict())
        return {"statuses": statuses, **fresh}

    def _cannot_start(self, state: RunState, subtask: Subtask) -> str:
        values = state.get("values", {})
        missing = [name for name in subtask.inputs if not values.get(name)]
        if missing:
            return f"needs {', '.join(missing)}, which no earlier subtask read"
        if state.get("total_steps", 0) >= self.s.budget.total_steps:
            return "the task's step budget was spent before it started"
        return ""

    def _report(self, state: RunState, **fields: Any) -> list[dict]:
        reports = [dict(r) for r in state.get("reports") or [{} for _ in state["statuses"]]]
        reports[state["current"]] = fields
        return reports

    def after_start(self, state: RunState) -> str:
        if state["statuses"][state["current"]] == SubtaskStatus.SKIPPED.value:
            return self.after_verify(state)
        return "decide"

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
        steps = steps_of(state.get("steps", []))
        gate = gate_answer(screen)
        if gate is not None:
            # a permission prompt or first-run greeting stands between the user and the app: its
            # least-committing answer is part of any goal there (memory.explore_policy)
            decision = Decision("tap", gate.id, key=element_key(gate), label=gate.label or gate.desc, source="dialog",
                                spot=element_spot(gate, screen))
        else:
            decision = decide(
                self.s.backend, f"executor-{subtask.id}", goal=goal, screen=screen, values=values,
                steps=steps, hints=hints, blocked=set(state.get("blocked", [])), app=subtask.app,
                spots=tuple(state.get("spots", [])), app_names=tuple(a.label for a in self.s.device.apps()),
                reading=bool(subtask.outputs), shape=shape_of(subtask.outputs[0]) if subtask.outputs else None,
                meaning=self.s.meaning, memory=self.s.memory, on_call=tally,
            )
        if decision.spot:
            # Per app, not per page: a toggle's own summary text ("Off" -> "On") can change the page id.
            decision = replace(decision, spot=f"{screen.package}|{decision.spot}")
        if repeats_effective_step(decision, steps, state.get("spots", [])):
            # Action-level reflection: the same tap/typing already took effect in this subtask;
            # doing it again would undo a toggle or type twice. A repeated tap is taken as the model
            # believing the goal is reached (subtask verification judges); typing the same text into
            # the same field again is skipped, and that field is not offered again.
            self._emit(state, "reflect.repeat", subtask=subtask.id, step=decision.describe())
            label = f"repeat of {decision.describe()}"
            decision = (Decision("skip", key=decision.key, source="reflection", label=label)
                        if decision.verb == "type" else Decision("done", source="reflection", label=label))
        self._emit(state, "step.decided", subtask=subtask.id, step=state.get("step", 0), decision=decision.to_dict())
        pending = {**decision.to_dict(), "before": screen.signature, "before_content": content_key(screen),
                   "session": self.session}
        return {"pending": pending, **tally.update()}

    def act(self, state: RunState) -> dict:
        pending = state["pending"]
        decision = Decision.from_dict(pending)
        subtask = self._subtask(state)
        screen = self._observe(state)
        if decision.verb == "done":
            return self._read_outputs(state, subtask, decision, screen)
        if decision.verb == "stuck":
            return {"pending": {**pending, "verb": "stuck"}}
        if decision.verb == "skip":
            return self._after_step(state, decision, Effect.SKIPPED, blocked=[decision.key] if decision.key else [])
        retyping = False
        if pending.get("session") != self.session:
            # Decided by a process that is gone: its action may have reached the phone, in full or in
            # part. It counts as done only on the device's receipt for this very action; a receipt
            # that shows it never reached the phone lets it go out now. Otherwise, where the screen
            # this step was decided on is gone, the step is decided again from the screen (a changed
            # screen is no evidence: another phone, a new one).
            proof = prove_pending(self.s.device, pending, lambda before: self._to_action(decision, before))
            if proof.done:
                now = self._observe(state) if proof.finished else screen
                # its effect as an uninterrupted step would have judged it: from the screen it was sent on
                effect = Effect(action_effect(proof.before, now)) if proof.before is not None else Effect.RESUMED
                self._emit(state, "step.resumed", before=pending["before"], now=now.signature, evidence=proof.why,
                           effect=effect.value)
                blocked = [decision.key] if effect is Effect.NONE and decision.key else []
                return self._after_step(state, decision, effect, blocked=blocked)
            moved = screen.signature != pending["before"] or content_key(screen) != pending["before_content"]
            if proof.unsent:
                self._emit(state, "step.unsent", before=pending["before"], now=screen.signature, reason=proof.why)
            elif moved and not (proof.sent and decision.verb == "type"):
                self._emit(state, "step.reverified", before=pending["before"], now=screen.signature,
                           reason=f"the screen differs from the one this step was decided on and {proof.why}: "
                                  "deciding again from the screen")
                # kept as tried, not as done: what it typed may be on screen by its doing
                unproven = Step(decision.verb, decision.label, decision.text, Effect.NONE,
                                note="unproven after a resume", source=decision.source, spot=decision.spot,
                                page=pending.get("before", ""))
                return {"pending": None, **self._history_with(state, unproven)}
            elif moved:
                # typing whose answer was lost is done again: it replaces what the field holds (below),
                # so a field typed into in part or in full ends up holding the text once
                self._emit(state, "step.retried", before=pending["before"], now=screen.signature, reason=proof.why)
                retyping = True
        # Taps are what send, pay or delete; typed text is data ("Call plumber" in a note calls nobody).
        # ... and a list item is content: a note titled "Call plumber" calls nobody
        target = find_again(screen, decision.key) if decision.key else None
        listed = target is not None and screen.in_list(target)
        category = classify(decision.label) if decision.verb == "tap" and not listed else None
        if category is not None and grants_own_data(screen, target):
            # the system asks whether the app may use data already on the phone for the task the
            # user gave it: granting acts on nothing (memory.explore_policy states the principle)
            category = None
        if self.s.policy.needs_confirmation(category):
            request = {"kind": "confirm", "run_id": state.get("run_id"), "category": str(category),
                       "action": decision.verb, "target": decision.label, "text": decision.text,
                       "subtask": subtask.goal}
            # The agent emits confirm.requested when it sees the interrupt (this node runs again on resume).
            approved = bool(interrupt(request))
            self._emit(state, "confirm.answered", approved=approved, category=str(category), target=decision.label)
            if not approved:
                denied = Step(decision.verb, decision.label, decision.text, Effect.DENIED, category=str(category),
                              note=f"{category} not confirmed", source=decision.source)
                return {"pending": {**pending, "verb": "denied", "category": str(category)},
                        **self._history_with(state, denied)}
        action = self._to_action(decision, screen)
        started = time.monotonic()
        goal = state["task"] if state.get("mode") == "monolithic" else subtask.goal
        if isinstance(action, TypeText) and action.element is not None and screen.element(action.element).text \
                and (asks_to_change(goal) or retyping):
            # the field holds text the goal asks to change ('Level 3' in a note being changed), or
            # typing sent before a crash that may be there in part: the old text goes first; any
            # other goal adds to what the user wrote there
            self.s.device.act(ClearText(element=action.element))
        result = self.s.device.act(action) if action is not None else None
        after = self._observe(state)
        seconds = time.monotonic() - started
        effect = Effect(action_effect(screen, after))
        self._emit(state, "device.action", action=action_to_dict(action) if action else None, effect=effect.value,
                   seconds=round(seconds, 3), target=decision.label, source=decision.source,
                   detail=getattr(result, "detail", ""))
        edges: list[str] = []
        if self.s.memory is not None and action is not None:
            edge = self.s.memory.record_step(state["run_id"], screen, action_to_dict(action), after,
                                             effect is not Effect.NONE, seconds)
            edges = [edge.id]
        blocked = [decision.key] if effect is Effect.NONE and decision.key else []
        return {**self._after_step(state, decision, effect, blocked=blocked, category=str(category or "")),
                "edges": [*state.get("edges", []), *edges]}

    def _history_with(self, state: RunState, step: Step) -> dict:
        return {"steps": [*state.get("steps", []), step.to_dict()],
                "history": [*state.get("history", []), step.line()]}

    def _after_step(self, state: RunState, decision: Decision, effect: Effect, *, blocked: list[str],
                    note: str = "", category: str = "") -> dict:
        page = (state.get("pending") or {}).get("before", "")
        step = Step(decision.verb, decision.label, decision.text, effect, note=note, category=category,
                    source=decision.source, spot=decision.spot, page=page)
        spots = [f"{decision.verb}|{decision.spot}"] if decision.spot and step.effective else []
        deciders = dict(state.get("deciders") or {})
        deciders[decision.source or "model"] = deciders.get(decision.source or "model", 0) + 1
        return {"pending": None, "step": state.get("step", 0) + 1, "total_steps": state.get("total_steps", 0) + 1,
                "deciders": deciders,
                "spots": [*state.get("spots", []), *spots], **self._history_with(state, step),
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
        steps = steps_of(state.get("steps", []))
        refused = Decision("done", decision.element, key=decision.key, label=decision.label, source=decision.source)
        nothing_done = not subtask.outputs and not anything_took_effect(steps)
        if nothing_done and not any(s.effect is Effect.REFUSED for s in steps):
            # A 'done' before anything took effect is usually under-execution: refuse it once; if the
            # executor insists, verification judges from the screen.
            return self._after_step(state, refused, Effect.REFUSED, note="nothing took effect", blocked=[])
        inputs = {k: v for k, v in values.items() if k in subtask.inputs}
        goal = state["task"] if state.get("mode") == "monolithic" else subtask.goal
        lacking = None if subtask.outputs else missing_evidence(goal, inputs, screen, steps)
        if lacking is not None:
            # Subtask-level reflection: the screen contradicts the goal (a switch still off, text
            # never typed or never submitted): under-execution, keep going.
            return self._after_step(state, refused, Effect.REFUSED, note=lacking, blocked=[])
        if missing:
            # Subtask-level reflection: a 'done' without its outputs is under-execution; keep going;
            # the element pointed at does not hold the value: do not offer it again
            step = self._after_step(state, refused, Effect.REFUSED, note=f"{', '.join(missing)} not read",
                                    blocked=[decision.key] if decision.key else [])
            return {"values": values, **step}
        return {"values": values}

    def after_act(self, state: RunState) -> str:
        pending = state.get("pending")
        if pending is not None and pending.get("verb") in {"done", "denied", "stuck"}:
            return "verify"
        if state.get("step", 0) >= self._steps_for(state) or state.get("total_steps", 0) >= self.s.budget.total_steps:
            return "verify"
        return "decide"

    def _steps_for(self, state: RunState) -> int:
        return self.s.budget.total_steps if state.get("mode") == "monolithic" else self.s.budget.subtask_steps

    def verify(self, state: RunState) -> dict:
        """The subtask's verdict: done only with evidence on screen; unverified when the executor
        finished but nothing showed the effect; failed, denied or stuck otherwise."""
        subtask = self._subtask(state)
        pending = state.get("pending") or {}
        statuses = list(state["statuses"])
        evidence = None
        if pending.get("verb") == "denied":
            status, reason = SubtaskStatus.SKIPPED, f"the user denied a {pending.get('category', 'sensitive')} action"
        elif pending.get("verb") == "stuck":
            status, reason = SubtaskStatus.FAILED, pending.get("label", "no option relates to the goal")
        elif pending.get("verb") == "done":
            values = state.get("values", {})
            inputs = {k: v for k, v in values.items() if k in subtask.inputs}
            screen = self.s.device.observe()
            goal = state["task"] if state.get("mode") == "monolithic" else subtask.goal
            found = subtask_evidence(goal, outputs=subtask.outputs, values=values, inputs=inputs, screen=screen,
                                     steps=steps_of(state.get("steps", [])), meaning=self.s.meaning,
                                     every_part=True, read_from=pending.get("label", ""))
            if found is not None:
                status, reason, evidence = SubtaskStatus.DONE, found.detail, found.to_dict()
            elif any(not values.get(n) for n in subtask.outputs):
                status, reason = SubtaskStatus.FAILED, "outputs not read"
            else:
                status, reason = SubtaskStatus.UNVERIFIED, "finished, but nothing on screen shows the effect"
        else:
            status, reason = SubtaskStatus.FAILED, "step budget exhausted"
        statuses[state["current"]] = status.value
        if self.s.memory is not None:
            self.s.memory.record_task(state["task"], subtask.goal, state.get("edges", []),
                                      status is SubtaskStatus.DONE)
        self._emit(state, "subtask.finished", subtask=subtask.id, ok=status is SubtaskStatus.DONE,
                   status=status.value, reason=reason, evidence=evidence, steps=state.get("step", 0))
        return {"statuses": statuses, "reason": reason, "pending": None,
                "reports": self._report(state, status=status.value, reason=reason, evidence=evidence)}

    def after_verify(self, state: RunState) -> str:
        """A failed subtask is tried once more from its app's start; a denied one is not. Either
        way the task goes on: independent subtasks still run (those needing its values skip)."""
        status = state["statuses"][state["current"]]
        if status == SubtaskStatus.FAILED.value:
            budget_left = state.get("total_steps", 0) < self.s.budget.total_steps
            if budget_left and state.get("replans", 0) < self.s.budget.replans:
                return "replan"
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
        statuses = list(state["statuses"])
        verdict = task_verdict(statuses)
        reports = state.get("reports") or [{} for _ in statuses]
        unfinished = [f"{s.id} {status}: {r.get('reason', '')}".strip()
                      for s, status, r in zip(plan.subtasks, statuses, reports, strict=True)
                      if status != SubtaskStatus.DONE.value]
        reason = "every subtask done, with evidence on screen" if not unfinished else "; ".join(unfinished)
        if self.s.memory is not None:
            self.s.memory.end_run(state["run_id"], verdict == "success")
        self._emit(state, "run.finished", ok=verdict == "success", verdict=verdict.value, reason=reason,
                   steps=state.get("total_steps", 0), llm_calls=state.get("llm_calls", 0))
        return {"outcome": verdict.value, "reason": reason}


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


def repeats_effective_step(decision: Decision, steps: list[Step], spots: list[str] = ()) -> bool:
    """Whether ``decision`` is a tap or typing that this subtask already did with a visible effect:
    the same step as recorded, or the same control on the same page (its label may have changed)."""
    if decision.verb not in {"tap", "type"}:
        return False
    if decision.verb == "tap":
        # the same control, though its label changed (a switch's summary); not another control
        # with the same label (a dialog's 'Delete' confirming the page's 'Delete'); and not a Save
        # that commits text typed since the last Save
        return bool(decision.spot) and f"tap|{decision.spot}" in taps_since_typing(spots)
    return any(s.verb == "type" and s.describe() == decision.describe() and s.effective for s in steps)
