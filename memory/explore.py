"""Breadth-first exploration of one app through the ``Device`` seam, recorded into memory.

Launch the app, then for each page in BFS order tap every actionable element not judged
sensitive, record the step, and go back; when Back does not return to the page, relaunch and
replay the page's path from the start page. Nothing here knows any app: what may not be touched is
decided by a generic word filter (send, pay, delete, reset ...), and toggles and text fields are
left alone because flipping or typing changes state rather than revealing pages.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import deque
from dataclasses import dataclass

from pocketpilot.devices.actions import Back, Tap
from pocketpilot.devices.device import Device
from pocketpilot.devices.errors import DeviceError, InvalidAction
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.screen import Element, Screen
from pocketpilot.memory.describe import bind_action, locator_for
from pocketpilot.memory.model import Locator, Source
from pocketpilot.memory.store import MemoryStore

SENSITIVE_WORDS = (
    "send", "pay", "buy", "delete", "remove", "share", "erase", "reset", "uninstall", "purchase",
    "transfer", "sign out", "log out", "logout", "format", "factory", "confirm", "call", "dial",
    "submit", "order", "checkout", "wipe", "forget", "block", "report", "publish", "post",
    "accept", "allow", "install", "subscribe", "unsubscribe", "discard", "clear", "archive",
)
_SENSITIVE = re.compile(r"\b(" + "|".join(re.escape(w) for w in SENSITIVE_WORDS) + r")\b", re.I)


def is_sensitive(element: Element) -> bool:
    """Whether tapping ``element`` might do something irreversible (by its label, desc or id)."""
    words = " ".join((element.label, element.desc, element.resource_id.split("/")[-1].replace("_", " ")))
    return bool(_SENSITIVE.search(words))


def candidates(screen: Screen) -> list[Element]:
    """Elements worth tapping while exploring: clickable, enabled, not a toggle or a text field."""
    return [e for e in screen.elements
            if (e.clickable or e.long_clickable) and e.enabled and not e.editable
            and not e.checkable and not is_sensitive(e)]


@dataclass(frozen=True)
class ExploreReport:
    app: str
    pages: int  # distinct pages of the app seen
    edges: int  # steps recorded
    actions: int  # device actions spent (taps, backs, replays)
    skipped_sensitive: int
    relaunches: int
    run_id: str

    def to_dict(self) -> dict:
        return {"app": self.app, "pages": self.pages, "edges": self.edges, "actions": self.actions,
                "skipped_sensitive": self.skipped_sensitive, "relaunches": self.relaunches,
                "run_id": self.run_id}

    @classmethod
    def from_dict(cls, data: dict) -> ExploreReport:
        return cls(**data)


Step = tuple[dict, Locator | None]  # (action template, locator), replayable on a fresh dump


class Explorer:
    """Explores one app per ``explore()`` call; ``budget`` caps device actions, replays included."""

    def __init__(self, device: Device, memory: MemoryStore, *, budget: int = 200,
                 emit: EventSink = discard) -> None:
        self.device = device
        self.memory = memory
        self.budget = budget
        self.emit = emit

    def explore(self, app: str) -> ExploreReport:
        self.run_id = f"explore-{uuid.uuid4().hex[:8]}"
        self.actions = self.edges = self.skipped = self.relaunches = 0
        self.app = app
        self.device.launch(app)
        start = self.device.observe()
        self.package = start.package
        self.start_signature = start.signature
        seen = {start.signature}
        tried: set[tuple[str, str]] = set()
        frontier: deque[tuple[str, list[Step]]] = deque([(start.signature, [])])
        screen = start
        while frontier and self.actions < self.budget:
            signature, path = frontier.popleft()
            screen = self._goto(signature, path, screen)
            if screen is None:
                continue
            self.skipped += sum(1 for e in screen.elements if e.clickable and is_sensitive(e))
            for locator in [locator_for(screen, e.id) for e in candidates(screen)]:
                if self.actions >= self.budget:
                    break
                if locator is None or (signature, locator.key()) in tried:
                    continue
                tried.add((signature, locator.key()))
                step: Step = ({"kind": "tap"}, locator)
                after = self._do(screen, step)
                if after is None:
                    continue
                if after.package == self.package and after.signature not in seen:
                    seen.add(after.signature)
                    frontier.append((after.signature, [*path, step]))
                screen = self._return(signature, path, after)
                if screen is None:
                    break
        self.memory.end_run(self.run_id, True)
        report = ExploreReport(self.package, len(seen), self.edges, self.actions, self.skipped,
                               self.relaunches, self.run_id)
        self.emit(Event("memory.explore.done", report.to_dict()))
        return report

    def _do(self, screen: Screen, step: Step) -> Screen | None:
        """Perform one remembered step on ``screen``, record it, return the screen after it."""
        bound = bind_action(step[0], step[1], screen)
        if bound is None:
            return None
        action, _, _ = bound
        started = time.monotonic()
        self.actions += 1
        try:
            self.device.act(Tap(element=action["element"]) if "element" in action else Back())
        except InvalidAction:
            return None
        after = self.device.observe()
        seconds = time.monotonic() - started
        self.memory.record_step(self.run_id, screen, action, after, True, seconds,
                                locator=step[1], source=Source.EXPLORE)
        self.edges += 1
        self.emit(Event("memory.explore.step", {"from": screen.signature, "to": after.signature,
                                                "label": step[1].text if step[1] else "back"}))
        return after

    def _return(self, signature: str, path: list[Step], after: Screen) -> Screen | None:
        """Back to ``signature`` after a tap: Back once, else relaunch and replay the path."""
        if after.signature == signature:
            return after
        if self.actions < self.budget:
            back = self._do(after, ({"kind": "back"}, None))
            if back is not None and back.signature == signature:
                return back
        return self._goto(signature, path, None)

    def _goto(self, signature: str, path: list[Step], screen: Screen | None) -> Screen | None:
        """The screen of page ``signature``, reached by relaunching and replaying ``path``."""
        if screen is not None and screen.signature == signature:
            return screen
        if self.actions + len(path) > self.budget:
            return None
        self.relaunches += 1
        try:
            self.device.launch(self.app)
        except DeviceError:
            return None
        screen = self.device.observe()
        # Launching a running app may resume it where it was: back out to its start page.
        for _ in range(5):
            if screen.signature == self.start_signature or screen.package != self.package:
                break
            self.device.act(Back())
            self.actions += 1
            screen = self.device.observe()
        if screen.signature != self.start_signature:
            self.device.launch(self.app)
            screen = self.device.observe()
        for step in path:
            if screen is None or screen.signature == signature:
                break
            screen = self._do(screen, step)
        return screen if screen is not None and screen.signature == signature else None


def explore_all(device: Device, memory: MemoryStore, *, budget: int = 200) -> list[ExploreReport]:
    """Every launcher app of ``device``, one after another (``budget`` device actions each)."""
    explorer = Explorer(device, memory, budget=budget)
    return [explorer.explore(app.package) for app in device.apps()]
