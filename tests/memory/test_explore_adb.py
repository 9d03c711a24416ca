"""Exploration over real ADB: the virtual phone behind its daemon and a private adb server, driven
by ``AdbDevice`` (fresh launches are ``am force-stop`` + ``am start``, scrolls are swipes)."""

from __future__ import annotations

import pytest

from pocketpilot.devices.adb import AdbDevice
from pocketpilot.devices.adbd import AdbDaemon
from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.memory import GraphMemory
from pocketpilot.memory.explore import Explorer
from tests.devices.test_adb_fixtures import AdbServer, adb_server, needs_adb  # noqa: F401

pytestmark = [*needs_adb, pytest.mark.slow]


def test_exploration_over_adb_answers_the_prompt_and_scrolls(adb_server: AdbServer) -> None:  # noqa: F811
    with AdbDaemon(VirtualPhone(variant=3)) as daemon:
        adb_server.connect(daemon.serial)
        device = AdbDevice(daemon.serial, adb_port=adb_server.port, timeout=15)
        events = EventCollector()
        with GraphMemory(None) as memory:
            report = Explorer(device, memory, budget=40, emit=events).explore("Contacts")
    kinds = [e.data["kind"] for e in events.of_kind("memory.explore.step")]
    labels = [e.data["label"] for e in events.of_kind("memory.explore.step")]
    assert labels[0] == "Allow" and report.pages >= 10  # 1 page when "Allow" was refused
    assert "scroll" in kinds
