"""Replaying a run recorded on a phone: the agent sees the recorded screens and must do the
recorded actions; success is reaching the end of the recording without a mismatch.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pocketpilot.apps.scenarios.format import Category, Scenario, StepBudget
from pocketpilot.apps.scenarios.outcome import FailureKind
from pocketpilot.devices.errors import ReplayMismatch
from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.recorded import RecordedDevice
from pocketpilot.planner.agent import Agent
from pocketpilot.planner.graph import Seams

if TYPE_CHECKING:
    from pocketpilot.apps.scenarios.replay import ReplayConfig, ScenarioResult


def scenario_for(run_dir: str | Path, task: str, *, category: Category = Category.CONCATENATION,
                 budget: StepBudget | None = None) -> Scenario:
    """A scenario replaying ``run_dir`` (what ``pocketpilot run --record`` wrote).

    The replay must run under the recorded run's step budget: a budget decides when a subtask is
    re-planned, and so which actions come next.
    """
    run_dir = Path(run_dir).resolve()
    return Scenario(id=f"recorded-{run_dir.name.lower()}"[:80], title=f"recorded run {run_dir.name}",
                    category=category, task=task, recording=str(run_dir), file=str(run_dir / "scenario.yaml"),
                    budget=budget or StepBudget())


def run_recorded(scenario: Scenario, config: ReplayConfig, backend_for: Callable) -> ScenarioResult:
    from pocketpilot.apps.scenarios.replay import ScenarioResult

    directory = scenario.recording_dir()
    assert directory is not None
    started = time.monotonic()
    device = RecordedDevice(directory)
    steps = calls = tokens = 0
    kind: FailureKind | None = None
    claimed: bool | None = None
    with tempfile.TemporaryDirectory(prefix="pp-replay-") as tmp:
        seams = Seams(backend=backend_for(config, scenario), device=device, policy=scenario.sensitive.to_policy(),
                      budget=scenario.budget.to_budget(), on_event=EventCollector())
        approve = scenario.sensitive.answer == "approve"
        agent = Agent(seams, Path(tmp) / "checkpoints.sqlite", confirm=lambda request: approve)
        try:
            result = agent.run(scenario.task, run_id=scenario.id, mode=config.mode)
            steps, calls, tokens, reason = result.steps, result.llm_calls, result.prompt_tokens, result.reason
            claimed = result.success
            if not device.finished:
                kind = FailureKind.UNDER_EXECUTION
                reason = f"stopped after {device.position} of {len(device.calls)} recorded calls"
        except ReplayMismatch as exc:
            kind, reason = FailureKind.WRONG_VALUE, str(exc)
        finally:
            agent.close()
    return ScenarioResult(
        scenario=scenario.id, category=scenario.category.value, config=config.mode, success=kind is None,
        failure_kind=kind.value if kind else None, predicate_held=None, steps=steps,
        optimal_steps=len(device.calls), llm_calls=calls, prompt_tokens=tokens,
        seconds=round(time.monotonic() - started, 3), energy_j=None, energy_source="none", reason=reason,
        claimed=claimed,
    )
