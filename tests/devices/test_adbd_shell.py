"""The virtual phone's ``sh -c``: words split as mksh splits them, Android commands as a phone answers."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pocketpilot.devices.adbd.commands import PhoneCommands
from pocketpilot.devices.adbd.shell import parse, run, split_words
from pocketpilot.devices.dumpsys import parse_focus, parse_launcher_activities, sensors_from_dumps
from pocketpilot.devices.gestures import InputText, KeyPress, StartApp, StopApp, SwipeAt, TapAt
from pocketpilot.devices.shell_text import input_text_command, shell_quote
from tests.devices.test_adb_fixtures import StandInPhone

MKSH = shutil.which("mksh")
word_chars = st.sampled_from([chr(c) for c in range(32, 127)] + ["\n", "\t"])


def mksh_argv(command: str) -> list[str]:
    out = subprocess.run(
        [MKSH or "mksh", "-c", "printf '%s\\0' " + command], capture_output=True, check=True, timeout=10
    ).stdout
    return [a.decode() for a in out.split(b"\0")[:-1]]


@pytest.fixture
def phone() -> StandInPhone:
    return StandInPhone()


@pytest.fixture
def sh(phone: StandInPhone):
    table = PhoneCommands(phone).table()
    return lambda command: run(command, table)


@pytest.mark.skipif(MKSH is None, reason="needs mksh (Android's /system/bin/sh)")
@settings(max_examples=120, deadline=None)
@given(words=st.lists(st.text(word_chars, min_size=1, max_size=12), min_size=1, max_size=4),
       style=st.sampled_from(["single", "double", "backslash"]))
def test_words_split_exactly_as_mksh_splits_them(words: list[str], style: str) -> None:
    def quote(word: str) -> str:
        if style == "single":
            return shell_quote(word)
        if style == "double":
            return '"' + "".join("\\" + c if c in '$`"\\' else c for c in word) + '"'
        return "".join("'\n'" if c == "\n" else "\\" + c for c in word)

    command = " ".join(quote(w) for w in words)
    assert [w for w, _ in split_words(command)] == mksh_argv(command) == words


def test_driver_text_commands_parse_to_the_typed_text(sh, phone: StandInPhone) -> None:
    text = "a;b && c || d | e > f $(g) `h` #i\nend\t%s 100%"
    result = sh(input_text_command(text))
    assert result.status == 0
    assert phone.typed == text.replace("\n", "").replace("\t", "")  # keys are not text
    assert [g for g in phone.performed if isinstance(g, KeyPress)] == [
        KeyPress(("KEYCODE_ENTER",)), KeyPress(("KEYCODE_TAB",))
    ]


def test_command_lists_follow_and_or_semantics(sh) -> None:
    assert sh("false && echo no; echo yes || echo never").stdout == b"yes\n"
    assert sh("nosuch || echo fallback").stdout == b"fallback\n"


def test_unknown_program_reads_like_mksh(sh) -> None:
    result = sh("frobnicate --now")
    assert result.stderr == b"/system/bin/sh: frobnicate: inaccessible or not found\n"
    assert result.status == 127


@pytest.mark.parametrize("command", ["echo a | grep a", "echo a > /sdcard/x", "sleep 1 &", "echo 'open"])
def test_pipes_redirects_and_bad_quoting_are_syntax_errors(sh, command: str) -> None:
    result = sh(command)
    assert result.status == 2 and b"syntax error" in result.stderr


def test_quoted_operators_are_words_not_operators() -> None:
    assert parse("echo ';' '&&' \"|\"") == [(";", ["echo", ";", "&&", "|"])]


def test_input_gestures_reach_the_phone(sh, phone: StandInPhone) -> None:
    assert sh("input tap 10 20 && input swipe 1 2 3 4 500 && input keyevent 4 KEYCODE_HOME").status == 0
    assert phone.performed == [
        TapAt(10, 20), SwipeAt(1, 2, 3, 4, 500), KeyPress(("KEYCODE_BACK", "KEYCODE_HOME"))
    ]


def test_input_text_with_two_arguments_fails_like_android(sh, phone: StandInPhone) -> None:
    result = sh("input text hello world")
    assert result.status != 0 and b"Invalid arguments" in result.stderr
    assert not phone.performed


def test_dump_to_file_then_cat(sh) -> None:
    result = sh("uiautomator dump /sdcard/window_dump.xml && cat /sdcard/window_dump.xml")
    assert result.stdout.startswith(b"UI hierchary dumped to: /sdcard/window_dump.xml\n<?xml")
    assert sh("cat /sdcard/nothing.xml").status == 1


def test_monkey_launches_installed_apps_and_aborts_for_unknown(sh, phone: StandInPhone) -> None:
    assert b"Events injected: 1" in sh("monkey -p com.android.deskclock -c x 1").stdout
    assert phone.performed[-1] == StartApp("com.android.deskclock")
    assert b"No activities found" in sh("monkey -p com.example.none 1").stdout


def test_force_stop_stops_an_installed_app_and_ignores_an_unknown_one(sh, phone: StandInPhone) -> None:
    assert sh("am force-stop com.android.deskclock").status == 0
    assert phone.performed[-1] == StopApp("com.android.deskclock")
    before = len(phone.performed)
    assert sh("am force-stop com.example.none").status == 0  # as on Android: silently nothing
    assert len(phone.performed) == before


def test_dumpsys_output_reads_back_to_the_phones_sensors(sh, phone: StandInPhone) -> None:
    sensors = sensors_from_dumps(sh("dumpsys battery").stdout.decode(),
                                 sh("dumpsys thermalservice").stdout.decode())
    expected = phone.sensors()
    assert sensors.battery_level == expected.battery_level
    assert sensors.current_ma == expected.current_ma and sensors.voltage_mv == expected.voltage_mv
    assert sensors.thermal_status == expected.thermal_status and sensors.charging is False


def test_window_and_launcher_queries_read_back(sh, phone: StandInPhone) -> None:
    assert parse_focus(sh("dumpsys window windows").stdout.decode()) == phone.focus()
    apps = parse_launcher_activities(sh("cmd package query-activities -a MAIN").stdout.decode())
    assert apps == phone.apps()


def test_state_command_returns_the_phones_state_as_json(sh, phone: StandInPhone) -> None:
    phone.perform(InputText("hi"))
    assert json.loads(sh("pocketpilot-state").stdout) == phone.state_dict()


def test_getprop_and_wm_size(sh) -> None:
    assert sh("getprop ro.product.model").stdout == b"Pocketpilot Virtual\n"
    assert sh("getprop no.such.prop").stdout == b"\n"
    assert sh("wm size").stdout == b"Physical size: 1080x2400\n"
