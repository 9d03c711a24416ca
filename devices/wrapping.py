"""``WrappedDevice``: a Device that passes every call to the device it wraps.

Wrappers that watch or change one part of a device (a fault injector, a recorder, receipts,
rewritten ids) subclass it and override only that part.
"""

from __future__ import annotations

from typing import TypeVar

from pocketpilot.devices.actions import Action
from pocketpilot.devices.device import ActionResult, AppInfo, Device, DeviceInfo
from pocketpilot.devices.screen import Screen
from pocketpilot.devices.sensors import Sensors

T = TypeVar("T")
MAX_WRAPPERS = 16  # a chain longer than this is a cycle, not wrappers


class WrappedDevice:
    def __init__(self, inner: Device) -> None:
        self.inner = inner

    def observe(self) -> Screen:
        return self.inner.observe()

    def act(self, action: Action) -> ActionResult:
        return self.inner.act(action)

    def screenshot(self) -> bytes:
        return self.inner.screenshot()

    def sensors(self) -> Sensors:
        return self.inner.sensors()

    def apps(self) -> list[AppInfo]:
        return self.inner.apps()

    def launch(self, app: str) -> None:
        self.inner.launch(app)

    def info(self) -> DeviceInfo:
        return self.inner.info()

    def close(self) -> None:
        self.inner.close()


def unwrap(device: object, kind: type[T]) -> T | None:
    """The first device in ``device``'s chain of wrappers (itself first, then each ``inner``) that is
    a ``kind``: how a wrapper finds what the device beneath it can do beyond the ``Device`` seam."""
    for _ in range(MAX_WRAPPERS):
        if device is None:
            return None
        if isinstance(device, kind):
            return device
        device = getattr(device, "inner", None)
    return None
