"""Recording a device's screens and actions, and replaying them as a ``Device`` offline.

``RecordingDevice`` wraps any device and writes what passes through it into a run directory:
``device.json`` (info, apps), ``screens/NNNN.xml`` with ``screens.jsonl`` (which screen was seen
after how many calls) and ``actions.jsonl`` (every ``act``/``launch``, with the target element's
locator). ``RecordedDevice`` serves those screens in order and checks that each call matches the
recorded one by locator (element ids differ between runs), raising ``ReplayMismatch`` if not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pocketpilot.devices.actions import Action, action_to_dict
from pocketpilot.devices.device import ActionResult, AppInfo, Device, DeviceInfo, resolve_app
from pocketpilot.devices.errors import DeviceCommandFailed, RecordingError, ReplayMismatch
from pocketpilot.devices.screen import Screen, parse_uiautomator_xml
from pocketpilot.devices.sensors import Sensors
from pocketpilot.devices.wrapping import WrappedDevice

DEVICE, SCREENS, ACTIONS, SCREEN_DIR = "device.json", "screens.jsonl", "actions.jsonl", "screens"


def locator(screen: Screen | None, element_id: int | None) -> dict[str, str] | None:
    """What identifies an element across runs: resource id, class and (for non-fields) label."""
    if screen is None or element_id is None:
        return None
    try:
        element = screen.element(element_id)
    except KeyError:
        return None
    return {"resource_id": element.resource_id, "class": element.class_name,
            "label": "" if element.editable else element.label}


def call_record(action: Action | None, screen: Screen | None, *, app: str = "") -> dict[str, Any]:
    """The comparable form of one call: the action without element ids, plus the target's locator."""
    if action is None:
        return {"call": "launch", "app": app}
    data = {k: v for k, v in action_to_dict(action).items() if k != "element"}
    return {"call": "act", "action": data, "target": locator(screen, getattr(action, "element", None))}


class RecordingDevice(WrappedDevice):
    """Passes every call to ``inner`` and records screens and actions into ``directory``."""

    def __init__(self, inner: Device, directory: str | Path) -> None:
        self.inner, self.directory = inner, Path(directory)
        (self.directory / SCREEN_DIR).mkdir(parents=True, exist_ok=True)
        # A resumed run appends to what the interrupted one recorded.
        self._screens = len(list((self.directory / SCREEN_DIR).glob("*.xml")))
        self._calls = len(_read_lines(self.directory / ACTIONS)) if (self.directory / ACTIONS).exists() else 0
        self._last_xml = None
        self._last: Screen | None = None
        info = {"info": inner.info().to_dict(), "apps": [{"package": a.package, "label": a.label}
                                                        for a in inner.apps()]}
        (self.directory / DEVICE).write_text(json.dumps(info, indent=1), encoding="utf-8")

    def observe(self) -> Screen:
        screen = self.inner.observe()
        if screen.xml != self._last_xml:
            self._screens += 1
            (self.directory / SCREEN_DIR / f"{self._screens:04d}.xml").write_text(screen.xml, encoding="utf-8")
            self._last_xml = screen.xml
        self._append(SCREENS, {"file": f"{self._screens:04d}.xml", "calls": self._calls,
                               "activity": screen.activity, "size": list(screen.size)})
        self._last = screen
        return screen

    def act(self, action: Action) -> ActionResult:
        record = call_record(action, self._last)
        result = self.inner.act(action)
        self._append(ACTIONS, {**record, "seconds": round(result.seconds, 3)})
        self._calls += 1
        return result

    def launch(self, app: str) -> None:
        self.inner.launch(app)
        self._append(ACTIONS, call_record(None, None, app=resolve_app(app, self.inner.apps())))
        self._calls += 1

    def _append(self, name: str, row: dict) -> None:
        with open(self.directory / name, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


class RecordedDevice:
    """A ``Device`` that serves a recording: the screen after k calls, while the k+1-th must match."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        meta = _read_json(self.directory / DEVICE)
        self._info = meta["info"]
        self._apps = [AppInfo(a["package"], a["label"]) for a in meta["apps"]]
        self.calls = _read_lines(self.directory / ACTIONS)
        self._screens: dict[int, dict] = {}
        for row in _read_lines(self.directory / SCREENS):
            self._screens[row["calls"]] = row  # the last screen seen at each point is the settled one
        if not self._screens:
            raise RecordingError(f"{self.directory / SCREENS}: no screens were recorded; re-record the run")
        self.position = 0
        self._last: Screen | None = None

    @property
    def finished(self) -> bool:
        """Whether every recorded call was replayed."""
        return self.position == len(self.calls)

    def observe(self) -> Screen:
        seen = [k for k in self._screens if k <= self.position]
        at = max(seen) if seen else min(self._screens)  # nothing observed yet: the first screen seen
        row = self._screens[at]
        try:
            xml = (self.directory / SCREEN_DIR / row["file"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise RecordingError(f"cannot read recorded screen {row['file']}: {exc}") from exc
        self._last = parse_uiautomator_xml(xml, activity=row.get("activity", ""), size=tuple(row["size"]))
        return self._last

    def act(self, action: Action) -> ActionResult:
        seconds = self._match(call_record(action, self._last)).get("seconds", 0.0)
        return ActionResult(action=action, seconds=float(seconds), detail="replayed")

    def launch(self, app: str) -> None:
        self._match(call_record(None, None, app=resolve_app(app, self._apps)))

    def _match(self, actual: dict) -> dict:
        expected = self.calls[self.position] if self.position < len(self.calls) else None
        comparable = None if expected is None else {k: v for k, v in expected.items() if k != "seconds"}
        if comparable != actual:
            raise ReplayMismatch(self.position, comparable, actual)
        self.position += 1
        return expected

    def screenshot(self) -> bytes:
        raise DeviceCommandFailed("a recorded run holds UI dumps, not screenshots")

    def sensors(self) -> Sensors:
        return Sensors(problems=("a recorded run has no live sensors",))

    def apps(self) -> list[AppInfo]:
        return list(self._apps)

    def info(self) -> DeviceInfo:
        info = self._info
        return DeviceInfo(serial=info["serial"], model=info["model"], android_version=info["android_version"],
                          screen_size=tuple(info["screen_size"]), kind="recorded")

    def close(self) -> None:
        """Nothing to release: the recording is read up front."""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RecordingError(f"cannot read {path}: {exc}; is it a run recorded with --record?") from exc


def _read_lines(path: Path) -> list[dict]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise RecordingError(f"cannot read {path}: {exc}; is it a run recorded with --record?") from exc
