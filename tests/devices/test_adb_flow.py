"""End to end: ``pocketpilot phone serve`` in a subprocess, real adb, ``AdbDevice`` driving apps.

A contact is found, messaged, and an alarm is set, all by labels through ``screen.find``; the
outcome is checked in the phone's own state via the daemon's ``pocketpilot-state`` command.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from pocketpilot.devices.actions import ClearText, Launch, Tap, TypeText
from pocketpilot.devices.adb import AdbDevice
from pocketpilot.devices.screen import Screen
from tests.devices.test_adb_fixtures import AdbServer, adb_server, free_port, needs_adb  # noqa: F401

pytestmark = [*needs_adb, pytest.mark.slow]
virtual = pytest.importorskip("pocketpilot.devices.virtual", reason="virtual phone not built yet")
if not hasattr(virtual, "VirtualPhone"):
    pytest.skip("pocketpilot.devices.virtual does not export VirtualPhone yet", allow_module_level=True)


@pytest.fixture
def served_port() -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pocketpilot.apps", "phone", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.strip() == f"serving virtual phone on 127.0.0.1:{port}", (
            line + (process.stderr.read() if process.poll() is not None and process.stderr else "")
        )
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)


@pytest.fixture
def phone(served_port: int, adb_server: AdbServer) -> AdbDevice:  # noqa: F811
    serial = f"127.0.0.1:{served_port}"
    adb_server.connect(serial)
    return AdbDevice(serial, adb_port=adb_server.port, timeout=15)


def tap(device: AdbDevice, label: str, *, editable: bool | None = None) -> Screen:
    screen = device.observe()
    found = [e for e in screen.find(label) if editable is None or e.editable == editable]
    assert found, f"no {label!r} on screen:\n{screen.render()}"
    device.act(Tap(element=found[0].id))
    return device.observe()


def type_into(device: AdbDevice, hint: str, text: str) -> None:
    screen = device.observe()
    fields = [e for e in screen.find(hint) if e.editable] or [e for e in screen.elements if e.editable]
    assert fields, f"no text field for {hint!r}:\n{screen.render()}"
    device.act(TypeText(text, element=fields[0].id))


MESSAGE = "See you at 7; it's 100% on & $5 (ok?)"


def state(device: AdbDevice) -> dict:
    return json.loads(device.shell("pocketpilot-state").stdout)


def test_serve_prints_its_address_and_answers_adb(phone: AdbDevice) -> None:
    assert phone.info().kind == "adb"
    assert {"Contacts", "Messages", "Clock"} <= {a.label for a in phone.apps()}


def test_find_a_contact_message_them_and_set_an_alarm(phone: AdbDevice) -> None:
    contact = state(phone)["contacts"][0]["name"]

    phone.act(Launch("Contacts"))
    assert phone.observe().package.endswith("contacts")
    assert phone.observe().find(contact.split()[0]), "contact not listed"

    phone.act(Launch("Messages"))
    tap(phone, "chat")  # the "Start chat" / new conversation button
    type_into(phone, "to", contact)
    screen = phone.observe()
    suggestion = [e for e in screen.find(contact) if not e.editable]
    if suggestion:
        phone.act(Tap(element=suggestion[0].id))
    type_into(phone, "message", MESSAGE)
    tap(phone, "Send")
    bodies = [m["body"] for t in state(phone)["threads"] for m in t["messages"]]
    assert MESSAGE in bodies

    phone.act(Launch("Clock"))
    tap(phone, "Add alarm")
    for hint, value in (("Hour", "7"), ("Minute", "05"), ("Label", "Gym & swim")):
        screen = phone.observe()
        field = next(e for e in screen.find(hint) if e.editable)
        phone.act(ClearText(element=field.id))
        phone.act(TypeText(value, element=field.id))
    tap(phone, "PM")
    tap(phone, "Save")
    alarms = state(phone)["alarms"]
    assert any(a["time"] == "19:05" and a["label"] == "Gym & swim" for a in alarms), alarms
