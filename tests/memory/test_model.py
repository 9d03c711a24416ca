"""Every record memory writes round-trips through to_dict/from_dict."""

from __future__ import annotations

import math

from pocketpilot.memory import (
    Edge,
    Hints,
    Locator,
    MemoryStats,
    Page,
    PageElement,
    PageHit,
    SuggestedAction,
    TaskRecord,
)
from pocketpilot.memory.explore import ExploreReport
from pocketpilot.memory.model import edge_weight


def test_records_round_trip_through_dicts():
    locator = Locator("com.a:id/title", "Wi-Fi", "", "android.widget.TextView", 0.25, 0.5)
    hit = PageHit("abc", "com.a", "settings; title: Wi-Fi", 1.5)
    suggestion = SuggestedAction({"kind": "tap", "element": 3}, "Wi-Fi", "e1", 0.9, 0.7, 2, "path")
    records = [
        locator,
        Page("abc", "com.a", "Main", "settings", (PageElement("Wi-Fi", "title", "TextView", "c", 0.5, 0.1),), 3),
        Edge("e1", "abc", "def", {"kind": "tap"}, locator, 4, 1, 0.8),
        Edge("e2", "def", "abc", {"kind": "back"}, None, 1, 0, 0.1),
        TaskRecord(7, "turn on wifi", "open wifi settings", ("e1", "e2"), True),
        hit,
        suggestion,
        Hints((hit,), suggestion, True),
        Hints(),
        MemoryStats(2, 1, 0, 3, 1, 4096, {"com.a": 2}),
        ExploreReport("com.a", 4, 6, 9, 1, 0, "explore-1"),
    ]
    for record in records:
        assert type(record).from_dict(record.to_dict()) == record


def test_edge_weight_prefers_reliable_edges_and_charges_every_step():
    assert edge_weight(10, 0) < edge_weight(1, 0) < edge_weight(1, 3)
    assert edge_weight(1000, 0) > 0
    assert math.isclose(Edge("e", "a", "b", {}, None, 1, 0).success_probability, 2 / 3)


def test_locator_key_ignores_digits_and_uses_position_only_without_identity():
    assert Locator(text="3 new messages").key() == Locator(text="5 new messages").key()
    assert Locator(rel_x=0.1, rel_y=0.1).key() != Locator(rel_x=0.9, rel_y=0.9).key()
    assert Locator(text="OK", rel_x=0.1).key() == Locator(text="OK", rel_x=0.9).key()


def test_hints_render_names_the_element_on_this_screen():
    hint = Hints((), SuggestedAction({"kind": "tap", "element": 4}, "Internet", "e", 1, 0.8, 2, "path"))
    assert "tap [4] 'Internet'" in hint.render()
    assert Hints().render() == ""
