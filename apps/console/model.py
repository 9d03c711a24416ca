"""``RunView``: folds a run's events into what the console shows, at any point of the run.

Pure (no I/O, no Textual), so every view is a function of ``RunView.at(index)`` and stepping back
and forth through a run is folding a prefix of its events. Unknown event kinds are ignored, and
missing fields fall back to empty values: run records from older or newer versions still open.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pocketpilot.devices.events import Event

THERMAL = ("NONE", "LIGHT", "MODERATE", "SEVERE", "CRITICAL", "EMERGENCY", "SHUTDOWN")
SERIES = ("battery_level", "power_w", "battery_temp_c", "thermal")
SERIES_KEEP = 240  # readings per sparkline: minutes of a run at one reading a second


@dataclass(frozen=True)
class SubtaskRow:
    id: int
    app: str
    goal: str
    status: str = "pending"  # pending | running | done | failed
    reason: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0


@dataclass(frozen=True)
class ScreenView:
    signature: str = ""
    package: str = ""
    count: int = 0
    lines: tuple[str, ...] = ()
    screenshot: str | None = None  # path relative to the run dir


@dataclass(frozen=True)
class ActionRow:
    index: int  # the event's position in the run
    subtask: int | None
    verb: str
    target: str
    effect: str
    seconds: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class LlmRow:
    index: int
    program: str
    prompt: int
    prefilled: int
    reused: int
    generated: int
    ttft_s: float
    tokens_per_s: float
    slot: str = ""


@dataclass(frozen=True)
class Note:
    """One line of a log the console lists as is: a KV move, a reconfiguration, an error."""

    index: int
    kind: str
    text: str
    reason: str = ""


@dataclass(frozen=True)
class Confirmation:
    index: int
    category: str
    action: str
    target: str
    approved: bool | None = None  # None: not answered yet


@dataclass(frozen=True)
class RunState:
    """The run as it stood after event ``index`` (-1: before any event)."""

    index: int = -1
    total: int = 0
    ts: float = 0.0
    run_id: str = ""
    task: str = ""
    status: str = "waiting"  # waiting | running | success | failure
    reason: str = ""
    subtasks: tuple[SubtaskRow, ...] = ()
    current: int | None = None
    replans: tuple[Note, ...] = ()
    screen: ScreenView = field(default_factory=ScreenView)
    actions: tuple[ActionRow, ...] = ()
    llm: tuple[LlmRow, ...] = ()
    queue: int = 0
    running: str = ""
    tools: tuple[str, ...] = ()
    kv_bytes: int | None = None
    kv_budget: int | None = None
    kv_log: tuple[Note, ...] = ()
    series: dict[str, tuple[float, ...]] = field(default_factory=dict)
    energy_j: float = 0.0
    reconfig: tuple[Note, ...] = ()
    confirmations: tuple[Confirmation, ...] = ()
    errors: tuple[Note, ...] = ()
    last: str = ""  # the kind of event ``index``

    @property
    def pending_confirmation(self) -> Confirmation | None:
        return next((c for c in reversed(self.confirmations) if c.approved is None), None)


def _number(value: Any) -> float | None:
    """A sensor value as a float: plain numbers, ``{"value": v}`` readings, or thermal names."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, str) and value.upper() in THERMAL:
        return float(THERMAL.index(value.upper()))
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class _Fold:
    """Mutable accumulator behind ``RunView``; ``state()`` freezes what it holds so far."""

    def __init__(self) -> None:
        self.s = RunState()
        self.lists: dict[str, list] = {name: [] for name in (
            "replans", "actions", "llm", "kv_log", "reconfig", "confirmations", "errors")}
        self.series: dict[str, list[float]] = {name: [] for name in SERIES}
        self.subtasks: list[SubtaskRow] = []
        self.tools: list[str] = []
        self.count = 0

    def state(self, total: int) -> RunState:
        return replace(self.s, total=total, subtasks=tuple(self.subtasks), tools=tuple(self.tools),
                       series={k: tuple(v[-SERIES_KEEP:]) for k, v in self.series.items() if v},
                       **{name: tuple(items) for name, items in self.lists.items()})

    def add(self, event: Event) -> None:
        index, self.count = self.count, self.count + 1
        self.s = replace(self.s, index=index, ts=event.ts, last=event.kind)
        handler = getattr(self, "_" + event.kind.replace(".", "_"), None)
        if handler is not None:
            handler(index, event.data)
        elif event.kind.startswith("reconfig"):
            self._reconfig(index, event.kind, event.data)
        elif event.kind.startswith("kv."):
            self._kv_note(index, event.kind, event.data)
        elif event.kind == "error" or event.kind.endswith(".error"):
            text = str(event.data.get("error") or event.data.get("message") or event.data)
            self.lists["errors"].append(Note(index, event.kind, text))

    # -- run and plan ------------------------------------------------------------------------
    def _run_started(self, index: int, d: dict) -> None:
        self.s = replace(self.s, run_id=str(d.get("run_id", "")), task=str(d.get("task", "")), status="running")

    def _run_resumed(self, index: int, d: dict) -> None:
        self.s = replace(self.s, status="running")

    def _run_finished(self, index: int, d: dict) -> None:
        self.s = replace(self.s, status="success" if d.get("ok") else "failure", reason=str(d.get("reason", "")))

    def _plan_created(self, index: int, d: dict) -> None:
        subs = (d.get("plan") or {}).get("subtasks", [])
        self.subtasks = [SubtaskRow(int(s["id"]), s.get("app") or "", s.get("goal", "")) for s in subs]

    def _plan_replanned(self, index: int, d: dict) -> None:
        if d.get("plan"):
            self._plan_created(index, d)
        note = Note(index, "replan", f"subtask {d.get('subtask', '?')}", str(d.get("reason", "")))
        self.lists["replans"].append(note)

    def _update_subtask(self, sub_id: Any, **changes: Any) -> None:
        for i, row in enumerate(self.subtasks):
            if row.id == sub_id:
                self.subtasks[i] = replace(row, **changes)

    def _row(self, sub_id: Any) -> SubtaskRow | None:
        return next((r for r in self.subtasks if r.id == sub_id), None)

    def _subtask_started(self, index: int, d: dict) -> None:
        sub_id = (d.get("subtask") or {}).get("id")
        row = self._row(sub_id)
        self._update_subtask(sub_id, status="running", reason="", attempts=(row.attempts if row else 0) + 1)
        self.s = replace(self.s, current=sub_id)

    def _subtask_outputs(self, index: int, d: dict) -> None:
        self._update_subtask(d.get("subtask"), outputs=dict(d.get("values") or {}))

    def _subtask_finished(self, index: int, d: dict) -> None:
        self._update_subtask(d.get("subtask"), status="done" if d.get("ok") else "failed",
                             reason=str(d.get("reason", "")))

    # -- device ------------------------------------------------------------------------------
    def _device_observe(self, index: int, d: dict) -> None:
        count = d.get("elements", 0)
        lines = d.get("lines")
        if isinstance(count, list):  # element lines under ``elements``
            lines, count = count, len(count)
        self.s = replace(self.s, screen=ScreenView(
            signature=str(d.get("signature", "")), package=str(d.get("package", "")), count=int(count or 0),
            lines=tuple(str(line) for line in lines or ()), screenshot=d.get("screenshot") or None))

    def _device_screenshot(self, index: int, d: dict) -> None:
        self.s = replace(self.s, screen=replace(self.s.screen, screenshot=d.get("path")))

    def _device_action(self, index: int, d: dict) -> None:
        action = d.get("action") or {}
        verb = action.get("kind", "none")
        target = str(d.get("target", ""))
        if action.get("text"):
            target = f"{target} ← {action['text']!r}" if target else repr(action["text"])
        self.lists["actions"].append(ActionRow(index, self.s.current, verb, target, str(d.get("effect", "")),
                                               float(d.get("seconds") or 0.0), str(d.get("source", ""))))

    # -- confirmations -----------------------------------------------------------------------
    def _confirm_requested(self, index: int, d: dict) -> None:
        pending = self._pending()
        if pending is not None and (pending.target, pending.category) == (d.get("target"), d.get("category")):
            return  # the graph re-runs its node on resume and asks again: one request, not two
        self.lists["confirmations"].append(Confirmation(index, str(d.get("category", "")), str(d.get("action", "")),
                                                        str(d.get("target", ""))))

    def _pending(self) -> Confirmation | None:
        return next((c for c in reversed(self.lists["confirmations"]) if c.approved is None), None)

    def _confirm_answered(self, index: int, d: dict) -> None:
        approved = bool(d.get("approved"))
        confirmations = self.lists["confirmations"]
        for i in range(len(confirmations) - 1, -1, -1):
            if confirmations[i].approved is None:
                confirmations[i] = replace(confirmations[i], approved=approved)
                break
        if not approved:
            self.lists["actions"].append(ActionRow(index, self.s.current, "denied", str(d.get("target", "")),
                                                   "not done", 0.0, "user"))

    # -- model, scheduler, memory, sensors ---------------------------------------------------
    def _llm_call(self, index: int, d: dict) -> None:
        self.lists["llm"].append(LlmRow(
            index, str(d.get("program", "")), int(d.get("prompt_tokens", 0)), int(d.get("prefilled_tokens", 0)),
            int(d.get("reused_tokens", 0)), int(d.get("generated_tokens", 0)), float(d.get("ttft_s", 0.0)),
            float(d.get("decode_tokens_per_s", 0.0)), str(d.get("slot", ""))))
        self._kv_usage(index, d)

    def _kv_usage(self, index: int, d: dict) -> None:
        used = d.get("kv_bytes", d.get("resident_bytes"))
        budget = d.get("kv_budget_bytes", d.get("budget_bytes"))
        if used is not None:
            self.s = replace(self.s, kv_bytes=int(used))
        if budget is not None:
            self.s = replace(self.s, kv_budget=int(budget))

    def _kv_note(self, index: int, kind: str, d: dict) -> None:
        parts = [f"{k}={d[k]}" for k in ("tokens", "bytes", "from", "ttl_s", "ok") if k in d]
        self.lists["kv_log"].append(Note(index, kind, f"{d.get('program', '')} {' '.join(parts)}".strip(),
                                         str(d.get("error", ""))))
        if kind == "kv.restore" and d.get("ok") is False:
            self.lists["errors"].append(Note(index, kind, f"KV restore failed for {d.get('program')}",
                                             str(d.get("error", ""))))

    def _sched_enqueue(self, index: int, d: dict) -> None:
        self.s = replace(self.s, queue=int(d.get("queued", self.s.queue + 1)))

    def _sched_start(self, index: int, d: dict) -> None:
        self.s = replace(self.s, queue=max(0, self.s.queue - 1), running=str(d.get("program", "")))

    def _sched_done(self, index: int, d: dict) -> None:
        self.s = replace(self.s, running="")

    def _sched_tool_start(self, index: int, d: dict) -> None:
        self.tools.append(f"{d.get('program', '')}:{d.get('tool', '')}")

    def _sched_tool_end(self, index: int, d: dict) -> None:
        name = f"{d.get('program', '')}:{d.get('tool', '')}"
        if name in self.tools:
            self.tools.remove(name)

    def _sensors_read(self, index: int, d: dict) -> None:
        for name, value in (("battery_level", d.get("battery_level")), ("power_w", d.get("power_w")),
                            ("battery_temp_c", d.get("battery_temp_c")), ("thermal", d.get("thermal_status"))):
            number = _number(value)
            if number is not None:
                self.series[name].append(number)

    def _energy_step(self, index: int, d: dict) -> None:
        self.s = replace(self.s, energy_j=self.s.energy_j + float(d.get("joules", 0.0)))

    def _reconfig(self, index: int, kind: str, d: dict) -> None:
        what = d.get("decision") or d.get("to") or d.get("mode") or ""
        if d.get("from") is not None:
            what = f"{d['from']} → {what}"
        self.lists["reconfig"].append(Note(index, kind, str(what), str(d.get("reason", ""))))


class RunView:
    """A run's events, and its state after any of them; ``extend`` as a live run grows."""

    def __init__(self, events: list[Event] | None = None) -> None:
        self.events: list[Event] = list(events or [])
        self._fold = _Fold()

    def __len__(self) -> int:
        return len(self.events)

    def extend(self, events: list[Event]) -> None:
        self.events.extend(events)

    def at(self, index: int) -> RunState:
        """The state after event ``index`` (clamped to the run); -1 is before the first event."""
        index = max(-1, min(index, len(self.events) - 1))
        if self._fold.count > index + 1:
            self._fold = _Fold()  # stepping back: fold again from the start
        while self._fold.count <= index:
            self._fold.add(self.events[self._fold.count])
        return self._fold.state(len(self.events))

    @property
    def final(self) -> RunState:
        return self.at(len(self.events) - 1)
