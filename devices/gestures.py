"""Lowering actions to device gestures: the few primitives every driver implements.

``to_gestures`` resolves element ids against the screen the action was chosen on, so
``AdbDevice`` turns gestures into ``input`` commands and the virtual phone into touches.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    validate,
)
from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.screen import Screen


@dataclass(frozen=True, slots=True)
class TapAt:
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class SwipeAt:
    """A drag; a long press is a swipe that does not move."""

    x1: int
    y1: int
    x2: int
    y2: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class KeyPress:
    """Android key codes by name, e.g. ``("KEYCODE_MOVE_END", "KEYCODE_DEL")``."""

    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InputText:
    text: str


@dataclass(frozen=True, slots=True)
class StartApp:
    package: str


@dataclass(frozen=True, slots=True)
class StopApp:
    """``am force-stop``: the app's task and back stack are gone."""

    package: str


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


Gesture = TapAt | SwipeAt | KeyPress | InputText | StartApp | StopApp | Sleep


def to_gestures(action: Action, screen: Screen | None, *, package: str | None = None) -> list[Gesture]:
    """Validate ``action`` on ``screen`` and lower it. ``package`` is the resolved app to launch."""
    validate(action, screen)
    if isinstance(action, Tap):
        return [TapAt(*_point(action.element, action.x, action.y, screen))]
    if isinstance(action, LongPress):
        x, y = _point(action.element, action.x, action.y, screen)
        return [SwipeAt(x, y, x, y, action.duration_ms)]
    if isinstance(action, TypeText):
        focus = [TapAt(*_center(screen, action.element))] if action.element is not None else []
        return [*focus, InputText(action.text)]
    if isinstance(action, ClearText):
        length = 0
        focus: list[Gesture] = []
        if action.element is not None and screen is not None:
            element = screen.element(action.element)
            focus = [TapAt(*_center(screen, action.element))]
            length = len(element.text)
        elif screen is not None:
            length = max((len(e.text) for e in screen.elements if e.editable and e.focused), default=0)
        # MOVE_END then one DEL per character; at least a few so a stale length still clears.
        return [*focus, KeyPress(("KEYCODE_MOVE_END", *(["KEYCODE_DEL"] * max(length, 1))))]
    if isinstance(action, Swipe):
        return [SwipeAt(action.x1, action.y1, action.x2, action.y2, action.duration_ms)]
    if isinstance(action, Scroll):
        return [_scroll(action, screen)]
    if isinstance(action, Back):
        return [KeyPress(("KEYCODE_BACK",))]
    if isinstance(action, Home):
        return [KeyPress(("KEYCODE_HOME",))]
    if isinstance(action, Launch):
        start = StartApp(package or action.app)
        return [StopApp(start.package), start] if action.fresh else [start]
    if isinstance(action, Wait):
        return [Sleep(action.seconds)]
    raise TypeError(f"not an action: {action!r}")


def _point(element: int | None, x: int | None, y: int | None, screen: Screen | None) -> tuple[int, int]:
    if element is not None:
        return _center(screen, element)
    assert x is not None and y is not None  # validate() guarantees it
    return x, y


def _center(screen: Screen | None, element_id: int) -> tuple[int, int]:
    assert screen is not None  # validate() guarantees it
    return screen.element(element_id).bounds.center


def _scroll(action: Scroll, screen: Screen | None) -> SwipeAt:
    area = _scroll_area(action, screen)
    cx, cy = area.center
    # Swipe across 60% of the area, finger moving opposite to the content we want to see.
    dx, dy = int(area.width * 0.3), int(area.height * 0.3)
    moves = {
        Direction.DOWN: (cx, cy + dy, cx, cy - dy),
        Direction.UP: (cx, cy - dy, cx, cy + dy),
        Direction.RIGHT: (cx + dx, cy, cx - dx, cy),
        Direction.LEFT: (cx - dx, cy, cx + dx, cy),
    }
    x1, y1, x2, y2 = moves[Direction(action.direction)]
    return SwipeAt(x1, y1, x2, y2, 400)


def _scroll_area(action: Scroll, screen: Screen | None) -> Bounds:
    if screen is None:
        return Bounds(0, 0, 1080, 2400)
    if action.element is not None:
        return screen.element(action.element).bounds
    scrollables = [e for e in screen.elements if e.scrollable]
    if scrollables:
        return max(scrollables, key=lambda e: e.bounds.area).bounds
    return screen.bounds
