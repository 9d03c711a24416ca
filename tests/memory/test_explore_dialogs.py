"""Exploration gets past permission prompts and first-run dialogs, and still refuses what the
user would have to confirm (the principle lives in ``memory.explore_policy``)."""

from __future__ import annotations

import re

from fakephone import hierarchy, node

from pocketpilot.devices import Screen
from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.memory import GraphMemory
from pocketpilot.memory.dialogs import find_dialog
from pocketpilot.memory.explore import Explorer, candidates
from pocketpilot.memory.explore_policy import gate_answer, is_sensitive

_HARMFUL = re.compile(r"\b(delete|remove|trash|send|share|discard|erase|reset|don't allow)\b", re.I)
_APP, _PROMPT = "com.example.app", "com.google.android.permissioncontroller"
_BUTTON, _TEXT, _FRAME = "android.widget.Button", "android.widget.TextView", "android.widget.FrameLayout"


def explore(phone, app, budget=200):
    events = EventCollector()
    with GraphMemory(None) as memory:
        report = Explorer(phone, memory, budget=budget, emit=events).explore(app)
        titles = {p.description for p in memory.app_pages(report.app)}
    taps = [e.data["label"] for e in events.of_kind("memory.explore.step")
            if e.data.get("kind", "tap") == "tap" and e.data["label"] != "back"]
    return report, titles, taps


def dialog_screen(*buttons, text="", package=_APP, ids=("",) * 3) -> Screen:
    """A page under a small dialog window of ``package`` with ``text`` and ``buttons``."""
    page = node(_FRAME, pkg=_APP, children=(
        node(_BUTTON, pkg=_APP, text="Open list", clickable=True, bounds=(0, 300, 1080, 500)),))
    rows = tuple(node(_BUTTON, pkg=package, text=label, rid=rid, clickable=True,
                      bounds=(100, 1100 + 150 * i, 980, 1240 + 150 * i))
                 for i, (label, rid) in enumerate(zip(buttons, ids, strict=False)))
    window = node(_FRAME, pkg=package, bounds=(72, 900, 1008, 1600), children=(
        node(_TEXT, pkg=package, text=text, bounds=(100, 920, 980, 1080)), *rows))
    return Screen.from_xml(hierarchy(page, window), size=(1080, 2400))


def test_exploration_gets_past_the_contacts_permission_prompt():
    # Variant 3 asks "Allow Contacts to access your contacts?" on the first launch.
    report, _, taps = explore(VirtualPhone(variant=3), "Contacts")
    assert taps[0] == "Allow" and "Don't allow" not in taps
    assert report.pages >= 20  # was 1: "Allow" counted as sensitive
    assert not any(_HARMFUL.search(label) for label in taps)


def test_exploration_gets_past_a_welcome_dialog_and_a_permission_prompt():
    phone = VirtualPhone(state={"first_run": ["Settings"]})
    report, titles, taps = explore(phone, "Settings")
    assert taps[:2] == ["Skip", "While using the app"]  # the answers that commit least
    assert report.pages >= 15 and any("Battery" in t for t in titles)


def test_a_permission_prompt_is_granted_for_use_while_open_not_once_or_denied():
    screen = dialog_screen("Only this time", "While using the app", "Don't allow",
                           text="Allow App to access photos?", package=_PROMPT)
    assert find_dialog(screen).permission
    assert gate_answer(screen).label == "While using the app"


def test_a_dialog_is_found_by_its_window_without_resource_ids():
    screen = dialog_screen("Skip", "Next", text="Welcome")
    dialog = find_dialog(screen)
    assert dialog is not None and not dialog.permission
    assert [b.label for b in dialog.buttons] == ["Skip", "Next"]
    assert gate_answer(screen).label == "Skip"
    assert find_dialog(Screen.from_xml(hierarchy(node(_FRAME, pkg=_APP, children=(
        node(_BUTTON, pkg=_APP, text="Skip", clickable=True, bounds=(0, 0, 500, 200)),))),
        size=(1080, 2400))) is None  # a full-screen page is no dialog


def test_the_buttons_that_go_ahead_on_a_sensitive_dialog_are_refused():
    screen = dialog_screen("Cancel", "OK", text="Delete this contact?")
    dialog = find_dialog(screen)
    ok, cancel = screen.find("OK")[0], screen.find("Cancel")[0]
    assert is_sensitive(ok, dialog) and not is_sensitive(cancel, dialog)
    assert gate_answer(screen) is None  # not a gate: nothing answers it on its own
    assert [e.label for e in candidates(screen)] == ["Cancel"]  # not the page below either


def test_a_notice_is_acknowledged_whatever_its_text_mentions():
    screen = dialog_screen("Got it", text="Send and receive messages over Wi-Fi.")
    assert gate_answer(screen).label == "Got it"


def test_exploration_goes_on_when_a_grant_changes_the_page_the_app_opens_on():
    # The welcome's prompt is answered, then the app's own ("Allow access" on its placeholder):
    # from then on Contacts opens on its list, not on the placeholder exploration started from.
    phone = VirtualPhone(state={"first_run": ["Contacts"]}, variant=3)
    report, _, taps = explore(phone, "Contacts")
    assert taps[:4] == ["Skip", "While using the app", "Allow access", "Allow"]
    assert report.pages >= 20
