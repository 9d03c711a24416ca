"""The virtual phone driven like an agent would: only through ``observe()`` and ``act()``,
finding elements by meaning (any of a few words), never by position or exact label."""

from __future__ import annotations

import re

import pytest

from pocketpilot.devices.actions import (
    Back,
    ClearText,
    Direction,
    Home,
    Launch,
    LongPress,
    Scroll,
    Tap,
    TypeText,
)
from pocketpilot.devices.device import Device
from pocketpilot.devices.screen import Element, Screen
from pocketpilot.devices.virtual import VirtualPhone

PHONE_NUMBER = re.compile(r"\+?\d[\d ()-]{6,}\d")
INTERRUPTIONS = {"allow", "got it", "ok", "dismiss"}


class Pilot:
    """Drives a ``Device`` through what the screen shows; words are matched like ``Screen.find``."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self.screen = device.observe()

    def look(self) -> Screen:
        self.screen = self.device.observe()
        return self.screen

    def find(self, *words: str, editable: bool | None = None, actionable: bool = False) -> Element:
        for word in words:
            found = self.screen.find(word)
            exact = [e for e in found if word.lower() in (e.label.lower(), e.desc.lower())]
            for element in exact + found:  # an exact label beats a mere substring
                if (editable is None or element.editable == editable) and (
                    element.actionable or not actionable
                ):
                    return element
        raise AssertionError(f"none of {words} on screen:\n{self.screen.render()}")

    def has(self, *words: str) -> bool:
        return any(self.screen.find(word) for word in words)

    def tap(self, *words: str) -> None:
        self.device.act(Tap(element=self.find(*words, actionable=True).id))
        self.look()

    def type(self, text: str, *words: str) -> None:
        self.device.act(TypeText(text, element=self.find(*words, editable=True).id))
        self.look()

    def launch(self, app: str) -> None:
        self.device.act(Launch(app))
        self.look()
        self.clear_interruptions()

    def back(self) -> None:
        self.device.act(Back())
        self.look()

    def clear_interruptions(self) -> None:
        """Accept one-time tips and permission prompts, as any agent must."""
        for _ in range(3):
            buttons = [e for e in self.screen.elements
                       if e.clickable and e.label.lower() in INTERRUPTIONS]
            if not buttons:
                return
            self.device.act(Tap(element=buttons[0].id))
            self.look()

    def scroll_to(self, *words: str, limit: int = 8) -> None:
        for _ in range(limit):
            if self.has(*words):
                return
            self.device.act(Scroll(Direction.DOWN))
            self.look()
        raise AssertionError(f"scrolled {limit} times without finding {words}")


def run_errand(phone: VirtualPhone) -> str:
    """Find Bob's number in Contacts, text him, set a 7:00 alarm; return the number read."""
    pilot = Pilot(phone)
    pilot.launch("Contacts")
    pilot.type("Bob", "search")
    pilot.tap("Bob Smith")
    number = next(m.group() for e in pilot.screen.elements if (m := PHONE_NUMBER.search(e.label)))

    pilot.launch("Messages")
    pilot.tap("start chat", "new message", "new conversation", "start_chat")
    pilot.type(number, "to", "name", "recipient")
    pilot.tap("Bob Smith")
    pilot.type("Running late, see you at 8", "message", "compose")
    pilot.tap("send")

    pilot.launch("Clock")
    pilot.tap("add alarm", "new alarm", "create alarm")
    pilot.type("7", "hour")
    pilot.type("00", "minute")
    pilot.tap("save", "done", "ok")
    return number


def test_virtual_phone_is_a_device():
    assert isinstance(VirtualPhone(), Device)


def test_errand_across_contacts_messages_and_clock_lands_in_state():
    phone = VirtualPhone()
    number = run_errand(phone)
    state = phone.state_dict()
    assert number == "+1 555 0102"
    bob = next(t for t in state["threads"] if t["address"] == number)
    assert bob["messages"][-1] == {
        "body": "Running late, see you at 8", "time": bob["messages"][-1]["time"],
        "outgoing": True, "attachment": "",
    }
    assert [a["enabled"] for a in state["alarms"] if a["time"] == "07:00"] == [True]


@pytest.mark.parametrize("variant", [1, 2, 3, 4, 5, 6])
def test_errand_still_works_in_variants_when_elements_are_found_by_meaning(variant):
    phone = VirtualPhone(variant=variant)
    run_errand(phone)
    state = phone.state_dict()
    assert any(m["body"] == "Running late, see you at 8" for t in state["threads"]
               for m in t["messages"] if t["address"] == "+1 555 0102")
    assert any(a["time"] == "07:00" and a["enabled"] for a in state["alarms"])


def test_variants_change_labels_and_positions():
    def contacts_screen(variant: int) -> Screen:
        phone = VirtualPhone(variant=variant)
        phone.launch("com.android.contacts")
        Pilot(phone).clear_interruptions()
        return phone.observe()

    canonical = contacts_screen(0)
    labels = {frozenset(e.label for e in contacts_screen(v).elements) for v in range(1, 6)}
    bounds = {contacts_screen(v).find("Bob Smith")[0].bounds for v in range(1, 6)}
    assert any(variant_labels != {e.label for e in canonical.elements} for variant_labels in labels)
    assert bounds - {canonical.find("Bob Smith")[0].bounds}


def test_scrolling_reveals_contacts_below_the_screen():
    pilot = Pilot(VirtualPhone())
    pilot.launch("Contacts")
    assert not pilot.has("Zoe Walker")
    pilot.scroll_to("Zoe Walker")
    assert not pilot.has("Aaron Brooks")


def test_back_walks_the_app_back_stack_then_leaves_to_the_launcher():
    phone = VirtualPhone()
    pilot = Pilot(phone)
    pilot.launch("Contacts")
    list_signature = pilot.screen.signature
    pilot.tap("Bob Smith")
    assert phone.focus()[1].endswith("QuickContactActivity")
    pilot.back()
    assert pilot.screen.signature == list_signature
    pilot.back()
    assert pilot.screen.package == "com.google.android.apps.nexuslauncher"


def test_back_closes_a_dialog_before_leaving_the_page():
    pilot = Pilot(VirtualPhone())
    pilot.launch("Contacts")
    pilot.tap("Bob Smith")
    detail = pilot.screen.signature
    pilot.tap("delete")
    assert pilot.has("Delete this contact?")
    pilot.back()
    assert pilot.screen.signature == detail


def test_relaunching_an_app_resumes_its_task_where_it_was():
    phone = VirtualPhone()
    pilot = Pilot(phone)
    pilot.launch("Contacts")
    pilot.tap("Bob Smith")
    phone.act(Home())
    pilot.launch("Contacts")
    assert pilot.has("Bob Smith") and pilot.has("+1 555 0102")


def test_typing_goes_to_the_field_that_a_tap_focused():
    phone = VirtualPhone()
    pilot = Pilot(phone)
    pilot.launch("Notes")
    pilot.tap("search")
    assert pilot.find("search", editable=True).focused
    phone.act(TypeText("gate"))
    pilot.look()
    assert pilot.find("search", editable=True).text == "gate"
    assert pilot.has("Gate code") and not pilot.has("Parking")


def test_clear_text_empties_the_focused_field():
    phone = VirtualPhone()
    pilot = Pilot(phone)
    pilot.launch("Notes")
    pilot.type("parking", "search")
    phone.act(ClearText(element=pilot.find("search", editable=True).id))
    assert Pilot(phone).find("search", editable=True).text == ""


def test_text_typed_without_a_focused_field_goes_nowhere():
    phone = VirtualPhone()
    before = phone.state_dict()
    phone.act(TypeText("hello"))
    assert phone.state_dict()["notes"] == before["notes"]
    assert all("hello" not in e.text for e in phone.observe().elements)


def test_long_press_offers_the_delete_confirmation():
    pilot = Pilot(VirtualPhone())
    pilot.launch("Notes")
    pilot.device.act(LongPress(element=pilot.find("Parking").id))
    pilot.look()
    assert pilot.has("Delete note?")
    pilot.tap("delete")
    assert all(n["title"] != "Parking" for n in pilot.device.state_dict()["notes"])


def test_a_fresh_launch_starts_the_app_on_its_start_page_a_plain_one_resumes():
    from pocketpilot.devices.actions import Launch, Tap

    phone = VirtualPhone()
    phone.launch("Settings")
    start = phone.observe()
    display = next(e for e in start.elements if e.label.startswith("Display"))
    phone.act(Tap(element=display.id))
    inner = phone.observe().signature
    phone.launch("Clock")
    phone.act(Launch("Settings"))
    assert phone.observe().signature == inner  # resumed where it was left, like Android
    phone.act(Launch("Settings", fresh=True))
    assert phone.observe().signature == start.signature


def test_flipping_a_switch_keeps_the_page_signature():
    from pocketpilot.devices.actions import Tap

    phone = VirtualPhone()
    phone.launch("Settings")
    row = next(e for e in phone.observe().elements if e.label.startswith("Connected devices"))
    phone.act(Tap(element=row.id))
    before = phone.observe()
    switch = next(e for e in before.elements if e.label.startswith("Use Bluetooth"))
    phone.act(Tap(element=switch.id))
    after = phone.observe()
    assert after.element(switch.id).label != switch.label  # "Off" became "On"
    assert after.signature == before.signature
