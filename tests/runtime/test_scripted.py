"""Record completions from a backend, save them as JSON, replay them deterministically."""

from __future__ import annotations

import pytest

from pocketpilot.devices.events import EventCollector
from pocketpilot.runtime.backend import Completion, Message, Usage
from pocketpilot.runtime.errors import RecordingMissing
from pocketpilot.runtime.scripted import Recording, RecordingBackend, ScriptedBackend

MSGS = [Message("system", "s"), Message("user", "u")]


class EchoBackend:
    """A Backend that answers with the last message, counting calls."""

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, program, messages, *, schema=None, max_tokens=128, stop=(),
                 temperature=0.0, seed=0):
        self.calls += 1
        return Completion(program, messages[-1].content.upper(),
                          Usage(prompt_tokens=5, prefilled_tokens=2, reused_tokens=3))


def test_recorded_completion_replays_with_its_usage(tmp_path):
    recorder = RecordingBackend(EchoBackend())
    live = recorder.complete("p", MSGS, max_tokens=8)
    path = recorder.recording.save(tmp_path / "rec.json")
    events = EventCollector()
    replay = ScriptedBackend(path, on_event=events).complete("p", MSGS, max_tokens=8)
    assert replay == live and replay.usage.reused_tokens == 3
    assert events.of_kind("llm.call")[0].data["slot"] == "scripted"


@pytest.mark.parametrize("change", [
    {"program": "other"}, {"max_tokens": 9}, {"schema": {"type": "object"}}, {"seed": 1},
])
def test_replay_is_keyed_by_program_and_everything_that_shapes_the_reply(change):
    recorder = RecordingBackend(EchoBackend())
    recorder.complete("p", MSGS, max_tokens=8)
    args = {"program": "p", "max_tokens": 8} | change
    with pytest.raises(RecordingMissing, match="re-record"):
        ScriptedBackend(recorder.recording).complete(args.pop("program"), MSGS, **args)


def test_recording_round_trips_through_its_json_file(tmp_path):
    recorder = RecordingBackend(EchoBackend())
    recorder.complete("p", MSGS)
    path = recorder.recording.save(tmp_path / "r.json")
    assert Recording.load(path).entries == recorder.recording.entries
