from __future__ import annotations

from pathlib import Path

import pytest

from pocketpilot.apps.scenarios.format import load_scenarios

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def scenarios():
    return load_scenarios([SCENARIOS])
