"""Typing over adb as a phone types: bounded commands, keys for newline and tab, an IME for Unicode.

End to end: ``AdbDevice`` -> real adb server -> the daemon's real shell -> the phone. What each
test would catch is in its name: one 68 KB command, one 70 KB clear, dropped newlines, refused
or mangled non-ASCII, a missing-IME error that is a traceback rather than one clear line.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pocketpilot.devices.actions import ClearText, TypeText
from pocketpilot.devices.adb import AdbDevice
from pocketpilot.devices.adbd import AdbDaemon
from pocketpilot.devices.errors import UntypeableText
from pocketpilot.devices.gestures import KeyPress
from pocketpilot.devices.shell_text import MAX_COMMAND, ime_text_commands, input_text_commands, keyevent_commands
from pocketpilot.devices.virtual import VirtualPhone
from tests.devices.test_adb_fixtures import (  # noqa: F401  (fixtures)
    AdbServer,
    StandInPhone,
    adb_server,
    connected,
    daemon,
    needs_adb,
    stand_in,
)
from tests.devices.test_virtual_flows import Pilot

pytestmark = needs_adb


@pytest.fixture
def device(connected: tuple[AdbDaemon, AdbServer]) -> AdbDevice:  # noqa: F811
    served, server = connected
    return AdbDevice(served.serial, adb_port=server.port, timeout=30)


@pytest.fixture
def phone_over_adb(adb_server: AdbServer) -> Iterator[tuple[VirtualPhone, AdbDevice]]:  # noqa: F811
    phone = VirtualPhone()
    with AdbDaemon(phone) as served:
        adb_server.connect(served.serial)
        yield phone, AdbDevice(served.serial, adb_port=adb_server.port, timeout=30)


def test_17000_quotes_are_typed_intact_in_bounded_commands(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    text = "'" * 17_000
    assert all(len(c.encode()) <= MAX_COMMAND for c in input_text_commands(text))
    device.observe()
    device.act(TypeText(text))
    assert stand_in.typed == text


def test_clearing_5000_characters_sends_short_commands(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    stand_in.typed = "x" * 5000
    keys = ("KEYCODE_MOVE_END", *["KEYCODE_DEL"] * 5000)
    calls = keyevent_commands(keys)
    assert max(len(c) for c in calls) <= MAX_COMMAND and sum(len(c) for c in calls) < 20_000
    screen = device.observe()
    device.act(ClearText(element=screen.find("Search")[0].id))
    assert stand_in.typed == ""
    presses = [g for g in stand_in.performed if isinstance(g, KeyPress)]
    assert sum(len(p.keys) for p in presses) == 5001 and len(presses) > 1


def test_a_newline_typed_over_adb_makes_two_lines_in_a_note(phone_over_adb) -> None:
    phone, device = phone_over_adb
    pilot = Pilot(device)
    pilot.launch("Notes")
    pilot.tap("take a note", "new note", "add note")
    pilot.type("Two lines", "title")
    pilot.type("line1\nline2\tend", "note")
    pilot.back()
    bodies = [n["body"] for n in phone.state_dict()["notes"] if n["title"] == "Two lines"]
    assert bodies == ["line1\nline2\tend"]


@pytest.mark.parametrize("text", ["José", "café", "日本語", "emoji 😀 ok\nnext"])
def test_non_ascii_is_typed_through_the_adb_keyboard(device: AdbDevice, stand_in: StandInPhone, text: str) -> None:  # noqa: F811
    device.observe()
    result = device.act(TypeText(text))
    assert stand_in.typed == text and "ADB_INPUT_B64" in result.detail


def test_long_unicode_text_is_split_into_bounded_broadcasts(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    text = "日本語" * 1000
    assert len(ime_text_commands(text)) > 1
    assert all(len(c.encode()) <= MAX_COMMAND for c in ime_text_commands(text))
    device.observe()
    device.act(TypeText(text))
    assert stand_in.typed == text


def test_non_ascii_without_the_ime_is_refused_in_one_clear_line(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    device.shell("ime set com.android.inputmethod.latin/.LatinIME")
    device.observe()
    with pytest.raises(UntypeableText) as refused:
        device.act(TypeText("José"))
    message = str(refused.value)
    assert "\n" not in message and "ime set com.android.adbkeyboard/.AdbIME" in message
    assert stand_in.typed == ""  # nothing half-typed


def test_control_characters_are_refused_even_with_the_ime(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    device.observe()
    with pytest.raises(UntypeableText, match="control"):
        device.act(TypeText("é\x07"))
