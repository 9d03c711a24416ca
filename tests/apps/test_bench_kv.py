"""``pocketpilot bench kv`` end to end on the bundled model, at a size a test can afford."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pocketpilot.apps.cli import main

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]


def test_bench_kv_writes_the_three_modes_side_by_side(tmp_path):
    out = tmp_path / "kv.json"
    args = ["bench", "kv", "--turns", "3", "--programs", "2", "--system-tokens", "120", "--obs-tokens", "40",
            "--reply-tokens", "12", "--json", str(out)]
    assert main(args) == 0
    report = json.loads(out.read_text())
    assert set(report["modes"]) == {"none", "prefix", "retained"}
    retained, none = report["modes"]["retained"], report["modes"]["none"]
    assert retained["new_tokens"] == none["new_tokens"]  # one workload, counted alike
    assert retained["prefill_tokens"] < report["modes"]["prefix"]["prefill_tokens"] < none["prefill_tokens"]
    # each earlier reply is prefilled again once, batched, so all three modes answer alike
    assert retained["recomputed_tokens"] > 0 and report["identical_completions"] is True
    assert 0 < report["prefill_efficiency_replies_free"] < report["prefill_efficiency"] <= 1.0
    assert set(report["targets"]) == {"prefill_efficiency", "speedup_vs_none", "speedup_vs_prefix",
                                      "step_model_seconds_p50"}


SCENARIOS = ROOT / "scenarios"
PAIR = (SCENARIOS / "atomic" / "alarm-0700.yaml", SCENARIOS / "context_transition" / "address-to-bob.yaml")


def test_bench_kv_replay_runs_the_agents_own_calls_with_the_same_completions_in_every_mode(tmp_path):
    out = tmp_path / "replay.json"
    assert main(["bench", "kv", "--replay", *map(str, PAIR), "--limit", "2", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert set(report["modes"]) == {"none", "prefix", "retained"}
    assert set(report["targets"]) == {"reuse_share", "speedup_vs_none", "step_model_seconds_p50"}
    modes = report["modes"]
    # one workload, counted alike; greedy, so retention may change the cost only, never a completion
    assert len({m["prompt_tokens"] for m in modes.values()}) == 1 and modes["none"]["calls"] >= 2
    assert report["identical_completions"] is True and report["mismatches"] == []
    assert modes["none"]["reuse_share"] == 0 and 0 < report["reuse_share"] == modes["retained"]["reuse_share"] < 1
    assert report["reuse_share"] == round(modes["retained"]["reused_tokens"] / modes["retained"]["prompt_tokens"], 4)
    assert report["speedup_vs_none"] > 0 and report["step_model_seconds_p50"] > 0
    scenarios = report["workload"]["scenarios"]
    assert [s["scenario"] for s in scenarios] == ["alarm-0700", "address-to-bob"]
    # the calls are per scenario's program, and only those the prior gate left to a model
    assert sum(s["model_calls"] for s in scenarios) == modes["none"]["calls"]
    programs = {c["program"].split("/")[0] for c in report["calls"]["retained"]}
    assert programs == {"alarm-0700", "address-to-bob"}
