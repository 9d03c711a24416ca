"""Exploration does not depend on resource ids: with ids obfuscated (``a0b``) or missing it learns
the same pages and refuses the same controls; it also runs over a recording of itself."""

from __future__ import annotations

import re

import pytest

from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.recorded import RecordedDevice, RecordingDevice
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.devices.virtual.obfuscated import ObfuscatedIds
from pocketpilot.memory import GraphMemory
from pocketpilot.memory.explore import Explorer

_HARMFUL = re.compile(r"\b(delete|remove|trash|send|share|discard|erase|reset)\b", re.I)


def explore(device, app, budget=200):
    events = EventCollector()
    with GraphMemory(None) as memory:
        report = Explorer(device, memory, budget=budget, emit=events).explore(app)
        scrolls = sum(1 for e in memory.app_edges(report.app) if e.kind == "scroll")
    taps = [e.data["label"] for e in events.of_kind("memory.explore.step")
            if e.data.get("kind", "tap") == "tap" and e.data["label"] != "back"]
    return report, taps, scrolls


@pytest.mark.parametrize("mode", ["obfuscate", "strip"])
def test_without_meaningful_ids_nothing_destructive_is_tapped(mode):
    # Variant 3 labels the file's delete button "Move to trash"; only its id said "delete".
    with_ids, _, _ = explore(VirtualPhone(variant=3), "Files")
    report, taps, _ = explore(ObfuscatedIds(VirtualPhone(variant=3), mode), "Files")
    assert not [label for label in taps if _HARMFUL.search(label)]
    assert report.pages == with_ids.pages


@pytest.mark.parametrize("mode", ["obfuscate", "strip"])
def test_without_meaningful_ids_scrolled_lists_and_prompts_are_explored_alike(mode):
    with_ids, _, _ = explore(VirtualPhone(variant=3), "Settings")
    report, _, scrolls = explore(ObfuscatedIds(VirtualPhone(variant=3), mode), "Settings")
    assert report.pages == with_ids.pages == 16 and scrolls >= 1
    contacts, taps, _ = explore(ObfuscatedIds(VirtualPhone(variant=3), mode), "Contacts", budget=120)
    assert taps[0] == "Allow" and contacts.pages >= 20


def test_ids_are_rewritten_but_elements_stay_the_same():
    phone = VirtualPhone()
    phone.launch("Settings")
    plain = phone.observe()
    for mode, check in (("strip", lambda rid: rid == ""),
                        ("obfuscate", lambda rid: rid == "" or len(rid.split("/")[-1]) <= 4)):
        screen = ObfuscatedIds(phone, mode).observe()
        assert [e.label for e in screen.elements] == [e.label for e in plain.elements]
        assert all(check(e.resource_id) for e in screen.elements)


def test_exploration_replays_over_a_recording_of_itself(tmp_path):
    recorded, taps, scrolls = explore(RecordingDevice(VirtualPhone(variant=3), tmp_path),
                                      "Contacts", budget=80)
    replay = RecordedDevice(tmp_path)
    again, replayed_taps, replayed_scrolls = explore(replay, "Contacts", budget=80)
    assert replay.finished and again.pages == recorded.pages >= 10
    assert (replayed_taps, replayed_scrolls) == (taps, scrolls) and scrolls >= 1
