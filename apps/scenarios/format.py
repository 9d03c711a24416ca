"""The scenario file format (YAML, validated by pydantic) and its loader.

A scenario is data: a task, the virtual phone's initial state, a success predicate over the final
state and, optionally, a gold trajectory. Invalid files raise ``ScenarioError`` naming the file,
the line of the offending key and what is wrong; ``scenarios/README.md`` documents every field.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from pocketpilot.apps.scenarios import predicates, yaml_lines
from pocketpilot.devices.errors import PocketpilotError
from pocketpilot.devices.virtual.dataset import DEFAULT_STATE
from pocketpilot.devices.virtual.state import PhoneState, SeedError
from pocketpilot.planner.safety import Sensitive, SensitivePolicy
from pocketpilot.planner.state import Budget

SUFFIXES = (".yaml", ".yml")
# What changes on the phone by itself or by merely looking: time, battery, read marks, alerts.
AMBIENT_CHANGES = ("clock", "battery", "threads.read", "notifications", "timers.remaining_s", "timers.running",
                   "stopwatch.elapsed_s")  # a running stopwatch counts on by itself


class ScenarioError(PocketpilotError):
    """A scenario file that cannot be used; prints as ``FILE:LINE: reason``."""

    exit_code = 2

    def __init__(self, file: str | Path, line: int, reason: str) -> None:
        super().__init__(f"{file}:{line}: {reason}")
        self.file, self.line, self.reason = str(file), line, reason


class Category(StrEnum):
    ATOMIC = "atomic"
    CONCATENATION = "concatenation"
    CONTEXT_TRANSITION = "context_transition"
    DEEP_DIVE = "deep_dive"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldStep(_Model):
    """One action of a gold trajectory; ``label`` names the target element (ids change per screen)."""

    kind: Literal["tap", "long_press", "type_text", "clear_text", "scroll", "back", "home", "launch", "wait"]
    label: str | None = None
    text: str | None = None
    app: str | None = None
    direction: Literal["up", "down", "left", "right"] | None = None
    seconds: float | None = None

    @model_validator(mode="after")
    def _needs(self) -> GoldStep:
        need = {"tap": "label", "long_press": "label", "type_text": "text", "launch": "app", "wait": "seconds"}
        if self.kind in need and getattr(self, need[self.kind]) is None:
            raise ValueError(f"a {self.kind} step needs {need[self.kind]}")
        return self

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class StepBudget(_Model):
    total_steps: int = Field(40, ge=1, le=500)
    subtask_steps: int = Field(10, ge=1, le=100)
    replans: int = Field(1, ge=0, le=10)

    def to_budget(self) -> Budget:
        return Budget(subtask_steps=self.subtask_steps, total_steps=self.total_steps, replans=self.replans)


class SensitiveRules(_Model):
    """Which sensitive categories run unasked, and how a confirmation request is answered."""

    allow: list[Sensitive] = Field(default_factory=list)
    answer: Literal["deny", "approve"] = "deny"

    def to_policy(self) -> SensitivePolicy:
        return SensitivePolicy(allowed=frozenset(self.allow))


class Scenario(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)
    title: str = Field(min_length=1)
    category: Category
    task: str = Field(min_length=1)
    state: dict[str, Any] = Field(default_factory=dict)
    variant: int = Field(0, ge=0)
    seed: int = 0
    success: dict[str, Any] | None = None
    allowed_changes: list[str] = Field(default_factory=list)
    gold: list[GoldStep] | None = None
    budget: StepBudget = Field(default_factory=StepBudget)
    sensitive: SensitiveRules = Field(default_factory=SensitiveRules)
    tags: list[str] = Field(default_factory=list)
    # The same request worded the way people type it: same state, same success check.
    paraphrases: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    source: str | None = None  # the public task family it is drawn from, e.g. "AndroidWorld ClockTimerEntry"
    recording: str | None = None  # a run directory recorded from a phone, relative to the file
    file: str = Field("", exclude=True)  # where it was loaded from (recordings resolve against it)

    @model_validator(mode="after")
    def _needs_a_check(self) -> Scenario:
        if self.success is None and self.recording is None:
            raise ValueError("a scenario needs success (a predicate) or recording (a recorded run)")
        return self

    @field_validator("paraphrases")
    @classmethod
    def _paraphrases_differ(cls, paraphrases: list[str], info: ValidationInfo) -> list[str]:
        seen = {" ".join(str(info.data.get("task", "")).lower().split())}
        for text in paraphrases:
            key = " ".join(text.lower().split())
            if key in seen:
                raise ValueError(f"{text!r} repeats the task or another paraphrase")
            seen.add(key)
        return paraphrases

    @property
    def optimal_steps(self) -> int | None:
        return len(self.gold) if self.gold is not None else None

    def reads(self) -> set[str]:
        return predicates.reads(self.success) if self.success else {""}

    def recording_dir(self) -> Path | None:
        if self.recording is None:
            return None
        base = Path(self.file).parent if self.file else Path.cwd()
        return (base / self.recording).resolve()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, file: str = "") -> Scenario:
        return cls.model_validate({**data, "file": file})


def load_scenario(path: str | Path) -> Scenario:
    """Parse and validate one file; every problem is a ``ScenarioError`` with file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, 1, f"cannot read the file: {exc}") from exc
    try:
        data = yaml_lines.load(text)
    except yaml_lines.TooLarge as exc:
        raise ScenarioError(path, exc.line, exc.reason) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise ScenarioError(path, mark.line + 1 if mark else 1, f"not valid YAML: {reason}") from exc
    if not isinstance(data, dict):
        raise ScenarioError(path, 1, "a scenario file holds one mapping (id, title, category, task, ...)")
    if "file" in data:
        raise ScenarioError(path, yaml_lines.line_of(data, ["file"]), "unknown key 'file'")
    try:
        scenario = Scenario.from_dict(data, file=str(path))
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        raise ScenarioError(path, yaml_lines.line_of(data, location), _describe(error, location)) from None
    _check_content(path, data, scenario)
    return scenario


def _describe(error: dict, location: list) -> str:
    where = ".".join(str(p) for p in location) or "scenario"
    if error["type"] == "extra_forbidden":
        return f"unknown key {location[-1]!r}" + (f" in {'.'.join(map(str, location[:-1]))}" if len(location) > 1
                                                  else "")
    if error["type"] == "missing":
        return f"missing required key {where!r}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}"


def _check_content(path: Path, data: dict, scenario: Scenario) -> None:
    if scenario.success is not None:
        try:
            predicates.check(scenario.success)
        except predicates.PredicateError as exc:
            location = ["success", *exc.location]
            raise ScenarioError(path, yaml_lines.line_of(data, location), f"success: {exc}") from None
    try:
        PhoneState.from_dict(scenario.state, DEFAULT_STATE)
    except SeedError as exc:
        where = re.match(r"^(\w+)(?:\[(\d+)\])?", str(exc))
        location = ["state", where.group(1), *([int(where.group(2))] if where.group(2) else [])] if where else []
        raise ScenarioError(path, yaml_lines.line_of(data, location or ["state"]), f"state: {exc}") from None
    for position, change in enumerate(scenario.allowed_changes):
        if not re.fullmatch(r"[\w.]+", change):
            raise ScenarioError(path, yaml_lines.line_of(data, ["allowed_changes", position]),
                                f"allowed_changes: {change!r} is not a dotted path")
    directory = scenario.recording_dir()
    if directory is not None and not directory.is_dir():
        raise ScenarioError(path, yaml_lines.line_of(data, ["recording"]), f"recording: no directory {directory}")


def scenario_files(paths: list[str | Path]) -> list[Path]:
    """Scenario files named directly, plus every ``*.yaml``/``*.yml`` under named directories."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise ScenarioError(path, 1, "no such file or directory")
    return files


def load_scenarios(paths: list[str | Path]) -> list[Scenario]:
    """Load every scenario under ``paths``, all or nothing: the first bad file raises."""
    scenarios: list[Scenario] = []
    seen: dict[str, str] = {}
    for file in scenario_files(paths):
        scenario = load_scenario(file)
        if scenario.id in seen:
            line = next((n for n, text in enumerate(file.read_text(encoding="utf-8").splitlines(), 1)
                         if text.startswith("id:")), 1)
            raise ScenarioError(file, line, f"id {scenario.id!r} is already used by {seen[scenario.id]}")
        seen[scenario.id] = str(file)
        scenarios.append(scenario)
    return scenarios
