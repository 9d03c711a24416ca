"""What a replay runs: scenarios filtered by the fixed tuning/evaluation split, each expanded into
trials (its canonical task and/or its paraphrases, on one or more phone variants).

The split is a hash of the scenario id, never a choice: design decisions are made on the tuning
half, and the evaluation half is the number that counts. Changing ``split_of`` moves scenarios
between halves and invalidates every number reported so far, so a test pins it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from pocketpilot.apps.scenarios.format import Scenario


class Split(StrEnum):
    TUNING = "tuning"
    EVALUATION = "evaluation"


class Wording(StrEnum):
    """Which task texts of a scenario run: its own, its paraphrases, or both."""

    CANONICAL = "canonical"
    PARAPHRASES = "paraphrases"
    ALL = "all"


CANONICAL, PARAPHRASE = "canonical", "paraphrase"  # a trial's wording, as reported


def split_of(scenario_id: str) -> Split:
    """Tuning when the first byte of sha256(id) is even: stable across machines and runs."""
    return Split.TUNING if hashlib.sha256(scenario_id.encode("utf-8")).digest()[0] % 2 == 0 else Split.EVALUATION


def in_split(scenarios: list[Scenario], split: str) -> list[Scenario]:
    """The scenarios of one half (``all`` keeps every one)."""
    return scenarios if split == "all" else [s for s in scenarios if split_of(s.id) == split]


@dataclass(frozen=True)
class Trial:
    """One run of a scenario: its task text and variant already applied to ``scenario``."""

    scenario: Scenario
    wording: str = CANONICAL  # CANONICAL or PARAPHRASE
    paraphrase: int | None = None  # 1-based index into the scenario's paraphrases
    variant_override: bool = False  # the variant came from --variant, not from the file

    @property
    def key(self) -> str:
        """Unique per trial in a replay: names its recorded completions."""
        key = self.scenario.id
        if self.paraphrase is not None:
            key += f"~p{self.paraphrase}"
        if self.variant_override:
            key += f"~v{self.scenario.variant}"
        return key

    @property
    def split(self) -> Split:
        return split_of(self.scenario.id)


def trials(scenarios: list[Scenario], wording: str = Wording.CANONICAL,
           variants: list[int] | None = None) -> list[Trial]:
    """Every scenario under each variant (its own when ``variants`` is None), for each wording."""
    out: list[Trial] = []
    for variant in variants if variants else [None]:
        for scenario in scenarios:
            base = scenario if variant is None else scenario.model_copy(update={"variant": variant})
            override = variant is not None
            if wording in (Wording.CANONICAL, Wording.ALL):
                out.append(Trial(base, variant_override=override))
            if wording in (Wording.PARAPHRASES, Wording.ALL):
                out.extend(Trial(base.model_copy(update={"task": text}), PARAPHRASE, n, override)
                           for n, text in enumerate(scenario.paraphrases, 1))
    return out
