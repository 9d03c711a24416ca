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


def _shell_then_vanish(server: AdbServer, serial: str, command: str) -> None:
    """Start ``adb shell COMMAND`` and kill the adb client once the command runs (a killed run)."""
    import signal
    import subprocess
    import time

    from tests.devices.test_adb_fixtures import ADB

    env = {**os.environ, "ANDROID_ADB_SERVER_PORT": str(server.port)}
    client = subprocess.Popen([ADB, "-P", str(server.port), "-s", serial, "shell", command], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while server.run("-s", serial, "shell", "getprop debug.t.started").stdout.strip() != b"1":
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    client.send_signal(signal.SIGKILL)
    client.wait()


def _eventually(server: AdbServer, serial: str, prop: str, value: bytes, within_s: float) -> bool:
    import time

    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if server.run("-s", serial, "shell", f"getprop {prop}").stdout.strip() == value:
            return True
        time.sleep(0.1)
    return False


def test_a_command_that_ignores_the_hangup_finishes_after_its_client_is_killed(connected) -> None:  # noqa: F811
    served, server = connected
    # how an action and its receipt on the phone finish together though the run driving it dies
    _shell_then_vanish(server, served.serial, "trap '' HUP; setprop debug.t.started 1; sleep 1; setprop debug.t.end 1")
    assert _eventually(server, served.serial, "debug.t.end", b"1", within_s=8)


def test_a_command_whose_client_is_killed_is_hung_up(connected) -> None:  # noqa: F811
    served, server = connected
    _shell_then_vanish(server, served.serial, "setprop debug.t.started 1; sleep 1; setprop debug.t.end 1")
    assert not _eventually(server, served.serial, "debug.t.end", b"1", within_s=2.5)
