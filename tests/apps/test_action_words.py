from __future__ import annotations

import pytest

from pocketpilot.apps.action_words import parse_action_words
from pocketpilot.devices.actions import Direction, Launch, Scroll, Swipe, Tap, TypeText
from pocketpilot.devices.errors import InvalidAction


@pytest.mark.parametrize(
    ("words", "action"),
    [
        (["tap", "3"], Tap(element=3)),
        (["tap", "540,1200"], Tap(x=540, y=1200)),
        (["type", "hello world"], TypeText("hello world")),
        (["type", "hi", "--into", "4"], TypeText("hi", element=4)),
        (["swipe", "1,2", "3,4", "500"], Swipe(1, 2, 3, 4, 500)),
        (["scroll", "down"], Scroll(Direction.DOWN)),
        (["launch", "com.android.settings"], Launch("com.android.settings")),
    ],
)
def test_words_become_actions(words, action):
    assert parse_action_words(words) == action


@pytest.mark.parametrize("words", [[], ["tap"], ["tap", "x"], ["back", "now"], ["scroll", "diagonal"]])
def test_bad_words_raise_invalid_action_with_usage(words):
    with pytest.raises(InvalidAction, match="tap ID"):
        parse_action_words(words)
