"""The services clients other than ours use, through the real ``adb`` and adbutils.

``adb push/pull`` (sync: STAT/STA2/SEND/RECV/LIST), the shell's real semantics end to end,
``framebuffer:``, ``reverse:``, settings tied to the phone, and the queries adbutils reads.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pocketpilot.devices.adbd import AdbDaemon
from tests.devices.test_adb_fixtures import (  # noqa: F401  (fixtures)
    AdbServer,
    adb_server,
    connected,
    daemon,
    needs_adb,
    stand_in,
)

pytestmark = needs_adb


def test_push_then_pull_round_trips_bytes_and_a_utf8_name(connected, tmp_path: Path) -> None:  # noqa: F811
    served, server = connected
    payload = os.urandom(300_000) + b"\0\r\n\xff"  # several sync DATA chunks, every byte value
    local = tmp_path / "Hi-世界 ñ.bin"
    local.write_bytes(payload)
    pushed = server.run("-s", served.serial, "push", str(local), "/sdcard/Download/")
    assert pushed.returncode == 0, pushed.stderr
    assert served.commands.fs.read("/sdcard/Download/Hi-世界 ñ.bin") == payload
    back = tmp_path / "back.bin"
    pulled = server.run("-s", served.serial, "pull", "/sdcard/Download/Hi-世界 ñ.bin", str(back))
    assert pulled.returncode == 0, pulled.stderr
    assert back.read_bytes() == payload
    listing = server.run("-s", served.serial, "shell", "ls /sdcard/Download").stdout.decode()
    assert "Hi-世界 ñ.bin" in listing


def test_pull_of_a_missing_file_fails_with_adbs_message(connected, tmp_path: Path) -> None:  # noqa: F811
    served, server = connected
    result = server.run("-s", served.serial, "pull", "/sdcard/none.txt", str(tmp_path / "x"))
    assert result.returncode != 0 and b"No such file or directory" in result.stdout + result.stderr


def test_adb_shell_cd_pwd_and_status(connected) -> None:  # noqa: F811
    served, server = connected
    result = server.run("-s", served.serial, "shell", "cd /sdcard && pwd; echo $?")
    assert result.stdout == b"/sdcard\n0\n" and result.returncode == 0


def test_adb_shell_passes_stdin_and_the_exit_status(connected) -> None:  # noqa: F811
    served, server = connected
    env_in = server.run("-s", served.serial, "shell", "cat; exit 4")
    assert env_in.returncode == 4


def test_adbutils_reads_rotation_size_ip_and_settings(connected) -> None:  # noqa: F811
    import adbutils

    served, server = connected
    device = adbutils.AdbClient(port=server.port).device(served.serial)
    assert device.window_size() == (1080, 2400) and device.rotation() == 0
    device.shell("settings put system user_rotation 1")
    assert device.rotation() == 1 and device.window_size() == (2400, 1080)
    assert device.wlan_ip() == "192.168.1.23"
    device.brightness_value = 100
    assert device.brightness_value == 100
    assert served.phone.settings().brightness == 39  # the phone's own setting moved (100/255)
    assert device.dump_hierarchy().startswith("<?xml")
    assert device.framebuffer().size == (108, 240)


def test_reverse_rules_are_listed_and_removed(connected) -> None:  # noqa: F811
    served, server = connected
    assert server.run("-s", served.serial, "reverse", "tcp:12345", "tcp:4000").returncode == 0
    assert b"tcp:12345 tcp:4000" in server.run("-s", served.serial, "reverse", "--list").stdout
    assert server.run("-s", served.serial, "reverse", "--remove-all").returncode == 0
    assert server.run("-s", served.serial, "reverse", "--list").stdout.strip() == b""


def test_logcat_dump_holds_what_log_wrote(connected) -> None:  # noqa: F811
    served, server = connected
    server.run("-s", served.serial, "shell", "log -p i -t TAG hello there")
    out = server.run("-s", served.serial, "shell", "logcat -d -v time").stdout.decode()
    assert "I/TAG" in out and "hello there" in out


@pytest.mark.parametrize("command, expected", [
    ("input tap inf 5", b"Error: Invalid arguments for command: tap"),
    ("input swipe 1 2 3 4 99999999999999999999", b"Error: Invalid arguments for command: swipe"),
    ("input frob", b"Error: Unknown command: frob"),
])
def test_malformed_input_is_answered_as_android_answers(connected, command: str, expected: bytes) -> None:  # noqa: F811
    served, server = connected
    result = server.run("-s", served.serial, "shell", command)
    assert result.returncode == 1 and expected in result.stderr


def test_daemon_stop_removes_its_toolbox_folder(stand_in) -> None:  # noqa: F811
    served = AdbDaemon(stand_in)
    served.start()
    folder = served.shell._dir
    assert folder.exists()
    served.stop()
    assert not folder.exists()
