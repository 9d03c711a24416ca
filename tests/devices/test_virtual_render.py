"""What the virtual phone shows: uiautomator XML the real parser accepts, a PNG of the same
layout, and page signatures that ignore dynamic text but tell pages apart."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pocketpilot.devices.actions import Direction, Scroll, Swipe, Tap
from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.screen import parse_uiautomator_xml
from pocketpilot.devices.virtual import VirtualPhone

NODE_ATTRIBUTES = [
    "index", "text", "resource-id", "class", "package", "content-desc", "checkable", "checked",
    "clickable", "enabled", "focusable", "focused", "scrollable", "long-clickable", "password",
    "selected", "bounds",
]


def contacts_phone(**kwargs) -> VirtualPhone:
    phone = VirtualPhone(**kwargs)
    phone.launch("Contacts")
    return phone


def test_dump_has_the_header_and_attribute_order_of_uiautomator():
    xml = contacts_phone().dump_xml()
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
                          '<hierarchy rotation="0"><node index="0" text="" resource-id=""')
    first_node = xml[xml.index("<node "):xml.index(">", xml.index("<node "))]
    names = [part.split("=")[0] for part in first_node[len("<node "):].split('" ')]
    assert names == NODE_ATTRIBUTES


def test_every_node_of_a_scrolled_list_lies_inside_the_screen_and_its_parent():
    phone = contacts_phone()
    phone.observe()
    phone.act(Scroll(Direction.DOWN))
    screen = parse_uiautomator_xml(phone.dump_xml())
    whole = Bounds(0, 0, 1080, 2400)
    for node in screen.nodes:
        assert node.bounds.intersect(whole) == node.bounds, node
        if node.parent is not None:
            parent = screen.nodes[node.parent].bounds
            assert node.bounds.intersect(parent) == node.bounds, node


def test_recycler_views_are_scrollable_and_clip_rows_at_their_edge():
    phone = contacts_phone()
    phone.act(Swipe(540, 1500, 540, 1460, 300))  # leaves a row half cut at the top
    screen = phone.observe()
    recycler = next(n for n in screen.nodes if n.class_name.endswith("RecyclerView"))
    assert recycler.scrollable
    first_row = screen.nodes[recycler.children[0]]
    assert first_row.bounds.top == recycler.bounds.top
    assert first_row.bounds.height < screen.nodes[recycler.children[1]].bounds.height


def test_status_bar_is_a_systemui_window_with_clock_and_battery():
    screen = contacts_phone().observe()
    system = [n for n in screen.nodes if n.package == "com.android.systemui"]
    assert any(n.resource_id.endswith(":id/clock") and n.text == "9:41" for n in system)
    assert any(n.content_desc.startswith("Battery 85 percent") for n in system)
    assert screen.package == "com.android.contacts"


def test_screenshot_is_a_png_the_size_of_the_dump():
    phone = contacts_phone()
    screen = phone.observe()
    image = Image.open(io.BytesIO(phone.screenshot()))
    assert image.format == "PNG"
    assert image.size == (screen.nodes[0].bounds.right, screen.nodes[0].bounds.bottom)


def test_other_screen_sizes_scale_dump_png_and_touches_alike():
    phone = contacts_phone(size=(720, 1600))
    screen = phone.observe()
    assert screen.size == (720, 1600)
    assert Image.open(io.BytesIO(phone.screenshot())).size == (720, 1600)
    phone.act(Tap(element=screen.find("Bob Smith")[0].id))
    assert phone.observe().find("+1 555 0102")


def test_signature_ignores_a_clock_tick():
    phone = contacts_phone()
    before = phone.observe()
    phone.advance(3600)
    after = phone.observe()
    assert before.xml != after.xml
    assert before.signature == after.signature


def test_signature_ignores_a_new_list_item():
    more = {"contacts": [{"name": "Bob Smith", "phone": "+1 555 0102"}]}
    fewer = {"contacts": [*more["contacts"], {"name": "Zed Zimmer", "phone": "+1 555 0999"}]}
    assert contacts_phone(state=more).observe().signature == \
        contacts_phone(state=fewer).observe().signature


def test_signature_differs_between_pages():
    phone = contacts_phone()
    listing = phone.observe()
    phone.act(Tap(element=listing.find("Bob Smith")[0].id))
    card = phone.observe()
    phone.launch("Messages")
    messages = phone.observe()
    assert len({listing.signature, card.signature, messages.signature}) == 3


@pytest.mark.slow
def test_ocr_reads_the_labels_of_a_screenshot():
    from rapidocr_onnxruntime import RapidOCR

    phone = contacts_phone()
    result, _ = RapidOCR()(phone.screenshot())
    texts = " | ".join(text for _box, text, _score in result or [])
    assert "Bob Smith" in texts
    assert "Create contact" in texts
    assert "Search contacts" in texts
