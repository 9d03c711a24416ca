"""A sampled subset on the real bundled model: one scenario per compositional category, a small
budget, judged like any replay. A 135M model need not succeed; the replay must complete and judge."""

from __future__ import annotations

import pytest

from pocketpilot.apps.scenarios.format import load_scenario
from pocketpilot.apps.scenarios.replay import ReplayConfig, run_all
from pocketpilot.apps.scenarios.summary import summarize

from .conftest import SCENARIOS

SAMPLE = ("concatenation/bluetooth-dark.yaml", "context_transition/standup-alarm.yaml",
          "deep_dive/search-24h-format.yaml")


@pytest.mark.model
@pytest.mark.slow
def test_a_sampled_replay_on_the_bundled_model_completes_and_is_judged():
    scenarios = [load_scenario(SCENARIOS / name) for name in SAMPLE]
    small = [s.model_copy(update={"budget": s.budget.model_copy(update={"total_steps": 4, "subtask_steps": 2,
                                                                        "replans": 0})}) for s in scenarios]
    results = run_all(small, [ReplayConfig(backend="llama")], workers=1)
    assert [r.scenario for r in results] == [s.id for s in scenarios]
    for result in results:
        assert result.failure_kind != "error", result.to_dict()
        assert result.predicate_held is not None  # the predicate was evaluated on the final state
    # the model ran (a step the grounding prior is sure of may skip it, so not necessarily in each)
    assert sum(r.llm_calls for r in results) > 0 and sum(r.prompt_tokens for r in results) > 0
    assert set(summarize(results)["configs"]["decomposed"]["by_category"]) == {
        "concatenation", "context_transition", "deep_dive"}
