"""Semantic matching: how close a goal phrase is in meaning to control labels, pages or capabilities.

One seam, ``Embedder`` (texts -> L2-normalised rows); ``SemanticMatcher`` turns it into cosine
scores with a per-text LRU cache, because a planner asks about the same labels screen after
screen. ``load_matcher()`` gives the bundled sentence model (all-MiniLM-L6-v2, int8 ONNX);
``HashingEmbedder`` is the model-free stand-in for fast tests and the lexical/scripted backends.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy

# Calibrated on the tuning half of tests/data/semantic_labels.yaml for the bundled model
# (python -m pocketpilot.runtime.semantic_eval): the highest cosine cut that still keeps 95% of
# right labels. Below it a label is 'unrelated' to a goal and the planner should not act on it.
UNRELATED_BELOW = 0.14


@runtime_checkable
class Embedder(Protocol):
    """Texts to vectors: shape (n, d), float32, every row of unit length (or zero for empty text)."""

    name: str

    def embed(self, texts: Sequence[str]) -> numpy.ndarray: ...


@dataclass(frozen=True)
class CacheInfo:
    hits: int
    misses: int  # texts that went to the embedder
    size: int
    capacity: int


class SemanticMatcher:
    """Cosine similarity over an Embedder, with an in-memory LRU cache of text -> vector."""

    def __init__(self, embedder: Embedder, cache_size: int = 4096) -> None:
        if cache_size < 1:
            raise ValueError(f"cache_size must be at least 1, got {cache_size}")
        self.embedder = embedder
        self.cache_size = cache_size
        self._cache: OrderedDict[str, numpy.ndarray] = OrderedDict()
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()  # planner nodes may ask from several threads

    def cache_info(self) -> CacheInfo:
        return CacheInfo(self._hits, self._misses, len(self._cache), self.cache_size)

    def vectors(self, texts: Sequence[str]) -> numpy.ndarray:
        """One row per text; only texts not in the cache reach the embedder, in one batch."""
        with self._lock:
            return self._vectors(texts)

    def _vectors(self, texts: Sequence[str]) -> numpy.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        # copies, so a cached row does not keep the embedder's whole batch alive
        fresh = {t: v.copy() for t, v in zip(missing, self.embedder.embed(missing), strict=True)} if missing else {}
        self._misses += len(missing)
        self._hits += len(texts) - len(missing)
        rows = []
        for text in texts:
            vector = fresh.get(text)
            if vector is None:
                vector = self._cache[text]
                self._cache.move_to_end(text)
            else:
                self._cache[text] = vector
            rows.append(vector)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        if not rows:
            return numpy.zeros((0, 0), dtype=numpy.float32)
        return numpy.stack(rows)

    def matrix(self, queries: Sequence[str], texts: Sequence[str]) -> numpy.ndarray:
        """Cosine of every query against every text: shape (len(queries), len(texts))."""
        if not queries or not texts:
            return numpy.zeros((len(queries), len(texts)), dtype=numpy.float32)
        both = self.vectors([*queries, *texts])
        return numpy.clip(both[: len(queries)] @ both[len(queries):].T, -1.0, 1.0)

    def similarity(self, query: str, texts: Sequence[str]) -> list[float]:
        """Cosine in [-1, 1] of ``query`` against each text, in order."""
        return [float(s) for s in self.matrix([query], texts)[0]] if texts else []

    def best(self, query: str, texts: Sequence[str]) -> tuple[int, float]:
        """Index and score of the closest text; (-1, 0.0) when there is none. Ties go to the first."""
        scores = self.similarity(query, texts)
        if not scores:
            return -1, 0.0
        index = int(numpy.argmax(scores))
        return index, scores[index]


_WORD = re.compile(r"\w+")


class HashingEmbedder:
    """Character n-grams of each word, hashed into signed buckets: deterministic and model-free.

    It knows spelling, not meaning ('favourite' meets 'favorites', never 'star'), which is what a
    fast test or a lexical backend needs from the same Protocol.
    """

    name = "hashing-char3-5"
    # Calibrated like UNRELATED_BELOW, on the same tuning half, for this embedder.
    unrelated_below = -0.043

    def __init__(self, dim: int = 512, n_min: int = 3, n_max: int = 5) -> None:
        self.dim = dim
        self.n_min = n_min
        self.n_max = n_max

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        out = numpy.zeros((len(texts), self.dim), dtype=numpy.float32)
        for row, text in enumerate(texts):
            for gram in self._grams(text):
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dim
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        norms = numpy.linalg.norm(out, axis=1, keepdims=True)
        return numpy.divide(out, norms, out=out, where=norms > 0)

    def _grams(self, text: str) -> list[str]:
        grams = []
        for word in _WORD.findall(text.lower()):
            padded = f"<{word}>"
            grams.append(padded)  # the whole word, so short words ('ok', 'up') still count
            for n in range(self.n_min, self.n_max + 1):
                grams.extend(padded[i: i + n] for i in range(len(padded) - n + 1))
        return grams


def load_matcher(cache_size: int = 4096) -> SemanticMatcher:
    """The bundled sentence model behind a matcher; raises EmbeddingModelError if it is missing."""
    from pocketpilot.runtime.embedding_model import OnnxSentenceEmbedder, bundled_embedding_files

    return SemanticMatcher(OnnxSentenceEmbedder(bundled_embedding_files()).load(), cache_size)
