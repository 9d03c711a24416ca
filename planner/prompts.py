"""Prompt templates, one file per program under ``planner/prompts/`` (kept out of code)."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def template(name: str) -> str:
    return resources.files("pocketpilot.planner").joinpath("prompts", f"{name}.txt").read_text(encoding="utf-8")


def render(name: str, **values: str) -> str:
    return template(name).format(**values)
