"""``pocketpilot run TASK --device A --device B``: one task on each device at once, one run each."""

from __future__ import annotations

import json

import pytest

from pocketpilot.apps.cli import main
from pocketpilot.apps.run_records import read_events, read_run_info
from tests.apps.killing import VERDICT_EXITS

TASK = "Turn on Bluetooth"


def runs(data):
    return sorted((data / "runs").iterdir())


def test_each_device_gets_its_own_run_with_its_own_verdict(tmp_path):
    data = tmp_path / "data"
    code = main(["run", TASK, "--device", "virtual", "--device", "virtual:1", "--backend", "lexical",
                 "--confirm", "deny", "--data-dir", str(data)])
    assert code in VERDICT_EXITS
    done = runs(data)
    assert sorted(read_run_info(d)["device"] for d in done) == ["virtual", "virtual:1"]
    for directory in done:
        summary = json.loads((directory / "summary.json").read_text())
        assert summary["task"] == TASK and summary["verdict"] in {"success", "unverified", "not_done"}
        assert [e.kind for e in read_events(directory)][-1] == "run.finished"


def test_a_device_named_twice_is_refused_in_one_line(tmp_path, capsys):
    code = main(["run", TASK, "--device", "virtual", "--device", "virtual", "--backend", "lexical",
                 "--confirm", "deny", "--data-dir", str(tmp_path / "data")])
    assert code == 2 and "named twice" in capsys.readouterr().err
    assert not (tmp_path / "data" / "runs").exists() or not runs(tmp_path / "data")


@pytest.mark.model
@pytest.mark.slow
def test_on_the_bundled_model_both_runs_share_one_model_and_pin_their_kv_while_acting(tmp_path):
    data = tmp_path / "data"
    code = main(["run", TASK, "--device", "virtual", "--device", "virtual:2", "--confirm", "deny",
                 "--no-memory", "--data-dir", str(data)])
    assert code in VERDICT_EXITS
    for directory in runs(data):
        events = list(read_events(directory))
        mine = [e for e in events if e.kind in {"llm.call", "kv.pin"}]
        # the shared model's events reach the run whose program they name
        assert all(e.data["program"].startswith(f"{directory.name}/") for e in mine)
        if any(e.kind == "llm.call" for e in mine):
            assert any(e.kind == "kv.pin" for e in mine)
