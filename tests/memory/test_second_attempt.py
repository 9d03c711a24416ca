"""A second attempt at a task, with memory, needs fewer model decisions than the first.

The planner is not written yet; this stands in for its executor loop: each step asks memory for
hints first and follows a confident suggestion, else "asks the model" (a scripted oracle that
knows the way, counted as one LLM call). The planner will use the same ``hints`` API.
"""

from __future__ import annotations

from fakephone import FakeDevice, settings_app

from pocketpilot.devices import Tap, action_to_dict
from pocketpilot.memory import GraphMemory

ROUTE = ("Display", "Brightness level", "Adaptive brightness")  # what the "model" would choose


def attempt(memory: GraphMemory, run_id: str) -> int:
    device = FakeDevice([settings_app()])
    device.launch("Settings")
    llm_calls, edges = 0, []
    screen = device.observe()
    for wanted in ROUTE:
        hints = memory.hints("turn on adaptive brightness", screen)
        suggestion = hints.next_action
        if suggestion is not None and suggestion.match >= 0.5:
            action = suggestion.action
        else:
            llm_calls += 1
            action = action_to_dict(Tap(element=screen.find(wanted)[0].id))
        device.act(Tap(element=action["element"]))
        after = device.observe()
        edges.append(memory.record_step(run_id, screen, action, after, True, 0.3).id)
        screen = after
    success = device.switches.get(("brightness", "Adaptive brightness"), False)
    memory.record_task("turn on adaptive brightness", "turn on adaptive brightness", edges, success)
    memory.end_run(run_id, success)
    assert success
    return llm_calls


def test_second_attempt_uses_memory_and_needs_fewer_llm_calls(tmp_path):
    with GraphMemory(tmp_path / "memory.sqlite") as memory:
        first = attempt(memory, "run-1")
    with GraphMemory(tmp_path / "memory.sqlite") as memory:  # a new process would reopen it
        second = attempt(memory, "run-2")
    assert first == 3
    assert second < first
    assert second == 0
