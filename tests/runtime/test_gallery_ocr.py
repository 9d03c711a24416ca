"""Pictures in the virtual phone's Gallery carry text in their pixels only: the UI tree cannot
say it, and the perception path's OCR reads it."""

from __future__ import annotations

import pytest

from pocketpilot.devices.actions import Tap
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.runtime.energy.config_space import Perception
from pocketpilot.runtime.ocr import ScreenOCR
from pocketpilot.runtime.perception import OCR_CLASS, PerceivingDevice

PICTURES = [
    ("Photo taken May 13, 2024, 7:12 PM", ["LUIGI'S TRATTORIA", "TOTAL", "$38.70"]),
    ("Photo taken May 11, 2024, 8:30 AM", ["FARMERS", "Saturday May 18", "Pier 39"]),
    ("Screenshot from May 12, 2024, 10:15 AM", ["Locker code", "7391"]),
]


@pytest.fixture(scope="module")
def ocr() -> ScreenOCR:
    return ScreenOCR().load()


@pytest.mark.parametrize(("picture", "words"), PICTURES, ids=["receipt", "poster", "note"])
@pytest.mark.parametrize(("variant", "mode"), [(0, Perception.BOTH), (3, Perception.OCR)])
def test_ocr_reads_what_a_gallery_picture_shows_and_the_tree_does_not(ocr, picture, words,
                                                                        variant, mode):
    phone = VirtualPhone(variant=variant)
    phone.launch("Gallery")
    device = PerceivingDevice(phone, ocr, mode=mode)
    grid = phone.observe()
    device.act(Tap(element=next(e for e in grid.elements if e.desc == picture).id))
    tree = phone.observe()
    screen = device.observe()
    read = " | ".join(e.label for e in screen.elements if e.class_name == OCR_CLASS)
    for word in words:
        assert not tree.find(word), f"{word!r} leaked into the UI tree"
        assert word.lower() in read.lower(), f"OCR did not read {word!r}: {read}"
