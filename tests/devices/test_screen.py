"""The uiautomator parser on realistic dumps: every visible actionable element, correct bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.errors import ScreenParseError
from pocketpilot.devices.screen import parse_uiautomator_xml

DATA = Path(__file__).parent / "data"


@pytest.fixture
def thread():
    return parse_uiautomator_xml((DATA / "messages_thread.xml").read_text(encoding="utf-8"))


@pytest.fixture
def settings():
    return parse_uiautomator_xml((DATA / "settings_home.xml").read_text(encoding="utf-8"))


def test_every_node_is_kept(thread):
    assert len(thread.nodes) == thread.xml.count("<node ")
    assert thread.size == (1080, 2400)


def test_multiline_and_unicode_text_survive(thread):
    texts = {n.text for n in thread.nodes}
    assert "See you at 12 Oak St\nDoor code: 4412" in texts
    assert "Grüße aus München 🌧️ — 今日は雨" in texts
    labels = [e.label for e in thread.elements]
    assert "Grüße aus München 🌧️ — 今日は雨" in labels


def test_zero_size_and_offscreen_nodes_are_not_elements(thread):
    labels = [e.label for e in thread.elements]
    assert "zero size" not in labels
    assert "Below the screen" not in labels


def test_clickable_row_takes_its_children_text_and_children_are_not_repeated(settings):
    rows = [e for e in settings.elements if e.label.startswith("Battery ·")]
    assert len(rows) == 1 and rows[0].clickable
    assert not [e for e in settings.elements if e.label == "Battery"]


def test_nested_scroll_container_clips_its_children(settings):
    chip = settings.find("dark theme")[0]
    assert chip.bounds == Bounds(920, 440, 1080, 540)
    scrollables = [e.resource_id.split("/")[-1] for e in settings.elements if e.scrollable]
    assert scrollables == ["recycler_view", "suggestion_chips"]


def test_partly_visible_row_is_clipped_to_the_list(settings):
    row = settings.find("Accessibility")[0]
    assert row.bounds == Bounds(0, 2380, 1080, 2400)


def test_disabled_and_focused_flags_reach_the_elements(thread):
    send = thread.find("Send SMS")[0]
    field = next(e for e in thread.elements if e.editable)
    assert not send.enabled and field.focused
    assert field.render().startswith('[') and '"Text message"' in field.render()


def test_status_bar_is_not_an_element(thread):
    assert not thread.find("9:41")


def test_element_ids_are_stable_for_the_same_dump(thread):
    again = parse_uiautomator_xml(thread.xml)
    assert [(e.id, e.label, e.bounds) for e in again.elements] == [
        (e.id, e.label, e.bounds) for e in thread.elements
    ]


def test_json_shape(settings):
    data = settings.to_dict()
    element = data["elements"][0]
    assert set(element) == {
        "id", "text", "desc", "resource_id", "class", "bounds", "clickable", "scrollable",
        "editable", "checked",
    }
    assert data["node_count"] == len(settings.nodes)


def test_signature_ignores_clock_counts_and_list_contents(thread):
    changed = thread.xml.replace('text="9:41"', 'text="9:42"').replace(
        "Call me when you&apos;re there", "Totally different message"
    ).replace("See you at 12 Oak St", "Meet at 99 Elm Rd")
    assert parse_uiautomator_xml(changed).signature == thread.signature


def test_signature_ignores_typed_text(thread):
    typed = thread.xml.replace(
        'index="0" text="" resource-id="com.google.android.apps.messaging:id/compose_message_text"',
        'index="0" text="hello there" resource-id="com.google.android.apps.messaging:id/compose_message_text"',
    )
    assert typed != thread.xml
    assert parse_uiautomator_xml(typed).signature == thread.signature


def test_signature_differs_between_pages(thread, settings):
    assert thread.signature != settings.signature
    retitled = settings.xml.replace('text="Settings"', 'text="Network &amp; internet"')
    assert parse_uiautomator_xml(retitled).signature != settings.signature


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ("", "empty"),
        ("<html><body/></html>", "no <hierarchy>"),
        ("<?xml version='1.0' ?><hierarchy rotation=\"0\"><node index=\"0\" bounds=\"[0,0][1,1]\"", "truncated"),
        ('<hierarchy rotation="0"><node index="0" class="x" /></hierarchy>', "no bounds"),
        ('<hierarchy rotation="0"><node index="0" bounds="[0,0]" /></hierarchy>', "not of the form"),
        ('<hierarchy rotation="0"><item /></hierarchy>', "unexpected <item>"),
    ],
)
def test_malformed_dumps_say_what_is_wrong(xml, reason):
    with pytest.raises(ScreenParseError, match=reason.replace("(", r"\(")) as info:
        parse_uiautomator_xml(xml)
    assert "\n" not in str(info.value)


def test_trailer_printed_by_uiautomator_is_ignored(settings):
    screen = parse_uiautomator_xml(settings.xml + "UI hierchary dumped to: /dev/tty\n")
    assert screen.signature == settings.signature
