"""The run view's panels: plan tree with statuses, the current screen, the action log."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, Tree

from pocketpilot.apps.console.model import RunState
from pocketpilot.apps.console.preview import half_blocks

MARKS = {"pending": ("·", "dim"), "running": ("●", "bold yellow"), "done": ("✓", "green"), "failed": ("✗", "red")}


class PlanTree(Tree):
    """Task at the root, one node per subtask with its status; outputs and reasons below it."""

    DEFAULT_CSS = "PlanTree { border: round $secondary; border-title-color: $text; }"

    def __init__(self) -> None:
        super().__init__("no plan yet", id="plan")
        self.border_title = "plan"
        self.show_root = True

    def show(self, state: RunState) -> None:
        self.clear()
        self.root.set_label(Text(state.task or "waiting for the run to start", style="bold"))
        for row in state.subtasks:
            mark, style = MARKS.get(row.status, ("?", ""))
            label = Text.assemble((f"{mark} {row.status:<7} ", style), f"{row.id}. ",
                                  (f"[{row.app}] " if row.app else "", "cyan"), row.goal)
            node = self.root.add(label, expand=row.status in {"running", "failed"})
            if row.attempts > 1:
                node.add_leaf(f"attempt {row.attempts}")
            if row.reason:
                node.add_leaf(Text(row.reason, style=style))
            for name, value in row.outputs.items():
                node.add_leaf(f"{name} = {value!r}")
            if not node.children:
                node.allow_expand = False
        for note in state.replans:
            self.root.add_leaf(Text(f"↻ re-plan {note.text}: {note.reason}", style="magenta"))
        self.root.expand()


class ScreenPanel(VerticalScroll):
    """What the agent last saw: the element lines from ``device.observe`` and a screenshot if saved."""

    DEFAULT_CSS = """
    ScreenPanel { border: round $secondary; }
    ScreenPanel > #preview { height: auto; }
    ScreenPanel > #elements { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, run_dir: Path | None) -> None:
        super().__init__(id="screen")
        self.run_dir = run_dir
        self.border_title = "screen"

    def compose(self) -> ComposeResult:
        yield Static(id="preview")
        yield Static(id="elements")

    def show(self, state: RunState) -> None:
        screen = state.screen
        self.border_subtitle = f"{screen.count} elements" if screen.signature else ""
        self.border_title = f"screen {screen.package}".strip()
        image = None
        if screen.screenshot and self.run_dir is not None:
            image = half_blocks(self.run_dir / screen.screenshot, width=34, height=12)
        preview = self.query_one("#preview", Static)
        preview.display = image is not None
        preview.update(image or "")
        if not screen.signature:
            body = Text("no observation yet", style="dim")
        elif not screen.lines:
            body = Text(f"{screen.count} elements (this run record has no element lines)", style="dim")
        else:
            body = Text("\n".join(screen.lines), no_wrap=True, overflow="ellipsis")
        self.query_one("#elements", Static).update(body)


class ActionLog(DataTable):
    """Every action the device took (and every one the user denied), newest at the bottom."""

    DEFAULT_CSS = "ActionLog { border: round $secondary; }"

    def __init__(self) -> None:
        super().__init__(id="actions", cursor_type="row", zebra_stripes=True)
        self.border_title = "actions"
        self.add_columns("#", "sub", "action", "target", "effect")

    def show(self, state: RunState) -> None:
        self.clear()
        for row in state.actions:
            style = "red" if row.verb == "denied" else ""
            self.add_row(str(row.index), str(row.subtask or "-"), Text(row.verb, style=style),
                         row.target[:40], row.effect)
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
        self.border_subtitle = f"{len(state.actions)} actions"
