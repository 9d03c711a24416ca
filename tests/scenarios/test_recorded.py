"""Recorded runs: a run through ``RecordingDevice`` replays offline against ``RecordedDevice``."""

from __future__ import annotations

import json

import pytest

from pocketpilot.apps.cli import main
from pocketpilot.apps.scenarios.format import StepBudget
from pocketpilot.apps.scenarios.recorded import scenario_for
from pocketpilot.apps.scenarios.replay import ReplayConfig, run_scenario
from pocketpilot.devices.actions import Back, Launch
from pocketpilot.devices.device import Device
from pocketpilot.devices.errors import ReplayMismatch
from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.recorded import ACTIONS, RecordedDevice, RecordingDevice
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.planner.agent import Agent
from pocketpilot.planner.graph import Seams
from pocketpilot.planner.state import Budget
from pocketpilot.runtime.lexical_backend import LexicalBackend

TASK = "Turn on Bluetooth in Settings"
# The replay runs under the recorded run's step budget (the CLI's is the default one).
BUDGET = Budget()
SAME_BUDGET = StepBudget()


@pytest.fixture
def recording(tmp_path):
    """A run of the agent (lexical backend) on the virtual phone, recorded as ``pocketpilot run`` does."""
    run_dir = tmp_path / "run"
    device = RecordingDevice(VirtualPhone(), run_dir)
    seams = Seams(backend=LexicalBackend(), device=device, budget=BUDGET,
                  on_event=EventCollector())
    agent = Agent(seams, tmp_path / "checkpoints.sqlite")
    try:
        agent.run(TASK, run_id="recorded")
    finally:
        agent.close()
    return run_dir


def test_a_recorded_device_is_a_device(recording):
    assert isinstance(RecordedDevice(recording), Device)
    assert list((recording / "screens").glob("*.xml"))


def test_replaying_the_same_agent_matches_every_recorded_action(recording):
    result = run_scenario(scenario_for(recording, TASK, budget=SAME_BUDGET), ReplayConfig(backend="lexical"))
    assert result.success, result.reason
    assert result.optimal_steps == len(RecordedDevice(recording).calls) > 0


def test_an_altered_recorded_action_raises_replay_mismatch(recording):
    path = recording / ACTIONS
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    altered = next(i for i, row in enumerate(rows) if row["call"] == "act")
    rows[altered] = {"call": "act", "action": {"kind": "back"}, "target": None}
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = run_scenario(scenario_for(recording, TASK, budget=SAME_BUDGET), ReplayConfig(backend="lexical"))
    assert not result.success and "replay mismatch at recorded call" in result.reason


def test_a_mismatch_says_what_was_expected_and_what_came(recording):
    device = RecordedDevice(recording)
    device.observe()
    first = device.calls[0]
    wrong = Back() if first["call"] == "launch" else Launch("Clock")
    with pytest.raises(ReplayMismatch) as caught:
        device.act(wrong)
    assert caught.value.index == 0 and caught.value.expected == {k: v for k, v in first.items() if k != "seconds"}


def test_replay_command_accepts_a_recorded_run(recording, capsys):
    assert main(["replay", "--recorded", str(recording), "--task", TASK, "--json", "-"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["scenarios"][0]["success"] is True
