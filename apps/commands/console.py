"""``pocketpilot console [RUN_DIR]``: follow live runs and open finished ones in a terminal UI."""

from __future__ import annotations

import argparse
from pathlib import Path

from pocketpilot.apps.arg_types import is_run_id
from pocketpilot.apps.data_dir import data_dir
from pocketpilot.apps.run_records import EVENTS, runs_dir
from pocketpilot.devices.errors import PocketpilotError


def register(subparsers: argparse._SubParsersAction) -> None:
    console = subparsers.add_parser("console", help="watch runs live, step through finished ones, approve actions")
    console.add_argument("run_dir", nargs="?", help="a run directory or run id (default: the list of runs)")
    console.add_argument("--data-dir", type=Path, help="where runs live (default: XDG data dir)")
    console.set_defaults(handler=open_console)


def resolve_run(run: str, runs: Path) -> Path:
    """A path to a run directory, or a run id under ``runs`` (a name: never a path out of it)."""
    candidates = [Path(run).expanduser(), *([runs / run] if is_run_id(run) else [])]
    for candidate in candidates:
        if (candidate / EVENTS).is_file() or (candidate.is_dir() and candidate.parent == runs):
            return candidate
    raise PocketpilotError(f"no run at {run!r} (no {EVENTS} there nor under {runs}); "
                           "pass a run directory or an id from 'pocketpilot console'")


def open_console(args: argparse.Namespace) -> int:
    from pocketpilot.apps.console.app import ConsoleApp  # Textual loads only for this command

    runs = runs_dir(data_dir(args.data_dir))
    run = resolve_run(args.run_dir, runs) if args.run_dir else None
    ConsoleApp(runs, run).run()
    return 0
