"""``FlakyDevice``: a Device that disconnects on cue, for testing recovery through the real seam.

It wraps any Device and raises ``DeviceDisconnected`` at the N-th action, either before the
action reaches the device or after it took effect (the worst case for "never do a step twice").
"""

from __future__ import annotations

from pocketpilot.devices.actions import Action
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
