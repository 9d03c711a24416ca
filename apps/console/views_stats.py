"""The cost views: LLM calls, system (KV, scheduler, sensors) and decisions (reconfig, confirms, errors)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Sparkline, Static

from pocketpilot.apps.console.model import RunState

SERIES_LABELS = {"battery_level": ("battery", "%"), "power_w": ("power", " W"),
                 "battery_temp_c": ("temp", " °C"), "thermal": ("thermal", "")}


def _bytes(n: int | None) -> str:
    if n is None:
        return "?"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class LlmView(Vertical):
    """One row per model call: tokens prefilled vs reused from the KV cache, TTFT, decode speed."""

    DEFAULT_CSS = """
    LlmView > #llm-summary { height: 1; padding: 0 1; }
    LlmView > DataTable { height: 1fr; border: round $secondary; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="llm-summary")
        table = DataTable(id="llm-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("#", "program", "prompt", "prefill", "reused", "gen", "TTFT ms", "tok/s", "slot")
        table.border_title = "LLM calls"
        yield table

    def show(self, state: RunState) -> None:
        calls = state.llm
        prompt = sum(c.prompt for c in calls)
        reused = sum(c.reused for c in calls)
        share = f"{100 * reused / prompt:.0f}%" if prompt else "-"
        self.query_one("#llm-summary", Static).update(
            f"{len(calls)} calls · {prompt} prompt tokens · {reused} reused ({share}) · "
            f"{sum(c.generated for c in calls)} generated")
        table = self.query_one("#llm-table", DataTable)
        table.clear()
        for c in calls:
            table.add_row(str(c.index), c.program, str(c.prompt), str(c.prefilled), str(c.reused), str(c.generated),
                          f"{1000 * c.ttft_s:.0f}", f"{c.tokens_per_s:.1f}", c.slot or "-")
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)


class SystemView(VerticalScroll):
    """KV memory in use against its budget, the scheduler's queue, and sensor sparklines."""

    DEFAULT_CSS = """
    SystemView { padding: 0 1; }
    SystemView Static { height: auto; }
    SystemView Sparkline { height: 1; margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="kv")
        yield Static(id="sched")
        for name in SERIES_LABELS:
            yield Static(id=f"label-{name}")
            yield Sparkline([], id=f"spark-{name}", summary_function=max)
        yield Static(id="kv-log")

    def show(self, state: RunState) -> None:
        self.query_one("#kv", Static).update(self._kv_line(state))
        tools = ", ".join(state.tools) or "none"
        self.query_one("#sched", Static).update(
            f"scheduler: {state.queue} queued · running {state.running or '-'} · tools {tools}"
            + (f" · energy {state.energy_j:.1f} J" if state.energy_j else ""))
        for name, (label, unit) in SERIES_LABELS.items():
            values = state.series.get(name, ())
            now = f"{values[-1]:g}{unit} (min {min(values):g}, max {max(values):g})" if values else "no readings"
            self.query_one(f"#label-{name}", Static).update(f"{label}: {now}")
            spark = self.query_one(f"#spark-{name}", Sparkline)
            spark.data = list(values)
            spark.display = bool(values)  # a flat line would read as a steady zero
        log = [f"#{n.index} {n.kind} {n.text}" for n in state.kv_log[-8:]]
        self.query_one("#kv-log", Static).update("KV events:\n" + ("\n".join(log) if log else "  none"))

    @staticmethod
    def _kv_line(state: RunState) -> Text:
        if state.kv_bytes is None:
            return Text("KV cache: no usage reported in this run", style="dim")
        line = Text(f"KV cache: {_bytes(state.kv_bytes)} of {_bytes(state.kv_budget)} ")
        if state.kv_budget:
            filled = min(20, round(20 * state.kv_bytes / state.kv_budget))
            style = "red" if filled >= 18 else "green"
            line.append("█" * filled, style=style).append("░" * (20 - filled), style="dim")
        return line


class DecisionsView(VerticalScroll):
    """Why the run changed course: reconfigurations, re-plans, confirmations and errors."""

    DEFAULT_CSS = "DecisionsView { padding: 0 1; } DecisionsView Static { height: auto; }"

    def compose(self) -> ComposeResult:
        yield Static(id="decisions")

    def show(self, state: RunState) -> None:
        text = Text()
        sections = (
            ("reconfiguration", [(n.index, f"{n.text}", n.reason) for n in state.reconfig]),
            ("re-plans", [(n.index, n.text, n.reason) for n in state.replans]),
            ("confirmations", [(c.index, f"{c.category}: {c.action} {c.target!r}",
                                {None: "waiting", True: "approved", False: "denied"}[c.approved])
                               for c in state.confirmations]),
            ("errors", [(n.index, f"{n.kind} {n.text}", n.reason) for n in state.errors]),
        )
        for title, rows in sections:
            text.append(f"{title}\n", style="bold underline")
            if not rows:
                text.append("  none\n", style="dim")
            for index, what, why in rows:
                text.append(f"  #{index} ", style="dim").append(what)
                if why:
                    text.append(f" — {why}", style="italic")
                text.append("\n")
        self.query_one("#decisions", Static).update(text)
