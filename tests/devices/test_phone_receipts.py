"""Receipts on the phone: a resumed run knows whether an action whose answer was lost reached it.

End to end: ``ReceiptDevice`` -> ``AdbDevice`` -> real adb server -> the virtual phone's daemon and
its real shell. Each test's name says what a resume would get wrong without it: an action sent
twice, typing's text never sent after its focus tap, an action never sent counted as done, a
phone that refuses ``setprop`` crashing the run.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from pocketpilot.devices.actions import Launch, TypeText
from pocketpilot.devices.adb import AdbDevice
from pocketpilot.devices.adbd import AdbDaemon
from pocketpilot.devices.errors import DeviceDisconnected
from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.faults import PartlyDroppingAdb
from pocketpilot.devices.phone_receipts import RECEIPT_PROP, PartMark, Reached, judge
from pocketpilot.devices.receipts import ReceiptDevice, ReceiptState
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.planner.reflect import content_key
from pocketpilot.planner.step_proof import prove_pending
from tests.devices.test_adb_fixtures import ADB, AdbServer, adb_server  # noqa: F401

TAG = "00112233aabb"


def test_the_property_reads_back_as_the_part_it_names() -> None:
    assert PartMark.parse(f"{TAG}:1:3:go") == PartMark(TAG, 1, 3, None)
    assert PartMark.parse(f"{TAG}:2:3:0") == PartMark(TAG, 2, 3, 0)
    assert PartMark.parse("") is None and PartMark.parse("probe") is None and PartMark.parse("x:1:2:0") is None


@pytest.mark.parametrize(("value", "reached", "done"), [
    (f"{TAG}:1:2:0", Reached.ALL, 2),
    (f"{TAG}:0:2:0", Reached.SOME, 1),
    ("ffffffffffff:0:1:0", Reached.NONE, 0),  # still the previous action's: this one never started
    (f"{TAG}:1:2:go", Reached.RUNNING, 1),
    (f"{TAG}:0:2:1", Reached.UNKNOWN, 0),  # a part failed on the phone
    ("eeeeeeeeeeee:0:1:0", Reached.UNKNOWN, 0),  # someone else's action since
])
def test_the_phone_property_is_judged_against_what_it_held_before(value: str, reached: Reached, done: int) -> None:
    reading = judge(value, TAG, prior="ffffffffffff:0:1:0")
    assert reading.reached is reached and reading.done_parts == done, reading


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[tuple[list, AdbDaemon, AdbServer]]:
    if ADB is None:
        pytest.skip("needs Debian's adb (apt install adb)")
    yield from _served(request.getfixturevalue("adb_server"))


def _served(adb_server: AdbServer) -> Iterator[tuple[list, AdbDaemon, AdbServer]]:  # noqa: F811
    log: list = []
    with AdbDaemon(VirtualPhone(on_event=log.append)) as daemon:
        adb_server.connect(daemon.serial)
        yield log, daemon, adb_server


def _gestures(log: list) -> list[str]:
    return [e.data["gesture"] for e in log if e.kind == "virtual.gesture"]


def _adb(served, cls=AdbDevice, **kwargs) -> AdbDevice:
    _, daemon, server = served
    return cls(daemon.serial, adb_port=server.port, timeout=30, **kwargs)


def _typing_into_search(device: ReceiptDevice) -> tuple[TypeText, dict]:
    """The step 'type Bob in the search field' of Contacts, decided on the screen observed now."""
    screen = device.observe()
    field = next(e for e in screen.elements if e.editable)
    return TypeText("Bob", element=field.id), {"verb": "type", "before": screen.signature,
                                               "before_content": content_key(screen)}


def _open_contacts(device: ReceiptDevice) -> None:
    device.observe()
    device.act(Launch("Contacts", fresh=True))


def _killed_mid_typing(served, tmp_path, parts: int) -> tuple[TypeText, dict, ReceiptDevice]:
    """Typing whose link drops after ``parts`` of its shell commands ran; then a new process's view."""
    first = ReceiptDevice(_adb(served, PartlyDroppingAdb, parts=10**6), tmp_path)  # launches without a drop
    first.mark("checkpoint-1")
    _open_contacts(first)
    dropping = ReceiptDevice(_adb(served, PartlyDroppingAdb, parts=parts), tmp_path)
    dropping.mark("checkpoint-2")
    action, pending = _typing_into_search(dropping)
    with pytest.raises(DeviceDisconnected):
        dropping.act(action)
    assert dropping.last_receipt().state is ReceiptState.SENT  # the answer was lost
    resumed = ReceiptDevice(_adb(served), tmp_path)
    resumed.mark("checkpoint-2")
    return action, pending, resumed


def test_each_part_of_an_action_records_itself_on_the_phone(served, tmp_path) -> None:
    device = _adb(served)
    device.observe()
    device.arm(TAG)
    device.act(TypeText("Bob"))  # one part: the text (no field to tap first)
    assert device.read_receipt() == f"{TAG}:0:1:0" == device.last_mark()
    assert device.shell(f"getprop {RECEIPT_PROP}").text.strip() == f"{TAG}:0:1:0"


def test_typing_that_reached_the_phone_in_full_is_proven_done_and_not_sent_again(served, tmp_path) -> None:
    log = served[0]
    action, pending, resumed = _killed_mid_typing(served, tmp_path, parts=2)
    before = _gestures(log)
    assert before[-2:] == ["TapAt", "InputText"]
    proof = prove_pending(resumed, pending, lambda screen: action)
    assert proof.done and "all 2 parts" in proof.why, proof
    assert _gestures(log) == before  # nothing sent twice


def test_typing_cut_after_its_focus_tap_gets_only_its_text_sent(served, tmp_path) -> None:
    log = served[0]
    action, pending, resumed = _killed_mid_typing(served, tmp_path, parts=1)
    assert _gestures(log)[-1] == "TapAt"
    proof = prove_pending(resumed, pending, lambda screen: action)
    assert proof.done and proof.finished, proof
    assert _gestures(log)[-2:] == ["TapAt", "InputText"]  # the tap once, then the text once
    assert resumed.observe().find("Bob")


def test_typing_that_never_reached_the_phone_may_be_sent_now(served, tmp_path) -> None:
    log = served[0]
    action, pending, resumed = _killed_mid_typing(served, tmp_path, parts=0)
    before = _gestures(log)
    proof = prove_pending(resumed, pending, lambda screen: action)
    assert not proof.done and proof.unsent, proof
    resumed.observe()  # as the step does before it acts
    resumed.act(action)
    assert _gestures(log)[len(before):] == ["TapAt", "InputText"]


def test_a_resumed_node_does_not_send_the_launch_its_killed_run_already_sent(served, tmp_path) -> None:
    log = served[0]
    first = ReceiptDevice(_adb(served), tmp_path)
    first.mark("checkpoint-1")
    _open_contacts(first)
    sent = _gestures(log)
    again = ReceiptDevice(_adb(served), tmp_path)  # the next process, resumed from the same checkpoint
    again.mark("checkpoint-1")
    assert "done before the resume" in again.act(Launch("Contacts", fresh=True)).detail
    assert _gestures(log) == sent
    again.act(Launch("Contacts", fresh=True))  # asked again in the same process: it is a new launch
    assert _gestures(log) == [*sent, "StopApp", "StartApp"]


def test_a_part_still_running_on_the_phone_is_waited_for(served, tmp_path) -> None:
    device = ReceiptDevice(_adb(served), tmp_path)
    device.mark("m")
    _open_contacts(device)
    receipt = device.last_receipt()
    adb = _adb(served)
    adb.shell(f"setprop {RECEIPT_PROP} {receipt.tag}:1:2:go")  # the stop ran, the start is running
    (tmp_path / "receipt.json").write_text(json.dumps(replace(receipt, state=ReceiptState.SENT).to_dict()))
    threading.Timer(0.6, lambda: adb.shell(f"setprop {RECEIPT_PROP} {receipt.tag}:1:2:0")).start()
    events = EventCollector()
    resumed = ReceiptDevice(_adb(served), tmp_path, on_event=events)
    started = time.monotonic()
    assert resumed.settle().state is ReceiptState.DONE
    assert time.monotonic() - started >= 0.5
    (settled,) = events.of_kind("receipt.settled")
    assert settled.data["reached"] == "all" and settled.data["waited_s"] >= 0.5


def test_a_phone_that_refuses_setprop_falls_back_with_one_note(served, tmp_path) -> None:
    log, daemon, _ = served
    daemon.commands.settable_props = ()  # a stricter SELinux policy than stock Android's
    events = EventCollector()
    first = ReceiptDevice(_adb(served), tmp_path, on_event=events)
    first.mark("checkpoint-1")
    _open_contacts(first)
    dropping = ReceiptDevice(_adb(served, PartlyDroppingAdb, parts=2), tmp_path, on_event=events)
    dropping.mark("checkpoint-2")
    action, pending = _typing_into_search(dropping)
    with pytest.raises(DeviceDisconnected):
        dropping.act(action)
    resumed = ReceiptDevice(_adb(served), tmp_path, on_event=events)
    proof = prove_pending(resumed, pending, lambda screen: action)
    assert not proof.done and proof.sent and "keeps no action receipts" in proof.why, proof  # today's fallback
    notes = events.of_kind("device.note")
    assert len(notes) == 3 and all("\n" not in n.data["note"] and "setprop" in n.data["note"] for n in notes)
    assert _gestures(log)[-2:] == ["TapAt", "InputText"]
