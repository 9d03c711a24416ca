"""Actions are typed data: they round-trip, and impossible ones fail before touching a device."""

from __future__ import annotations

from pathlib import Path

import pytest

from pocketpilot.devices.actions import (
    Back,
    ClearText,
    Direction,
    Launch,
    LongPress,
    Scroll,
    Swipe,
    Tap,
    TypeText,
    Wait,
    action_from_dict,
    action_to_dict,
    validate,
)
from pocketpilot.devices.errors import InvalidAction
from pocketpilot.devices.gestures import InputText, KeyPress, StartApp, SwipeAt, TapAt, to_gestures
from pocketpilot.devices.screen import parse_uiautomator_xml

DATA = Path(__file__).parent / "data"


@pytest.fixture
def screen():
    return parse_uiautomator_xml((DATA / "messages_thread.xml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "action",
    [
        Tap(element=3),
        Tap(x=10, y=20),
        LongPress(element=6, duration_ms=900),
        TypeText("hi; rm -rf /", element=13),
        ClearText(element=13),
        Swipe(1, 2, 3, 4, 250),
        Scroll(Direction.UP, element=5),
        Back(),
        Launch("Contacts"),
        Wait(0.5),
    ],
)
def test_actions_round_trip_through_dicts(action):
    assert action_from_dict(action_to_dict(action)) == action


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"kind": "fly"}, "unknown action kind"),
        ({"kind": "tap", "element": "3"}, "must be an integer"),
        ({"kind": "tap", "element": 1, "speed": 2}, "does not take speed"),
        ({"kind": "scroll", "direction": "sideways"}, "bad scroll"),
        ("tap", "must be an object"),
    ],
)
def test_malformed_action_dicts_name_the_problem(data, reason):
    with pytest.raises(InvalidAction, match=reason):
        action_from_dict(data)


def test_unknown_element_is_rejected_with_the_valid_range(screen):
    with pytest.raises(InvalidAction, match=r"no element 99 .*ids 1\.\.14"):
        validate(Tap(element=99), screen)


def test_offscreen_point_is_rejected(screen):
    with pytest.raises(InvalidAction, match="off the 1080x2400 screen"):
        validate(Tap(x=1080, y=5), screen)
    with pytest.raises(InvalidAction, match="off the screen"):
        validate(Swipe(-1, 0, 10, 10), screen)


def test_empty_app_and_empty_text_are_rejected(screen):
    with pytest.raises(InvalidAction, match="needs an app"):
        validate(Launch("  "), screen)
    with pytest.raises(InvalidAction, match="non-empty text"):
        validate(TypeText(""), screen)


def test_typing_into_a_non_field_is_rejected(screen):
    with pytest.raises(InvalidAction, match="not a text field"):
        validate(TypeText("x", element=3), screen)


def test_element_action_without_a_screen_is_rejected():
    with pytest.raises(InvalidAction, match="no screen was observed"):
        validate(Tap(element=1), None)


def test_tap_on_element_hits_its_center(screen):
    call = screen.find("Call")[0]
    assert to_gestures(Tap(element=call.id), screen) == [TapAt(*call.bounds.center)]


def test_type_into_element_focuses_it_first(screen):
    field = next(e for e in screen.elements if e.editable)
    assert to_gestures(TypeText("hey", element=field.id), screen) == [
        TapAt(*field.bounds.center),
        InputText("hey"),
    ]


def test_scroll_down_swipes_up_inside_the_list(screen):
    (swipe,) = to_gestures(Scroll(Direction.DOWN), screen)
    assert isinstance(swipe, SwipeAt) and swipe.y2 < swipe.y1
    listing = next(e for e in screen.elements if e.scrollable)
    assert listing.bounds.contains(swipe.x1, swipe.y1) and listing.bounds.contains(swipe.x2, swipe.y2)


def test_back_and_launch_lower_to_keys_and_start(screen):
    assert to_gestures(Back(), screen) == [KeyPress(("KEYCODE_BACK",))]
    assert to_gestures(Launch("Messages"), screen, package="com.x") == [StartApp("com.x")]
