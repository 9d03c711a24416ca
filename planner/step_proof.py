"""Whether a step that was pending when a run stopped is proven done, by the device's receipt.

A resumed run that finds the screen changed since its step was decided cannot tell from the
screen alone whether its action took effect: another phone, a fresh virtual phone or an app
that moved by itself all change it too. What counts is the receipt for the very action this
step computes, sent from the very screen it was decided on, and answered by the device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pocketpilot.devices.actions import Action, action_to_dict
from pocketpilot.devices.device import Device
from pocketpilot.devices.receipts import KeepsReceipts, ReceiptState
from pocketpilot.devices.screen import Screen
from pocketpilot.planner.reflect import content_key


@dataclass(frozen=True)
class StepProof:
    done: bool
    why: str
    before: Screen | None = None  # the screen the proven action was sent from (its effect is judged on it)
    sent: bool = False  # sent, the answer lost: it may have happened in part (a tap without its typing)


def prove_pending(device: Device, pending: dict[str, Any], to_action: Callable[[Screen], Action | None]) -> StepProof:
    """Whether ``device``'s receipt shows ``pending``'s action sent from its screen (called only once
    the screen has moved on from that one). ``to_action``: the action the step sends on a screen."""
    if not isinstance(device, KeepsReceipts):
        return StepProof(False, "the device keeps no receipts")
    receipt = device.last_receipt()
    if receipt is None:
        return StepProof(False, "no receipt: the action was never sent")
    before = receipt.before()
    if before.signature != pending.get("before") or content_key(before) != pending.get("before_content"):
        return StepProof(False, "the latest receipt is for another screen")
    action = to_action(before)
    if action is None or action_to_dict(action) != receipt.action:
        return StepProof(False, f"the latest receipt is for another action ({receipt.action.get('kind')})")
    if receipt.state is ReceiptState.DONE:
        return StepProof(True, "the device answered the action", before)
    # An action is several gestures (typing is a tap, then the text): the screen moving on shows
    # that some of them happened, not that all did. No proof.
    return StepProof(False, "the action was sent but its answer was lost", before, sent=True)
