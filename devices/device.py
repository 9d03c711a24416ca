"""The ``Device`` seam: what everything above ``devices`` may ask of a phone.

Implementations: ``AdbDevice`` (a real phone or any ADB endpoint), ``VirtualPhone`` (in-process),
and ``RecordedDevice`` (replays a recording). Element ids in actions refer to the screen returned
by the last ``observe()``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pocketpilot.devices.actions import Action
from pocketpilot.devices.screen import Screen
from pocketpilot.devices.sensors import Sensors


@dataclass(frozen=True, slots=True)
class AppInfo:
    package: str
    label: str


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    serial: str
    model: str
    android_version: str
    screen_size: tuple[int, int]
    kind: str  # "adb", "virtual", "recorded"

    def to_dict(self) -> dict:
        return {
            "serial": self.serial,
            "model": self.model,
            "android_version": self.android_version,
            "screen_size": list(self.screen_size),
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action did: the gestures sent and how long the device took."""

    action: Action
    seconds: float
    detail: str = ""


@runtime_checkable
class Device(Protocol):
    def observe(self) -> Screen:
        """Dump and parse the current screen; later actions' element ids refer to it."""
        ...

    def screenshot(self) -> bytes:
        """The current screen as PNG bytes."""
        ...

    def act(self, action: Action) -> ActionResult:
        """Validate ``action`` against the last observed screen, then perform it."""
        ...

    def sensors(self) -> Sensors: ...

    def apps(self) -> list[AppInfo]:
        """Launchable apps."""
        ...

    def launch(self, app: str) -> None:
        """Open an app by package name or launcher label."""
        ...

    def info(self) -> DeviceInfo: ...

    def close(self) -> None: ...


def resolve_app(app: str, apps: list[AppInfo]) -> str:
    """Map a package name or a launcher label (any case) to a package; unknown text passes through."""
    wanted = app.strip()
    for info in apps:
        if info.package == wanted:
            return info.package
    lowered = wanted.lower()
    for info in apps:
        if info.label.lower() == lowered:
            return info.package
    return wanted


@runtime_checkable
class Rewindable(Protocol):
    """A device whose whole state can be marked and later restored (an in-process phone, an
    emulator with snapshots): a resumed run then continues on the phone its checkpoint saw."""

    def mark(self, key: str) -> None:
        """Remember the state as it is now under ``key``; durable when this returns."""
        ...

    def rewind(self, keys: Collection[str]) -> str:
        """Restore the state of the latest mark whose key is in ``keys``; return that key."""
        ...
