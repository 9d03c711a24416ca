"""``input``'s argument rules, as Android's ``InputShellCommand`` applies them.

Numbers parse the way Java does (a coordinate is a float, a duration a 32-bit int), and
anything else is answered with Android's own error line and usage, status 1, never an
exception: ``input tap inf 5`` or a swipe lasting 10**30 ms is a user's mistake, not our crash.
"""

from __future__ import annotations

import math

from pocketpilot.devices.gestures import Gesture, InputText, KeyPress, SwipeAt, TapAt
from pocketpilot.devices.shell_text import decode_input_text

USAGE = "Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]"
SOURCES = {"touchscreen", "keyboard", "mouse", "touchpad", "dpad", "stylus", "gamepad",
           "trackball", "joystick", "touchnavigation", "rotaryencoder"}
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
DEFAULT_SWIPE_MS = 300
KEYCODES = {  # the numeric codes scripts commonly use; names pass through
    3: "KEYCODE_HOME", 4: "KEYCODE_BACK", 19: "KEYCODE_DPAD_UP", 20: "KEYCODE_DPAD_DOWN",
    21: "KEYCODE_DPAD_LEFT", 22: "KEYCODE_DPAD_RIGHT", 23: "KEYCODE_DPAD_CENTER",
    24: "KEYCODE_VOLUME_UP", 25: "KEYCODE_VOLUME_DOWN", 26: "KEYCODE_POWER", 61: "KEYCODE_TAB",
    62: "KEYCODE_SPACE", 66: "KEYCODE_ENTER", 67: "KEYCODE_DEL", 82: "KEYCODE_MENU",
    84: "KEYCODE_SEARCH", 111: "KEYCODE_ESCAPE", 122: "KEYCODE_MOVE_HOME",
    123: "KEYCODE_MOVE_END", 164: "KEYCODE_VOLUME_MUTE", 187: "KEYCODE_APP_SWITCH",
    223: "KEYCODE_SLEEP", 224: "KEYCODE_WAKEUP",
}


class InputUsageError(ValueError):
    """Arguments Android's ``input`` rejects; ``str()`` is its whole stderr answer."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Error: {detail}\n{USAGE}")


def parse_input(args: list[str]) -> list[Gesture]:
    args = list(args)
    if args and args[0] in SOURCES:
        args = args[1:]  # an input source; the virtual phone has one kind of touch
    if args[:1] == ["-d"]:
        args = args[2:]  # a display id; the virtual phone has one display
    if not args:
        raise InputUsageError("no command given")
    command, rest = args[0], args[1:]
    try:
        return _gestures(command, rest)
    except InputUsageError:
        raise
    except ValueError as exc:  # Java's NumberFormatException, answered the same way
        raise InputUsageError(f"Invalid arguments for command: {command}") from exc


def _gestures(command: str, rest: list[str]) -> list[Gesture]:
    if command == "tap":
        if len(rest) != 2:
            raise ValueError(command)
        x, y = (_coordinate(v) for v in rest)
        return [TapAt(x, y)]
    if command in ("swipe", "draganddrop"):
        if len(rest) not in (4, 5):
            raise ValueError(command)
        x1, y1, x2, y2 = (_coordinate(v) for v in rest[:4])
        duration = _java_int(rest[4]) if len(rest) == 5 else DEFAULT_SWIPE_MS
        return [SwipeAt(x1, y1, x2, y2, duration if duration >= 0 else DEFAULT_SWIPE_MS)]
    if command in ("keyevent", "keycombination", "press"):
        keys = [k for k in rest if k not in ("--longpress", "--doubletap")]
        if command == "press":
            keys = ["23"]
        if not keys:
            raise ValueError(command)
        return [KeyPress(tuple(_keycode(k) for k in keys))]
    if command == "text":
        if len(rest) != 1:
            raise ValueError(command)
        return [InputText(decode_input_text(rest[0]))]
    if command == "roll":
        return []
    raise InputUsageError(f"Unknown command: {command}")


def _coordinate(raw: str) -> int:
    value = float(raw.rstrip("fFdD"))  # Float.parseFloat accepts a trailing f/d
    if not math.isfinite(value) or abs(value) > INT_MAX:
        raise ValueError(raw)
    return int(value)


def _java_int(raw: str) -> int:
    value = int(raw)
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(raw)
    return value


def _keycode(key: str) -> str:
    if key.isdigit():
        return KEYCODES.get(int(key), f"KEYCODE_{key}")
    return key if key.startswith("KEYCODE_") else f"KEYCODE_{key.upper()}"
