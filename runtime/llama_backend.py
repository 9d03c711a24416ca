"""``LlamaCppBackend``: the Backend over llama.cpp that keeps each program's KV between turns.

A turn renders the program's messages with the model's own chat template, reuses the longest
prefix its slot already holds, and prefills only the rest; a new program starts from a copy of
the longest matching prefix another program holds (e.g. the shared system prompt).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import threading
import time
from collections.abc import Sequence
from typing import Any

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.runtime.backend import Completion, Message, Usage
from pocketpilot.runtime.errors import ContextOverflow, OutputParseError
from pocketpilot.runtime.grammar import enum_priors, schema_to_gbnf
from pocketpilot.runtime.kv_slots import Slot, SlotPolicy, SlotTable
from pocketpilot.runtime.llama_engine import LlamaConfig, LlamaEngine

MIN_SHARED_PREFIX = 32  # below this, copying another program's KV costs more than it saves


class Reuse(enum.StrEnum):
    """How much KV a turn may reuse; only RETAINED is for production, the others are baselines."""

    NONE = "none"  # every call prefills its whole prompt
    PREFIX = "prefix"  # one shared sequence, longest common prefix: what ``llama_cpp.Llama`` does
    RETAINED = "retained"  # one slot per program, shared prefixes copied


SHARED_SEQUENCE = "__single_sequence__"


class LlamaCppBackend:
    """The llama.cpp Backend; ``reuse`` picks the KV policy (bench baselines use the others)."""

    def __init__(
        self,
        config: LlamaConfig | None = None,
        *,
        policy: SlotPolicy | None = None,
        reuse: Reuse | str = Reuse.RETAINED,
        exact_replies: bool = True,
        on_event: EventSink | None = None,
    ) -> None:
        self.config = config or LlamaConfig()
        self.engine = LlamaEngine(self.config)
        self.policy = policy or SlotPolicy()
        self.reuse = Reuse(reuse)
        # A reply's KV comes from one-token decode steps, and llama.cpp's single-row kernels round
        # differently from its batched ones (measured: logits differ by up to 0.6 on the next turn).
        # With exact_replies, a turn re-prefills the previous reply together with its new tokens,
        # so a completion is the same as from a full prefill: retention changes cost, never results.
        self.exact_replies = exact_replies
        self.emit = on_event or discard
        self.slots: SlotTable | None = None
        self._lock = threading.Lock()
        self._short_pieces: dict[str, list[int]] | None = None  # for enum priors: piece -> token ids
        # program -> (rendered prompt + reply, its token ids as decoded): the next turn's prompt
        # extends this text, so its tokens are spliced on instead of re-tokenising the reply,
        # whose canonical tokenisation often differs from what the model sampled.
        self._turns: dict[str, tuple[str, list[int]]] = {}

    def load(self) -> LlamaCppBackend:
        """Load weights and create the context (explicit, so importing us stays cheap)."""
        if not self.engine.loaded:
            self.engine.load()
            self.slots = SlotTable(
                self.engine,
                n_seqs=self.config.n_slots,
                bytes_per_token=self.engine.bytes_per_token,
                policy=self.policy,
                on_event=self.emit,
            )
            engine = self.engine
            self.emit(Event("model.loaded", {
                "path": str(engine.model_path), "architecture": engine.architecture,
                "chat_template": engine.template.source, "gpu_layers": engine.gpu_layers,
                "gpu_layers_asked": self.config.n_gpu_layers, "note": engine.offload_note,
            }))
        return self

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> LlamaCppBackend:
        return self.load()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- prompt ----------------------------------------------------------------------------
    def render(self, messages: Sequence[Message]) -> str:
        """The chat in the model's own format (its GGUF template, or llama.cpp's for its architecture)."""
        self.load()
        return self.engine.template.render(messages)

    def prompt_tokens(self, messages: Sequence[Message], program: str | None = None) -> list[int]:
        """Tokens of the rendered chat; a program's own earlier turn keeps its sampled tokens."""
        text = self.render(messages)
        prev = self._turns.get(program) if program is not None else None
        if prev is not None and prev[0] and text.startswith(prev[0]):
            return prev[1] + self.engine.tokenize(text[len(prev[0]) :])
        tokens = self.engine.tokenize(text)
        if self.engine.add_bos and tokens[:1] != [self.engine.bos]:
            # the vocab asks for BOS and the template did not write it (llama.cpp's built-ins never do)
            tokens.insert(0, self.engine.bos)
        return tokens

    def known_tokens(self, program: str) -> list[int]:
        """The program's last prompt plus reply tokens (what its KV slot was computed for)."""
        return list(self._turns.get(program, ("", []))[1])

    # -- KV control (the scheduler's seam) ---------------------------------------------------
    def pin(self, program: str, ttl_s: float) -> None:
        """Keep ``program``'s KV for ``ttl_s`` while it waits on a device action; a program that
        holds no slot has nothing to keep. Lock-free: the scheduler pins while another program's
        call runs, and this only marks an existing slot."""
        self.load()
        if program in self.slots.slots:
            self.slots.pin(program, ttl_s)

    def unpin(self, program: str) -> None:
        self.load()
        if program in self.slots.slots:
            self.slots.unpin(program)

    def held_tokens(self, program: str) -> int:
        """Tokens the program's slot holds now (resident or spilled)."""
        self.load()
        slot = self.slots.slots.get(program)
        return len(slot.tokens) if slot is not None else 0

    def evict(self, program: str, *, spill: bool | None = None) -> None:
        with self._lock:
            self.load()
            self.slots.evict(program, spill=spill)

    def forget(self, program: str) -> None:
        """The program is finished: free its slot, spill file and tokenisation memo."""
        with self._lock:
            self.load()
            self.slots.forget(program)
            self._turns.pop(program, None)

    # -- the Backend method ------------------------------------------------------------------
    def complete(
        self,
        program: str,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 128,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        seed: int = 0,
    ) -> Completion:
        gbnf = schema_to_gbnf(schema) if schema is not None else None
        priors = enum_priors(schema)
        with self._lock:
            self.load()
            t0 = time.perf_counter()
            prompt_text = self.render(messages)
            tokens = self.prompt_tokens(messages, program)
            if len(tokens) + max_tokens > self.config.n_ctx:
                raise ContextOverflow(program, len(tokens) + max_tokens, self.config.n_ctx)
            key = SHARED_SEQUENCE if self.reuse is Reuse.PREFIX else program
            slot = self.slots.acquire(key, len(tokens) + max_tokens)
            held = _common_prefix(slot.tokens, tokens) if self.reuse is not Reuse.NONE else 0
            reused = self._reuse(slot, tokens) if self.reuse is not Reuse.NONE else 0
            state = "hit" if reused else "cold"
            if self.reuse is Reuse.RETAINED and reused == 0:
                reused = self._share_prefix(slot, tokens)
                state = "shared" if reused else state
            recomputed = max(0, min(held, len(tokens) - 1) - reused)
            if not self.engine.seq_truncate(slot.seq, reused):
                reused = recomputed = 0  # a recurrent state cannot drop its tail: prefill it all
                state = "cold"
            slot.tokens = tokens[:reused]
            self.engine.decode(slot.seq, tokens[reused:], reused)
            slot.tokens = list(tokens)
            slot.batched_upto = None
            self.slots.note_usage()
            bias = self._token_bias(priors) if priors else None
            text, gen, finish, ttft, t_first = self._generate(
                slot, gbnf, max_tokens, stop, temperature, seed, t0, bias
            )
            n_gen = len(gen)
            slot.batched_upto = len(tokens)
            exact = b"".join(self.engine.piece(t) for t in gen if not self.engine.is_end(t))
            if exact == text.encode("utf-8"):  # not cut by a stop string or a broken UTF-8 tail
                self._turns[program] = (prompt_text + text, tokens + [t for t in gen if not self.engine.is_end(t)])
            else:
                self._turns[program] = (prompt_text, list(tokens))
            self.slots.note_usage()
            if self.reuse is Reuse.NONE:
                self.slots.evict(key, spill=False)
        wall = time.perf_counter() - t0
        decode_tps = (n_gen - 1) / (time.perf_counter() - t_first) if n_gen > 1 else 0.0
        usage = Usage(
            prompt_tokens=len(tokens),
            prefilled_tokens=len(tokens) - reused,
            reused_tokens=reused,
            recomputed_tokens=recomputed,
            generated_tokens=n_gen,
            ttft_s=ttft,
            decode_tokens_per_s=decode_tps,
            wall_s=wall,
        )
        self.emit(Event("llm.call", {"program": program, "slot": state, **usage.to_dict()}))
        done = Completion(program=program, text=text, usage=usage, finish_reason=finish)
        if schema is None:
            return done
        try:
            return dataclasses.replace(done, parsed=json.loads(text))
        except json.JSONDecodeError as exc:
            raise OutputParseError(program, text, str(exc), done) from exc

    # -- internals ---------------------------------------------------------------------------
    def _reusable(self, slot: Slot) -> list[int]:
        """The tokens of ``slot`` whose KV a turn may keep: without the reply when replies are exact."""
        if self.exact_replies and slot.batched_upto is not None:
            return slot.tokens[: slot.batched_upto]
        return slot.tokens

    def _reuse(self, slot: Slot, tokens: list[int]) -> int:
        n = _common_prefix(self._reusable(slot), tokens)
        return min(n, len(tokens) - 1)  # the last prompt token is always decoded for its logits

    def _share_prefix(self, slot: Slot, tokens: list[int]) -> int:
        """Start ``slot`` from a copy of the longest prefix another resident program holds."""
        best, best_n = None, 0
        for other in self.slots.resident():
            n = _common_prefix(self._reusable(other), tokens) if other is not slot else 0
            if n > best_n:
                best, best_n = other, n
        best_n = min(best_n, len(tokens) - 1)
        if best is None or best_n < MIN_SHARED_PREFIX:
            return 0
        if not self.engine.seq_copy(best.seq, slot.seq, best_n):
            return 0  # the copy held more than the prefix and could not be cut: start cold
        self.emit(Event("kv.share", {"program": slot.program, "from": best.program, "tokens": best_n}))
        return best_n

    def _token_bias(self, priors: dict[str, float]) -> dict[int, float]:
        """Token ids that spell a prior's enum value (alone or after a quote/space) -> its weight."""
        if self._short_pieces is None:
            pieces: dict[str, list[int]] = {}
            for token in range(self.engine.n_vocab):
                piece = self.engine.piece(token)
                if 0 < len(piece) <= 4:
                    key = piece.decode("utf-8", errors="ignore").lstrip(' "')
                    pieces.setdefault(key, []).append(token)
            self._short_pieces = pieces
        top = max(priors.values())  # never lifts a token above the model's own logit: the grammar check stays cheap
        return {t: w - top for value, w in priors.items() for t in self._short_pieces.get(value, [])}

    def _generate(self, slot, gbnf, max_tokens, stop, temperature, seed, t0, bias=None):
        chain = self.engine.sampler(temperature=temperature, seed=seed, gbnf=gbnf, bias=bias)
        out = bytearray()
        gen: list[int] = []
        n_gen, finish, ttft, t_first = 0, "length", 0.0, time.perf_counter()
        try:
            while n_gen < max_tokens:
                tok = chain.sample()
                if n_gen == 0:
                    t_first = time.perf_counter()
                    ttft = t_first - t0
                n_gen += 1
                gen.append(tok)
                if self.engine.is_end(tok):
                    finish = "stop"
                    break
                out += self.engine.piece(tok)
                text = out.decode("utf-8", errors="ignore")
                if stop and any(s in text for s in stop):
                    finish = "stop"
                    break
                if n_gen == max_tokens:
                    break
                self.engine.decode(slot.seq, [tok], len(slot.tokens))
                slot.tokens.append(tok)
        finally:
            chain.close()
        text = out.decode("utf-8", errors="replace")
        for s in stop:
            if s in text:
                text = text[: text.index(s)]
        return text, gen, finish, ttft, t_first


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
