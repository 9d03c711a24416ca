"""The Android commands the virtual phone's shell knows, each acting on one phone.

Output text and exit statuses follow real devices closely enough that ``AdbDevice`` cannot
tell the difference; ``pocketpilot-state`` is ours (the phone's app state as JSON, for tests).
The command table belongs to one ``PhoneCommands`` instance, so two daemons never share state.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Protocol

from pocketpilot.devices.adbd import render
from pocketpilot.devices.adbd.shell import Command, Result, fail
from pocketpilot.devices.device import AppInfo, DeviceInfo
from pocketpilot.devices.gestures import Gesture, InputText, KeyPress, StartApp, StopApp, SwipeAt, TapAt
from pocketpilot.devices.sensors import Sensors
from pocketpilot.devices.shell_text import decode_input_text

DEFAULT_DUMP = "/sdcard/window_dump.xml"
MAX_SLEEP = 5.0
KEYCODES = {  # the numeric codes scripts commonly use; names pass through
    3: "KEYCODE_HOME", 4: "KEYCODE_BACK", 24: "KEYCODE_VOLUME_UP", 25: "KEYCODE_VOLUME_DOWN",
    26: "KEYCODE_POWER", 61: "KEYCODE_TAB", 62: "KEYCODE_SPACE", 66: "KEYCODE_ENTER",
    67: "KEYCODE_DEL", 82: "KEYCODE_MENU", 84: "KEYCODE_SEARCH", 111: "KEYCODE_ESCAPE",
    122: "KEYCODE_MOVE_HOME", 123: "KEYCODE_MOVE_END", 187: "KEYCODE_APP_SWITCH",
}


class Phone(Protocol):
    """What the daemon needs of ``VirtualPhone``."""

    def perform(self, gesture: Gesture) -> Any: ...
    def dump_xml(self) -> str: ...
    def screenshot(self) -> bytes: ...
    def focus(self) -> tuple[str, str]: ...
    def sensors(self) -> Sensors: ...
    def apps(self) -> list[AppInfo]: ...
    def info(self) -> DeviceInfo: ...
    def state_dict(self) -> dict: ...


def _text(text: str, status: int = 0) -> Result:
    return Result(stdout=text.encode(), status=status)


class PhoneCommands:
    """``table()`` maps program names to handlers taking argv (without the program name)."""

    def __init__(self, phone: Phone, *, serial: str = "virtual") -> None:
        self.phone = phone
        self.serial = serial
        self.files: dict[str, bytes] = {}
        self._files_lock = threading.Lock()

    def table(self) -> dict[str, Command]:
        return {
            "echo": self.echo, "true": lambda _: Result(), "false": lambda _: Result(status=1),
            "sleep": self.sleep, "cat": self.cat, "rm": self.rm,
            "uiautomator": self.uiautomator, "input": self.input, "am": self.am,
            "monkey": self.monkey, "dumpsys": self.dumpsys, "wm": self.wm,
            "getprop": self.getprop, "pm": self.pm, "cmd": self.cmd, "screencap": self.screencap,
            "pocketpilot-state": lambda _: _text(json.dumps(self.phone.state_dict()) + "\n"),
        }

    def echo(self, args: list[str]) -> Result:
        newline = not (args and args[0] == "-n")
        return _text(" ".join(args[0 if newline else 1 :]) + ("\n" if newline else ""))

    def sleep(self, args: list[str]) -> Result:
        try:
            time.sleep(min(float(args[0]), MAX_SLEEP))
        except (IndexError, ValueError):
            return fail("sleep: invalid number")
        return Result()

    def cat(self, args: list[str]) -> Result:
        out, err, status = [], [], 0
        with self._files_lock:
            for path in args:
                if path in self.files:
                    out.append(self.files[path])
                else:
                    err.append(f"cat: {path}: No such file or directory\n".encode())
                    status = 1
        return Result(b"".join(out), b"".join(err), status)

    def rm(self, args: list[str]) -> Result:
        force = "-f" in args
        with self._files_lock:
            for path in (a for a in args if not a.startswith("-")):
                if self.files.pop(path, None) is None and not force:
                    return fail(f"rm: {path}: No such file or directory")
        return Result()

    def uiautomator(self, args: list[str]) -> Result:
        args = [a for a in args if a != "--compressed"]
        if not args or args[0] != "dump":
            return fail("Usage: uiautomator dump [--compressed] [file]")
        path = args[1] if len(args) > 1 else DEFAULT_DUMP
        xml = self.phone.dump_xml()
        done = render.UI_DUMPED.format(path=path)
        if path == "/dev/tty":
            return _text(xml + done)
        with self._files_lock:
            self.files[path] = xml.encode()
        return _text(done)

    def input(self, args: list[str]) -> Result:
        if args and args[0] in ("touchscreen", "keyboard", "mouse", "touchpad", "dpad", "stylus"):
            args = args[1:]  # an input source; the virtual phone has one kind of touch
        try:
            gesture = _gesture(args)
        except (ValueError, IndexError) as exc:
            return fail(f"Error: {exc}\nUsage: input [<source>] <command> [<arg>...]")
        self.phone.perform(gesture)
        return Result()

    def am(self, args: list[str]) -> Result:
        if args and args[0] == "force-stop" and len(args) > 1:
            if args[1] in {a.package for a in self.phone.apps()}:
                self.phone.perform(StopApp(args[1]))
            return Result()  # like Android: an unknown package is silently ignored
        if not args or args[0] not in ("start", "start-activity"):
            return fail(f"Error: am {' '.join(args[:1])} is not supported by the virtual phone")
        component = _option(args, "-n")
        package = component.split("/", 1)[0] if component else _option(args, "-p")
        if not package or package not in {a.package for a in self.phone.apps()}:
            return _text(f"Error: Activity not started, unable to resolve Intent {{ {component} }}\n", 1)
        self.phone.perform(StartApp(package))
        return _text(f"Starting: Intent {{ cmp={component or package} }}\n")

    def monkey(self, args: list[str]) -> Result:
        package = _option(args, "-p")
        if not package or package not in {a.package for a in self.phone.apps()}:
            return _text("  bash arg: -p\n** No activities found to run, monkey aborted.\n", 252)
        self.phone.perform(StartApp(package))
        return _text(f"  bash arg: -p\n  bash arg: {package}\nEvents injected: 1\n"
                     "## Network stats: elapsed time=12ms (0ms mobile, 0ms wifi, 12ms not connected)\n")

    def dumpsys(self, args: list[str]) -> Result:
        service = args[0] if args else ""
        if service == "battery":
            return _text(render.dumpsys_battery(self.phone.sensors()))
        if service == "thermalservice":
            return _text(render.dumpsys_thermalservice(self.phone.sensors()))
        if service in ("window", "activity"):
            return _text(render.dumpsys_window(*self.phone.focus()))
        return _text(f"Can't find service: {service}\n")

    def wm(self, args: list[str]) -> Result:
        if args[:1] == ["size"]:
            width, height = self.phone.info().screen_size
            return _text(f"Physical size: {width}x{height}\n")
        if args[:1] == ["density"]:
            return _text("Physical density: 420\n")
        return fail(f"Error: unknown command '{' '.join(args)}'", 255)

    def props(self) -> dict[str, str]:
        info = self.phone.info()
        return {
            "ro.product.model": info.model,
            "ro.product.name": "pocketpilot_virtual",
            "ro.product.device": "virtual",
            "ro.product.manufacturer": "pocketpilot",
            "ro.build.version.release": info.android_version,
            "ro.build.version.sdk": "34",
            "ro.serialno": self.serial,
        }

    def getprop(self, args: list[str]) -> Result:
        props = self.props()
        if args:
            return _text(props.get(args[0], args[1] if len(args) > 1 else "") + "\n")
        return _text("".join(f"[{k}]: [{v}]\n" for k, v in sorted(props.items())))

    def pm(self, args: list[str]) -> Result:
        if args[:2] != ["list", "packages"]:
            return fail(f"pm {' '.join(args[:2])}: not supported by the virtual phone")
        needle = next((a for a in args[2:] if not a.startswith("-")), "")
        return _text("".join(f"package:{a.package}\n" for a in self.phone.apps() if needle in a.package))

    def cmd(self, args: list[str]) -> Result:
        if args[:2] == ["package", "query-activities"]:
            return _text(render.query_activities(self.phone.apps()))
        return fail(f"cmd: Can't find service: {args[0] if args else ''}", 20)

    def screencap(self, args: list[str]) -> Result:
        png = self.phone.screenshot()
        paths = [a for a in args if not a.startswith("-")]
        if paths:
            with self._files_lock:
                self.files[paths[0]] = png
            return Result()
        return Result(stdout=png)


def _option(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1] if flag in args[:-1] else ""


def _gesture(args: list[str]) -> Gesture:
    command, rest = args[0], args[1:]
    if command == "tap":
        x, y = (int(float(v)) for v in rest)
        return TapAt(x, y)
    if command == "swipe":
        if len(rest) not in (4, 5):
            raise ValueError("swipe takes x1 y1 x2 y2 [duration_ms]")
        x1, y1, x2, y2 = (int(float(v)) for v in rest[:4])
        return SwipeAt(x1, y1, x2, y2, int(rest[4]) if len(rest) == 5 else 300)
    if command == "keyevent":
        keys = [k for k in rest if k not in ("--longpress", "--doubletap")]
        if not keys:
            raise ValueError("keyevent needs at least one key code")
        return KeyPress(tuple(_keycode(k) for k in keys))
    if command == "text":
        if len(rest) != 1:
            raise ValueError(f"Invalid arguments for command: text (got {len(rest)}, expected 1)")
        return InputText(decode_input_text(rest[0]))
    raise ValueError(f"Unknown command: {command}")


def _keycode(key: str) -> str:
    if key.isdigit():
        return KEYCODES.get(int(key), f"KEYCODE_{key}")
    return key if key.startswith("KEYCODE_") else f"KEYCODE_{key.upper()}"
