"""Fixtures: a recorded lexical-backend run on the virtual phone, laid out under a data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pocketpilot.apps.run_records import read_events
from pocketpilot.devices.events import Event

RECORDED = Path(__file__).parent / "data" / "run"
RUN_ID = "20261125-143945-30d886"


@pytest.fixture
def recorded_events() -> list[Event]:
    return list(read_events(RECORDED))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data dir whose ``runs/`` holds the recorded run under its own id."""
    shutil.copytree(RECORDED, tmp_path / "runs" / RUN_ID)
    return tmp_path


@pytest.fixture
def run_dir(data_dir: Path) -> Path:
    return data_dir / "runs" / RUN_ID
