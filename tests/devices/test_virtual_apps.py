"""Each virtual app's everyday flow, done through the screen only and checked in the state."""

from __future__ import annotations

from pocketpilot.devices.actions import Back, ClearText, Swipe, Tap, TypeText, Wait
from pocketpilot.devices.virtual import VirtualPhone
from tests.devices.test_virtual_flows import Pilot


def started(app: str, **kwargs) -> Pilot:
    pilot = Pilot(VirtualPhone(**kwargs))
    pilot.launch(app)
    return pilot


def test_notes_opens_a_note_and_reads_its_text():
    pilot = started("Notes")
    pilot.tap("Address")
    assert pilot.find("note", editable=True).text == "12 Oak St, Springfield"


def test_notes_creates_a_note_saved_on_back():
    pilot = started("Notes")
    pilot.tap("take a note", "new note", "add note")
    pilot.type("Door code", "title")
    pilot.type("7712", "note")
    pilot.back()
    notes = pilot.device.state_dict()["notes"]
    assert {"title": "Door code", "body": "7712"} in [
        {"title": n["title"], "body": n["body"]} for n in notes]
    assert pilot.has("Door code")


def test_notes_edits_an_existing_note():
    pilot = started("Notes")
    pilot.tap("Parking")
    pilot.type(", near the lift", "note")
    pilot.tap("save", "done", "ok")
    note = next(n for n in pilot.device.state_dict()["notes"] if n["title"] == "Parking")
    assert note["body"] == "Level 3, spot C14, near the lift"


def test_settings_toggles_wifi_off():
    pilot = started("Settings")
    pilot.tap("Network")
    assert pilot.find("Wi-Fi").checked
    pilot.tap("Wi-Fi")
    assert not pilot.find("Wi-Fi").checked
    assert pilot.device.state_dict()["settings"]["wifi"] is False


def test_settings_turns_on_battery_saver_and_do_not_disturb():
    pilot = started("Settings")
    pilot.tap("Battery")
    pilot.tap("Battery Saver")
    pilot.back()
    pilot.scroll_to("Sound")
    pilot.tap("Sound")
    pilot.tap("Do Not Disturb")
    settings = pilot.device.state_dict()["settings"]
    assert settings["battery_saver"] and settings["dnd"]


def test_settings_brightness_follows_a_tap_along_the_slider():
    pilot = started("Settings")
    pilot.scroll_to("Display")
    pilot.tap("Display")
    slider = pilot.find("Brightness level", actionable=True)
    x = slider.bounds.left + slider.bounds.width // 4
    pilot.device.act(Tap(x=x, y=slider.bounds.center[1]))
    assert 20 <= pilot.device.state_dict()["settings"]["brightness"] <= 30


def test_settings_search_narrows_the_list():
    pilot = started("Settings")
    pilot.type("bluetooth", "search")
    assert pilot.has("Connected devices") and not pilot.has("Storage")


def test_clock_toggles_an_alarm_off():
    pilot = started("Clock")
    switch = next(e for e in pilot.screen.elements if e.checkable and "6:30" in e.label)
    pilot.device.act(Tap(element=switch.id))
    alarm = next(a for a in pilot.device.state_dict()["alarms"] if a["time"] == "06:30")
    assert alarm["enabled"] is False


def test_clock_deletes_an_alarm_after_confirming():
    pilot = started("Clock")
    pilot.tap("1:15 PM")
    pilot.tap("delete", "remove", "trash")
    assert pilot.has("Delete alarm?")
    pilot.tap("button1")
    assert all(a["time"] != "13:15" for a in pilot.device.state_dict()["alarms"])


def test_clock_rejects_an_impossible_time():
    pilot = started("Clock")
    pilot.tap("add alarm", "new alarm", "create alarm")
    pilot.type("13", "hour")
    pilot.tap("save", "done", "ok")
    assert pilot.has("Enter a valid time")


def test_clock_sets_a_pm_alarm():
    pilot = started("Clock")
    pilot.tap("add alarm", "new alarm", "create alarm")
    pilot.type("6", "hour")
    pilot.type("30", "minute")
    pilot.tap("PM")
    pilot.tap("save", "done", "ok")
    assert any(a["time"] == "18:30" for a in pilot.device.state_dict()["alarms"])


def test_timer_counts_down_in_virtual_time_and_notifies():
    pilot = started("Clock")
    pilot.tap("Timer")
    pilot.type("1", "minutes")
    pilot.tap("start", "go")
    pilot.device.act(Wait(30))
    assert pilot.look() and pilot.has("00:2")
    pilot.device.act(Wait(40))
    state = pilot.device.state_dict()
    assert state["timers"][0]["running"] is False
    assert any(n["text"] == "Time's up" for n in state["notifications"])


def test_alarm_rings_as_a_notification_when_its_time_passes():
    phone = VirtualPhone({"clock": "2024-05-14T06:59:50", "alarms": [{"time": "07:00"}]})
    phone.advance(20)
    state = phone.state_dict()
    assert any(n["title"] == "Alarm" for n in state["notifications"])
    assert state["alarms"][0]["enabled"] is False  # a one-time alarm turns itself off


def test_calendar_adds_an_event():
    pilot = started("Calendar")
    pilot.tap("create event", "new event", "add event")
    pilot.type("Haircut", "title")
    pilot.device.act(ClearText(element=pilot.find("date", editable=True).id))
    pilot.device.act(TypeText("2024-05-18"))
    pilot.look()
    pilot.tap("save", "done", "ok")
    event = next(e for e in pilot.device.state_dict()["events"] if e["title"] == "Haircut")
    assert event["date"] == "2024-05-18"
    assert pilot.has("Haircut")


def test_shopping_adds_an_item_and_updates_the_total():
    pilot = started("Shopping")
    assert pilot.has("Total: $28.00")
    pilot.tap("add item", "new item", "add to list")
    pilot.type("Apples", "item name")
    pilot.type("2.50", "price")
    pilot.tap("save", "done", "ok")
    assert pilot.has("Total: $30.50")
    assert any(i["name"] == "Apples" and i["price"] == 2.5
               for i in pilot.device.state_dict()["shopping"])


def test_shopping_checks_off_an_item():
    pilot = started("Shopping")
    pilot.tap("Milk")
    assert pilot.find("Milk").checked
    assert next(i for i in pilot.device.state_dict()["shopping"] if i["name"] == "Milk")["checked"]


def test_files_deletes_a_file_after_confirming():
    pilot = started("Files")
    pilot.tap("Downloads")
    pilot.tap("recipe.txt")
    pilot.tap("delete", "remove", "trash")
    assert pilot.has("This file will be deleted")
    pilot.tap("button1")
    assert all(f["name"] != "recipe.txt" for f in pilot.device.state_dict()["files"])
    assert not pilot.has("recipe.txt")


def test_files_shares_a_file_into_a_message():
    pilot = started("Files")
    pilot.tap("Downloads")
    pilot.tap("boarding_pass.pdf")
    pilot.tap("share", "send to")
    pilot.tap("Messages")
    pilot.clear_interruptions()
    pilot.type("Mom", "to", "name", "recipient")
    pilot.tap("Mom")
    pilot.tap("send")
    mom = next(t for t in pilot.device.state_dict()["threads"] if t["address"] == "+1 555 0122")
    assert mom["messages"][-1]["attachment"] == "boarding_pass.pdf"


def test_contact_card_message_button_opens_the_conversation():
    pilot = started("Contacts")
    pilot.tap("Bob Smith")
    pilot.tap("message")
    pilot.clear_interruptions()
    assert pilot.device.focus()[1].endswith("ConversationActivity")
    assert pilot.has("Running 10 min late")


def test_denied_contacts_permission_hides_the_list_until_allowed():
    phone = VirtualPhone(variant=3)  # a variant that asks for the permission
    pilot = Pilot(phone)
    phone.launch("Contacts")
    pilot.look()
    assert phone.focus()[0] == "com.google.android.permissioncontroller"
    pilot.tap("Don't allow")
    assert not pilot.has("Bob Smith")
    pilot.tap("allow access")
    pilot.tap("permission_allow_button")
    assert pilot.has("Bob Smith")


def test_messages_opening_an_unread_thread_marks_it_read():
    pilot = started("Messages")
    pilot.tap("72345")
    assert pilot.has("482913")
    thread = next(t for t in pilot.device.state_dict()["threads"] if t["address"] == "72345")
    assert thread["read"] is True


def test_shade_pulls_down_and_toggles_bluetooth():
    pilot = started("Notes")
    pilot.device.act(Swipe(540, 40, 540, 1200))
    pilot.look()
    assert pilot.device.focus() == ("com.android.systemui", "NotificationShade")
    pilot.tap("Bluetooth")
    assert pilot.device.state_dict()["settings"]["bluetooth"] is True
    pilot.device.act(Back())
    assert pilot.device.focus()[0] == "com.example.notes"


def test_tapping_a_notification_opens_its_conversation():
    pilot = started("Notes")
    pilot.device.act(Swipe(540, 40, 540, 1200))
    pilot.look()
    pilot.tap("Alice Johnson")
    pilot.clear_interruptions()
    assert pilot.has("Lunch tomorrow?")
    assert pilot.device.focus()[1].endswith("ConversationActivity")
