"""``pocketpilot bench TARGET``: benchmarks that write JSON; targets live in ``apps/benches``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench", help="run a benchmark and write its JSON (speed/memory targets live here, not in tests)"
    )
    targets = parser.add_subparsers(dest="target", metavar="TARGET")
    targets.required = True
    from pocketpilot.apps import benches

    for info in sorted(pkgutil.iter_modules(benches.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{benches.__name__}.{info.name}").register(targets)
