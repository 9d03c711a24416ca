"""The planner's error tree: ``PlannerError`` is this package's base."""

from __future__ import annotations

from pocketpilot.devices.errors import PocketpilotError


class PlannerError(PocketpilotError):
    """Planning or running a task failed in a way the caller must handle."""


class PlanInvalid(PlannerError):
    """A plan (from the model or a file) breaks the plan contract; the message says where."""


class RunNotFound(PlannerError):
    """No checkpointed run has the given id."""
