"""The runs list: every run directory under the data dir, newest first, live ones marked."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from pocketpilot.apps.console.dialogs import HelpScreen
from pocketpilot.apps.run_records import EVENTS, SUMMARY

LIVE_WITHIN_S = 60.0  # an unfinished run whose events grew this recently is taken as running


@dataclass(frozen=True)
class RunEntry:
    directory: Path
    task: str
    status: str  # success | failure | running | stopped
    events: int


def list_runs(runs: Path, now: float | None = None) -> list[RunEntry]:
    """Run directories (those holding ``events.jsonl``), newest first; reads first lines and summaries only."""
    now = time.time() if now is None else now
    entries = []
    for directory in sorted((p for p in runs.glob("*") if (p / EVENTS).is_file()), reverse=True):
        events = directory / EVENTS
        with open(events, encoding="utf-8") as handle:
            first = handle.readline()
            count = 1 + sum(1 for _ in handle) if first else 0
        try:
            task = json.loads(first).get("data", {}).get("task", "") if first else ""
        except json.JSONDecodeError:
            task = ""
        summary = directory / SUMMARY
        if summary.is_file():
            data = json.loads(summary.read_text(encoding="utf-8"))
            status = "success" if data.get("success") else "failure"
            task = task or data.get("task", "")
        else:
            status = "running" if now - events.stat().st_mtime < LIVE_WITHIN_S else "stopped"
        entries.append(RunEntry(directory, task, status, count))
    return entries


class RunsScreen(Screen):
    """Pick a run with the arrows and enter; the list refreshes as runs start and finish."""

    DEFAULT_CSS = """
    RunsScreen #title { height: 1; background: $boost; padding: 0 1; }
    RunsScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Open"), Binding("r", "reload", "Reload"),
                Binding("question_mark", "help", "Help")]

    def __init__(self, runs: Path) -> None:
        super().__init__()
        self.runs = runs
        self.entries: list[RunEntry] = []

    def compose(self) -> ComposeResult:
        yield Static(f"runs in {self.runs}", id="title")
        table = DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        table.add_columns("run", "status", "events", "task")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.set_interval(2.0, self.action_reload)

    def action_reload(self) -> None:
        entries = list_runs(self.runs) if self.runs.is_dir() else []
        if entries == self.entries:
            return
        self.entries = entries
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for entry in entries:
            table.add_row(entry.directory.name, entry.status, str(entry.events), entry.task[:60])
        if entries:
            table.move_cursor(row=min(row, len(entries) - 1))
        else:
            self.query_one("#title", Static).update(f"no runs yet in {self.runs}; start one with 'pocketpilot run'")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.entries and 0 <= table.cursor_row < len(self.entries):
            self.app.open_run(self.entries[table.cursor_row].directory)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([*self.BINDINGS, *self.app.BINDINGS]))
