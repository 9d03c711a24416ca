"""The ``pocketpilot`` command: a thin argparse front over ``apps/commands/*``.

Each module in ``pocketpilot.apps.commands`` exposes ``register(subparsers)``; registering a
command module is adding a file. Commands return an exit code; a ``PocketpilotError`` becomes one
clear line on stderr and exit 1 (usage errors exit 2, as argparse does).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import NoReturn

from pocketpilot.devices.errors import PocketpilotError


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the command's ``--help`` (not the usage block)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="pocketpilot",
        description="Agentic workflow runtime for phones, driven by a small local model.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    from pocketpilot.apps import commands

    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except PocketpilotError as exc:
        print(f"pocketpilot: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except KeyboardInterrupt:
        print("pocketpilot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
