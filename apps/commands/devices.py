"""``pocketpilot devices``: the virtual phone and every ADB device."""

from __future__ import annotations

import argparse

from pocketpilot.apps.arg_types import port
from pocketpilot.devices.registry import list_devices


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("devices", help="list the virtual phone and ADB devices")
    parser.add_argument("--adb-port", type=port, default=5037, help="ADB server port (default 5037)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    for serial, state in list_devices(adb_port=args.adb_port):
        print(f"{serial}\t{state}")
    return 0
