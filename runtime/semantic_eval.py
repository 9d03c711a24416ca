"""Measuring a matcher on a labelled set: top-1 accuracy and a calibrated 'unrelated' threshold.

The set is YAML (``items``: id, app, phrase, label, distractors); each item falls in the tuning or
the evaluation half by a hash of its id, so the split never depends on file order. Design choices
(thresholds) are fitted on the tuning half and reported on the evaluation half.

    python -m pocketpilot.runtime.semantic_eval tests/data/semantic_labels.yaml [--hashing]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from pocketpilot.runtime.errors import BackendError, LabelledSetError

Scorer = Callable[[str, Sequence[str]], Sequence[float]]  # (phrase, labels) -> one score per label


class Split(StrEnum):
    TUNING = "tuning"
    EVALUATION = "evaluation"


@dataclass(frozen=True)
class LabelledItem:
    id: str
    app: str
    phrase: str
    label: str
    distractors: tuple[str, ...]

    @property
    def options(self) -> tuple[str, ...]:
        """The right label first, then the distractors (a scorer must not see this order)."""
        return (self.label, *self.distractors)

    @property
    def split(self) -> Split:
        return split_of(self.id)


@dataclass(frozen=True)
class Threshold:
    """A cosine below which a label counts as unrelated, and how well it separates on a split."""

    value: float
    unrelated_precision: float  # of pairs called unrelated, the share that truly are
    unrelated_recall: float  # of truly unrelated pairs, the share called unrelated
    related_kept: float  # of right labels, the share at or above the threshold (not refused)


def split_of(item_id: str) -> Split:
    """Tuning or evaluation by the first byte of sha256(id): stable across files and runs."""
    return Split.TUNING if hashlib.sha256(item_id.encode()).digest()[0] < 128 else Split.EVALUATION


def load_items(path: Path | str) -> list[LabelledItem]:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())["items"]
        items = [LabelledItem(r["id"], r["app"], r["phrase"], r["label"], tuple(r["distractors"])) for r in raw]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise LabelledSetError(
            f"cannot read the labelled set {path}: {exc}; it needs 'items' with id, app, phrase, label, distractors"
        ) from exc
    return items


def accuracy(items: Sequence[LabelledItem], score: Scorer) -> float:
    """Share of items whose right label scores strictly highest (a tie counts as a miss)."""
    if not items:
        return 0.0
    hits = 0
    for item in items:
        scores = list(score(item.phrase, item.options))
        hits += all(scores[0] > s for s in scores[1:])
    return hits / len(items)


def unrelated_pairs(items: Sequence[LabelledItem]) -> list[tuple[str, str]]:
    """Each phrase against the right labels of other kinds of app: targets a goal has no business with.

    Generic controls (OK, Search, Save) can serve any goal, so they are never counted as unrelated.
    """
    pairs = []
    for item in items:
        own = {item.label.lower(), *(d.lower() for d in item.distractors)}
        for other in items:
            if other.app not in {item.app, "generic"} and other.label.lower() not in own:
                pairs.append((item.phrase, other.label))
    return pairs


def related_pairs(items: Sequence[LabelledItem]) -> list[tuple[str, str]]:
    return [(item.phrase, item.label) for item in items]


def pair_scores(pairs: Sequence[tuple[str, str]], score: Scorer) -> list[float]:
    by_phrase: dict[str, list[str]] = {}
    for phrase, label in pairs:
        by_phrase.setdefault(phrase, []).append(label)
    table = {p: dict(zip(ls, score(p, ls), strict=True)) for p, ls in by_phrase.items()}
    return [float(table[p][label]) for p, label in pairs]


def separation(related: Sequence[float], unrelated: Sequence[float], value: float) -> Threshold:
    called = [s < value for s in unrelated]
    false_calls = sum(s < value for s in related)
    true_calls = sum(called)
    precision = true_calls / (true_calls + false_calls) if true_calls + false_calls else 1.0
    recall = true_calls / len(unrelated) if unrelated else 0.0
    kept = 1 - false_calls / len(related) if related else 1.0
    return Threshold(value, precision, recall, kept)


def calibrate(related: Sequence[float], unrelated: Sequence[float], keep: float = 0.95) -> float:
    """The highest cut that still keeps ``keep`` of the right labels: refusing a right target costs
    a task, acting on an unrelated one costs a step that verification catches."""
    ranked = sorted(related)
    index = int((1 - keep) * len(ranked))
    return round(float(ranked[index]) - 1e-3, 3)


def report(items: Sequence[LabelledItem], score: Scorer) -> dict:
    tuning = [i for i in items if i.split is Split.TUNING]
    evaluation = [i for i in items if i.split is Split.EVALUATION]
    value = calibrate(pair_scores(related_pairs(tuning), score), pair_scores(unrelated_pairs(tuning), score))
    held_out = separation(pair_scores(related_pairs(evaluation), score),
                          pair_scores(unrelated_pairs(evaluation), score), value)
    return {
        "items": {"tuning": len(tuning), "evaluation": len(evaluation)},
        "top1": {"tuning": round(accuracy(tuning, score), 3), "evaluation": round(accuracy(evaluation, score), 3)},
        "unrelated_below": value,
        "evaluation_threshold": {
            "unrelated_precision": round(held_out.unrelated_precision, 3),
            "unrelated_recall": round(held_out.unrelated_recall, 3),
            "related_kept": round(held_out.related_kept, 3),
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    from pocketpilot.runtime.semantic import HashingEmbedder, SemanticMatcher, load_matcher

    parser = argparse.ArgumentParser(prog="python -m pocketpilot.runtime.semantic_eval")
    parser.add_argument("labels", type=Path)
    parser.add_argument("--hashing", action="store_true", help="score with the model-free HashingEmbedder")
    args = parser.parse_args(argv)
    try:
        items = load_items(args.labels)
        matcher = SemanticMatcher(HashingEmbedder()) if args.hashing else load_matcher()
    except BackendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"embedder": matcher.embedder.name, **report(items, matcher.similarity)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
