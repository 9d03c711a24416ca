"""``pocketpilot phone serve``: the virtual phone on a loopback port, reachable with real adb.

``adb connect 127.0.0.1:PORT`` then works as with a phone on Wi-Fi debugging; any adb client
(or ``--device 127.0.0.1:PORT``) drives it. Runs until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from pocketpilot.apps.arg_types import non_negative, port
from pocketpilot.devices.errors import DeviceError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("phone", help="the virtual phone: serve it over adb")
    actions = parser.add_subparsers(dest="phone_command", metavar="ACTION")
    actions.required = True
    serve = actions.add_parser("serve", help="serve the virtual phone on 127.0.0.1:PORT for adb")
    serve.add_argument("--port", type=port, default=5555, help="TCP port (0: any free one)")
    serve.add_argument("--variant", type=non_negative, default=0, help="UI variant (labels, order)")
    serve.add_argument("--seed", type=int, default=0, help="random seed for the phone's data")
    serve.add_argument("--state", type=Path, help="YAML file with the phone's app data")
    serve.set_defaults(handler=serve_command)


def load_state(path: Path | None) -> dict | None:
    if path is None:
        return None
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DeviceError(f"phone state {path} is not UTF-8 text (byte {exc.start}); pass a YAML mapping") from exc
    except OSError as exc:
        raise DeviceError(f"cannot read phone state {path}: {exc.strerror}; pass a YAML mapping") from exc
    except yaml.YAMLError as exc:
        reason = str(exc).replace("\n", " ")
        raise DeviceError(f"phone state {path} is not valid YAML: {reason}; pass a YAML mapping") from exc
    if not isinstance(data, dict):
        raise DeviceError(f"phone state {path} is a {type(data).__name__}, expected a YAML mapping")
    return data


def serve_command(args: argparse.Namespace) -> int:
    from pocketpilot.devices.adbd import AdbDaemon
    from pocketpilot.devices.virtual import VirtualPhone

    phone = VirtualPhone(load_state(args.state), variant=args.variant, seed=args.seed)
    daemon = AdbDaemon(phone, port=args.port)
    try:
        daemon.start()
    except OSError as exc:
        raise DeviceError(f"cannot listen on 127.0.0.1:{args.port}: {exc}; pick another --port") from exc
    previous = signal.signal(signal.SIGTERM, lambda *_: daemon.stop())
    print(f"serving virtual phone on {daemon.serial}", flush=True)
    try:
        daemon.wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        daemon.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0
