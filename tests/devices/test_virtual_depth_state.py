"""The deeper app data (contact numbers and names, event and item details, pictures with text,
folders, the stopwatch and the clipboard): seeded, checked and round-tripped like the rest, and
variants that perturb the new parts without moving what earlier variants drew."""

from __future__ import annotations

import random

import pytest

from pocketpilot.devices.virtual import SeedError, VirtualPhone
from pocketpilot.devices.virtual.apps import make_apps
from pocketpilot.devices.virtual.variants import _ICONABLE, _TIP_APPS, SYNONYMS, Variant

SEED = {
    "contacts": [{"first_name": "Nina", "last_name": "Ortiz",
                  "phones": [{"number": "+1 555 0211", "label": "work"}, "+1 555 0212"]}],
    "events": [{"title": "Yoga", "date": "2024-05-21", "repeat": "weekly", "all_day": True,
                "description": "Bring the mat"}],
    "shopping": [{"name": "Soap", "category": "Household", "note": "lavender",
                  "date": "2024-05-18"}],
    "files": [{"name": "IMG_1.jpg", "folder": "DCIM", "look": "receipt", "content": "TOTAL $9"}],
    "folders": [{"name": "Taxes"}],
    "stopwatch": {"running": True, "elapsed_s": 3.5, "laps": [1.25]},
    "clipboard": "copied text",
}


def test_the_new_state_round_trips_through_state_dict():
    first = VirtualPhone(SEED).state_dict()
    assert VirtualPhone(first).state_dict() == first
    assert first["stopwatch"] == {"running": True, "elapsed_s": 3.5, "laps": [1.25]}
    assert first["clipboard"] == "copied text"
    assert first["folders"] == [{"id": 1, "name": "Taxes"}]


def test_a_contact_seeded_by_first_and_last_name_and_numbers_has_a_name_and_a_phone():
    contact = VirtualPhone(SEED).state_dict()["contacts"][0]
    assert contact["name"] == "Nina Ortiz"
    assert contact["phone"] == "+1 555 0211"  # the first number
    assert contact["phones"] == [{"number": "+1 555 0211", "label": "work"},
                                 {"number": "+1 555 0212", "label": "mobile"}]


def test_a_contact_seeded_by_name_and_phone_gets_first_last_and_a_mobile_number():
    contact = VirtualPhone({"contacts": [{"name": "Ann Marie Lee", "phone": "+1 555 0300"}]}
                           ).state_dict()["contacts"][0]
    assert (contact["first_name"], contact["last_name"]) == ("Ann", "Marie Lee")
    assert contact["phones"] == [{"number": "+1 555 0300", "label": "mobile"}]


def test_any_of_a_contacts_numbers_names_its_thread():
    phone = VirtualPhone({**SEED, "threads": [{"address": "+1 555 0212", "messages": [
        {"body": "hi"}]}]})
    phone.launch("Messages")
    assert phone.observe().find("Nina Ortiz")


@pytest.mark.parametrize(("seed", "message"), [
    ({"contacts": [{"name": "A", "phones": [{"number": "1", "label": "cell"}]}]},
     r"contacts\[0\].phones\[0\].label is 'cell'"),
    ({"events": [{"title": "A", "date": "2024-05-01", "repeat": "fortnightly"}]},
     r"events\[0\].repeat is 'fortnightly'"),
    ({"files": [{"name": "a.jpg", "look": "painting"}]}, r"files\[0\].look is 'painting'"),
    ({"stopwatch": {"lapse": []}}, r"stopwatch has unknown fields \['lapse'\]"),
    ({"stopwatch": {"laps": "1.5"}}, r"stopwatch.laps must be a list of seconds"),
])
def test_a_seed_value_outside_the_schema_is_refused_with_where_and_what_is_allowed(seed, message):
    with pytest.raises(SeedError, match=message):
        VirtualPhone(seed)


@pytest.mark.parametrize("number", [1, 2, 3, 7, 11])
def test_variants_keep_every_label_icon_and_offset_they_drew_before_the_deeper_apps(number):
    rng = random.Random(f"pocketpilot-variant-{number}")  # the draws as they were
    labels = {key: rng.choice(words) for key, words in SYNONYMS.items()}
    icon_only = frozenset(k for k in _ICONABLE if rng.random() < 0.4)
    top, row = rng.choice((0, 16, 32, 56)), rng.choice((160, 176, 192, 208))
    tips = frozenset(p for p in _TIP_APPS if rng.random() < 0.5)
    variant = Variant.of(number)
    assert {k: variant.labels[k] for k in SYNONYMS} == labels
    assert variant.icon_only & set(_ICONABLE) == icon_only
    assert variant.tips & set(_TIP_APPS) == tips
    assert (variant.top_offset, variant.row_height) == (top, row)
    assert variant.contacts_permission_prompt == (rng.random() < 0.5)


def test_variants_perturb_the_new_parts_too():
    variants = [Variant.of(n) for n in range(1, 13)]
    assert len({v.label("lap") for v in variants}) > 1
    assert len({v.label("copy_to") for v in variants}) > 1
    assert len({v.gallery_columns for v in variants}) > 1
    assert {v.one_letter_days for v in variants} == {True, False}
    assert any("new_folder" in v.icon_only for v in variants)
    assert any("com.android.gallery3d" in v.tips for v in variants)
    assert Variant.of(0).label("set_timer") == "Add timer"


def test_home_screen_icons_keep_their_cells_and_the_gallery_comes_after_them():
    for number in (0, 1, 4):
        phone = VirtualPhone(variant=number)
        icons = [e.label for e in phone.observe().elements if e.resource_id.endswith("/icon")]
        apps = [a for a in make_apps().values() if a.added_in == 0 and a.label != "Pixel Launcher"]
        assert icons[:-1] == [a.label for a in Variant.of(number).order(apps, "launcher")]
        assert icons[-1] == "Gallery"
