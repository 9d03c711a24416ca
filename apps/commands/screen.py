"""``pocketpilot screen``: print a device's current screen, or parse a uiautomator dump file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pocketpilot.devices.errors import DeviceError
from pocketpilot.devices.registry import open_device
from pocketpilot.devices.screen import parse_uiautomator_xml


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("screen", help="show a screen as elements (from a device or a dump)")
    parser.add_argument("--device", default="virtual", help="'virtual' or an ADB serial")
    parser.add_argument("--xml", type=Path, help="parse this uiautomator dump instead of a device")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the prompt text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.xml is not None:
        try:
            data = args.xml.read_bytes()
        except OSError as exc:
            raise DeviceError(f"cannot read {args.xml}: {exc.strerror}") from exc
        screen = parse_uiautomator_xml(data)
    else:
        device = open_device(args.device)
        try:
            screen = device.observe()
        finally:
            device.close()
    if args.json:
        data = screen.to_dict()
        print(json.dumps({k: data[k] for k in ("signature", "elements", "node_count")}, indent=2))
    else:
        print(screen.render())
        print(f"signature: {screen.signature}  nodes: {len(screen.nodes)}")
    return 0
