"""The replay JSON: per configuration, totals and per category, cut by wording, split and variant,
each with an honesty block (what the agent claimed against what the final state shows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pocketpilot.apps.scenarios.format import Category
from pocketpilot.apps.scenarios.outcome import FailureKind
from pocketpilot.apps.scenarios.replay import ScenarioResult
from pocketpilot.apps.scenarios.suite import Split

# facet name in the JSON -> how a result is filed under it
FACETS: dict[str, Callable[[ScenarioResult], str]] = {
    "by_wording": lambda r: r.wording,
    "by_split": lambda r: r.split,
    "by_variant": lambda r: str(r.variant),
}


def honesty(results: list[ScenarioResult]) -> dict[str, Any]:
    """Claimed (the agent's ``RunResult.success``) against judged (predicate + no collateral change).

    ``claim_precision`` is the share of claimed successes that are real (None when nothing was
    claimed); ``over_execution`` counts runs that changed state outside the goal, whatever else
    went wrong in them.
    """
    claimed = [r for r in results if r.claimed]
    unclaimed = [r for r in results if not r.claimed]
    true_claims = sum(r.success for r in claimed)
    return {
        "confusion": {
            "claimed_success": {"judged_success": true_claims, "judged_failure": len(claimed) - true_claims},
            "no_claim": {"judged_success": sum(r.success for r in unclaimed),
                         "judged_failure": sum(not r.success for r in unclaimed)},
        },
        "claims": len(claimed),
        "claim_precision": round(true_claims / len(claimed), 3) if claimed else None,
        "false_success": len(claimed) - true_claims,
        "over_execution": sum(bool(r.side_effects) for r in results),
    }


def aggregate(results: list[ScenarioResult]) -> dict[str, Any]:
    n = len(results) or 1

    def avg(values: list[float]) -> float:
        return round(sum(values) / n, 3)

    kinds = {k.value: sum(r.failure_kind == k.value for r in results) for k in FailureKind}
    gold = [r for r in results if r.optimal_steps]
    return {
        "scenarios": len(results),
        "success_rate": round(sum(r.success for r in results) / n, 3),
        "avg_steps": avg([r.steps for r in results]),
        "avg_optimal_steps": round(sum(r.optimal_steps or 0 for r in gold) / (len(gold) or 1), 3),
        "avg_llm_calls": avg([r.llm_calls for r in results]),
        "avg_prompt_tokens": avg([r.prompt_tokens for r in results]),
        "avg_seconds": avg([r.seconds for r in results]),
        "avg_energy_j": avg([r.energy_j or 0.0 for r in results]),
        "energy_source": "estimated",
        "failure_kinds": kinds,
        "honesty": honesty(results),
        "deciders": decider_shares(results),
    }


def decider_shares(results: list[ScenarioResult]) -> dict[str, Any]:
    """Who decided the steps: per decider (model, prior gate, memory path, reflection, dialog,
    stuck) its step count and its share of all steps."""
    counts: dict[str, int] = {}
    for result in results:
        for who, steps in result.deciders.items():
            counts[who] = counts.get(who, 0) + steps
    total = sum(counts.values())
    return {who: {"steps": n, "share": round(n / total, 3)} for who, n in sorted(counts.items(), key=lambda kv: -kv[1])}


def _by_category(results: list[ScenarioResult]) -> dict[str, Any]:
    return {c.value: aggregate([r for r in results if r.category == c.value])
            for c in Category if any(r.category == c.value for r in results)}


def _block(results: list[ScenarioResult], facets: tuple[str, ...] = ()) -> dict[str, Any]:
    block = {**aggregate(results), "by_category": _by_category(results)}
    for facet in facets:
        key = FACETS[facet]
        values = dict.fromkeys(key(r) for r in results)
        if facet == "by_split":  # always both halves, in a fixed order, even when one is empty
            values = dict.fromkeys([*(s.value for s in Split), *values])
        block[facet] = {v: _block([r for r in results if key(r) == v],
                                  ("by_wording",) if facet == "by_split" else ())
                        for v in values if v}
    return block


def summarize(results: list[ScenarioResult]) -> dict[str, Any]:
    """``configs.<mode>``: totals, ``by_category``, ``honesty``, and the same cut ``by_wording``,
    ``by_split`` (each half again by wording) and ``by_variant``; plus every trial's result."""
    configs = {name: _block([r for r in results if r.config == name], tuple(FACETS))
               for name in dict.fromkeys(r.config for r in results)}
    return {"configs": configs, "scenarios": [r.to_dict() for r in results]}
