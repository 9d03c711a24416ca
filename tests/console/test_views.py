"""Pilot tests: each view of the console, driven by keys only, at 80x24."""

from __future__ import annotations

import json
import os

from textual.widgets import DataTable, Sparkline, Static

from pocketpilot.apps import confirm_channel
from pocketpilot.apps.confirm_channel import Request
from pocketpilot.apps.console.app import ConsoleApp
from pocketpilot.apps.console.dialogs import ConfirmDialog, HelpScreen
from pocketpilot.apps.console.run_screen import RunScreen
from pocketpilot.apps.console.runs import RunsScreen
from pocketpilot.apps.console.views_run import PlanTree
from pocketpilot.apps.console.views_stats import DecisionsView, SystemView

SIZE = (80, 24)


def _runbar(app) -> str:
    return str(app.screen.query_one("#runbar", Static).render())


def _tree_labels(app) -> list[str]:
    tree = app.screen.query_one(PlanTree)
    return [str(node.label) for node in tree.root.children]


async def test_runs_list_opens_the_selected_run_with_enter(data_dir, run_dir):
    app = ConsoleApp(data_dir / "runs")
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        assert isinstance(app.screen, RunsScreen) and table.row_count == 1
        assert table.get_row_at(0)[:2] == [run_dir.name, "failure"]
        await pilot.press("enter")
        assert isinstance(app.screen, RunScreen) and app.screen.run_dir == run_dir
        await pilot.press("escape")
        assert isinstance(app.screen, RunsScreen)


async def test_run_view_shows_the_plan_tree_with_each_subtask_status(data_dir, run_dir):
    app = ConsoleApp(data_dir / "runs", run_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        labels = _tree_labels(app)
        assert labels[0].startswith("✓ done") and "[Contacts] Find Bob's phone number" in labels[0]
        assert labels[1].startswith("✗ failed") and "[Messages]" in labels[1]
        assert "failure · event 46/46" in _runbar(app)


async def test_stepping_back_and_forth_through_a_finished_run(data_dir, run_dir):
    app = ConsoleApp(data_dir / "runs", run_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("left", "left_square_bracket")
        assert "event 44/46" in _runbar(app)
        await pilot.press("home")
        assert "event 1/46 run.started" in _runbar(app) and _tree_labels(app) == []
        await pilot.press("right_curly_bracket")  # the next milestone: the plan
        assert "plan.created" in _runbar(app) and _tree_labels(app)[0].startswith("· pending")
        await pilot.press("end")
        assert "event 46/46" in _runbar(app)


async def test_llm_view_lists_every_call(data_dir, run_dir):
    app = ConsoleApp(data_dir / "runs", run_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        assert app.screen.query_one("#llm-table", DataTable).row_count == 8
        assert "8 calls · 1108 prompt tokens" in str(app.screen.query_one("#llm-summary", Static).render())


async def test_system_view_shows_kv_against_budget_queue_and_sparklines(tmp_path):
    events = [("sched.enqueue", {"program": "a", "queued": 2}),
              ("kv.usage", {"resident_bytes": 4 << 20, "budget_bytes": 16 << 20}),
              *[("sensors.read", {"battery_level": {"value": 90 - i, "measured": True},
                                  "power_w": {"value": 1.5 + i / 10, "measured": False}}) for i in range(5)]]
    (tmp_path / "events.jsonl").write_text(
        "".join(json.dumps({"kind": k, "ts": float(i), "data": d}) + "\n" for i, (k, d) in enumerate(events)))
    app = ConsoleApp(tmp_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        view = app.screen.query_one(SystemView)
        assert "4.0 MiB of 16.0 MiB" in str(view.query_one("#kv", Static).render())
        assert "2 queued" in str(view.query_one("#sched", Static).render())
        assert list(view.query_one("#spark-battery_level", Sparkline).data) == [90, 89, 88, 87, 86]


async def test_decisions_view_lists_the_denied_confirmation(data_dir, run_dir):
    app = ConsoleApp(data_dir / "runs", run_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        text = str(app.screen.query_one(DecisionsView).query_one(Static).render())
        assert "send: tap 'Send' — denied" in text


async def test_help_lists_the_bindings_and_closes(data_dir, run_dir):
    app = ConsoleApp(data_dir / "runs", run_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one(Static).render())
        assert "[" in text and "Back" in text and "Quit" in text
        await pilot.press("escape")
        assert isinstance(app.screen, RunScreen)


async def _dialog_answer(run_dir, key: str) -> bool:
    request = Request("r1", {"category": "delete", "action": "tap", "target": "Delete"}, os.getpid(), 1.0)
    confirm_channel.write_json_atomic(run_dir / "confirm" / "r1.request.json", request.to_dict())
    app = ConsoleApp(run_dir.parent, run_dir, poll_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(key)
        assert isinstance(app.screen, RunScreen)
    return confirm_channel.read_answer(run_dir, "r1").approved


async def test_the_confirmation_dialog_approves(run_dir):
    assert await _dialog_answer(run_dir, "y") is True


async def test_the_confirmation_dialog_denies(run_dir):
    assert await _dialog_answer(run_dir, "n") is False


async def test_a_live_run_is_followed_as_events_arrive(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps({"kind": "run.started", "ts": 1.0, "data": {"run_id": "r", "task": "t"}}) + "\n")
    app = ConsoleApp(tmp_path, tmp_path, poll_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert "running · event live" in _runbar(app)
        plan = {"subtasks": [{"id": 1, "app": "Clock", "goal": "set an alarm"}]}
        with open(path, "a") as handle:
            handle.write(json.dumps({"kind": "plan.created", "ts": 2.0, "data": {"plan": plan}}) + "\n")
        await pilot.pause(0.3)
        assert _tree_labels(app) == ["· pending 1. [Clock] set an alarm"]
