"""The prior gate: choices grounding is sure of are answered without the model, the rest reach it."""

from __future__ import annotations

import pytest

from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.planner.agent import Agent
from pocketpilot.planner.graph import Seams
from pocketpilot.runtime.backend import Message
from pocketpilot.runtime.grammar import PRIOR_KEY
from pocketpilot.runtime.lexical_backend import LexicalBackend
from pocketpilot.runtime.prior_gate import PRIOR, PriorGate, prior_completion, prior_pick


def choice(priors: list[float]) -> dict:
    letters = [chr(ord("A") + i) for i in range(len(priors))]
    return {"type": "object", "properties": {"choice": {"enum": letters, PRIOR_KEY: priors}}, "required": ["choice"]}


def test_the_pick_is_the_best_weighted_value_and_its_lead_over_the_next():
    assert prior_pick(choice([-1.0, 3.0, 0.5])) == ({"choice": "B"}, 2.5)
    assert prior_pick(choice([0.0, 0.0, -4.0])) == ({"choice": "A"}, 0.0)  # a tie: the earlier, no lead
    assert prior_pick({"type": "object", "properties": {"choice": {"enum": ["A", "B"]}}}) is None
    assert prior_pick({"type": "object", "properties": {"subtasks": {"type": "array"}}}) is None


def test_a_lead_under_the_margin_or_a_zero_margin_asks_the_model():
    assert prior_completion("p", choice([0.0, -1.9]), 2.0) is None
    assert prior_completion("p", choice([0.0, -9.0]), 0.0) is None
    done = prior_completion("p", choice([0.0, -2.0]), 2.0)
    assert done is not None and done.parsed == {"choice": "A"} and done.answered_by == PRIOR
    assert done.usage.prompt_tokens == 0 and done.usage.generated_tokens == 0


def test_the_gate_passes_unsure_calls_to_the_model_and_counts_the_rest(retained_backend):
    events = EventCollector()
    gate = PriorGate(retained_backend, 2.0, on_event=events)
    messages = [Message("user", "Pick an option. A) tap Save B) tap Cancel")]
    sure = gate.complete("gate-test", messages, schema=choice([0.0, -6.0]), max_tokens=12)
    assert sure.parsed == {"choice": "A"} and sure.answered_by == PRIOR and gate.gated == 1
    assert [e.data["answer"] for e in events.of_kind("llm.gated")] == [{"choice": "A"}]
    unsure = gate.complete("gate-test", messages, schema=choice([0.0, -0.5]), max_tokens=12)
    assert unsure.answered_by == "model" and unsure.parsed["choice"] in {"A", "B"}
    assert unsure.usage.prompt_tokens > 0 and gate.gated == 1


def test_a_negative_margin_is_refused():
    with pytest.raises(ValueError, match="margin"):
        PriorGate(LexicalBackend(), -1.0)


def test_gated_answers_are_not_counted_as_model_calls(tmp_path):
    lexical = LexicalBackend()
    gate = PriorGate(lexical, 2.0)
    seams = Seams(gate, VirtualPhone(), on_event=EventCollector())
    agent = Agent(seams, tmp_path / "checkpoints.sqlite")
    try:
        result = agent.run("Turn on Bluetooth in Settings")
    finally:
        agent.close()
    assert result.success
    assert gate.gated >= 1  # the switch named by the goal needs no model
    assert result.llm_calls == lexical.calls  # what reached the backend, and nothing the gate answered
