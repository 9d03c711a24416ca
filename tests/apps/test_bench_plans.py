"""``bench plans``: plan accuracy against labels read off gold trajectories."""

from __future__ import annotations

import json
from pathlib import Path

from pocketpilot.apps.benches.plans import label_of
from pocketpilot.apps.cli import main
from pocketpilot.apps.scenarios.format import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_labels_are_the_gold_apps_in_order_and_whether_a_value_is_handed_on():
    relay = label_of(load_scenario(next(SCENARIOS.glob("*/address-to-bob.yaml"))))
    assert relay is not None and relay.apps == ("Notes", "Messages") and relay.hands_on
    single = label_of(load_scenario(SCENARIOS / "atomic" / "bluetooth-on.yaml"))
    assert single is not None and single.apps == ("Settings",) and not single.hands_on


def test_the_bench_plans_every_wording_and_scores_it(tmp_path):
    out = tmp_path / "plans.json"
    assert main(["bench", "plans", str(SCENARIOS / "atomic" / "bluetooth-on.yaml"), "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    canonical = [p for p in report["plans"] if p["wording"] == "canonical"]
    assert len(canonical) == 1 and canonical[0]["planned"] == ["Settings"] and canonical[0]["apps_right"]
    paraphrases = load_scenario(SCENARIOS / "atomic" / "bluetooth-on.yaml").paraphrases
    assert report["summary"]["all"]["plans"] == 1 + len(paraphrases)
    assert report["summary"]["all"]["valid"] == 1.0
