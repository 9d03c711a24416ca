"""``pocketpilot bench energy`` end to end on the model-free backend: the report's shape and the
context schedule (on the charger, then unplugged) that the adaptive policy must follow."""

from __future__ import annotations

import json
from pathlib import Path

from pocketpilot.apps.cli import main

ATOMIC = Path(__file__).resolve().parents[2] / "scenarios" / "atomic"


def test_bench_energy_runs_three_policies_on_scenario_files(tmp_path, capsys):
    out = tmp_path / "energy.json"
    assert main(["bench", "energy", str(ATOMIC), "--backend", "lexical", "--tasks", "2", "--plugged", "1",
                 "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert set(report["policies"]) == {"static_max", "static_min", "adaptive"}
    assert len(report["scenarios"]) == 2 and report["plugged_scenarios"] == 1
    for policy in report["policies"].values():
        assert {"success_rate", "energy_j", "energy_kind", "cpu_seconds", "step_p50_s", "switches"} <= set(policy)
        assert policy["energy_kind"] in {"measured", "estimated"}
    static = report["policies"]["static_max"]
    assert static["switches"] == 0
    # static_max perceives through the tree and PP-OCR every step; static_min reads the tree only
    assert static["ocr_energy_j"] > 0 and report["policies"]["static_min"]["ocr_energy_j"] == 0
    adaptive = report["policies"]["adaptive"]["decisions"]
    assert adaptive[0]["reason"].startswith("initial") and "charging" in adaptive[0]["reason"]
    assert {"energy_saving_vs_static_max", "success_delta_vs_static_max"} <= set(report)
    log = capsys.readouterr().out
    assert "charging" in log and "unplugged" in log


def test_bench_energy_names_a_bad_scenario_path(tmp_path, capsys):
    assert main(["bench", "energy", str(tmp_path / "none.yaml"), "--backend", "lexical",
                 "--json", str(tmp_path / "e.json")]) == 2
    assert "none.yaml" in capsys.readouterr().err
