"""What ``AdbDevice`` translates from adbutils and sockets, and how reconnects are bounded.

The mapping table is the contract (STYLE habit 10): ``link`` errors are probed and lead to a
reconnect and then ``DeviceDisconnected``; ``command`` errors become ``DeviceCommandFailed``.
"""

from __future__ import annotations

import socket

import adbutils
import pytest

from pocketpilot.devices.adb import AdbDevice, classify
from pocketpilot.devices.adbd import AdbDaemon
from pocketpilot.devices.errors import DeviceDisconnected
from tests.devices.test_adb_fixtures import (  # noqa: F401
    AdbServer,
    StandInPhone,
    adb_server,
    connected,
    daemon,
    free_port,
    needs_adb,
    stand_in,
)

MAPPING = [
    (adbutils.AdbTimeout("adb read timeout"), "link"),
    (adbutils.errors.AdbConnectionError("connect to adb server failed"), "link"),
    (adbutils.AdbError("device '127.0.0.1:5555' not found"), "link"),
    (adbutils.AdbError("device offline"), "link"),
    (adbutils.AdbError("no devices/emulators found"), "link"),
    (adbutils.AdbError("device unauthorized."), "link"),
    (adbutils.AdbError("Connection is closed"), "link"),
    (EOFError("Expected 5 bytes, got 0"), "link"),
    (ConnectionResetError(104, "Connection reset by peer"), "link"),
    (TimeoutError("timed out"), "link"),
    (adbutils.AdbError("Unknown data: b'WRTE'"), "command"),
    (adbutils.AdbError("more than one device/emulator"), "command"),
]


@pytest.mark.parametrize(("error", "kind"), MAPPING, ids=[repr(e)[:50] for e, _ in MAPPING])
def test_adb_errors_are_classified(error: BaseException, kind: str) -> None:
    assert classify(error) == kind


def test_classify_refuses_errors_that_are_not_adb_ones() -> None:
    with pytest.raises(TypeError):
        classify(ValueError("ours"))


def test_unreachable_adb_server_is_disconnected_and_no_server_is_started() -> None:
    port = free_port()
    device = AdbDevice("127.0.0.1:5555", adb_port=port, reconnect_attempts=1)
    with pytest.raises(DeviceDisconnected, match=r"127\.0\.0\.1:5555"):
        device.info()
    with socket.socket() as probe:  # adbutils' own fallback would have spawned `adb start-server`
        assert probe.connect_ex(("127.0.0.1", port)) != 0


@needs_adb[0]
@needs_adb[1]
def test_a_daemon_back_on_the_same_port_is_reconnected(
    connected: tuple[AdbDaemon, AdbServer], stand_in: StandInPhone  # noqa: F811
) -> None:
    served, server = connected
    device = AdbDevice(served.serial, adb_port=server.port, reconnect_attempts=3, timeout=5)
    device.observe()
    served.stop()
    with AdbDaemon(stand_in, port=served.port):
        assert device.observe().find("Send")
