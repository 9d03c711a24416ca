"""Actions on a device as typed data, with validation against the current screen.

Everything above ``devices`` speaks these; a model's JSON output becomes one through
``action_from_dict``, and ``validate`` rejects impossible ones before the device is touched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import ClassVar

from pocketpilot.devices.errors import InvalidAction
from pocketpilot.devices.screen import Screen


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Tap:
    """Tap an element by id (from the last observed screen) or a point ``(x, y)`` in pixels."""

    element: int | None = None
    x: int | None = None
    y: int | None = None
    kind: ClassVar[str] = "tap"


@dataclass(frozen=True, slots=True)
class LongPress:
    element: int | None = None
    x: int | None = None
    y: int | None = None
    duration_ms: int = 800
    kind: ClassVar[str] = "long_press"


@dataclass(frozen=True, slots=True)
class TypeText:
    """Type into ``element`` (tapped first to focus it), or into the focused field when None."""

    text: str
    element: int | None = None
    kind: ClassVar[str] = "type_text"


@dataclass(frozen=True, slots=True)
class ClearText:
    element: int | None = None
    kind: ClassVar[str] = "clear_text"


@dataclass(frozen=True, slots=True)
class Swipe:
    x1: int
    y1: int
    x2: int
    y2: int
    duration_ms: int = 300
    kind: ClassVar[str] = "swipe"


@dataclass(frozen=True, slots=True)
class Scroll:
    """Reveal content further in ``direction`` (``down`` shows what is below) inside ``element``."""

    direction: Direction = Direction.DOWN
    element: int | None = None
    kind: ClassVar[str] = "scroll"


@dataclass(frozen=True, slots=True)
class Back:
    kind: ClassVar[str] = "back"


@dataclass(frozen=True, slots=True)
class Home:
    kind: ClassVar[str] = "home"


@dataclass(frozen=True, slots=True)
class Launch:
    """Open an app by package name or launcher label; ``fresh`` stops it first, so it opens on its
    start page instead of resuming where it was left (``am force-stop``, then start)."""

    app: str
    fresh: bool = False
    kind: ClassVar[str] = "launch"


@dataclass(frozen=True, slots=True)
class Wait:
    seconds: float = 1.0
    kind: ClassVar[str] = "wait"


Action = Tap | LongPress | TypeText | ClearText | Swipe | Scroll | Back | Home | Launch | Wait
ACTION_TYPES: dict[str, type] = {
    cls.kind: cls for cls in (Tap, LongPress, TypeText, ClearText, Swipe, Scroll, Back, Home, Launch, Wait)
}
MAX_WAIT_SECONDS = 60.0


def action_to_dict(action: Action) -> dict:
    data = {k: v for k, v in asdict(action).items() if v is not None}
    if isinstance(action, Scroll):
        data["direction"] = str(action.direction)
    return {"kind": action.kind, **data}


def action_from_dict(data: dict) -> Action:
    """Build an action from ``{"kind": ..., ...}``; raise ``InvalidAction`` naming what is wrong."""
    if not isinstance(data, dict):
        raise InvalidAction(f"action must be an object, got {type(data).__name__}")
    kind = data.get("kind")
    cls = ACTION_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise InvalidAction(f"unknown action kind {kind!r}; expected one of {sorted(ACTION_TYPES)}")
    allowed = {f.name: f for f in fields(cls)}
    extra = sorted(set(data) - set(allowed) - {"kind"})
    if extra:
        raise InvalidAction(f"{kind} does not take {', '.join(extra)}")
    kwargs = {k: v for k, v in data.items() if k != "kind"}
    try:
        if cls is Scroll and "direction" in kwargs:
            kwargs["direction"] = Direction(kwargs["direction"])
        action = cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise InvalidAction(f"bad {kind} action {data!r}: {exc}") from exc
    _check_types(action)
    return action


def _check_types(action: Action) -> None:
    for f in fields(action):
        value = getattr(action, f.name)
        if value is None:
            continue
        if f.name in {"element", "x", "y", "x1", "y1", "x2", "y2", "duration_ms"} and (
            not isinstance(value, int) or isinstance(value, bool)
        ):
            raise InvalidAction(f"{action.kind}.{f.name} must be an integer, got {value!r}")
        if f.name in {"text", "app"} and not isinstance(value, str):
            raise InvalidAction(f"{action.kind}.{f.name} must be a string, got {value!r}")
        if f.name == "seconds" and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise InvalidAction(f"wait.seconds must be a number, got {value!r}")


def validate(action: Action, screen: Screen | None) -> None:
    """Raise ``InvalidAction`` when ``action`` cannot be done on ``screen``; do nothing otherwise."""
    _check_types(action)
    if isinstance(action, Tap | LongPress):
        _check_target(action, screen, need_point_or_element=True)
        if isinstance(action, LongPress) and action.duration_ms <= 0:
            raise InvalidAction("long_press duration_ms must be positive")
    elif isinstance(action, TypeText):
        if action.text == "":
            raise InvalidAction("type_text needs non-empty text")
        if action.element is not None:
            element = _element(screen, action.element, action.kind)
            _require_field(element, action.element)
    elif isinstance(action, ClearText):
        if action.element is not None:
            element = _element(screen, action.element, action.kind)
            _require_field(element, action.element)
    elif isinstance(action, Swipe):
        for x, y in ((action.x1, action.y1), (action.x2, action.y2)):
            _check_point(x, y, screen)
        if action.duration_ms <= 0:
            raise InvalidAction("swipe duration_ms must be positive")
    elif isinstance(action, Scroll):
        if action.element is not None:
            _element(screen, action.element, action.kind)
    elif isinstance(action, Launch):
        if not action.app.strip():
            raise InvalidAction("launch needs an app: a package name or a launcher label")
    elif isinstance(action, Wait) and not 0 <= action.seconds <= MAX_WAIT_SECONDS:
        raise InvalidAction(f"wait.seconds must be within 0..{MAX_WAIT_SECONDS:g}, got {action.seconds}")


def _require_field(element, element_id: int) -> None:
    if not element.editable:
        raise InvalidAction(f"element {element_id} ({element.label or element.class_name}) is not a text field")


def _check_target(action: Tap | LongPress, screen: Screen | None, *, need_point_or_element: bool) -> None:
    has_point = action.x is not None or action.y is not None
    if action.element is not None and has_point:
        raise InvalidAction(f"{action.kind} takes an element or x,y, not both")
    if action.element is not None:
        _element(screen, action.element, action.kind)
        return
    if action.x is None or action.y is None:
        raise InvalidAction(f"{action.kind} needs an element id or both x and y")
    _check_point(action.x, action.y, screen)


def _check_point(x: int, y: int, screen: Screen | None) -> None:
    if x < 0 or y < 0:
        raise InvalidAction(f"point ({x},{y}) is off the screen")
    if screen is not None and screen.size != (0, 0):
        width, height = screen.size
        if x >= width or y >= height:
            raise InvalidAction(f"point ({x},{y}) is off the {width}x{height} screen")


def _element(screen: Screen | None, element_id: int, kind: str):
    if screen is None:
        raise InvalidAction(f"{kind} names element {element_id} but no screen was observed yet")
    try:
        return screen.element(element_id)
    except KeyError:
        count = len(screen.elements)
        raise InvalidAction(
            f"{kind}: no element {element_id} on the current screen (ids 1..{count})"
        ) from None
