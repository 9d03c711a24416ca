"""Shared parts for the adb tests: a stand-in phone, the daemon, and a private adb server.

``StandInPhone`` implements the ``VirtualPhone`` API the daemon relies on, with one tiny
screen; tests that need real apps use ``pocketpilot.devices.virtual.VirtualPhone``. The adb
server runs on its own free port (never 5037) and is killed at teardown.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from pocketpilot.devices.adbd import AdbDaemon
from pocketpilot.devices.device import AppInfo, DeviceInfo
from pocketpilot.devices.gestures import Gesture, InputText, KeyPress, StartApp, TapAt
from pocketpilot.devices.sensors import Reading, Sensors, ThermalStatus
from pocketpilot.devices.virtual.state import Settings

ADB = shutil.which("adb")
needs_adb = [
    pytest.mark.adb,
    pytest.mark.skipif(ADB is None, reason="needs Debian's adb (apt install adb)"),
]
APPS = [
    AppInfo("com.android.contacts", "Contacts"),
    AppInfo("com.android.messaging", "Messages"),
    AppInfo("com.android.deskclock", "Clock"),
]


class StandInPhone:
    """The ``VirtualPhone`` API over one screen: a Search field and a Send button."""

    def __init__(self) -> None:
        self.performed: list[Gesture] = []
        self.typed = ""
        self.package = "com.android.contacts"
        self._settings = Settings()
        self._lock = threading.Lock()

    def perform(self, gesture: Gesture) -> None:
        with self._lock:
            self.performed.append(gesture)
            if isinstance(gesture, InputText):
                self.typed += gesture.text
            elif isinstance(gesture, KeyPress) and "KEYCODE_DEL" in gesture.keys:
                self.typed = self.typed[: -gesture.keys.count("KEYCODE_DEL")]
            elif isinstance(gesture, StartApp):
                self.package = gesture.package

    def dump_xml(self) -> str:
        from xml.sax.saxutils import quoteattr

        p = self.package
        return (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
            '<hierarchy rotation="0">'
            f'<node index="0" text="" class="android.widget.FrameLayout" package="{p}" '
            'bounds="[0,0][1080,2400]">'
            f'<node index="0" text={quoteattr(self.typed)} content-desc="Search" '
            f'class="android.widget.EditText" package="{p}" clickable="true" focusable="true" '
            'enabled="true" bounds="[40,200][1040,320]" />'
            f'<node index="1" text="Send" class="android.widget.Button" package="{p}" '
            'clickable="true" enabled="true" bounds="[800,2200][1040,2320]" />'
            "</node></hierarchy>"
        )

    def screenshot(self) -> bytes:
        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (108, 240), (30, 120, 200)).save(out, "PNG")
        return out.getvalue()

    def focus(self) -> tuple[str, str]:
        return self.package, self.package + ".MainActivity"

    def sensors(self) -> Sensors:
        return Sensors(
            battery_level=Reading(76.0), charging=False, battery_temp_c=Reading(31.5),
            current_ma=Reading(250.0), voltage_mv=Reading(3900.0),
            thermal_status=ThermalStatus.LIGHT,
        )

    def apps(self) -> list[AppInfo]:
        return list(APPS)

    def info(self) -> DeviceInfo:
        return DeviceInfo("virtual", "Pocketpilot Virtual", "14", (1080, 2400), "virtual")

    def state_dict(self) -> dict:
        return {"typed": self.typed, "package": self.package}

    def settings(self) -> Settings:
        return self._settings

    def update_settings(self, **changes) -> None:
        self._settings = replace(self._settings, **changes)

    @property
    def taps(self) -> list[TapAt]:
        return [g for g in self.performed if isinstance(g, TapAt)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AdbServer:
    """A private adb server: every command goes through ``-P port``."""

    port: int

    def run(self, *args: str, timeout: float = 20) -> subprocess.CompletedProcess[bytes]:
        assert ADB is not None
        env = {**os.environ, "ANDROID_ADB_SERVER_PORT": str(self.port)}
        return subprocess.run(
            [ADB, "-P", str(self.port), *args], capture_output=True, timeout=timeout, env=env
        )

    def connect(self, serial: str) -> None:
        out = self.run("connect", serial).stdout.decode()
        assert "connected to" in out, out
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if f"{serial}\tdevice" in self.run("devices").stdout.decode():
                return
            time.sleep(0.1)
        raise AssertionError(f"{serial} never listed as 'device': {self.run('devices').stdout!r}")


@pytest.fixture
def adb_server() -> Iterator[AdbServer]:
    server = AdbServer(free_port())
    started = server.run("start-server")
    assert started.returncode == 0, started.stderr
    try:
        yield server
    finally:
        server.run("kill-server")


@pytest.fixture
def stand_in() -> StandInPhone:
    return StandInPhone()


@pytest.fixture
def daemon(stand_in: StandInPhone) -> Iterator[AdbDaemon]:
    with AdbDaemon(stand_in) as served:
        yield served


@pytest.fixture
def connected(daemon: AdbDaemon, adb_server: AdbServer) -> tuple[AdbDaemon, AdbServer]:
    adb_server.connect(daemon.serial)
    return daemon, adb_server


def test_stand_in_types_and_deletes() -> None:
    phone = StandInPhone()
    phone.perform(InputText("abc"))
    phone.perform(KeyPress(("KEYCODE_MOVE_END", "KEYCODE_DEL")))
    assert phone.typed == "ab"
