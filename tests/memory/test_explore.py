"""Exploration walks an app breadth-first through the Device seam and never taps sensitive things."""

from __future__ import annotations

from fakephone import FakeDevice, settings_app

from pocketpilot.devices.events import EventCollector
from pocketpilot.memory import GraphMemory
from pocketpilot.memory.explore import Explorer, is_sensitive


def explore(budget=200):
    device, memory, events = FakeDevice([settings_app()]), GraphMemory(None), EventCollector()
    report = Explorer(device, memory, budget=budget, emit=events).explore("Settings")
    return device, memory, report, events


def test_exploration_finds_every_page_reachable_without_sensitive_taps():
    _, memory, report, _ = explore()
    # 12 pages in the app; "reset" and "erase" are behind sensitive rows.
    assert report.pages == 10
    assert memory.stats().apps == {"com.example.settings": 10}
    assert report.skipped_sensitive >= 3


def test_exploration_never_taps_a_sensitive_element():
    device, _, _, _ = explore()
    assert device.tapped
    for label in device.tapped:
        assert not any(w in label.lower() for w in ("reset", "erase", "delete", "forget"))


def test_exploration_recovers_when_back_leads_elsewhere():
    _, memory, report, _ = explore()
    assert report.relaunches >= 1  # "Add network" goes back to home, not to "Internet"
    titles = {memory.page(s).description.split("title: ")[1].split(";")[0] for s in memory.graph}
    assert {"Saved", "Add Network"} <= titles


def test_exploration_respects_its_budget():
    _, _, report, events = explore(budget=5)
    assert report.actions <= 5
    assert events.of_kind("memory.explore.done")


def test_explored_memory_gives_a_path_to_a_deep_page():
    device, memory, _, _ = explore()
    device.launch("Settings")
    home = device.observe()
    hints = memory.hints("adaptive brightness", home)
    assert hints.next_action is not None
    assert home.element(hints.next_action.action["element"]).label == "Display"


def test_sensitive_filter_is_lexical_and_generic():
    from pocketpilot.devices import Screen

    xml = ('<hierarchy rotation="0"><node index="0" text="" resource-id="" class="android.widget.FrameLayout" '
           'package="p" content-desc="" bounds="[0,0][100,100]">'
           '<node index="0" text="Sign out" resource-id="" class="android.widget.Button" package="p" '
           'content-desc="" clickable="true" bounds="[0,0][50,50]" />'
           '<node index="1" text="" resource-id="p:id/btn_send" class="android.widget.ImageButton" package="p" '
           'content-desc="" clickable="true" bounds="[50,0][100,50]" />'
           '<node index="2" text="Sender settings" resource-id="" class="android.widget.Button" package="p" '
           'content-desc="" clickable="true" bounds="[0,50][100,100]" /></node></hierarchy>')
    sign_out, send, sender = Screen.from_xml(xml).elements
    assert is_sensitive(sign_out) and is_sensitive(send)
    assert not is_sensitive(sender)  # whole words only


def test_exploring_the_virtual_phone_records_its_pages():
    import pytest

    virtual = pytest.importorskip("pocketpilot.devices.virtual", reason="VirtualPhone not written yet")
    if not hasattr(virtual, "VirtualPhone"):
        pytest.skip("pocketpilot.devices.virtual does not export VirtualPhone yet")
    from pocketpilot.devices.registry import open_device

    device = open_device("virtual")
    try:
        app = device.apps()[0]
        memory = GraphMemory(None)
        report = Explorer(device, memory, budget=40).explore(app.label)
    finally:
        device.close()
    assert report.pages >= 2 and memory.stats().edges >= 1
