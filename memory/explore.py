"""Breadth-first exploration of one app through the ``Device`` seam, recorded into memory.

Launch the app fresh, then for each page in BFS order tap every actionable element that
``explore_policy`` allows, record the step, and go back; lists are scrolled a screenful at a
time until they stop moving, and the controls of each screenful are tapped in turn. A page's
path is the steps that reach it, scrolls included, so a relaunch replays them and a child of a
row far down a list is reached again at the same scroll position. Permission prompts and
first-run dialogs are answered wherever they appear (``explore_policy`` says which and why),
and those answers stay out of paths: once given they are not asked again. Controls are found
again by label, description, class and place (``describe.resolve``); resource ids help when
an app has meaningful ones and are never needed.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from dataclasses import dataclass

from pocketpilot.devices.actions import Launch, action_from_dict
from pocketpilot.devices.device import Device
from pocketpilot.devices.errors import DeviceError, InvalidAction
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.screen import Element, Screen
from pocketpilot.memory.describe import bind_action, locator_for
from pocketpilot.memory.dialogs import find_dialog
from pocketpilot.memory.explore_policy import gate_answer, is_sensitive
from pocketpilot.memory.model import Locator, Source
from pocketpilot.memory.scrolling import MAX_SCROLLS, containers, direction, in_view
from pocketpilot.memory.store import MemoryStore

__all__ = ["ExploreReport", "Explorer", "candidates", "explore_all",
           "is_sensitive"]
_MAX_GATES = 4  # dialogs answered in a row before giving up on a screen
_MAX_REROOTS = 2  # times the app may open on a new start page before exploration stops


def candidates(screen: Screen) -> list[Element]:
    """Elements worth tapping while exploring: clickable, enabled, not a toggle or a text field,
    not sensitive; when a dialog is in front, only its buttons (a touch outside would cancel it)."""
    dialog = find_dialog(screen)
    pool = dialog.buttons if dialog is not None else screen.elements
    return [e for e in pool
            if (e.clickable or e.long_clickable) and e.enabled and not e.editable
            and not e.checkable and not is_sensitive(e, dialog)]


@dataclass(frozen=True)
class ExploreReport:
    app: str
    pages: int  # distinct pages of the app seen
    edges: int  # steps recorded
    actions: int  # device actions spent (taps, scrolls, backs, replays)
    skipped_sensitive: int
    relaunches: int
    run_id: str
    scrolls: int = 0  # scroll steps that revealed new content
    dialogs_answered: int = 0  # permission prompts and first-run dialogs got past

    def to_dict(self) -> dict:
        return {"app": self.app, "pages": self.pages, "edges": self.edges, "actions": self.actions,
                "skipped_sensitive": self.skipped_sensitive, "relaunches": self.relaunches,
                "run_id": self.run_id, "scrolls": self.scrolls,
                "dialogs_answered": self.dialogs_answered}

    @classmethod
    def from_dict(cls, data: dict) -> ExploreReport:
        return cls(**data)


Step = tuple[dict, Locator | None]  # (action template, locator), replayable on a fresh dump
_TAP: dict = {"kind": "tap"}


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
        self.scrolls = self.answered = self.reroots = 0
        self.app = app
        self.package = ""
        start = self._launch()
        self.package = start.package
        self.start_signature = start.signature
        self.seen = {start.signature}
        self.tried: set[tuple[str, str]] = set()
        self.frontier: deque[tuple[str, list[Step]]] = deque([(start.signature, [])])
        screen: Screen | None = start
        while self.frontier and self._left():
            signature, path = self.frontier.popleft()
            screen = self._goto(signature, path, screen)
            if screen is not None:
                self.skipped += sum(1 for e in screen.elements if e.clickable and is_sensitive(e))
                screen = self._explore_page(signature, path, screen)
        self.memory.end_run(self.run_id, True)
        report = ExploreReport(self.package, len(self.seen), self.edges, self.actions, self.skipped,
                               self.relaunches, self.run_id, self.scrolls, self.answered)
        self.emit(Event("memory.explore.done", report.to_dict()))
        return report

    def _left(self, need: int = 1) -> bool:
        return self.actions + need <= self.budget

    def _explore_page(self, signature: str, path: list[Step], screen: Screen) -> Screen | None:
        """Tap every candidate of each screenful of the page, scrolling its lists down to their end."""
        scrolls: list[Step] = []
        done: set[str] = set()  # containers scrolled to their end
        while self._left():
            screen = self._tap_all(signature, [*path, *scrolls], screen)
            if screen is None or not self._left():
                return screen
            scroll = self._next_scroll(screen, done, len(scrolls))
            if scroll is None:
                return screen
            before = in_view(screen)
            after = self._do(screen, scroll)
            if after is not None and after.signature == signature and in_view(after) != before:
                scrolls.append(scroll)
                self.scrolls += 1
                screen = after
                continue
            done.add(scroll[1].key() if scroll[1] else "")
            if after is None or after.signature != signature:
                screen = self._goto(signature, [*path, *scrolls], after)
                if screen is None:
                    return None
            else:
                screen = after
        return screen

    def _next_scroll(self, screen: Screen, done: set[str], count: int) -> Step | None:
        if count >= MAX_SCROLLS:
            return None
        dialog = find_dialog(screen)
        for container in containers(screen, dialog.members if dialog is not None else None):
            locator = locator_for(screen, container.id)
            if locator is not None and locator.key() not in done:
                return {"kind": "scroll", "direction": str(direction(container))}, locator
        return None

    def _tap_all(self, signature: str, path: list[Step], screen: Screen) -> Screen | None:
        """Tap each untried candidate of this screenful and come back to it after each (the
        candidates are read again each time: coming back may show the screenful changed)."""
        view = in_view(screen)
        while self._left():
            locator = self._untried(signature, screen)
            if locator is None:
                break
            self.tried.add((signature, locator.key()))
            step: Step = (_TAP, locator)
            after = self._do(screen, step)
            if after is None:
                continue
            if after.package == self.package and after.signature not in self.seen:
                self.seen.add(after.signature)
                self.frontier.append((after.signature, [*path, step]))
            back = self._return(signature, path, after, view)
            if back is None:
                return None
            screen = back
        return screen

    def _untried(self, signature: str, screen: Screen) -> Locator | None:
        for element in candidates(screen):
            locator = locator_for(screen, element.id)
            if locator is not None and (signature, locator.key()) not in self.tried:
                return locator
        return None

    def _do(self, screen: Screen, step: Step) -> Screen | None:
        """Perform one remembered step on ``screen``, record it, and return the settled screen."""
        bound = bind_action(step[0], step[1], screen)
        if bound is None:
            return None
        after = self._act(screen, bound[0], step[1])
        return None if after is None else self._settle(after)

    def _act(self, screen: Screen, action: dict, locator: Locator | None) -> Screen | None:
        started = time.monotonic()
        self.actions += 1
        try:
            self.device.act(action_from_dict(action))
        except InvalidAction:
            return None
        after = self.device.observe()
        self.memory.record_step(self.run_id, screen, action, after, True,
                                time.monotonic() - started, locator=locator, source=Source.EXPLORE)
        self.edges += 1
        self.emit(Event("memory.explore.step", {
            "from": screen.signature, "to": after.signature, "kind": action["kind"],
            "label": (locator.text or locator.desc) if locator else action["kind"]}))
        return after

    def _settle(self, screen: Screen) -> Screen:
        """Answer the permission prompts and first-run dialogs in front of ``screen``, if any."""
        for _ in range(_MAX_GATES):
            button = gate_answer(screen)
            if button is None or not self._left():
                break
            after = self._act(screen, {"kind": "tap", "element": button.id},
                              locator_for(screen, button.id))
            if after is None or after.signature == screen.signature:
                break
            self.answered += 1
            screen = after
        return screen

    def _return(self, signature: str, path: list[Step], after: Screen,
                view: tuple) -> Screen | None:
        """Back to page ``signature`` showing ``view`` after a tap: Back once, else replay."""
        if after.signature == signature and in_view(after) == view:
            return after
        if self._left():
            back = self._do(after, ({"kind": "back"}, None))
            if back is not None and back.signature == signature and in_view(back) == view:
                return back
        return self._goto(signature, path, None)

    def _goto(self, signature: str, path: list[Step], screen: Screen | None) -> Screen | None:
        """The screen of page ``signature``, reached by relaunching and replaying ``path``."""
        # Here already, unless the path scrolls: the page then has to be at the path's position.
        scrolled = any(step[0].get("kind") == "scroll" for step in path)
        if screen is not None and screen.signature == signature and not scrolled:
            return screen
        if not self._left(len(path) + 1):
            return None
        self.relaunches += 1
        try:
            screen = self._launch()
        except DeviceError:
            return None
        if screen.signature != self.start_signature:
            self._reroot(screen)
            return screen if screen.signature == signature and not path else None
        for step in path:
            screen = self._do(screen, step)
            if screen is None:
                return None
        return screen if screen.signature == signature else None

    def _reroot(self, start: Screen) -> None:
        """The app opens on another page now (access was granted from inside it, a first run
        ended): paths from the old start no longer lead anywhere, so explore on from the new one."""
        if self.reroots >= _MAX_REROOTS:
            self.frontier.clear()
            return
        self.reroots += 1
        self.start_signature = start.signature
        self.seen.add(start.signature)
        self.frontier = deque([(start.signature, [])])

    def _launch(self) -> Screen:
        """The app started afresh (its start page, lists at the top), past any first-run dialogs."""
        self.actions += 1
        self.device.act(Launch(self.app, fresh=True))
        return self._settle(self.device.observe())


def explore_all(device: Device, memory: MemoryStore, *, budget: int = 200) -> list[ExploreReport]:
    """Every launcher app of ``device``, one after another (``budget`` device actions each)."""
    explorer = Explorer(device, memory, budget=budget)
    return [explorer.explore(app.package) for app in device.apps()]
