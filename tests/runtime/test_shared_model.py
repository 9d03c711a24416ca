"""``SharedModel``: synchronous agents in threads share one backend through the scheduler."""

from __future__ import annotations

import threading

from pocketpilot.devices.actions import Back
from pocketpilot.devices.events import Event, EventCollector
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.runtime.backend import Message
from pocketpilot.runtime.shared_model import LaneEvents, SharedModel
from tests.runtime.test_scheduler import PinLog, SlowBackend

MSGS = [Message("user", "go")]


def test_two_tasks_programs_of_one_name_are_two_programs_and_never_overlap_on_the_model():
    backend = SlowBackend(delay=0.05)
    with SharedModel(backend) as shared:
        lanes = [shared.lane(name) for name in ("a", "b")]
        replies = {}

        def task(lane):
            replies[lane.name] = [lane.complete("executor-1", MSGS) for _ in range(3)]

        threads = [threading.Thread(target=task, args=(lane,)) for lane in lanes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert backend.max_active == 1 and sorted(set(backend.order)) == ["a/executor-1", "b/executor-1"]
    # the caller sees its own program name back
    assert {c.program for cs in replies.values() for c in cs} == {"executor-1"}


def test_a_device_action_pins_the_kv_of_the_lanes_last_program_until_it_returns():
    kv = PinLog()
    with SharedModel(SlowBackend(delay=0), kv=kv) as shared:
        lane = shared.lane("task")
        phone = lane.device(VirtualPhone())
        lane.complete("executor-2", MSGS)
        phone.act(Back())
    assert [(what, program) for what, program, _ in kv.log] == [("pin", "task/executor-2"),
                                                                  ("unpin", "task/executor-2")]


def test_backend_events_reach_the_lane_whose_program_they_name():
    mine, other, loose = EventCollector(), EventCollector(), EventCollector()
    events = LaneEvents(fallback=loose)
    events.add("mine", mine)
    events.add("other", other)
    events(Event("kv.pin", {"program": "mine/executor-1", "ttl_s": 1.0}))
    events(Event("model.loaded", {"path": "x.gguf"}))
    assert [e.kind for e in mine.events] == ["kv.pin"] and not other.events
    assert [e.kind for e in loose.events] == ["model.loaded"]
