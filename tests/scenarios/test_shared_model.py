"""``replay --workers N`` on the real bundled model: one model serves every worker through the
scheduler, and each device action pins its scenario's KV (``kv.pin`` in its run record)."""

from __future__ import annotations

import json

import pytest

from pocketpilot.apps.cli import main
from pocketpilot.apps.run_records import read_events

from .conftest import SCENARIOS

PAIR = ("atomic/alarm-0700.yaml", "context_transition/address-to-bob.yaml")


@pytest.mark.model
@pytest.mark.slow
def test_replay_with_two_workers_loads_the_model_once_and_pins_each_scenarios_kv_while_it_acts(tmp_path):
    out, records = tmp_path / "replay.json", tmp_path / "records"
    args = ["replay", *(str(SCENARIOS / name) for name in PAIR), "--backend", "llama", "--workers", "2",
            "--records", str(records), "--json", str(out)]
    assert main(args) == 0
    summary = json.loads(out.read_text())
    assert summary["model"]["sharing"] == "shared" and summary["model"]["model_loads"] == 1
    assert summary["model"]["scenarios_per_minute"] > 0 and summary["model"]["peak_rss_mb"] > 0
    lanes = {"alarm-0700~decomposed", "address-to-bob~decomposed"}
    assert {d.name for d in records.iterdir()} == lanes
    model_calls = 0
    for lane in lanes:
        events = list(read_events(records / lane))
        kinds = [e.kind for e in events]
        assert "run.finished" in kinds
        calls = [e for e in events if e.kind == "llm.call"]
        pins = [e for e in events if e.kind == "kv.pin"]
        # the one model's events reach the run of the program they name, and only that run
        assert all(e.data["program"].startswith(f"{lane}/") for e in calls + pins)
        if calls:  # a lane the prior gate answered entirely has no KV to pin
            assert pins and all(e.data["ttl_s"] >= 0 for e in pins)
        model_calls += len(calls)
    assert model_calls > 0
