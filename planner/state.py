"""The run state the graph checkpoints after every node: plain JSON-able data only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict


class RunState(TypedDict, total=False):
    run_id: str
    task: str
    mode: str  # "decomposed" | "monolithic"
    plan: dict[str, Any]
    statuses: list[str]
    current: int
    values: dict[str, str]
    step: int
    total_steps: int
    history: list[str]  # the steps as lines, for prompts and logs (never parsed back)
    steps: list[dict[str, Any]]  # the current subtask's steps as data (planner.steps.Step)
    reports: list[dict[str, Any]]  # per subtask: status, reason, evidence seen
    pending: dict[str, Any] | None
    blocked: list[str]
    edges: list[str]  # memory edges the current subtask walked, recorded with its outcome
    spots: list[str]  # controls (page + place) the current subtask acted on with an effect
    replans: int
    deciders: dict[str, int]  # steps per decider: model, prior (the gate), memory, reflection
    outcome: str  # a planner.verdict.Verdict: "success" | "unverified" | "not_done"
    reason: str
    llm_calls: int
    prompt_tokens: int


@dataclass(frozen=True)
class Budget:
    """Step bounds: an atomic subtask gets few steps; the whole task a fixed total (same for baselines)."""

    subtask_steps: int = 10
    total_steps: int = 40
    replans: int = 1
