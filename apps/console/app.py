"""``ConsoleApp``: the runs list at the bottom of the screen stack, a run on top when one is open."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from pocketpilot.apps.console.run_screen import RunScreen
from pocketpilot.apps.console.runs import RunsScreen


class ConsoleApp(App):
    """Follow live runs and open finished ones; keyboard-first, laid out for 80x24."""

    TITLE = "pocketpilot console"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"), Binding("ctrl+c", "quit", "Quit", show=False)]

    def __init__(self, runs: Path, run_dir: Path | None = None, poll_s: float = 0.25) -> None:
        super().__init__()
        self.runs = runs
        self.run_dir = run_dir
        self.poll_s = poll_s

    def on_mount(self) -> None:
        self.push_screen(RunsScreen(self.runs))
        if self.run_dir is not None:
            self.open_run(self.run_dir)

    def open_run(self, run_dir: Path) -> None:
        self.push_screen(RunScreen(run_dir, poll_s=self.poll_s))

    def action_show_runs(self, screen: RunScreen) -> None:
        if self.screen is screen:
            self.pop_screen()
