"""GraphMemory: recording steps, persistence, retrieval coarse to fine, import/export, merge."""

from __future__ import annotations

import sqlite3

import pytest
from fakephone import FakeDevice, settings_app

from pocketpilot.devices import Back, Tap, action_to_dict
from pocketpilot.memory import (
    GraphMemory,
    MemoryCorrupt,
    MemoryFormatError,
    MemoryStoreError,
    NoKnownPath,
    Source,
    UnknownPage,
)
from pocketpilot.memory.errors import MemoryDatabaseError, map_sqlite_error


def tap(memory, phone, label, run="run-1", ok=True):
    """Tap the element labelled ``label`` on the phone and record the step; returns (edge, after)."""
    before = phone.last or phone.observe()
    element = before.find(label)[0]
    phone.act(Tap(element=element.id))
    after = phone.observe()
    return memory.record_step(run, before, action_to_dict(Tap(element=element.id)), after, ok, 0.2), after


def test_a_step_adds_both_pages_and_an_edge_with_a_locator(memory, phone):
    edge, after = tap(memory, phone, "Network")
    assert memory.stats().pages == 2 and memory.stats().edges == 1
    assert edge.target == after.signature
    assert edge.locator.text.startswith("Network & internet")
    assert "element" not in edge.action  # element ids belong to one screen, never stored


def test_repeating_a_step_counts_instead_of_adding_edges(memory, phone):
    first, _ = tap(memory, phone, "Display")
    phone.act(Back())
    phone.observe()
    again, _ = tap(memory, phone, "Display", ok=False)
    assert again.id == first.id
    assert (again.successes, again.failures) == (1, 1)
    assert memory.stats().edges == 1


def test_steps_survive_closing_and_reopening(tmp_path, phone):
    with GraphMemory(tmp_path / "m.sqlite") as memory:
        edge, _ = tap(memory, phone, "Network")
        memory.end_run("run-1", True)
    with GraphMemory(tmp_path / "m.sqlite") as reopened:
        assert reopened.path(edge.source, edge.target)[0].id == edge.id
        assert reopened.stats().runs == 1 and reopened.stats().steps == 1
        assert reopened.integrity() == "ok"


def test_relevant_pages_ranks_by_page_words(memory, phone):
    tap(memory, phone, "Display")
    tap(memory, phone, "Brightness")
    hits = memory.relevant_pages("adaptive brightness", 3)
    assert memory.page(hits[0].signature).elements[0].label == "Brightness"


def test_task_text_makes_the_end_page_findable(memory, phone):
    a, _ = tap(memory, phone, "Display")
    b, after = tap(memory, phone, "Brightness")
    memory.record_task("make the screen dimmer", "adjust screen dimness", [a.id, b.id], True)
    assert memory.relevant_pages("screen dimness", 1)[0].signature == after.signature


def test_path_follows_known_edges_and_knows_when_there_is_none(memory, phone):
    start = phone.observe().signature
    a, _ = tap(memory, phone, "Network")
    b, after = tap(memory, phone, "Internet")
    assert [e.id for e in memory.path(start, after.signature)] == [a.id, b.id]
    assert memory.path(start, start) == []
    with pytest.raises(NoKnownPath):
        memory.path(after.signature, start)
    with pytest.raises(UnknownPage):
        memory.path(start, "0" * 16)


def test_path_prefers_the_reliable_route_over_the_short_one(memory):
    from pocketpilot.memory import Edge, Page

    pages = [Page(s, "com.x") for s in "abcd"]
    edges = [Edge("direct", "a", "d", {"kind": "tap"}, None, 0, 5),
             Edge("ab", "a", "b", {"kind": "tap"}, None, 9, 0),
             Edge("bd", "b", "d", {"kind": "tap"}, None, 9, 0)]
    memory.ingest(pages, edges)
    assert [e.id for e in memory.path("a", "d")] == ["ab", "bd"]


def test_hints_rebind_the_next_action_to_the_current_screen_ids(memory, phone):
    a, _ = tap(memory, phone, "Network")
    b, _ = tap(memory, phone, "Internet")
    memory.record_task("add a wifi network", "open internet settings", [a.id, b.id], True)
    other = FakeDevice([settings_app()])
    other.apps_by_package["com.example.settings"].pages["home"].insert(0, settings_app().pages["home"][2])
    other.launch("Settings")
    screen = other.observe()  # the same page with an extra row on top: ids shifted by one
    hints = memory.hints("open internet settings", screen)
    moved = screen.find("Network")[0].id
    assert moved == 4  # it was element 3 when the edge was learned
    assert hints.known_page  # an extra list row is the same page
    assert hints.next_action.action == {"kind": "tap", "element": moved}


def test_hints_on_a_known_page_name_the_element_on_the_path(memory, phone):
    a, _ = tap(memory, phone, "Network")
    b, _ = tap(memory, phone, "Internet")
    memory.record_task("add a wifi network", "open internet settings", [a.id, b.id], True)
    phone.launch("Settings")
    screen = phone.observe()
    hints = memory.hints("open internet settings", screen)
    assert hints.known_page
    assert hints.next_action.action == {"kind": "tap", "element": screen.find("Network")[0].id}
    assert hints.next_action.steps_left == 2
    assert "Memory suggests: tap" in hints.render()


def test_hints_without_a_task_use_the_path_to_a_relevant_page(memory, phone):
    tap(memory, phone, "Network")
    tap(memory, phone, "Hotspot")
    phone.launch("Settings")
    screen = phone.observe()
    hints = memory.hints("wifi hotspot", screen)
    assert hints.next_action.reason == "path"
    assert hints.next_action.action["element"] == screen.find("Network")[0].id


def test_json_and_graphml_exports_round_trip(memory, phone, tmp_path):
    a, _ = tap(memory, phone, "Network")
    memory.record_task("t", "s", [a.id], True)
    memory.export_json(tmp_path / "m.json")
    memory.export_graphml(tmp_path / "m.graphml")
    for name, load in (("m.json", "import_json"), ("m.graphml", "import_graphml")):
        copy = GraphMemory(None)
        getattr(copy, load)(tmp_path / name)
        assert copy.to_dict() == memory.to_dict()
        copy.close()


def test_merge_sums_counts_and_keeps_new_pages(memory, phone, tmp_path):
    edge, _ = tap(memory, phone, "Network")
    other = GraphMemory(None)
    phone2 = FakeDevice([settings_app()])
    phone2.launch("Settings")
    tap(other, phone2, "Network")
    tap(other, phone2, "Internet")
    memory.merge(other)
    assert memory.edges([edge.id])[0].successes == 2
    assert memory.stats().pages == 3 and memory.stats().edges == 2
    assert memory.page(edge.source).visits == 2  # once here, once in the other memory


def test_import_rejects_files_that_are_not_memory_exports(memory, tmp_path):
    (tmp_path / "x.json").write_text('{"format": "something-else"}')
    (tmp_path / "y.json").write_text("not json")
    for name in ("x.json", "y.json"):
        with pytest.raises(MemoryFormatError):
            memory.import_json(tmp_path / name)


def test_opening_a_foreign_sqlite_file_says_so(tmp_path):
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(MemoryCorrupt, match="not a pocketpilot memory"):
        GraphMemory(path)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(MemoryCorrupt):
        GraphMemory(garbage)


def test_sqlite_errors_map_to_memory_errors():
    mapped = {
        sqlite3.OperationalError("database is locked"): MemoryDatabaseError,
        sqlite3.DatabaseError("file is not a database"): MemoryCorrupt,
        sqlite3.IntegrityError("UNIQUE constraint failed"): MemoryDatabaseError,
        sqlite3.InterfaceError("bad parameter"): MemoryDatabaseError,
    }
    for exc, cls in mapped.items():
        ours = map_sqlite_error("/m.sqlite", exc)
        assert type(ours) is cls and isinstance(ours, MemoryStoreError)
    assert "another process" in str(map_sqlite_error("/m", sqlite3.OperationalError("database is locked")))


def test_only_a_file_the_integrity_check_calls_damaged_is_to_be_moved_aside():
    damage = sqlite3.DatabaseError("database disk image is malformed")
    assert "move it aside" in str(map_sqlite_error("/m", damage, damaged=True))
    healthy = map_sqlite_error("/m", damage, damaged=False)
    assert type(healthy) is MemoryDatabaseError and "move it aside" not in str(healthy)
    constraint = map_sqlite_error("/m", sqlite3.IntegrityError("UNIQUE constraint failed: meta.key"))
    assert "move it aside" not in str(constraint)


def test_steps_from_every_source_are_tagged(memory, phone):
    before = phone.observe()
    phone.act(Back())
    after = phone.observe()
    memory.record_step("gold-1", before, {"kind": "back"}, after, True, 0.1, source=Source.GOLD)
    rows = memory._db.query("SELECT source FROM runs")
    assert rows == [("gold",)]


def test_an_embedder_reranks_lexical_hits_and_its_vectors_are_cached(phone):
    calls = []

    def embed(text: str) -> list[float]:  # a toy Embedder: one dimension per watched word
        calls.append(text)
        return [float(w in text.lower()) for w in ("brightness", "dark", "network", "storage")]

    memory = GraphMemory(None, embedder=embed)
    tap(memory, phone, "Display")
    tap(memory, phone, "Brightness")
    hits = memory.relevant_pages("brightness", 2)
    assert "Brightness" in hits[0].description
    asked = len(calls)
    memory.relevant_pages("brightness", 2)
    assert len(calls) == asked + 1  # only the query is embedded again; page vectors are cached
