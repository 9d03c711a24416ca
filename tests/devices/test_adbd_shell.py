"""The virtual phone's ``sh -c``: a real shell (mksh) with the phone's commands on PATH, answering as a phone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pocketpilot.devices.adbd.commands import PhoneCommands
from pocketpilot.devices.adbd.shell import PhoneShell
from pocketpilot.devices.dumpsys import parse_focus, parse_launcher_activities, sensors_from_dumps
from pocketpilot.devices.gestures import InputText, KeyPress, StartApp, StopApp, SwipeAt, TapAt
from pocketpilot.devices.shell_text import input_text_command
from tests.devices.test_adb_fixtures import StandInPhone

MKSH = shutil.which("mksh")
typeable = st.lists(st.sampled_from([chr(c) for c in range(32, 127)] + ["\n", "\t", "%s", "'"]),
                    min_size=1, max_size=30).map("".join)


@pytest.fixture
def phone() -> StandInPhone:
    return StandInPhone()


@pytest.fixture
def phone_shell(phone: StandInPhone) -> Iterator[PhoneShell]:
    served = PhoneShell(PhoneCommands(phone).table())
    served.start()
    yield served
    served.close()


@pytest.fixture
def sh(phone_shell: PhoneShell):
    return phone_shell.run


def test_the_shell_is_mksh_when_installed(phone_shell: PhoneShell) -> None:
    assert phone_shell.shell == (MKSH or shutil.which("sh"))


@settings(max_examples=25, deadline=None)
@given(text=typeable)
def test_typed_text_arrives_intact_through_the_phones_real_shell(text: str) -> None:
    """Zero injection on the served path: the driver's command, run by mksh, types exactly ``text``."""
    phone = StandInPhone()
    served = PhoneShell(PhoneCommands(phone).table())
    served.start()
    try:
        result = served.run(input_text_command(text))
    finally:
        served.close()
    assert result.status == 0, result.stderr
    keys = {"KEYCODE_ENTER": "\n", "KEYCODE_TAB": "\t"}
    typed = "".join(g.text if isinstance(g, InputText) else keys[g.keys[0]] for g in phone.performed)
    assert typed == text


def test_cd_and_pwd_follow_the_phones_folders(sh) -> None:
    assert sh("cd /sdcard && pwd; echo $?").stdout == b"/sdcard\n0\n"
    assert sh("pwd").stdout == b"/\n"  # every command string starts in /, as adbd's shells do
    result = sh("cd /no/such; echo $?")
    assert result.stdout == b"2\n" and b"cd: /no/such: No such file or directory" in result.stderr
    assert sh("cd /data/local/tmp && touch f && ls").stdout == b"f\n"  # relative to $PWD


def test_pipes_status_and_substitution_behave_as_a_shell(sh) -> None:
    assert sh("getprop ro.product.model | grep -c Virtual").stdout == b"1\n"
    assert sh("false; echo $?; true && echo yes || echo never").stdout == b"1\nyes\n"
    assert sh('echo "$(wm size | cut -d" " -f3)"').stdout == b"1080x2400\n"
    assert sh("echo a; exit 3").status == 3


def test_command_lists_follow_and_or_semantics(sh) -> None:
    assert sh("false && echo no; echo yes || echo never").stdout == b"yes\n"
    assert sh("nosuch || echo fallback").stdout == b"fallback\n"


def test_unknown_program_reads_like_mksh(sh) -> None:
    result = sh("frobnicate --now")
    assert result.stderr.endswith(b"/system/bin/sh: frobnicate: inaccessible or not found\n")
    assert result.status == 127


def test_bad_quoting_is_a_syntax_error(sh) -> None:
    result = sh("echo 'open")
    assert result.status != 0 and result.stderr


def test_stdin_reaches_commands_that_read_it(sh) -> None:
    assert sh("cat", stdin=b"piped\n").stdout == b"piped\n"
    assert sh("echo one two | cat - ").stdout == b"one two\n"


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


def test_sh_runs_a_script_pushed_to_the_phone_with_its_arguments() -> None:
    phone = StandInPhone()
    commands = PhoneCommands(phone)
    served = PhoneShell(commands.table(), files=commands.fs)
    served.start()
    try:
        commands.fs.write("/data/local/tmp/tap.sh", b'input tap "$1" "$2" && pwd\n')
        result = served.run("cd /data/local/tmp && sh tap.sh 7 9")
    finally:
        served.close()
    assert result.stdout == b"/data/local/tmp\n" and phone.taps == [TapAt(7, 9)]


def test_which_finds_the_phones_commands_only(sh) -> None:
    assert sh("which input ls").stdout == b"/system/bin/input\n/system/bin/ls\n"
    assert sh("which screenrecord").status == 1


def test_setprop_sets_a_debug_property_that_getprop_reads_back(sh) -> None:
    assert sh("setprop debug.pocketpilot.x 'a b' && getprop debug.pocketpilot.x").stdout == b"a b\n"
    assert b"[debug.pocketpilot.x]: [a b]" in sh("getprop").stdout


@pytest.mark.parametrize("command, expected", [
    ("setprop ro.product.model other", b"setprop: failed to set property 'ro.product.model' to 'other'"),
    ("setprop sys.boot_completed 0", b"setprop: failed to set property 'sys.boot_completed' to '0'"),
    ("setprop debug.long " + "x" * 92, b"setprop: failed to set property 'debug.long'"),
    ("setprop debug..x 1", b"setprop: '..' is not allowed in a property name"),
    ("setprop 'debug.a b' 1", b"setprop: invalid character ' ' in name 'debug.a b'"),
    ("setprop debug.only", b"usage: setprop NAME VALUE"),
])
def test_setprop_refuses_what_android_refuses_the_shell_user(sh, command: str, expected: bytes) -> None:
    done = sh(command)
    assert done.status == 1 and expected in done.stderr
    assert sh("getprop ro.product.model").stdout == b"Pocketpilot Virtual\n"  # read-only stays


def test_a_stricter_policy_refuses_debug_properties_too(phone: StandInPhone) -> None:
    commands = PhoneCommands(phone)
    commands.settable_props = ()
    served = PhoneShell(commands.table())
    served.start()
    try:
        assert served.run("setprop debug.pocketpilot.x 1").status == 1
        assert served.run("getprop debug.pocketpilot.x").stdout == b"\n"
    finally:
        served.close()
