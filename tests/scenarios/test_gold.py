"""Every scenario is solvable and not trivially satisfied: its predicate is false on the initial
state and its gold trajectory, played on the virtual phone, makes it a clean success."""

from __future__ import annotations

import pytest

from pocketpilot.apps.scenarios import gold, predicates
from pocketpilot.apps.scenarios.format import GoldStep, load_scenarios
from pocketpilot.apps.scenarios.outcome import judge
from pocketpilot.devices.virtual import VirtualPhone

from .conftest import SCENARIOS

ALL = load_scenarios([SCENARIOS])


@pytest.mark.parametrize("scenario", ALL, ids=[s.id for s in ALL])
def test_gold_trajectory_satisfies_a_predicate_that_did_not_hold_at_the_start(scenario):
    assert scenario.gold, "every shipped scenario carries a gold trajectory"
    phone = VirtualPhone(dict(scenario.state), variant=scenario.variant, seed=scenario.seed)
    before = phone.state_dict()
    assert not predicates.holds(scenario.success, before)
    assert gold.play(phone, list(scenario.gold)) == scenario.optimal_steps
    verdict = judge(scenario, before, phone.state_dict(), budget_spent=False, error=False)
    assert verdict.success, verdict


def test_a_gold_step_whose_label_is_missing_says_which_step():
    phone = VirtualPhone()
    with pytest.raises(gold.GoldStepFailed, match="gold step 2"):
        gold.play(phone, [GoldStep(kind="launch", app="Clock"), GoldStep(kind="tap", label="No such button")])
