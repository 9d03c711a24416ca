"""The virtual phone's app state: seeded from plain dicts, inspected as plain dicts, repeatable."""

from __future__ import annotations

import json
import threading

import pytest

from pocketpilot.devices.actions import Launch, Scroll, Tap
from pocketpilot.devices.errors import DeviceError, InvalidAction
from pocketpilot.devices.gestures import KeyPress, StartApp, SwipeAt, TapAt
from pocketpilot.devices.virtual import SeedError, VirtualPhone

SEED = {
    "clock": "2024-06-01T07:30:00",
    "contacts": [{"name": "Bob Smith", "phone": "+1 555 0102"}, {"name": "Ann Lee"}],
    "threads": [{"contact": "Bob Smith", "messages": [{"body": "hi", "time": "2024-06-01T07:00:00"}]}],
    "notes": [{"title": "Address", "body": "12 Oak St"}],
    "alarms": [{"time": "06:45", "days": ["Mon"]}],
    "settings": {"wifi": False},
    "battery": {"level": 42, "charging": True},
}


def test_seeded_state_round_trips_through_state_dict():
    first = VirtualPhone(SEED).state_dict()
    assert VirtualPhone(first).state_dict() == first


def test_seed_replaces_what_it_names_and_defaults_fill_the_rest():
    state = VirtualPhone(SEED).state_dict()
    assert [c["name"] for c in state["contacts"]] == ["Bob Smith", "Ann Lee"]
    assert state["threads"][0]["address"] == "+1 555 0102"
    assert state["settings"]["wifi"] is False and state["settings"]["brightness"] == 60
    assert state["battery"] == {"level": 42.0, "charging": True, "temp_c": 29.0}
    assert len(state["events"]) >= 3  # not seeded: the default dataset


def test_default_state_has_enough_contacts_to_scroll():
    assert len(VirtualPhone().state_dict()["contacts"]) >= 30


def test_state_dict_is_json():
    state = VirtualPhone(SEED).state_dict()
    assert json.loads(json.dumps(state)) == state


def test_seed_with_an_unknown_key_is_refused_naming_it():
    with pytest.raises(SeedError, match="contcts"):
        VirtualPhone({"contcts": []})


def test_seed_record_with_an_unknown_field_is_refused_naming_it():
    with pytest.raises(SeedError, match=r"notes\[0\].*text"):
        VirtualPhone({"notes": [{"title": "x", "text": "y"}]})


def test_same_seed_and_actions_give_the_same_phone():
    def run() -> tuple[str, dict, dict]:
        phone = VirtualPhone(variant=3, seed=7)
        phone.act(Launch("Contacts"))
        screen = phone.observe()
        phone.act(Scroll())
        phone.add_load(5)
        return screen.xml, phone.state_dict(), phone.sensors().to_dict()

    assert run() == run()


def test_time_is_virtual_and_advances_with_actions():
    phone = VirtualPhone(SEED)
    phone.act(Launch("Notes"))
    clock = phone.state_dict()["clock"]
    assert clock.startswith("2024-06-01T07:30:0")
    assert clock > SEED["clock"]


def test_unknown_package_fails_like_am_start():
    phone = VirtualPhone()
    with pytest.raises(DeviceError, match=r"no launchable activity for package 'com.nope'"):
        phone.perform(StartApp("com.nope"))


def test_launch_accepts_a_launcher_label():
    phone = VirtualPhone()
    phone.launch("clock")
    assert phone.focus()[0] == "com.android.deskclock"


def test_tap_on_a_missing_element_is_an_invalid_action():
    phone = VirtualPhone()
    phone.observe()
    with pytest.raises(InvalidAction):
        phone.act(Tap(element=999))


def test_numeric_key_codes_work_like_their_names():
    phone = VirtualPhone()
    phone.launch("Contacts")
    phone.perform(KeyPress(("4",)))
    assert phone.focus()[0] == "com.google.android.apps.nexuslauncher"


def test_apps_lists_at_least_eight_launchable_apps():
    labels = {app.label for app in VirtualPhone().apps()}
    assert {"Contacts", "Messages", "Clock", "Calendar", "Notes", "Settings", "Files",
            "Shopping"} <= labels


def test_info_says_virtual():
    info = VirtualPhone(size=(720, 1600)).info()
    assert (info.kind, info.serial, info.screen_size) == ("virtual", "virtual", (720, 1600))


def test_closed_phone_refuses_work():
    phone = VirtualPhone()
    phone.close()
    with pytest.raises(DeviceError, match="closed"):
        phone.observe()


def test_concurrent_gestures_and_dumps_from_threads_are_safe():
    phone = VirtualPhone()
    phone.launch("Contacts")
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(15):
                phone.perform(SwipeAt(540, 1600, 540, 1200 - i * 10, 200))
                phone.dump_xml()
                phone.perform(TapAt(540, 60))
                phone.screenshot() if i == 0 else phone.sensors()
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
