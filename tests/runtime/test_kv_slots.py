"""Slot table policy against a fake KV store: pins, budget, spill and restore."""

from __future__ import annotations

import pytest

from pocketpilot.devices.events import EventCollector
from pocketpilot.runtime.kv_slots import SlotPolicy, SlotState, SlotTable


class FakeStore:
    """A KVStore keeping bytes per sequence (the engine's seq_save/seq_load contract)."""

    def __init__(self) -> None:
        self.data: dict[int, bytes] = {}

    def seq_truncate(self, seq: int, keep: int) -> None:
        self.data[seq] = self.data.get(seq, b"")[:keep]

    def seq_save(self, seq: int) -> bytes:
        return self.data.get(seq, b"")

    def seq_load(self, seq: int, data: bytes) -> None:
        self.data[seq] = data


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _table(tmp_path=None, n_seqs=2, budget=None):
    events, clock, store = EventCollector(), Clock(), FakeStore()
    table = SlotTable(store, n_seqs=n_seqs, bytes_per_token=10, on_event=events, clock=clock,
                      policy=SlotPolicy(budget_bytes=budget, spill_dir=tmp_path,
                                        min_spill_tokens=1, restore_bytes_per_s=1e9))
    return table, store, events, clock


def _fill(table, store, program, n):
    slot = table.acquire(program, n)
    slot.tokens = list(range(n))
    store.data[slot.seq] = bytes(n)
    clock_tick = table.clock
    return slot, clock_tick


def test_least_recently_used_unpinned_slot_is_evicted_first():
    table, store, events, clock = _table()
    _fill(table, store, "a", 5)
    clock.now = 1
    _fill(table, store, "b", 5)
    clock.now = 2
    _fill(table, store, "c", 5)
    assert [e.data["program"] for e in events.of_kind("kv.evict")] == ["a"]


def test_a_pinned_slot_outlives_an_older_unpinned_one_until_its_ttl_expires():
    table, store, events, clock = _table()
    _fill(table, store, "a", 5)
    clock.now = 1
    _fill(table, store, "b", 5)
    table.pin("a", ttl_s=10)
    clock.now = 2
    _fill(table, store, "c", 5)
    assert table.get("a").state(clock.now) is SlotState.PINNED
    assert [e.data["program"] for e in events.of_kind("kv.evict")] == ["b"]
    clock.now = 20  # a's TTL has expired: it is now the oldest candidate
    _fill(table, store, "d", 5)
    assert [e.data["program"] for e in events.of_kind("kv.evict")] == ["b", "a"]


def test_byte_budget_evicts_until_the_new_turn_fits():
    table, store, events, clock = _table(n_seqs=4, budget=200)
    _fill(table, store, "a", 10)
    clock.now = 1
    _fill(table, store, "b", 10)
    clock.now = 2
    _fill(table, store, "c", 15)  # 100 + 100 + 150 > 200: evict a, then b
    assert [e.data["program"] for e in events.of_kind("kv.evict")] == ["a", "b"]
    assert table.resident_bytes() == 150


def test_spilled_slot_is_restored_with_the_same_bytes_and_tokens(tmp_path):
    table, store, events, _ = _table(tmp_path)
    slot, _ = _fill(table, store, "a", 7)
    store.data[slot.seq] = b"kv-bytes"
    table.evict("a", spill=True)
    assert table.get("a").state(0) is SlotState.SPILLED
    again = table.acquire("a", 7)
    assert store.data[again.seq] == b"kv-bytes" and again.tokens == list(range(7))
    assert [e.data["ok"] for e in events.of_kind("kv.restore")] == [True]
    assert not list(tmp_path.iterdir())


def test_unreadable_spill_falls_back_to_recompute(tmp_path):
    table, store, events, _ = _table(tmp_path)
    _fill(table, store, "a", 7)
    table.evict("a", spill=True)
    table.get("a").spill_path.unlink()
    again = table.acquire("a", 7)
    assert again.tokens == [] and events.of_kind("kv.restore")[0].data["ok"] is False


def test_spill_only_when_restoring_is_cheaper_than_prefill(tmp_path):
    table, store, events, _ = _table(tmp_path)
    _fill(table, store, "a", 50)
    table.evict("a")  # 500 bytes at 1 GB/s vs 50 tokens at 250 tok/s: spill
    assert events.of_kind("kv.spill")
    slow = SlotTable(FakeStore(), n_seqs=1, bytes_per_token=10,
                     policy=SlotPolicy(spill_dir=tmp_path, restore_bytes_per_s=1.0))
    slot = slow.acquire("b", 50)
    slot.tokens = list(range(50))
    assert not slow._worth_spilling(slot)


def test_no_free_sequence_in_a_single_slot_table_is_impossible_to_block():
    table, store, _, _ = _table(n_seqs=1)
    _fill(table, store, "a", 3)
    _fill(table, store, "b", 3)
    assert table.get("a").seq is None and table.get("b").seq == 0


@pytest.mark.parametrize("ttl", [0.0, 5.0])
def test_pin_emits_an_event(ttl):
    table, _, events, _ = _table()
    table.pin("a", ttl)
    assert events.of_kind("kv.pin")[0].data == {"program": "a", "ttl_s": ttl}
