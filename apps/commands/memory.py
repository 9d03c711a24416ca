"""``pocketpilot memory stats|show|export``: look into the app memory on disk."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pocketpilot.memory.db import default_db_path
from pocketpilot.memory.graph import GraphMemory


def _open(args: argparse.Namespace) -> GraphMemory:
    return GraphMemory(Path(args.db) if args.db else default_db_path())


def _stats(args: argparse.Namespace) -> int:
    with _open(args) as memory:
        stats = memory.stats()
    if args.json:
        print(json.dumps(stats.to_dict(), indent=2))
        return 0
    print(f"pages {stats.pages}  edges {stats.edges}  tasks {stats.tasks}  runs {stats.runs}  "
          f"steps {stats.steps}  size {stats.db_bytes / 1e6:.1f} MB")
    for app, count in stats.apps.items():
        print(f"  {app}: {count} pages")
    return 0


def _show(args: argparse.Namespace) -> int:
    with _open(args) as memory:
        labels = {}
        for page in memory.app_pages(args.app):
            labels[page.signature] = page.description or page.signature
            print(f"page {page.signature} (seen {page.visits}x): {page.description}")
        if not labels:
            print(f"no pages of {args.app} in {memory.db_path}; run `pocketpilot explore {args.app}`")
            return 1
        for edge in memory.app_edges(args.app):
            what = edge.locator.text or edge.locator.resource_id if edge.locator else ""
            print(f"  {edge.source} --{edge.kind} {what!r}--> {edge.target}  "
                  f"ok {edge.successes} failed {edge.failures}  {edge.mean_seconds:.2f}s")
    return 0


def _export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = args.format or ("graphml" if out.suffix.lower() == ".graphml" else "json")
    with _open(args) as memory:
        if fmt == "graphml":
            memory.export_graphml(out)
        else:
            memory.export_json(out)
    print(f"wrote {out} ({fmt})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("memory", help="app memory: stats, pages of an app, export")
    actions = parser.add_subparsers(dest="memory_command", metavar="ACTION")
    actions.required = True
    db_help = "memory database (default: $POCKETPILOT_DATA_DIR or the user data dir)/memory.sqlite"

    stats = actions.add_parser("stats", help="counts of pages, edges, tasks, runs per app")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(handler=_stats)

    show = actions.add_parser("show", help="the pages and edges known for one app")
    show.add_argument("app", metavar="PACKAGE")
    show.set_defaults(handler=_show)

    export = actions.add_parser("export", help="write the memory as JSON or GraphML")
    export.add_argument("out", metavar="FILE", help="*.json or *.graphml")
    export.add_argument("--format", choices=("json", "graphml"), help="default: from FILE's suffix")
    export.set_defaults(handler=_export)
    for sub in (stats, show, export):
        sub.add_argument("--db", metavar="PATH", help=db_help)
