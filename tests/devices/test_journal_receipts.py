"""The journaled virtual phone (rebuilt from its calls, rewound to a mark) and action receipts."""

from __future__ import annotations

import json

import pytest

from pocketpilot.devices.actions import Launch, Tap, action_to_dict
from pocketpilot.devices.errors import DeviceDisconnected
from pocketpilot.devices.faults import FlakyDevice
from pocketpilot.devices.receipts import ReceiptDevice, ReceiptState
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.devices.virtual.journal import JournaledPhone, JournalError


def _open_messages(phone) -> None:
    phone.observe()
    phone.act(Launch("Messages", fresh=True))
    screen = phone.observe()
    phone.act(Tap(element=screen.elements[-1].id))
    phone.observe()


def test_a_journaled_phone_reopened_is_the_phone_it_was(tmp_path):
    path = tmp_path / "phone.jsonl"
    phone = JournaledPhone(path)
    _open_messages(phone)
    state, focus = phone.phone.state_dict(), phone.phone.focus()
    phone.close()
    again = JournaledPhone(path)
    assert again.phone.state_dict() == state  # data, virtual clock and battery
    assert again.phone.focus() == focus  # and the page it was on


def test_rewind_goes_back_to_the_latest_named_mark_and_forgets_what_came_after(tmp_path):
    path = tmp_path / "phone.jsonl"
    phone = JournaledPhone(path)
    phone.observe()
    phone.mark("one")
    reference = VirtualPhone()
    reference.observe()
    phone.act(Launch("Messages", fresh=True))
    phone.observe()
    phone.mark("two")
    phone.act(Launch("Clock", fresh=True))
    phone.close()
    reopened = JournaledPhone(path)
    assert reopened.rewind({"one", "nope"}) == "one"
    assert reopened.phone.observe().signature == reference.observe().signature
    assert not any(row.get("mark") == "two" for row in map(json.loads, path.read_text().splitlines()))
    with pytest.raises(JournalError, match="no mark"):
        reopened.rewind({"two"})


def test_a_half_written_last_line_is_dropped(tmp_path):
    path = tmp_path / "phone.jsonl"
    phone = JournaledPhone(path)
    phone.observe()
    phone.close()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"call": "act", "act')  # killed mid-write
    reopened = JournaledPhone(path)
    reopened.observe()
    reopened.close()
    assert all(json.loads(line) for line in path.read_text().splitlines())


def test_a_journal_that_no_longer_replays_says_so(tmp_path):
    path = tmp_path / "phone.jsonl"
    JournaledPhone(path).close()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"call": "observe", "signature": "0000000000000000"}) + "\n")
    with pytest.raises(JournalError, match="does not replay"):
        JournaledPhone(path).phone  # noqa: B018 - building the phone replays the journal


def _drops(phone):
    """The action reaches the phone, then the link drops before its answer comes back."""
    return FlakyDevice(phone, fail_at_action=1, after_effect=True)


def test_a_receipt_says_sent_before_the_answer_and_done_after(tmp_path):
    device = ReceiptDevice(VirtualPhone(), tmp_path)
    device.mark("checkpoint-1")
    screen = device.observe()
    device.act(Launch("Clock"))
    receipt = device.last_receipt()
    assert receipt.state is ReceiptState.DONE and receipt.action == action_to_dict(Launch("Clock"))
    assert receipt.before().signature == screen.signature and receipt.after_mark == "checkpoint-1"
    dropping = ReceiptDevice(_drops(VirtualPhone()), tmp_path / "dropped")
    dropping.observe()
    with pytest.raises(DeviceDisconnected):
        dropping.act(Launch("Clock"))
    assert dropping.last_receipt().state is ReceiptState.SENT


def test_rewinding_forgets_a_receipt_of_an_earlier_step(tmp_path):
    device = ReceiptDevice(VirtualPhone(), tmp_path)
    device.mark("step-1")
    device.observe()
    device.act(Launch("Clock"))
    assert ReceiptDevice(VirtualPhone(), tmp_path).rewind(["step-1"]) == "step-1"
    assert ReceiptDevice(VirtualPhone(), tmp_path).rewind(["step-2"]) == ""
    assert ReceiptDevice(VirtualPhone(), tmp_path).last_receipt() is None
