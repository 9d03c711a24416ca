"""``pocketpilot bench kv`` end to end on the bundled model, at a size a test can afford."""

from __future__ import annotations

import json

import pytest

from pocketpilot.apps.cli import main

pytestmark = pytest.mark.model


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
