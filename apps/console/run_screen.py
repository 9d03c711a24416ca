"""One run: follows its event file while it grows, steps through it, answers its confirmations."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from pocketpilot.apps import confirm_channel
from pocketpilot.apps.console.dialogs import ConfirmDialog, HelpScreen
from pocketpilot.apps.console.model import RunState, RunView
from pocketpilot.apps.console.tail import EventTail
from pocketpilot.apps.console.views_run import ActionLog, PlanTree, ScreenPanel
from pocketpilot.apps.console.views_stats import DecisionsView, LlmView, SystemView

VIEWS = ("run", "llm", "system", "decisions")
MILESTONES = {"device.action", "subtask.started", "subtask.finished", "plan.created", "plan.replanned",
              "confirm.answered", "run.finished"}
STATUS_STYLE = {"running": "bold yellow", "success": "bold green", "failure": "bold red", "waiting": "dim"}


class RunScreen(Screen):
    """The run at event ``position``; ``following`` keeps it on the newest event as the run grows."""

    DEFAULT_CSS = """
    RunScreen #runbar { height: 1; background: $boost; padding: 0 1; }
    RunScreen #run { height: 1fr; }
    RunScreen #left { width: 46; }
    RunScreen PlanTree { height: 1fr; }
    RunScreen ActionLog { height: 1fr; }
    RunScreen ScreenPanel { width: 1fr; }
    RunScreen ContentSwitcher { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,left_square_bracket", "step(-1)", "Back", priority=True),
        Binding("right,right_square_bracket", "step(1)", "Fwd", priority=True),
        Binding("left_curly_bracket", "milestone(-1)", "Prev step", show=False),
        Binding("right_curly_bracket", "milestone(1)", "Next step", show=False),
        Binding("home", "jump(0)", "First", show=False, priority=True),
        Binding("end", "follow", "Live", show=False, priority=True),
        Binding("1", "view('run')", "Run"),
        Binding("2", "view('llm')", "LLM"),
        Binding("3", "view('system')", "System"),
        Binding("4", "view('decisions')", "Why"),
        Binding("c", "ask_again", "Confirm", show=False),
        Binding("escape,backspace", "runs", "Runs", show=False),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, run_dir: Path, poll_s: float = 0.25) -> None:
        super().__init__()
        self.run_dir = Path(run_dir)
        self.poll_s = poll_s
        self.tail = EventTail(self.run_dir)
        self.view = RunView()
        self.position = -1
        self.following = True
        self.shown: RunState | None = None
        self.asked: set[str] = set()  # confirmation requests already offered (esc = later)

    def compose(self) -> ComposeResult:
        yield Static(id="runbar")
        with ContentSwitcher(initial="run"):
            with Horizontal(id="run"):
                with Vertical(id="left"):
                    yield PlanTree()
                    yield ActionLog()
                yield ScreenPanel(self.run_dir)
            yield LlmView(id="llm")
            yield SystemView(id="system")
            yield DecisionsView(id="decisions")
        yield Footer()

    def on_mount(self) -> None:
        self.poll()
        self.set_interval(self.poll_s, self.poll)

    # -- following ---------------------------------------------------------------------------
    def poll(self) -> None:
        new = self.tail.read()
        if new:
            self.view.extend(new)
            if self.following:
                self.position = len(self.view) - 1
            self.refresh_views()
        elif self.shown is None:
            self.refresh_views()
        self.offer_confirmation()

    def offer_confirmation(self) -> None:
        if self.app.screen is not self:
            return  # a dialog or the help is open: ask once it closes
        waiting = [r for r in confirm_channel.pending(self.run_dir) if r.id not in self.asked]
        if waiting:
            request = waiting[0]
            self.asked.add(request.id)
            self.app.push_screen(ConfirmDialog(request), lambda approved: self._answered(request, approved))

    def _answered(self, request: confirm_channel.Request, approved: bool | None) -> None:
        if approved is not None:
            confirm_channel.answer(self.run_dir, request.id, approved, by="console")
            self.notify(f"{'approved' if approved else 'denied'}: {request.data.get('target', '')!r}")

    # -- showing -----------------------------------------------------------------------------
    def refresh_views(self) -> None:
        state = self.view.at(self.position)
        self.shown = state
        self._runbar(state)
        self.query_one(PlanTree).show(state)
        self.query_one(ActionLog).show(state)
        self.query_one(ScreenPanel).show(state)
        self.query_one(LlmView).show(state)
        self.query_one(SystemView).show(state)
        self.query_one(DecisionsView).show(state)

    def _runbar(self, state: RunState) -> None:
        where = "live" if self.following and state.status == "running" else f"{state.index + 1}/{state.total}"
        bar = Text.assemble((state.run_id or self.run_dir.name, "bold"), " ",
                            (state.status, STATUS_STYLE.get(state.status, "")), f" · event {where}",
                            (f" {state.last}" if state.last else "", "dim"),
                            f" · view {self.query_one(ContentSwitcher).current}")
        self.query_one("#runbar", Static).update(bar)

    # -- actions -----------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        self._go(self.position + delta)

    def action_milestone(self, delta: int) -> None:
        index = self.position + delta
        while 0 <= index < len(self.view) and self.view.events[index].kind not in MILESTONES:
            index += delta
        self._go(index)

    def action_jump(self, index: int) -> None:
        self._go(index)

    def action_follow(self) -> None:
        self._go(len(self.view) - 1)

    def _go(self, index: int) -> None:
        last = len(self.view) - 1
        self.position = max(0, min(index, last))
        self.following = self.position == last
        self.refresh_views()

    def action_view(self, name: str) -> None:
        self.query_one(ContentSwitcher).current = name
        if self.shown is not None:
            self._runbar(self.shown)

    def action_ask_again(self) -> None:
        self.asked.clear()
        self.offer_confirmation()

    def action_runs(self) -> None:
        self.app.action_show_runs(self)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([*self.BINDINGS, *self.app.BINDINGS]))
