from __future__ import annotations

from pathlib import Path

import pytest

from pocketpilot.apps.scenarios.format import load_scenarios

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
# The suite the agent was built against, one folder per category; public/ holds tasks drawn from
# public benchmarks' task families, written independently of it.
CATEGORY_DIRS = [SCENARIOS / c for c in ("atomic", "concatenation", "context_transition", "deep_dive")]
PUBLIC = SCENARIOS / "public"


@pytest.fixture(scope="session")
def scenarios():
    return load_scenarios([SCENARIOS])
