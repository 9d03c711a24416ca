"""``FlakyDevice``: a Device that disconnects on cue, for testing recovery through the real seam.

It wraps any Device and raises ``DeviceDisconnected`` at the N-th action, either before the
action reaches the device or after it took effect (the worst case for "never do a step twice").
``PartlyDroppingAdb`` drops an ``AdbDevice``'s link in the middle of one action, after some of
its shell commands (its parts) ran on the phone: a kill between typing's focus tap and its text.
"""

from __future__ import annotations

from pocketpilot.devices.actions import Action
from pocketpilot.devices.adb import AdbDevice, ShellOutput
from pocketpilot.devices.device import ActionResult, Device
from pocketpilot.devices.errors import DeviceDisconnected
from pocketpilot.devices.wrapping import WrappedDevice


class FlakyDevice(WrappedDevice):
    def __init__(self, inner: Device, *, fail_at_action: int, after_effect: bool = False) -> None:
        self.inner = inner
        self.fail_at_action = fail_at_action
        self.after_effect = after_effect
        self.actions = 0

    def act(self, action: Action) -> ActionResult:
        self.actions += 1
        if self.actions == self.fail_at_action:
            if self.after_effect:
                self.inner.act(action)
            raise DeviceDisconnected(self.info().serial, f"link dropped at action {self.actions}")
        return self.inner.act(action)


class PartlyDroppingAdb(AdbDevice):
    """An ``AdbDevice`` whose link drops during its next action once ``parts`` of that action's
    shell commands ran on the phone (0: before any reached it); the actions after it go through."""

    def __init__(self, serial: str, *, parts: int, **kwargs) -> None:
        super().__init__(serial, **kwargs)
        self.parts = parts
        self._left: int | None = None
        self._dropped = False

    def act(self, action: Action) -> ActionResult:
        if self._dropped:
            return super().act(action)
        self._dropped, self._left = True, self.parts
        try:
            return super().act(action)
        finally:
            self._left = None

    def shell(self, command: str, *, idempotent: bool = True) -> ShellOutput:
        if self._left is None or idempotent:
            return super().shell(command, idempotent=idempotent)
        if self._left == 0:
            raise DeviceDisconnected(self.serial, "link dropped before the part reached the phone")
        out = super().shell(command, idempotent=idempotent)
        self._left -= 1
        if self._left == 0:
            raise DeviceDisconnected(self.serial, "link dropped after the part ran, before its answer")
        return out
