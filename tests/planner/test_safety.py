from __future__ import annotations

import pytest

from pocketpilot.planner.safety import Sensitive, SensitivePolicy, classify


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Send SMS", Sensitive.SEND),
        ("Buy now", Sensitive.PAY),
        ("Delete note", Sensitive.DELETE),
        ("Share via", Sensitive.SHARE),
        ("Screen lock password", Sensitive.SECURITY),
        ("com.x:id/delete_button", Sensitive.DELETE),
        ("Search contacts", None),
        ("Bob Smith", None),
    ],
)
def test_classification(text, category):
    assert classify(text) == category


def test_policy_asks_unless_allowed():
    assert SensitivePolicy().needs_confirmation(Sensitive.SEND)
    assert not SensitivePolicy().needs_confirmation(None)
    assert not SensitivePolicy(allow_all=True).needs_confirmation(Sensitive.DELETE)
    only_send = SensitivePolicy(allowed=frozenset({Sensitive.SEND}))
    assert not only_send.needs_confirmation(Sensitive.SEND) and only_send.needs_confirmation(Sensitive.PAY)
    assert SensitivePolicy.from_dict(only_send.to_dict()) == only_send


def test_format_is_a_wipe_only_when_it_formats_storage():
    from pocketpilot.planner.safety import Sensitive, classify

    assert classify("Use 24-hour format · 13:00") is None and classify("Date format") is None
    assert classify("Format SD card") is Sensitive.DELETE and classify("format the phone") is Sensitive.DELETE
