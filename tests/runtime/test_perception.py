"""Perception modes on the virtual phone's real screenshots: PP-OCR text as elements, tree ids kept."""

from __future__ import annotations

import pytest

from pocketpilot.devices.actions import Tap, TypeText
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.runtime.energy.config_space import Perception
from pocketpilot.runtime.errors import OCRError
from pocketpilot.runtime.ocr import ScreenOCR
from pocketpilot.runtime.perception import OCR_CLASS, PerceivingDevice


@pytest.fixture(scope="module")
def ocr() -> ScreenOCR:
    return ScreenOCR().load()


def _clock(ocr: ScreenOCR, mode: Perception) -> tuple[VirtualPhone, PerceivingDevice]:
    phone = VirtualPhone()
    phone.launch("Clock")
    return phone, PerceivingDevice(phone, ocr, mode=mode)


def test_tree_mode_is_the_tree(ocr):
    phone, device = _clock(ocr, Perception.TREE)
    assert [e.label for e in device.observe().elements] == [e.label for e in phone.observe().elements]


def test_ocr_mode_reads_the_screen_and_a_tap_on_read_text_lands(ocr):
    phone, device = _clock(ocr, Perception.OCR)
    screen = device.observe()
    assert screen.elements and all(e.class_name == OCR_CLASS for e in screen.elements)
    assert screen.package == phone.observe().package  # the app is still known
    add = next(e for e in screen.elements if e.label == "Add alarm")
    device.act(Tap(element=add.id))  # no such id in the phone's tree: tapped at the text's centre
    assert any(e.label == "Hour" for e in phone.observe().elements)  # the alarm editor opened
    with pytest.raises(OCRError, match="UI-tree element"):
        device.act(TypeText("7", element=screen.elements[0].id))


def test_both_adds_only_what_the_tree_lacks_and_keeps_tree_ids(ocr):
    phone, device = _clock(ocr, Perception.BOTH)
    tree = phone.observe()
    both = device.observe()
    assert [(e.id, e.label) for e in both.elements[: len(tree.elements)]] == [(e.id, e.label) for e in tree.elements]
    # every word on this screen is in the tree already, and the status bar is not the app's
    assert not [e for e in both.elements if e.class_name == OCR_CLASS]


def test_the_same_pixels_are_read_once_and_each_read_is_metered(ocr):
    from pocketpilot.runtime.energy.accounting import EnergyMeter
    from pocketpilot.runtime.energy.power_model import PROFILES

    phone = VirtualPhone()
    phone.launch("Clock")
    meter = EnergyMeter(PROFILES["phone-big-core"])
    device = PerceivingDevice(phone, ocr, mode=Perception.OCR, meter=meter)
    first, again = device.observe(), device.observe()
    assert [e.label for e in first.elements] == [e.label for e in again.elements]
    assert [f.name for f in meter.figures] == ["ocr"]  # observed twice, one det/rec pass
    device.act(Tap(element=next(e.id for e in again.elements if e.label == "Add alarm")))
    device.observe()
    assert [f.name for f in meter.figures] == ["ocr", "ocr"]  # new pixels, a new read
