"""The deeper app features, done through the screen only and checked in the state: stopwatch,
timers set for later, alarm days, the clipboard, contact numbers, event and item details, file
copy / move / folders and the Gallery."""

from __future__ import annotations

import pytest

from pocketpilot.devices.actions import ClearText, LongPress, Wait
from pocketpilot.devices.virtual import VirtualPhone
from tests.devices.test_virtual_flows import Pilot


def started(app: str, state: dict | None = None, **kwargs) -> Pilot:
    pilot = Pilot(VirtualPhone(state, **kwargs))
    pilot.launch(app)
    return pilot


def long_press(pilot: Pilot, *words: str) -> None:
    pilot.device.act(LongPress(element=pilot.find(*words, actionable=True).id))
    pilot.look()


def state(pilot: Pilot) -> dict:
    return pilot.device.state_dict()


# -- clock --------------------------------------------------------------------------------------
def test_stopwatch_counts_virtual_time_records_laps_stops_and_resets():
    pilot = started("Clock")
    pilot.tap("Stopwatch")
    pilot.tap("Start")
    pilot.device.act(Wait(10))
    pilot.tap("Lap")
    pilot.tap("Stop")
    watch = state(pilot)["stopwatch"]
    assert not watch["running"] and watch["elapsed_s"] >= 10
    assert len(watch["laps"]) == 1 and 10 <= watch["laps"][0] <= watch["elapsed_s"]
    assert pilot.has("Lap 1")
    pilot.device.act(Wait(30))
    assert state(pilot)["stopwatch"]["elapsed_s"] == watch["elapsed_s"]  # stopped: no time runs
    pilot.tap("Reset")
    assert state(pilot)["stopwatch"] == {"running": False, "elapsed_s": 0.0, "laps": []}


def test_a_timer_set_for_later_waits_until_started_from_its_row():
    pilot = started("Clock")
    pilot.tap("Timer")
    pilot.type("2", "Minutes")
    pilot.tap("Add timer")
    pilot.device.act(Wait(60))
    (timer,) = state(pilot)["timers"]
    assert (timer["duration_s"], timer["running"], timer["remaining_s"]) == (120, False, None)
    pilot.look()
    assert pilot.has("Not started")
    pilot.tap("play_pause")  # the row's Start button
    pilot.device.act(Wait(30))
    (timer,) = state(pilot)["timers"]
    assert timer["running"] and timer["remaining_s"] < 100


def test_alarm_repeat_days_are_set_and_cleared_in_the_editor():
    pilot = started("Clock")
    pilot.tap("Pills")
    pilot.tap("Monday")
    pilot.tap("Wednesday")
    pilot.tap("save", "done", "ok")
    pills = next(a for a in state(pilot)["alarms"] if a["label"] == "Pills")
    assert pills["days"] == ["Mon", "Wed"]
    pilot.tap("Pills")
    pilot.tap("Monday")
    pilot.tap("save", "done", "ok")
    assert next(a for a in state(pilot)["alarms"] if a["label"] == "Pills")["days"] == ["Wed"]


def test_one_letter_day_chips_still_carry_the_full_day_name():
    number = next(n for n in range(1, 30) if VirtualPhone(variant=n).variant.one_letter_days)
    pilot = started("Clock", variant=number)
    pilot.tap("add alarm", "new alarm", "create alarm")
    chip = pilot.find("Friday", actionable=True)
    assert (chip.text, chip.desc) == ("F", "Friday")


# -- clipboard ----------------------------------------------------------------------------------
def test_copy_from_one_field_and_paste_into_another_app():
    pilot = started("Notes")
    pilot.tap("Gate code")
    long_press(pilot, "Note")
    pilot.tap("Copy")
    assert state(pilot)["clipboard"] == "Front gate 4821#"
    pilot.launch("Messages")
    pilot.tap("Bob Smith")
    long_press(pilot, "Text message")
    pilot.tap("Paste")
    assert pilot.find("Text message", editable=True).text == "Front gate 4821#"


def test_a_long_pressed_message_offers_copy_of_its_text():
    pilot = started("Messages")
    pilot.tap("72345")
    long_press(pilot, "verification code")
    assert not pilot.has("Paste")  # read-only text: copy only
    pilot.tap("Copy")
    assert "482913" in state(pilot)["clipboard"]


def test_cut_empties_the_field_and_an_empty_field_offers_only_paste():
    pilot = started("Notes", {"clipboard": "x"})
    pilot.tap("take a note", "new note", "add note")
    long_press(pilot, "Title")
    assert pilot.has("Paste") and not pilot.has("Copy")
    pilot.back()  # closes the menu
    pilot.type("Hello", "Title")
    long_press(pilot, "Title")
    pilot.tap("Cut")
    assert state(pilot)["clipboard"] == "Hello"
    assert pilot.find("Title", editable=True).text == ""


# -- contacts -----------------------------------------------------------------------------------
def test_the_editor_adds_a_labelled_second_number_and_the_card_lists_both():
    pilot = started("Contacts")
    pilot.tap("Bob Smith")
    pilot.tap("Edit contact")
    pilot.tap("add phone", "add number", "another number")
    pilot.type("+1 555 0300", "Phone 2")
    pilot.tap("Phone 2 type")
    pilot.tap("Work")
    pilot.tap("save", "done", "ok")
    bob = next(c for c in state(pilot)["contacts"] if c["name"] == "Bob Smith")
    assert bob["phones"] == [{"number": "+1 555 0102", "label": "mobile"},
                             {"number": "+1 555 0300", "label": "work"}]
    assert pilot.has("+1 555 0300") and pilot.has("Work")


def test_first_and_last_name_make_the_contact_name():
    pilot = started("Contacts")
    pilot.tap("create contact", "add contact", "new contact")
    pilot.type("Nina", "First name")
    pilot.type("Ortiz", "Last name")
    pilot.tap("save", "done", "ok")
    assert pilot.has("Nina Ortiz")
    nina = next(c for c in state(pilot)["contacts"] if c["first_name"] == "Nina")
    assert (nina["name"], nina["last_name"], nina["phones"]) == ("Nina Ortiz", "Ortiz", [])


# -- calendar and shopping ----------------------------------------------------------------------
def test_an_all_day_repeating_event_with_a_description_shows_as_such():
    pilot = started("Calendar")
    pilot.tap("create event", "new event", "add event")
    pilot.type("Retreat", "Add title")
    pilot.type("Quiet weekend", "Add description")
    pilot.tap("All-day")
    pilot.tap("Repeat")
    pilot.tap("Every month")
    pilot.tap("save", "done", "ok")
    event = next(e for e in state(pilot)["events"] if e["title"] == "Retreat")
    assert (event["all_day"], event["repeat"], event["description"]) == (
        True, "monthly", "Quiet weekend")
    pilot.tap("Retreat")
    assert pilot.has("All day") and pilot.has("Every month") and pilot.has("Quiet weekend")


def test_a_shopping_item_keeps_category_note_and_date_and_rejects_a_bad_date():
    pilot = started("Shopping")
    pilot.tap("add item", "new item", "add to list")
    pilot.type("Soap", "Item name")
    pilot.type("Household", "Category")
    pilot.type("May 18", "Needed by")
    pilot.tap("save", "done", "ok")
    assert pilot.has("Use a date like")
    pilot.device.act(ClearText(element=pilot.find("Needed by", editable=True).id))
    pilot.look()
    pilot.type("2024-05-18", "Needed by")
    pilot.type("lavender", "Note")
    pilot.tap("save", "done", "ok")
    soap = next(i for i in state(pilot)["shopping"] if i["name"] == "Soap")
    assert (soap["category"], soap["note"], soap["date"]) == ("Household", "lavender",
                                                              "2024-05-18")
    assert pilot.has("Household · May 18 · lavender")


# -- files --------------------------------------------------------------------------------------
def test_copying_into_a_folder_that_has_the_name_adds_a_numbered_copy():
    pilot = started("Files", {"files": [{"name": "a.pdf", "folder": "Downloads"},
                                        {"name": "a.pdf", "folder": "Documents"}]})
    pilot.tap("Downloads")
    long_press(pilot, "a.pdf")
    pilot.tap("copy to", "copy to folder", "duplicate to")
    pilot.tap("Documents")
    names = sorted((f["folder"], f["name"]) for f in state(pilot)["files"])
    assert names == [("Documents", "a (1).pdf"), ("Documents", "a.pdf"), ("Downloads", "a.pdf")]


def test_a_new_folder_lists_with_the_standard_ones_and_takes_a_moved_file():
    pilot = started("Files")
    pilot.tap("new folder", "create folder", "add folder")
    pilot.type("Taxes", "Folder name")
    pilot.tap("create", "ok", "make folder")
    assert pilot.has("Taxes · 0 files")
    pilot.tap("Downloads · ")
    pilot.tap("invoice_2024_04.pdf")
    pilot.tap("move to", "move to folder", "move")
    pilot.tap("Taxes")
    invoice = next(f for f in state(pilot)["files"] if f["name"] == "invoice_2024_04.pdf")
    assert invoice["folder"] == "Taxes"


def test_a_folder_name_already_taken_is_refused():
    pilot = started("Files")
    pilot.tap("new folder", "create folder", "add folder")
    pilot.type("pictures", "Folder name")
    pilot.tap("create", "ok", "make folder")
    assert pilot.has("A folder named pictures already exists")
    assert state(pilot)["folders"] == []


# -- gallery ------------------------------------------------------------------------------------
def test_gallery_text_is_in_the_pixels_only_never_in_the_dump():
    pilot = started("Gallery")
    pilot.tap("Photo taken May 13, 2024, 7:12 PM")
    xml = pilot.device.dump_xml()
    assert 'resource-id="com.android.gallery3d:id/photo_view"' in xml
    assert "38.70" not in xml and "TRATTORIA" not in xml.upper()


def test_gallery_lists_newest_pictures_first_and_deletes_one_after_confirming():
    pilot = started("Gallery")
    thumbs = [e.desc for e in pilot.screen.elements if e.resource_id.endswith("/thumbnail")]
    assert thumbs[0] == "Photo taken May 13, 2024, 7:12 PM"
    pilot.tap("Screenshot from May 12")
    pilot.tap("delete", "remove", "move to trash")
    pilot.tap("android:id/button1")  # the dialog's own Delete
    assert not any(f["name"].startswith("Screenshot") for f in state(pilot)["files"])


# -- variants -----------------------------------------------------------------------------------
@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_the_new_controls_work_under_each_variants_labels(number):
    pilot = started("Clock", variant=number)
    label = pilot.device.variant.label
    pilot.tap("Stopwatch")
    pilot.tap(label("sw_start"))
    pilot.tap(label("lap"))
    pilot.tap("Timer")
    pilot.type("5", "Minutes")
    pilot.tap(label("set_timer"))
    pilot.launch("Files")
    pilot.tap(label("new_folder"))
    pilot.type("Taxes", "Folder name")
    pilot.tap(label("create"))
    pilot.launch("Gallery")
    pilot.tap("Photo taken May 13")
    done = state(pilot)
    assert len(done["stopwatch"]["laps"]) == 1
    assert done["timers"][-1]["duration_s"] == 300 and done["timers"][-1]["remaining_s"] is None
    assert done["folders"] == [{"id": 1, "name": "Taxes"}]
    assert pilot.device.focus()[1].endswith("PhotoPage")
