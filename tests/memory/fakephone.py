"""A tiny fake phone for memory tests: apps made of list pages, dumped as real uiautomator XML.

It implements the ``Device`` Protocol (observe/act/launch/back ...) so exploration and recording
run through the same seam as on the virtual phone; screens come from ``Screen.from_xml``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from pocketpilot.devices import (
    ActionResult,
    AppInfo,
    Back,
    DeviceInfo,
    Home,
    Launch,
    Screen,
    Tap,
)
from pocketpilot.devices.actions import validate

WIDTH, HEIGHT = 1080, 2400
ROW_HEIGHT = 200


def node(cls: str, *, pkg: str, text: str = "", rid: str = "", desc: str = "",
         bounds: tuple[int, int, int, int] = (0, 0, WIDTH, HEIGHT), children: tuple[str, ...] = (),
         **flags: bool) -> str:
    attrs = {
        "index": "0", "text": text, "resource-id": rid, "class": cls, "package": pkg,
        "content-desc": desc, "checkable": "false", "checked": "false", "clickable": "false",
        "enabled": "true", "focusable": "false", "focused": "false", "scrollable": "false",
        "long-clickable": "false", "password": "false", "selected": "false",
        "bounds": "[{},{}][{},{}]".format(*bounds),
    }
    for name, value in flags.items():
        attrs[name.replace("_", "-")] = "true" if value else "false"
    rendered = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
    if not children:
        return f"<node {rendered} />"
    return f"<node {rendered}>" + "".join(children) + "</node>"


def hierarchy(*nodes: str) -> str:
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
            "<hierarchy rotation=\"0\">" + "".join(nodes) + "</hierarchy>")


def status_bar(clock: str) -> str:
    ui = "com.android.systemui"
    return node("android.widget.FrameLayout", pkg=ui, bounds=(0, 0, WIDTH, 100), children=(
        node("android.widget.TextView", pkg=ui, text=clock, rid=f"{ui}:id/clock",
             bounds=(40, 20, 200, 80)),))


@dataclass
class Item:
    """A row of a page: opens ``to`` when tapped, or flips a switch when ``switch``."""

    label: str
    to: str | None = None
    switch: bool = False
    summary: str = ""


@dataclass
class FakeApp:
    package: str
    label: str
    pages: dict[str, list[Item]]
    start: str = "home"
    back_quirks: dict[str, str] = field(default_factory=dict)  # page -> where Back really goes


class FakeDevice:
    """Implements ``Device``; counts every tap by label so tests can check what was touched."""

    def __init__(self, apps: list[FakeApp]) -> None:
        self.apps_by_package = {app.package: app for app in apps}
        self.app: FakeApp | None = None
        self.stack: list[str] = []
        self.switches: dict[tuple[str, str], bool] = {}
        self.tapped: list[str] = []
        self.ticks = itertools.count()
        self.last: Screen | None = None
        self.observations = 0

    # Device protocol
    def observe(self) -> Screen:
        self.observations += 1
        self.last = Screen.from_xml(self.render(), size=(WIDTH, HEIGHT))
        return self.last

    def screenshot(self) -> bytes:
        return b"\x89PNG\r\n\x1a\n"

    def act(self, action) -> ActionResult:
        validate(action, self.last)
        if isinstance(action, Tap) and self.app is not None:
            element = self.last.element(action.element)
            self.tapped.append(element.label)
            row = next((i for i in self.app.pages[self.stack[-1]] if i.label in element.label), None)
            if row is not None and row.switch:
                key = (self.stack[-1], row.label)
                self.switches[key] = not self.switches.get(key, False)
            elif row is not None and row.to:
                self.stack.append(row.to)
        elif isinstance(action, Back):
            self.back()
        elif isinstance(action, Home):
            self.app, self.stack = None, []
        elif isinstance(action, Launch):
            self.launch(action.app)
        return ActionResult(action, 0.01)

    def sensors(self):
        raise NotImplementedError("the fake phone has no sensors")

    def apps(self) -> list[AppInfo]:
        return [AppInfo(a.package, a.label) for a in self.apps_by_package.values()]

    def launch(self, app: str) -> None:
        from pocketpilot.devices.device import resolve_app

        self.app = self.apps_by_package[resolve_app(app, self.apps())]
        self.stack = [self.app.start]

    def info(self) -> DeviceInfo:
        return DeviceInfo("fake-1", "FakePhone", "14", (WIDTH, HEIGHT), "virtual")

    def close(self) -> None:
        pass

    # behaviour
    def back(self) -> None:
        if self.app is None:
            return
        quirk = self.app.back_quirks.get(self.stack[-1])
        if quirk is not None:
            self.stack = [self.app.start] if quirk == self.app.start else [*self.stack[:-1], quirk]
        elif len(self.stack) > 1:
            self.stack.pop()
        else:
            self.app, self.stack = None, []

    def render(self) -> str:
        clock = f"12:{next(self.ticks) % 60:02d}"
        if self.app is None:
            return self.render_launcher(clock)
        pkg, page = self.app.package, self.stack[-1]
        rows = []
        for n, item in enumerate(self.app.pages[page]):
            top = 300 + n * ROW_HEIGHT
            box = (0, top, WIDTH, top + ROW_HEIGHT)
            texts = [node("android.widget.TextView", pkg=pkg, text=item.label,
                          rid="android:id/title", bounds=(40, top + 20, 800, top + 100))]
            if item.summary:
                texts.append(node("android.widget.TextView", pkg=pkg,
                                  text=item.summary.format(n=self.observations),
                                  rid="android:id/summary", bounds=(40, top + 110, 800, top + 180)))
            if item.switch:
                on = self.switches.get((page, item.label), False)
                texts.append(node("android.widget.Switch", pkg=pkg, rid="android:id/switch_widget",
                                  bounds=(900, top + 50, 1040, top + 150), checkable=True,
                                  checked=on, text="ON" if on else "OFF"))
            rows.append(node("android.widget.LinearLayout", pkg=pkg, bounds=box, clickable=True,
                             children=tuple(texts)))
        content = node("android.widget.FrameLayout", pkg=pkg, bounds=(0, 100, WIDTH, HEIGHT),
                       children=(
                           node("android.widget.TextView", pkg=pkg, text=page.replace("_", " ").title(),
                                rid=f"{pkg}:id/action_bar_title", bounds=(40, 150, 800, 250)),
                           node("androidx.recyclerview.widget.RecyclerView", pkg=pkg,
                                rid=f"{pkg}:id/recycler_view", bounds=(0, 280, WIDTH, HEIGHT),
                                scrollable=True, children=tuple(rows)),
                       ))
        return hierarchy(status_bar(clock), content)

    def render_launcher(self, clock: str) -> str:
        pkg = "com.android.launcher3"
        icons = tuple(
            node("android.widget.TextView", pkg=pkg, text=app.label, desc=app.label, clickable=True,
                 bounds=(40 + 260 * n, 1800, 260 + 260 * n, 2050))
            for n, app in enumerate(self.apps_by_package.values()))
        return hierarchy(status_bar(clock), node("android.widget.FrameLayout", pkg=pkg,
                                                 bounds=(0, 100, WIDTH, HEIGHT), children=icons))


def settings_app() -> FakeApp:
    """A Settings-like app with a sensitive row, a switch and a page whose Back misbehaves."""
    return FakeApp(
        package="com.example.settings",
        label="Settings",
        pages={
            "home": [Item("Network & internet", "network", summary="{n} networks"),
                     Item("Display", "display"), Item("Storage", "storage"),
                     Item("Reset options", "reset")],
            "network": [Item("Wi-Fi", switch=True), Item("Internet", "internet"),
                        Item("Hotspot & tethering", "hotspot")],
            "internet": [Item("Add network", "add_network"), Item("Saved networks", "saved")],
            "add_network": [Item("Scan QR code")],
            "saved": [Item("Forget all")],
            "hotspot": [Item("Wi-Fi hotspot", switch=True)],
            "display": [Item("Dark theme", switch=True), Item("Brightness level", "brightness")],
            "brightness": [Item("Adaptive brightness", switch=True)],
            "storage": [Item("Free up space", "free_space")],
            "free_space": [Item("Delete backed up photos")],
            "reset": [Item("Erase all data (factory reset)", "erase")],
            "erase": [Item("Erase all data")],
        },
        back_quirks={"add_network": "home"},
    )
