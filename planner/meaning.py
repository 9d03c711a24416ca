"""How related a text on the phone (a control's label, a page, an app) is to a goal.

The semantic matcher decides ('power saving mode' meets 'Battery Saver', 'wake me up' meets
'Alarm'); a content word the goal shares with the text is a floor, since a label the goal names
is related whatever an embedding says. One threshold, calibrated on the tuning split by the
matcher's own measurement, says what counts as unrelated.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from pocketpilot.planner.grounding import words
from pocketpilot.runtime.semantic import UNRELATED_BELOW, SemanticMatcher, load_matcher

SHARED_WORD = 0.6  # a goal word on the text itself: related, and about as sure as a close paraphrase
# What a verdict may rest on: a paraphrase this close (or a shared word). Measured on the tuning
# half, right pairs ('silence all notifications' / 'Do Not Disturb' 0.49) and wrong ones ('ring
# at 7' / 'Do Not Disturb' 0.34) overlap below it: there a claim would be a guess.
EVIDENCE_BELOW = 0.45
MIN_NAMED_CHARS = 3  # 'AM' written in a goal's time names no control


_BUNDLED: list[SemanticMatcher] = []  # the bundled model, loaded once per process on first use


_LOAD = threading.Lock()  # agents in threads (a shared model's replay) load it once


def bundled_matcher() -> SemanticMatcher:
    with _LOAD:
        if not _BUNDLED:
            _BUNDLED.append(load_matcher())
    return _BUNDLED[0]


class Meaning:
    """Relatedness from ``matcher``; by default the bundled sentence model (loaded on first use),
    ``HashingEmbedder`` only where a caller asks for the model-free stand-in."""

    def __init__(self, matcher: SemanticMatcher | None = None) -> None:
        self._matcher = matcher
        self.threshold = UNRELATED_BELOW

    @property
    def matcher(self) -> SemanticMatcher:
        if self._matcher is None:
            self._matcher = bundled_matcher()
        return self._matcher

    def scores(self, goal: str, texts: Sequence[str]) -> list[float]:
        """One relatedness per text, in [-1, 1]: the cosine, with a shared content word as a
        floor; empty texts are unrelated."""
        texts, wanted = list(texts), words(goal)
        return [max(cosine, SHARED_WORD if text.strip() and wanted & words(text) else -1.0)
                for text, cosine in zip(texts, self.cosines(goal, texts), strict=True)]

    def cosines(self, goal: str, texts: Sequence[str]) -> list[float]:
        """The embedding's relatedness alone, for weighing against word overlap (not adding to it)."""
        texts = list(texts)
        present = [t for t in texts if t.strip()]
        cosine = dict(zip(present, self.matcher.similarity(goal, present), strict=True)) if present else {}
        return [cosine.get(t, -1.0) for t in texts]

    def score(self, goal: str, text: str) -> float:
        return self.scores(goal, [text])[0]

    def related(self, goal: str, text: str) -> bool:
        return self.score(goal, text) >= self.threshold

    def surely_names(self, goal: str, text: str) -> bool:
        """``text`` is what the goal names, sure enough to claim the goal done by it: one part of
        the label ('Weekend' of '8:00 AM · Weekend · Sat, Sun') is written in the goal, or means
        what the goal says this closely. A shared word alone ('pdf') is not enough."""
        parts = [p.strip() for p in text.split(" · ") if p.strip()]
        if any(len(p) >= MIN_NAMED_CHARS and p.lower() in goal.lower() for p in parts):
            return True
        return bool(parts) and max(self.matcher.similarity(goal, parts)) >= EVIDENCE_BELOW
