"""SVG snapshots of the main screens on the committed recorded run, at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from pocketpilot.apps.console.app import ConsoleApp

SIZE = (80, 24)


@pytest.fixture
def app(data_dir, run_dir, monkeypatch) -> ConsoleApp:
    monkeypatch.chdir(data_dir)  # the runs list shows its folder: relative, so the snapshot is stable
    return ConsoleApp(Path("runs"), Path("runs") / run_dir.name)


VIEWS = {"run": (), "llm": ("2",), "system": ("3",), "decisions": ("4",), "help": ("question_mark",),
         "runs-list": ("escape",), "first-plan": ("home", "right_curly_bracket")}


@pytest.mark.parametrize("keys", VIEWS.values(), ids=VIEWS.keys())
def test_screen_looks_as_recorded(snap_compare, app, keys):
    assert snap_compare(app, terminal_size=SIZE, press=list(keys))
