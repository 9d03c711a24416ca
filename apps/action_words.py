"""Parsing actions typed on the command line, e.g. ``tap 3``, ``tap 540,1200``, ``type 'hi there'``."""

from __future__ import annotations

from pocketpilot.devices.actions import (
    Action,
    Back,
    ClearText,
    Direction,
    Home,
    Launch,
    LongPress,
    Scroll,
    Swipe,
    Tap,
    TypeText,
    Wait,
)
from pocketpilot.devices.errors import InvalidAction

USAGE = (
    "tap ID | tap X,Y | long_press ID|X,Y | type TEXT [--into ID] | clear [ID] | "
    "swipe X1,Y1 X2,Y2 [MS] | scroll up|down|left|right [ID] | back | home | launch APP | wait SECONDS"
)


def parse_action_words(words: list[str]) -> Action:
    """Turn ``["tap", "3"]`` into ``Tap(element=3)``; raise ``InvalidAction`` with the usage on error."""
    if not words:
        raise InvalidAction(f"no action given; expected {USAGE}")
    verb, args = words[0].lower().replace("-", "_"), words[1:]
    try:
        return _parse(verb, args)
    except (ValueError, IndexError) as exc:
        raise InvalidAction(f"cannot read action {' '.join(words)!r}: {exc}; expected {USAGE}") from None


def _parse(verb: str, args: list[str]) -> Action:
    if verb in {"tap", "long_press"}:
        _arity(verb, args, 1, 1)
        cls = Tap if verb == "tap" else LongPress
        if "," in args[0]:
            x, y = _point(args[0])
            return cls(x=x, y=y)
        return cls(element=int(args[0]))
    if verb in {"type", "type_text"}:
        element = None
        if "--into" in args:
            at = args.index("--into")
            element = int(args[at + 1])
            args = args[:at] + args[at + 2 :]
        if not args:
            raise ValueError("type needs the text to type")
        return TypeText(text=" ".join(args), element=element)
    if verb in {"clear", "clear_text"}:
        _arity(verb, args, 0, 1)
        return ClearText(element=int(args[0]) if args else None)
    if verb == "swipe":
        _arity(verb, args, 2, 3)
        (x1, y1), (x2, y2) = _point(args[0]), _point(args[1])
        return Swipe(x1, y1, x2, y2, int(args[2]) if len(args) == 3 else 300)
    if verb == "scroll":
        _arity(verb, args, 1, 2)
        return Scroll(Direction(args[0].lower()), int(args[1]) if len(args) == 2 else None)
    if verb == "back":
        _arity(verb, args, 0, 0)
        return Back()
    if verb == "home":
        _arity(verb, args, 0, 0)
        return Home()
    if verb == "launch":
        if not args:
            raise ValueError("launch needs an app")
        return Launch(" ".join(args))
    if verb == "wait":
        _arity(verb, args, 1, 1)
        return Wait(float(args[0]))
    raise ValueError(f"unknown action {verb!r}")


def _arity(verb: str, args: list[str], low: int, high: int) -> None:
    if not low <= len(args) <= high:
        want = str(low) if low == high else f"{low}-{high}"
        raise ValueError(f"{verb} takes {want} argument(s), got {len(args)}")


def _point(text: str) -> tuple[int, int]:
    x, y = text.split(",")
    return int(x), int(y)
