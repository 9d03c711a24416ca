"""Which program's KV lives where: resident in a llama.cpp sequence, spilled to disk, or gone.

Mechanism (measured, see the report in ``apps/benches/kv.py``'s docstring): every resident
program owns one llama.cpp sequence in a single context (``n_seq_max`` sequences, one KV stream
each), so switching programs costs nothing; a program that must leave its sequence is saved with
``llama_state_seq_get_data`` (KV cells only, no logits) and restored with ``set_data`` when that
is cheaper than prefilling again. Eviction changes only cost: the tokens held are always exactly
the ones the KV was computed for, and a dropped slot is recomputed from the prompt.
"""

from __future__ import annotations

import enum
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.runtime.errors import BackendConfigError, KVRestoreError


class SlotState(enum.StrEnum):
    RESIDENT = "resident"
    PINNED = "pinned"
    SPILLED = "spilled"
    EMPTY = "empty"


class KVStore(Protocol):
    """The engine side of a slot: clear, save and load one sequence's KV bytes."""

    def seq_truncate(self, seq: int, keep: int) -> None: ...
    def seq_save(self, seq: int) -> bytes: ...
    def seq_load(self, seq: int, data: bytes) -> None: ...


@dataclass
class Slot:
    program: str
    tokens: list[int] = field(default_factory=list)  # exactly what the KV was computed for
    # KV past this many tokens came from one-token decode steps (a reply), whose numbers differ
    # from a batched prefill of the same tokens; None: all of it was batch-prefilled
    batched_upto: int | None = None
    seq: int | None = None
    spill_path: Path | None = None
    last_used: float = 0.0
    pinned_until: float = 0.0
    uses: int = 0

    def state(self, now: float) -> SlotState:
        if self.seq is not None:
            return SlotState.PINNED if self.pinned_until > now else SlotState.RESIDENT
        return SlotState.SPILLED if self.spill_path is not None else SlotState.EMPTY


@dataclass(frozen=True)
class SlotPolicy:
    """Budget and cost model; rates are measured defaults for SmolLM2-135M on 2 edge cores."""

    budget_bytes: int | None = None  # resident KV bytes; None: only the sequence count limits
    spill_dir: Path | None = None  # where evicted slots go; None: drop and recompute
    prefill_tokens_per_s: float = 250.0
    restore_bytes_per_s: float = 400e6
    min_spill_tokens: int = 64


class SlotTable:
    """Maps programs to sequences; evicts expired/least-valuable slots under the byte budget."""

    def __init__(
        self,
        store: KVStore,
        *,
        n_seqs: int,
        bytes_per_token: int,
        policy: SlotPolicy | None = None,
        on_event: EventSink | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.bytes_per_token = bytes_per_token
        self.policy = policy or SlotPolicy()
        self.emit = on_event or discard
        self.clock = clock
        self.slots: dict[str, Slot] = {}
        self.free_seqs = list(range(n_seqs))
        self.peak_bytes = 0

    # -- queries ---------------------------------------------------------------------------
    def get(self, program: str) -> Slot:
        return self.slots.setdefault(program, Slot(program))

    def resident(self) -> list[Slot]:
        return [s for s in self.slots.values() if s.seq is not None]

    def resident_bytes(self) -> int:
        return sum(len(s.tokens) for s in self.resident()) * self.bytes_per_token

    def note_usage(self) -> None:
        self.peak_bytes = max(self.peak_bytes, self.resident_bytes())

    # -- pinning (Continuum) -----------------------------------------------------------------
    def pin(self, program: str, ttl_s: float) -> None:
        """Keep ``program``'s KV while it waits on a tool, for at most ``ttl_s`` seconds."""
        slot = self.get(program)
        slot.pinned_until = self.clock() + max(0.0, ttl_s)
        self.emit(Event("kv.pin", {"program": program, "ttl_s": round(ttl_s, 3)}))

    def unpin(self, program: str) -> None:
        self.get(program).pinned_until = 0.0

    # -- residency -------------------------------------------------------------------------
    def acquire(self, program: str, need_tokens: int) -> Slot:
        """Make ``program`` resident with room for ``need_tokens``; restores a spilled slot."""
        slot = self.get(program)
        slot.last_used = self.clock()
        slot.uses += 1
        extra = max(0, need_tokens - len(slot.tokens)) if slot.seq is not None else need_tokens
        self._make_room(extra * self.bytes_per_token, keep=program, need_seq=slot.seq is None)
        if slot.seq is None:
            slot.seq = self.free_seqs.pop(0)
            self.store.seq_truncate(slot.seq, 0)
            if slot.spill_path is not None:
                self._restore(slot)
        return slot

    def evict(self, program: str, *, spill: bool | None = None) -> None:
        """Take ``program`` out of its sequence: spill when cheaper than recompute, else drop."""
        slot = self.slots.get(program)
        if slot is None or slot.seq is None:
            return
        do_spill = self._worth_spilling(slot) if spill is None else spill
        if do_spill and self.policy.spill_dir is not None and slot.tokens:
            data = self.store.seq_save(slot.seq)
            path = self.policy.spill_dir / f"{_safe(program)}.kv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            slot.spill_path = path
            self.emit(Event("kv.spill", {"program": program, "tokens": len(slot.tokens),
                                         "bytes": len(data), "path": str(path)}))
        else:
            self.emit(Event("kv.evict", {"program": program, "tokens": len(slot.tokens),
                                         "bytes": len(slot.tokens) * self.bytes_per_token}))
            slot.tokens = []
            slot.spill_path = None
        self.store.seq_truncate(slot.seq, 0)
        self.free_seqs.append(slot.seq)
        slot.seq = None

    def forget(self, program: str) -> None:
        """Drop a finished program entirely (its KV and any spill file)."""
        self.evict(program, spill=False)
        self.slots.pop(program, None)

    # -- internals ---------------------------------------------------------------------------
    def _worth_spilling(self, slot: Slot) -> bool:
        if self.policy.spill_dir is None or len(slot.tokens) < self.policy.min_spill_tokens:
            return False
        restore_s = len(slot.tokens) * self.bytes_per_token / self.policy.restore_bytes_per_s
        return restore_s < len(slot.tokens) / self.policy.prefill_tokens_per_s

    def _restore(self, slot: Slot) -> None:
        assert slot.seq is not None and slot.spill_path is not None
        t0 = time.perf_counter()
        try:
            self.store.seq_load(slot.seq, slot.spill_path.read_bytes())
        except (OSError, KVRestoreError) as exc:
            # recomputing gives the same result, only slower: say so and carry on
            self.emit(Event("kv.restore", {"program": slot.program, "ok": False, "error": str(exc)}))
            slot.tokens = []
        else:
            self.emit(Event("kv.restore", {"program": slot.program, "ok": True,
                                           "tokens": len(slot.tokens),
                                           "seconds": round(time.perf_counter() - t0, 4)}))
        slot.spill_path.unlink(missing_ok=True)
        slot.spill_path = None

    def _victims(self, keep: str) -> list[Slot]:
        """Unpinned or expired slots first (least recently used first), live pins last."""
        now = self.clock()
        cands = [s for s in self.resident() if s.program != keep]
        def key(s: Slot) -> tuple[bool, float, float]:
            live = s.pinned_until > now
            return (live, s.pinned_until if live else 0.0, s.last_used)

        return sorted(cands, key=key)

    def _make_room(self, extra_bytes: int, *, keep: str, need_seq: bool) -> None:
        budget = self.policy.budget_bytes
        for victim in self._victims(keep):
            over = budget is not None and self.resident_bytes() + extra_bytes > budget
            if not over and not (need_seq and not self.free_seqs):
                return
            self.evict(victim.program)
        if need_seq and not self.free_seqs:
            raise BackendConfigError("every KV sequence is in use by this call; raise n_slots")


def _safe(program: str) -> str:
    return hashlib.sha256(program.encode()).hexdigest()[:16]
