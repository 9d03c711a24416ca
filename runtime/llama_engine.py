"""The llama.cpp adapter under ``LlamaCppBackend``: one model, one context, N sequences.

The high-level ``llama_cpp.Llama`` writes every batch with seq_id 0, so several conversations in
one context need the low-level API used here. All llama_cpp imports and error translation live
in this module. Any architecture llama.cpp loads is served: the chat format, BOS and end-of-turn
tokens come from the GGUF (``chat_template.py``, ``llama_vocab_is_eog``), sliding-window caches
are kept full size, and one llama.cpp cannot serve fails with its own reason in one line.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pocketpilot.runtime.chat_template import from_metadata
from pocketpilot.runtime.errors import (
    BackendConfigError,
    DecodeError,
    KVRestoreError,
    ModelLoadError,
    SchemaError,
)
from pocketpilot.runtime.model_files import bundled_model_path, validate_gguf

# bytes per element of each KV cache type (block types: block bytes / block size)
KV_TYPES: dict[str, tuple[int, float]] = {
    "f32": (0, 4.0),
    "f16": (1, 2.0),
    "q8_0": (8, 34 / 32),
    "q5_1": (7, 24 / 32),
    "q5_0": (6, 22 / 32),
    "q4_1": (3, 20 / 32),
    "q4_0": (2, 18 / 32),
}


@dataclass(frozen=True)
class LlamaConfig:
    """How to load the model; ``n_ctx`` is per program (sequence), ``n_slots`` resident ones."""

    model_path: Path | None = None  # None: the bundled SmolLM2 GGUF
    n_ctx: int = 4096
    n_slots: int = 4
    n_threads: int | None = None
    n_threads_batch: int | None = None
    n_batch: int = 512
    n_gpu_layers: int = 0  # -1: all; a build without a GPU backend runs on the CPU and says so
    type_k: str = "f16"
    type_v: str = "f16"
    flash_attn: bool = True
    use_mmap: bool = True
    kv_unified: bool = False  # measured: per-sequence streams prefill faster, see kv_slots.py
    # ggml's "extra" weight buffers (AMX/repack) segfault in llama_decode on AMX CPUs whose
    # kernel/sandbox does not grant AMX tile state; Q4_1 gains nothing from them anyway.
    extra_buffers: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        for name in (self.type_k, self.type_v):
            if name not in KV_TYPES:
                raise BackendConfigError(f"unknown KV cache type {name!r}; use one of {list(KV_TYPES)}")
        if self.type_v not in ("f16", "f32") and not self.flash_attn:
            # llama.cpp refuses a quantized V cache without flash attention (and AUTO may pick off)
            raise BackendConfigError(
                f"a quantized V cache ({self.type_v}) needs flash_attn=True; set it or use f16"
            )
        if self.n_ctx < 64 or self.n_slots < 1:
            raise BackendConfigError("n_ctx must be >= 64 and n_slots >= 1")


GGML_LOG_ERROR, GGML_LOG_CONT = 4, 5  # ggml_log_level (llama-cpp-python's own table predates DEBUG=1)


def gpu_layers(requested: int, supported: bool) -> tuple[int, str | None]:
    """The layers to offload, and a one-line note when a GPU was asked for but this build has none."""
    if requested == 0 or supported:
        return requested, None
    return 0, (f"n_gpu_layers={requested} asked for GPU offload, but this llama.cpp build has no GPU backend: "
               "running on the CPU (install a CUDA, Metal or Vulkan build of llama-cpp-python to offload)")


class _LoadLog:
    """Catches llama.cpp's error lines while it loads, so a failure is one line that says why.

    llama.cpp reports why a model cannot load (``unknown model architecture: 'x'``) only through
    its log callback; llama-cpp-python's callback prints it to stderr, after which ``LlamaModel``
    raises a ValueError that says nothing. The library's callback is put back afterwards.
    """

    def __enter__(self) -> _LoadLog:
        from llama_cpp import _logger, llama_cpp

        self.errors: list[str] = []
        self._ll, self._restore = llama_cpp, _logger.llama_log_callback
        self._last = 0

        @llama_cpp.llama_log_callback
        def collect(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            level = self._last if level == GGML_LOG_CONT else level
            self._last = level
            if level == GGML_LOG_ERROR:
                self.errors.append(text.decode("utf-8", errors="replace"))

        self._callback = collect  # kept alive while llama.cpp holds the pointer
        llama_cpp.llama_log_set(collect, ctypes.c_void_p(0))
        return self

    def __exit__(self, *exc: object) -> None:
        self._ll.llama_log_set(self._restore, ctypes.c_void_p(0))

    def reason(self, default: str) -> str:
        lines = [line.strip() for line in "".join(self.errors).splitlines() if line.strip()]
        if not lines:
            return default
        # "llama_model_load: error loading model: error loading model architecture: unknown ..."
        first = lines[0].split("error loading model: ")[-1]
        if "unknown model architecture" in first:
            return f"llama.cpp cannot serve this model ({first})"
        return f"{default}: {first}"


class LlamaEngine:
    """Tokenise, decode into a sequence, sample, and save/load one sequence's KV bytes."""

    def __init__(self, config: LlamaConfig) -> None:
        config.validate()
        self.config = config
        self.model_path = config.model_path or bundled_model_path()
        self._model: Any = None
        self._ctx: Any = None
        self._batch: Any = None

    # -- lifecycle ---------------------------------------------------------------------------
    def load(self) -> None:
        if self._ctx is not None:
            return
        path = validate_gguf(self.model_path)
        from llama_cpp import _internals, _logger, llama_cpp

        _logger.set_verbose(False)  # llama.cpp logs every graph tensor at INFO otherwise
        llama_cpp.llama_backend_init()
        offload = llama_cpp.llama_supports_gpu_offload()
        self.gpu_layers, self.offload_note = gpu_layers(self.config.n_gpu_layers, offload)
        mparams = llama_cpp.llama_model_default_params()
        mparams.n_gpu_layers = self.gpu_layers
        mparams.load_mode = (
            llama_cpp.LLAMA_LOAD_MODE_MMAP if self.config.use_mmap else llama_cpp.LLAMA_LOAD_MODE_NONE
        )
        mparams.use_extra_bufts = self.config.extra_buffers
        with _LoadLog() as log:
            try:
                self._model = _internals.LlamaModel(path_model=str(path), params=mparams, verbose=False)
            except ValueError as exc:
                raise ModelLoadError(path, log.reason("llama.cpp could not load the model (corrupt or unsupported "
                                                      "GGUF)")) from exc
        cfg = self.config
        threads = cfg.n_threads or max(1, (os.cpu_count() or 2))
        cparams = llama_cpp.llama_context_default_params()
        cparams.n_seq_max = cfg.n_slots
        cparams.kv_unified = cfg.kv_unified
        # non-unified: each sequence gets its own stream of n_ctx / n_seq_max cells; unified:
        # one pool of the same total size, so every program can still grow to n_ctx
        cparams.n_ctx = cfg.n_ctx * cfg.n_slots
        cparams.n_batch = cfg.n_batch
        cparams.n_ubatch = cfg.n_batch
        cparams.n_threads = threads
        cparams.n_threads_batch = cfg.n_threads_batch or threads
        cparams.flash_attn_type = (
            llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED if cfg.flash_attn else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        )
        cparams.type_k = KV_TYPES[cfg.type_k][0]
        cparams.type_v = KV_TYPES[cfg.type_v][0]
        # sliding-window layers (Gemma 3's iswa cache) keep every position, not only the last
        # window: retention extends a kept prefix and copies it to other programs, which a
        # window-sized cache would have already overwritten
        cparams.swa_full = True
        cparams.no_perf = True
        with _LoadLog() as log:
            try:
                self._ctx = _internals.LlamaContext(model=self._model, params=cparams, verbose=False)
            except ValueError as exc:
                self._model.close()
                self._model = None
                raise ModelLoadError(path, log.reason("llama.cpp could not create a context (lower n_ctx/n_slots)")) \
                    from exc
        self._batch = _internals.LlamaBatch(n_tokens=cfg.n_batch, embd=0, n_seq_max=1, verbose=False)
        md = self._model.metadata()
        self.architecture = md.get("general.architecture", "unknown")
        self.eos = self._model.token_eos()
        self.eot = self._model.token_eot()
        self.bos = self._model.token_bos()
        self.add_bos = bool(llama_cpp.llama_vocab_get_add_bos(self._model.vocab)) and self.bos >= 0
        self.chat_template = md.get("tokenizer.chat_template", "")
        try:
            self.template = from_metadata(
                self.chat_template, bos=self._token_text(self.bos), eos=self._token_text(self.eos),
                architecture=self.architecture, path=str(path),
            )
        except ModelLoadError:
            self.close()
            raise
        self.bytes_per_token = self._kv_bytes_per_token(md)

    def _token_text(self, token: int) -> str:
        return self._model.token_get_text(token) if token >= 0 else ""

    def close(self) -> None:
        for obj in (self._batch, self._ctx, self._model):
            if obj is not None:
                obj.close()
        self._batch = self._ctx = self._model = None

    @property
    def loaded(self) -> bool:
        return self._ctx is not None

    def _kv_bytes_per_token(self, md: dict[str, str]) -> int:
        arch = md.get("general.architecture", "llama")
        n_layer = int(md[f"{arch}.block_count"])
        n_embd = int(md[f"{arch}.embedding_length"])
        n_head = int(md[f"{arch}.attention.head_count"])
        n_head_kv = int(md.get(f"{arch}.attention.head_count_kv", n_head))
        head_k = int(md.get(f"{arch}.attention.key_length", n_embd // n_head))
        head_v = int(md.get(f"{arch}.attention.value_length", n_embd // n_head))
        k = n_layer * n_head_kv * head_k * KV_TYPES[self.config.type_k][1]
        v = n_layer * n_head_kv * head_v * KV_TYPES[self.config.type_v][1]
        return int(k + v)

    # -- tokens ------------------------------------------------------------------------------
    def tokenize(self, text: str) -> list[int]:
        return list(self._model.tokenize(text.encode("utf-8"), False, True))

    def piece(self, token: int) -> bytes:
        """The token's bytes (``LlamaModel.token_to_piece`` returns its whole 32-byte buffer)."""
        from llama_cpp import llama_cpp

        buf = ctypes.create_string_buffer(64)
        n = llama_cpp.llama_token_to_piece(self._model.vocab, token, buf, 64, 0, False)
        return buf.raw[: max(n, 0)]

    def is_end(self, token: int) -> bool:
        from llama_cpp import llama_cpp

        return bool(llama_cpp.llama_vocab_is_eog(self._model.vocab, token))

    # -- sequences ---------------------------------------------------------------------------
    def decode(self, seq: int, tokens: list[int], start: int) -> None:
        """Append ``tokens`` at positions ``start..`` of ``seq``; logits only for the last one."""
        batch = self._batch.batch
        n_batch = self.config.n_batch
        for i in range(0, len(tokens), n_batch):
            chunk = tokens[i : i + n_batch]
            batch.n_tokens = len(chunk)
            for j, tok in enumerate(chunk):
                batch.token[j] = tok
                batch.pos[j] = start + i + j
                batch.seq_id[j][0] = seq
                batch.n_seq_id[j] = 1
                batch.logits[j] = False
            batch.logits[len(chunk) - 1] = i + n_batch >= len(tokens)
            from llama_cpp import llama_cpp

            rc = llama_cpp.llama_decode(self._ctx.ctx, batch)
            if rc != 0:
                raise DecodeError(
                    f"llama_decode returned {rc} on sequence {seq} at position {start + i}; "
                    "the KV cache is full: raise n_ctx or evict slots"
                )

    def seq_truncate(self, seq: int, keep: int) -> bool:
        """Drop positions ``keep..`` of ``seq`` (``keep=0`` clears it); False: it was cleared instead.

        A recurrent state (Mamba, RWKV, hybrid models) cannot drop a tail, so llama.cpp refuses a
        partial removal there; the caller then prefills from position 0 (retention cannot pay).
        """
        from llama_cpp import llama_cpp

        if llama_cpp.llama_memory_seq_rm(self._ctx.memory, seq, keep, -1):
            return True
        llama_cpp.llama_memory_seq_rm(self._ctx.memory, seq, -1, -1)
        return keep == 0

    def seq_save(self, seq: int) -> bytes:
        """The sequence's KV cells as bytes (no logits matrix, unlike ``Llama.save_state``)."""
        from llama_cpp import llama_cpp

        size = llama_cpp.llama_state_seq_get_size(self._ctx.ctx, seq)
        buf = (ctypes.c_uint8 * size)()
        n = llama_cpp.llama_state_seq_get_data(self._ctx.ctx, buf, size, seq)
        return bytes(memoryview(buf)[:n])

    def seq_load(self, seq: int, data: bytes) -> None:
        """Replace ``seq`` with saved bytes; needs a contiguous run of free cells in its stream."""
        from llama_cpp import llama_cpp

        self.seq_truncate(seq, 0)
        buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        if llama_cpp.llama_state_seq_set_data(self._ctx.ctx, buf, len(data), seq) == 0:
            raise KVRestoreError(f"llama.cpp rejected {len(data)} saved bytes for sequence {seq}")

    # -- sampling ----------------------------------------------------------------------------
    @property
    def n_vocab(self) -> int:
        return self._model.n_vocab()

    def sampler(self, *, temperature: float, seed: int, gbnf: str | None,
                bias: dict[int, float] | None = None) -> TokenSampler:
        grammar = None
        if gbnf is not None:
            from llama_cpp import llama_cpp

            grammar = llama_cpp.llama_sampler_init_grammar(
                self._model.vocab, gbnf.encode("utf-8"), b"root"
            )
            if not grammar:  # NULL: llama.cpp could not parse it (LlamaGrammar never checks)
                raise SchemaError("llama.cpp rejected the grammar built from the schema")
        return TokenSampler(self, grammar, temperature=temperature, seed=seed, bias=bias)

    def seq_copy(self, src: int, dst: int, n_tokens: int) -> bool:
        """Make ``dst`` hold the first ``n_tokens`` of ``src``.

        One stream: share the cells (``seq_cp``, free). Per-sequence streams: llama.cpp only
        copies whole streams, so go through the saved bytes and truncate.
        """
        from llama_cpp import llama_cpp

        if self.config.kv_unified:
            llama_cpp.llama_memory_seq_rm(self._ctx.memory, dst, -1, -1)
            llama_cpp.llama_memory_seq_cp(self._ctx.memory, src, dst, 0, n_tokens)
            return True
        self.seq_load(dst, self.seq_save(src))
        return self.seq_truncate(dst, n_tokens)


class TokenSampler:
    """Greedy with an optional grammar, checking the grammar on the argmax token first.

    Applying a grammar to all 49k candidates costs ~0.3 s a token on 2 cores; the argmax token
    is almost always allowed, and when it is it is also the argmax of the allowed set, so the
    result equals a grammar-then-greedy chain (what ``Llama`` builds) at a fraction of the cost.
    Temperature > 0 uses llama.cpp's own chain.
    """

    def __init__(self, engine: LlamaEngine, grammar: Any, *, temperature: float, seed: int,
                 bias: dict[int, float] | None = None) -> None:
        import numpy as np
        from llama_cpp import _internals, llama_cpp

        self._engine = engine
        self._ll = llama_cpp
        self._np = np
        self._grammar = grammar
        self._n_vocab = engine._model.n_vocab()
        self._chain = None
        if temperature > 0:
            chain = _internals.LlamaSampler()
            if grammar is not None:
                llama_cpp.llama_sampler_chain_add(chain.sampler, grammar)
                self._grammar = None  # owned by the chain now
            chain.add_top_k(40)
            chain.add_top_p(0.95, 1)
            chain.add_min_p(0.05, 1)
            chain.add_temp(temperature)
            chain.add_dist(seed)
            self._chain = chain
        self._one = (llama_cpp.llama_token_data * 1)()
        # additive logit bias (greedy only): a caller's prior over enum choices
        self._bias_ids = np.fromiter(bias.keys(), dtype=np.int64) if bias else None
        self._bias_values = np.fromiter(bias.values(), dtype=np.float32) if bias else None

    def sample(self) -> int:
        ll, ctx = self._ll, self._engine._ctx.ctx
        if self._chain is not None:
            return self._chain.sample(self._engine._ctx, -1)  # samples and accepts
        logits = self._np.ctypeslib.as_array(ll.llama_get_logits_ith(ctx, -1), shape=(self._n_vocab,))
        if self._bias_ids is not None:
            logits = logits.copy()
            logits[self._bias_ids] += self._bias_values
        token = int(logits.argmax())
        if self._grammar is not None:
            if not self._allowed(token, float(logits[token])):
                token = self._constrained_argmax(logits)
            ll.llama_sampler_accept(self._grammar, token)
        return token

    def _allowed(self, token: int, logit: float) -> bool:
        ll = self._ll
        self._one[0].id, self._one[0].logit, self._one[0].p = token, logit, 0.0
        arr = ll.llama_token_data_array(data=self._one, size=1, selected=-1, sorted=False)
        ll.llama_sampler_apply(self._grammar, ctypes.byref(arr))
        return self._one[0].logit != float("-inf")

    def _constrained_argmax(self, logits: Any) -> int:
        ll, np = self._ll, self._np
        cands = (ll.llama_token_data * self._n_vocab)()
        view = np.ctypeslib.as_array(cands).view(
            np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])
        )
        view["id"] = np.arange(self._n_vocab, dtype=np.int32)
        view["logit"] = logits
        view["p"] = 0.0
        arr = ll.llama_token_data_array(data=cands, size=self._n_vocab, selected=-1, sorted=False)
        ll.llama_sampler_apply(self._grammar, ctypes.byref(arr))
        return int(view["id"][int(view["logit"][: arr.size].argmax())])

    def close(self) -> None:
        if self._chain is not None:
            self._chain.close()
        if self._grammar is not None:
            self._ll.llama_sampler_free(self._grammar)
        self._chain = self._grammar = None
