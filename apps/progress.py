"""Live progress on a terminal: one line per meaningful event, read from the event stream."""

from __future__ import annotations

from rich.console import Console

from pocketpilot.devices.events import Event


class Progress:
    """An ``EventSink`` printing subtasks, actions, model speed and battery as a run goes."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.tokens_per_s = 0.0

    def __call__(self, event: Event) -> None:
        data = event.data
        if event.kind == "plan.created":
            for sub in data["plan"]["subtasks"]:
                self.console.print(f"  plan {sub['id']}. [{sub['app'] or 'any app'}] {sub['goal']}")
        elif event.kind == "subtask.started":
            sub = data["subtask"]
            self.console.print(f"[bold]▶ subtask {sub['id']}[/]: {sub['goal']}")
        elif event.kind == "device.action":
            action = data.get("action") or {}
            speed = f"  {self.tokens_per_s:.0f} tok/s" if self.tokens_per_s else ""
            self.console.print(f"    {action.get('kind', '?')} {data.get('target', '')!r} → {data['effect']}{speed}")
        elif event.kind == "llm.call" and data.get("decode_tokens_per_s"):
            self.tokens_per_s = float(data["decode_tokens_per_s"])
        elif event.kind == "subtask.finished":
            mark = "✓" if data["ok"] else "✗"
            self.console.print(f"  {mark} subtask {data['subtask']}: {data['reason']}")
        elif event.kind == "sensors.read" and data.get("battery_level"):
            self.console.print(f"    battery {data['battery_level']['value']:.0f}%")
        elif event.kind == "run.resumed":
            self.console.print(f"[bold]↺ resuming run {data['run_id']}[/] at {', '.join(data['next']) or 'its end'}")
        elif event.kind == "step.resumed":
            self.console.print(f"    ↺ the pending step took effect before the stop ({data['evidence']})")
        elif event.kind == "step.unsent":
            self.console.print("    ↺ the pending step never reached the phone before the stop: sending it now")
        elif event.kind == "device.note":
            self.console.print(f"[yellow]  ! {data['note']}[/]")
        elif event.kind == "step.reverified":
            self.console.print("    ↺ the screen is not the one the checkpoint saw: deciding the step again from it")
        elif event.kind == "confirm.requested":
            self.console.print(f"[yellow]  ? {data['category']}: {data['action']} {data['target']!r}[/]")
