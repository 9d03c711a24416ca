"""Whether a step that was pending when a run stopped is proven done, by the device's receipt.

A resumed run that finds the screen changed since its step was decided cannot tell from the
screen alone whether its action took effect: another phone, a fresh virtual phone or an app
that moved by itself all change it too. Only a receipt counts: the device answered the very
action this step computes, sent from the very screen it was decided on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pocketpilot.devices.actions import Action, action_to_dict
from pocketpilot.devices.device import Device
from pocketpilot.devices.receipts import KeepsReceipts, ReceiptState
from pocketpilot.devices.screen import Screen
from pocketpilot.planner.reflect import content_key


def proven_done(device: Device, pending: dict[str, Any], to_action: Callable[[Screen], Action | None]) -> bool:
    """Whether ``device``'s receipt shows ``pending``'s action sent from its screen and answered.

    ``to_action`` turns the decided step into the action it would send on a given screen.
    """
    if not isinstance(device, KeepsReceipts):
        return False
    receipt = device.last_receipt()
    if receipt is None or receipt.state is not ReceiptState.DONE:
        return False
    before = receipt.before()
    if before.signature != pending.get("before") or content_key(before) != pending.get("before_content"):
        return False
    action = to_action(before)
    return action is not None and action_to_dict(action) == receipt.action
