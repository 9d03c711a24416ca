"""Page identity: the same page with different dynamic text is one node, different pages are not.

``data/*.xml`` are uiautomator dumps shaped like Android 14 phones' (Settings, Contacts, Messages);
the fake-phone screens come through the same parser, as the virtual phone's do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pocketpilot.devices import Back, Screen, Tap, action_to_dict
from pocketpilot.memory import GraphMemory

DATA = Path(__file__).parent / "data"


def dump(name: str) -> Screen:
    return Screen.from_xml((DATA / f"{name}.xml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("a", "b"), [
    ("contacts_list_a", "contacts_list_b"),  # different contacts, count and clock
    ("contacts_list_a", "contacts_list_short"),  # 2 contacts: the list is not even scrollable
    ("messages_thread_a", "messages_thread_b"),  # new messages, timestamps, delivery status
])
def test_same_page_with_different_dynamic_content_is_one_page(a, b):
    assert dump(a).signature == dump(b).signature


@pytest.mark.parametrize(("a", "b"), [
    ("settings_main", "settings_network"),
    ("settings_main", "contacts_list_a"),
    ("contacts_list_a", "messages_thread_a"),
])
def test_different_pages_are_different_pages(a, b):
    assert dump(a).signature != dump(b).signature


def test_real_dumps_become_one_node_per_page_in_memory():
    memory = GraphMemory(None)
    first, second = dump("messages_thread_a"), dump("messages_thread_b")
    memory.record_step("r", dump("contacts_list_a"), {"kind": "back"}, first, True, 0.1)
    memory.record_step("r", dump("contacts_list_short"), {"kind": "back"}, second, True, 0.1)
    assert memory.stats().pages == 2 and memory.stats().edges == 1


def test_fake_phone_page_keeps_its_identity_across_clock_counters_and_switches(phone):
    home = phone.observe()
    network = home.find("Network")[0]
    phone.act(Tap(element=network.id))
    page = phone.observe()
    phone.act(Tap(element=page.find("Wi-Fi")[0].id))  # flips the switch: ON/OFF text changes
    flipped = phone.observe()
    assert flipped.signature == page.signature
    phone.act(Back())
    assert phone.observe().signature == home.signature  # the clock and the counter moved


def test_fake_phone_pages_with_the_same_layout_but_another_title_differ(phone):
    home = phone.observe()
    phone.act(Tap(element=home.find("Display")[0].id))
    display = phone.observe()
    phone.act(Back())
    phone.act(Tap(element=phone.observe().find("Storage")[0].id))
    assert phone.observe().signature != display.signature


def test_descriptions_are_generic_and_name_title_and_actions():
    from pocketpilot.memory.describe import describe

    text = describe(dump("settings_network"))
    assert text.startswith("settings")
    assert "Internet" in text and "Network & internet" in text


def test_action_recorded_on_one_dump_binds_on_another_with_other_ids():
    from pocketpilot.memory.describe import bind_action, locator_for

    a, b = dump("contacts_list_a"), dump("contacts_list_short")
    fab = a.find("Create contact")[0]
    locator = locator_for(a, fab.id)
    action, _label, match = bind_action({"kind": "tap"}, locator, b)
    assert b.element(action["element"]).desc == "Create contact"
    assert action["element"] != fab.id and match > 0.9
    assert action_to_dict(Tap(element=action["element"])) == action
