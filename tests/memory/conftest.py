"""Fixtures for memory tests: a temp-file memory and the fake phone's Settings app."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakephone import FakeDevice, settings_app

from pocketpilot.memory import GraphMemory


@pytest.fixture
def memory(tmp_path):
    store = GraphMemory(tmp_path / "memory.sqlite")
    yield store
    store.close()


@pytest.fixture
def phone():
    device = FakeDevice([settings_app()])
    device.launch("Settings")
    return device
