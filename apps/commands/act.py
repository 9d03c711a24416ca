"""``pocketpilot act --device D ACTION...``: perform one action, e.g. ``tap 3`` or ``type 'hi'``."""

from __future__ import annotations

import argparse

from pocketpilot.apps.action_words import USAGE, parse_action_words
from pocketpilot.devices.actions import action_to_dict
from pocketpilot.devices.registry import open_device


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "act", help="perform one action on a device", description=f"ACTION is one of: {USAGE}"
    )
    parser.add_argument("--device", default="virtual", help="'virtual' or an ADB serial")
    parser.add_argument("action", nargs=argparse.REMAINDER, help="the action words")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    action = parse_action_words(args.action)
    device = open_device(args.device)
    try:
        device.observe()  # element ids refer to the screen as it is now
        result = device.act(action)
        screen = device.observe()
    finally:
        device.close()
    print(f"did {action_to_dict(action)} in {result.seconds:.2f}s; now on {screen.package} ({screen.signature})")
    return 0
