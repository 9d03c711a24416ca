"""A step pending at a kill counts as done only on a receipt for that action from that screen."""

from __future__ import annotations

import pytest

from pocketpilot.devices.actions import ClearText, Launch, Tap, TypeText
from pocketpilot.devices.errors import DeviceDisconnected
from pocketpilot.devices.faults import FlakyDevice
from pocketpilot.devices.receipts import ReceiptDevice
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.planner.reflect import content_key
from pocketpilot.planner.step_proof import prove_pending


def _pending(screen) -> dict:
    return {"verb": "tap", "before": screen.signature, "before_content": content_key(screen)}


def test_a_changed_screen_without_a_receipt_is_no_proof(tmp_path):
    phone = VirtualPhone()
    pending = _pending(phone.observe())
    assert not prove_pending(phone, pending, lambda screen: Launch("Clock")).done
    assert not prove_pending(ReceiptDevice(phone, tmp_path), pending, lambda screen: Launch("Clock")).done


def test_a_receipt_for_the_very_action_from_the_very_screen_is_proof(tmp_path):
    device = ReceiptDevice(VirtualPhone(), tmp_path)
    screen = device.observe()
    device.act(Launch("Clock"))
    assert prove_pending(device, _pending(screen), lambda before: Launch("Clock")).done
    # another action, or the same one decided on another screen, proves nothing
    assert not prove_pending(device, _pending(screen), lambda before: Tap(element=1)).done
    elsewhere = device.observe()
    assert not prove_pending(device, _pending(elsewhere), lambda before: Launch("Clock")).done


def _drops(phone):
    """The action reaches the phone, then the link drops before its answer comes back."""
    return FlakyDevice(phone, fail_at_action=1, after_effect=True)


def test_a_receipt_without_the_answer_is_no_proof(tmp_path):
    device = ReceiptDevice(_drops(VirtualPhone()), tmp_path)
    screen = device.observe()
    with pytest.raises(DeviceDisconnected):
        device.act(Launch("Clock"))
    proof = prove_pending(device, _pending(screen), lambda before: Launch("Clock"))
    assert not proof.done and proof.sent  # typing may have got its tap but not its text


def test_no_receipt_since_the_checkpoint_means_the_action_was_never_sent(tmp_path):
    device = ReceiptDevice(VirtualPhone(), tmp_path)
    proof = prove_pending(device, _pending(device.observe()), lambda before: Launch("Clock"))
    assert not proof.done and proof.unsent  # receipts are written before anything goes out


def test_an_answered_receipt_proves_the_step_though_the_screen_did_not_change(tmp_path):
    device = ReceiptDevice(VirtualPhone(), tmp_path)
    screen = device.observe()
    field = next(e for e in screen.elements if e.clickable)
    device.act(Tap(element=field.id))  # whatever it did, the device answered: sending it again repeats it
    assert prove_pending(device, _pending(screen), lambda before: Tap(element=field.id)).done


def test_typing_whose_clearing_alone_was_answered_was_never_sent(tmp_path):
    phone = VirtualPhone()
    phone.observe()
    phone.act(Launch("Contacts", fresh=True))
    device = ReceiptDevice(phone, tmp_path)
    screen = device.observe()
    field = next(e for e in screen.elements if e.editable)
    device.act(ClearText(element=field.id))  # the old text goes first; the kill came before the typing
    proof = prove_pending(device, _pending(screen), lambda before: TypeText("Bob", element=field.id))
    assert not proof.done and proof.unsent
