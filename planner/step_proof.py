"""Whether a step that was pending when a run stopped is proven done, by the device's receipt.

A resumed run cannot tell from the screen alone whether its action took effect: another phone, a
fresh virtual phone or an app that moved by itself all change it too, and an action with no
visible effect changes nothing. What counts is the receipt for the very action this step
computes, sent from the very screen it was decided on, and answered by the device, or settled
from the phone's own receipt (``devices.receipts``): done in full (the rest of it sent now where
only its first parts had run), or never reached the phone, so that sending it now is no repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pocketpilot.devices.actions import Action, ClearText, TypeText, action_to_dict
from pocketpilot.devices.device import Device
from pocketpilot.devices.receipts import KeepsReceipts, ReceiptState
from pocketpilot.devices.screen import Screen
from pocketpilot.planner.reflect import content_key


@dataclass(frozen=True)
class StepProof:
    done: bool
    why: str
    before: Screen | None = None  # the screen the proven action was sent from (its effect is judged on it)
    sent: bool = False  # sent, the answer lost, and nothing tells how far it got (a tap without its typing)
    unsent: bool = False  # it never reached the phone: sending it now is no repeat
    finished: bool = False  # its first parts had run; the rest were sent now (the screen moved since)


def prove_pending(device: Device, pending: dict[str, Any], to_action: Callable[[Screen], Action | None]) -> StepProof:
    """Whether ``device``'s receipt shows ``pending``'s action done (or never sent) from its screen.
    ``to_action``: the action the step sends on a screen."""
    if not isinstance(device, KeepsReceipts):
        return StepProof(False, "the device keeps no receipts")
    receipt = device.settle()
    if receipt is None:
        # receipts are written before anything is sent, and a resume keeps only its own step's
        return StepProof(False, "no receipt: the action was never sent", unsent=True)
    before = receipt.before()
    if before is None or before.signature != pending.get("before") \
            or content_key(before) != pending.get("before_content"):
        return StepProof(False, "the latest receipt is for another screen")
    action = to_action(before)
    if action is None:
        return StepProof(False, f"the latest receipt is for another action ({receipt.action.get('kind')})")
    if receipt.action != action_to_dict(action):
        clearing = isinstance(action, TypeText) and receipt.action == action_to_dict(ClearText(element=action.element))
        if clearing and receipt.state is not ReceiptState.SENT:
            # the field's old text goes first, as its own action: the typing itself was never sent
            return StepProof(False, "the clearing before the typing settled; the typing was never sent", before,
                             unsent=True)
        return StepProof(False, f"the latest receipt is for another action ({receipt.action.get('kind')})")
    if receipt.state is ReceiptState.DONE:
        return StepProof(True, receipt.note or "the device answered the action", before,
                         finished=receipt.finished_later)
    if receipt.state is ReceiptState.UNSENT:
        return StepProof(False, receipt.note, before, unsent=True)
    # An action is several gestures (typing is a tap, then the text): the screen moving on shows
    # that some of them happened, not that all did. No proof.
    return StepProof(False, receipt.note or "the action was sent but its answer was lost", before, sent=True)
