"""``pocketpilot explore APP``: walk an app breadth-first and add what it finds to memory."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pocketpilot.apps.arg_types import non_negative
from pocketpilot.devices.registry import open_device
from pocketpilot.memory.db import default_db_path
from pocketpilot.memory.explore import Explorer
from pocketpilot.memory.graph import GraphMemory


def _explore(args: argparse.Namespace) -> int:
    device = open_device(args.device)
    try:
        with GraphMemory(Path(args.db) if args.db else default_db_path()) as memory:
            report = Explorer(device, memory, budget=args.budget).explore(args.app)
            where = memory.db_path
    finally:
        device.close()
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(f"explored {report.app}: {report.pages} pages, {report.edges} steps recorded, "
              f"{report.actions} actions, {report.scrolls} list scrolls, "
              f"{report.dialogs_answered} first-run/permission dialogs answered, "
              f"{report.skipped_sensitive} sensitive elements left alone -> {where}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "explore", help="explore an app into memory: scrolls lists, answers first-run and "
        "permission dialogs, never taps anything sensitive")
    parser.add_argument("app", metavar="APP", help="package name or launcher label")
    parser.add_argument("--device", default="virtual", help="'virtual' or an ADB serial")
    parser.add_argument("--budget", type=non_negative, default=200, help="maximum device actions")
    parser.add_argument("--db", metavar="PATH", help="memory database (default: the user data dir)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=_explore)
