"""One list of sensitive words: exploration avoids everything the run's gate asks about."""

from __future__ import annotations

import pytest

from pocketpilot.devices.sensitive import EXPLORATION_AVOIDS, Sensitive, beyond_looking, classify

GATED = ["Send", "Reply", "Pay now", "Buy", "Delete", "Clear all", "Move to trash", "Share", "Forward",
         "Export", "Sign out", "Format the storage", "Factory reset", "Call"]


@pytest.mark.parametrize("label", GATED)
def test_what_the_gate_asks_about_exploration_never_taps(label):
    assert classify(label) is not None
    assert beyond_looking(label)


@pytest.mark.parametrize("label", ["Allow", "Allow access", "While using the app", "Security & privacy", "Screen lock"])
def test_pages_and_grants_of_security_are_gated_in_a_run_but_exploration_may_look(label):
    assert beyond_looking(label) is False
    assert classify(label) in {Sensitive.SECURITY, None}


@pytest.mark.parametrize("label", [w.title() for w in EXPLORATION_AVOIDS])
def test_exploration_also_avoids_what_commits_for_the_user(label):
    assert beyond_looking(label)


@pytest.mark.parametrize("label", ["Wi-Fi password", "Use 24-hour format", "Add alarm", "Title", "Dark theme"])
def test_plain_controls_are_neither(label):
    assert classify(label) is None and not beyond_looking(label)
