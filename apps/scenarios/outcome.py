"""Judging a replayed scenario from the phone's initial and final state alone (never the agent's
own claims): did the predicate hold, what changed outside the goal, and what kind of failure it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pocketpilot.apps.scenarios import predicates
from pocketpilot.apps.scenarios.format import AMBIENT_CHANGES, Scenario


class FailureKind(StrEnum):
    UNDER_EXECUTION = "under_execution"  # stopped before the goal; what it reads did not change
    OVER_EXECUTION = "over_execution"  # changed state outside the goal's paths
    WRONG_VALUE = "wrong_value"  # changed what the goal reads, but to the wrong value
    BUDGET = "budget"  # ran out of steps
    ERROR = "error"  # an exception ended the run


def changed_paths(before: Any, after: Any, path: str = "") -> set[str]:
    """Index-free dotted paths where ``after`` differs from ``before``; records match by ``id``."""
    if before == after:
        return set()
    if isinstance(before, dict) and isinstance(after, dict):
        out: set[str] = set()
        for key in before.keys() | after.keys():
            sub = f"{path}.{key}" if path else str(key)
            out |= changed_paths(before.get(key), after.get(key), sub) if key in before and key in after else {sub}
        return out
    if isinstance(before, list) and isinstance(after, list) and _records(before) and _records(after):
        old, new = {r["id"]: r for r in before}, {r["id"]: r for r in after}
        if old.keys() != new.keys():
            return {path}
        return set().union(*(changed_paths(old[k], new[k], path) for k in old))
    return {path}


def _records(items: list) -> bool:
    return all(isinstance(r, dict) and "id" in r for r in items)


@dataclass(frozen=True)
class Verdict:
    success: bool
    predicate_held: bool
    failure_kind: FailureKind | None
    side_effects: tuple[str, ...]  # changed paths outside the goal

    def to_dict(self) -> dict[str, Any]:
        return {"success": self.success, "predicate_held": self.predicate_held,
                "failure_kind": self.failure_kind.value if self.failure_kind else None,
                "side_effects": list(self.side_effects)}


def judge(scenario: Scenario, before: dict, after: dict, *, budget_spent: bool, error: bool) -> Verdict:
    """Success: the predicate holds and nothing changed beyond the goal. Otherwise, which failure."""
    assert scenario.success is not None
    held = predicates.holds(scenario.success, after)
    changed = changed_paths(before, after)
    reads = scenario.reads()
    scope = {*reads, *scenario.allowed_changes, *AMBIENT_CHANGES}
    side_effects = tuple(sorted(p for p in changed if not predicates.covers(scope, p)))
    if error:
        kind: FailureKind | None = FailureKind.ERROR
    elif side_effects:
        kind = FailureKind.OVER_EXECUTION
    elif held:
        kind = None
    elif budget_spent:
        kind = FailureKind.BUDGET
    elif any(predicates.covers(reads, p) for p in changed):
        kind = FailureKind.WRONG_VALUE
    else:
        kind = FailureKind.UNDER_EXECUTION
    return Verdict(success=kind is None, predicate_held=held, failure_kind=kind, side_effects=side_effects)
