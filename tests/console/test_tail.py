"""EventTail reads only complete new lines of a growing events file."""

from __future__ import annotations

import json

from pocketpilot.apps.console.tail import EventTail


def _line(kind: str) -> str:
    return json.dumps({"kind": kind, "ts": 1.0, "data": {}}) + "\n"


def test_a_half_written_line_waits_for_its_newline(tmp_path):
    path = tmp_path / "events.jsonl"
    tail = EventTail(tmp_path)
    assert tail.read() == []  # no file yet
    first, second = _line("run.started"), _line("plan.created")
    path.write_text(first + second[:10])
    assert [e.kind for e in tail.read()] == ["run.started"]
    with open(path, "a") as handle:
        handle.write(second[10:])
    assert [e.kind for e in tail.read()] == ["plan.created"]
    assert tail.read() == []


def test_a_corrupt_line_is_counted_and_skipped(tmp_path):
    (tmp_path / "events.jsonl").write_text("not json\n" + _line("run.finished"))
    tail = EventTail(tmp_path)
    assert [e.kind for e in tail.read()] == ["run.finished"] and tail.skipped == 1
