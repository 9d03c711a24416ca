"""Perception modes behind the ``Device`` seam: the UI tree, OCR of a screenshot, or both.

The tree is cheap and exact where apps expose it; OCR (runtime/ocr.py, PP-OCR on onnxruntime)
reads what canvases, games and web views draw but costs a screenshot and a det/rec pass per
step. ``PerceivingDevice.mode`` is switched live by the energy switcher. OCR text boxes become
clickable nodes appended to the dump, so tree elements keep their ids; a tap on a box becomes a
tap on its centre, because the driver only knows the ids of the tree it dumped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import xml.etree.ElementTree as ET
from typing import Any

from pocketpilot.devices.actions import Action, LongPress, Tap
from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.device import ActionResult, Device
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.screen import SYSTEM_UI, Screen, parse_uiautomator_xml
from pocketpilot.runtime.energy.accounting import EnergyMeter
from pocketpilot.runtime.energy.config_space import Perception
from pocketpilot.runtime.errors import OCRError
from pocketpilot.runtime.ocr import ScreenOCR, TextBox

OCR_CLASS = "pocketpilot.OcrText"  # class of the nodes OCR adds; never produced by an app


class PerceivingDevice:
    """A Device whose ``observe`` sees through ``mode``; every other call passes through."""

    def __init__(self, device: Device, ocr: ScreenOCR | None = None, *, mode: Perception = Perception.TREE,
                 on_event: EventSink = discard, meter: EnergyMeter | None = None) -> None:
        self.inner, self.mode, self.emit, self.meter = device, Perception(mode), on_event, meter
        self.ocr = ocr or ScreenOCR()
        self._points: dict[int, tuple[int, int]] = {}  # OCR element id -> centre, on the last screen
        self._last: tuple[bytes, list[TextBox]] | None = None  # screenshot digest -> its boxes

    def observe(self) -> Screen:
        tree = self.inner.observe()
        self._points = {}
        if self.mode is Perception.TREE:
            return tree
        boxes = self._read(tree)
        # in BOTH, OCR only adds what the tree does not say: text drawn outside every node with
        # text and every labelled control, and outside the system bars (their clock is not the app's)
        covered = [n.bounds for n in tree.nodes if (n.text or n.content_desc).strip() or n.package == SYSTEM_UI]
        covered += [e.bounds for e in tree.elements if e.label]  # a row's avatar letter is the row's
        covered = covered if self.mode is Perception.BOTH else []
        added = [b for b in boxes if not any(c.contains(*b.bounds.center) for c in covered)]
        screen = with_text_boxes(tree, added, keep_tree=self.mode is Perception.BOTH)
        self._points = {e.id: e.bounds.center for e in screen.elements if e.class_name == OCR_CLASS}
        self.emit(Event("perception.ocr", {"mode": self.mode.value, "boxes": len(boxes), "added": len(added)}))
        return screen

    def act(self, action: Action) -> ActionResult:
        element = getattr(action, "element", None)
        if element in self._points:
            x, y = self._points[element]
            if isinstance(action, Tap | LongPress):
                action = dataclasses.replace(action, element=None, x=x, y=y)
            else:
                raise OCRError(f"{type(action).__name__} needs a UI-tree element; element {element} is OCR text")
        return self.inner.act(action)

    def _read(self, tree: Screen) -> list[TextBox]:
        from PIL import Image

        png = self.inner.screenshot()
        image = Image.open(io.BytesIO(png))
        digest = hashlib.blake2b(png, digest_size=16).digest()
        if self._last is not None and self._last[0] == digest:
            boxes = self._last[1]  # the same pixels as the last read (observed again before acting)
        else:
            with self.meter.span("tool", "ocr") if self.meter is not None else contextlib.nullcontext():
                boxes = self.ocr.read(image)  # the det/rec pass is this mode's cost: a tool span of its own
            self._last = (digest, boxes)
        width, height = tree.size if tree.size != (0, 0) else image.size
        sx, sy = width / image.size[0], height / image.size[1]
        return [dataclasses.replace(b, bounds=Bounds(round(b.bounds.left * sx), round(b.bounds.top * sy),
                                                     round(b.bounds.right * sx), round(b.bounds.bottom * sy)))
                for b in boxes]

    def __getattr__(self, name: str) -> Any:  # screenshot, launch, sensors, apps, info, close ...
        return getattr(self.inner, name)


def with_text_boxes(tree: Screen, boxes: list[TextBox], *, keep_tree: bool) -> Screen:
    """``tree`` with one clickable node per box appended (``keep_tree``), or the boxes alone under
    the tree's package; nodes are appended last so the tree's element ids do not move."""
    root = ET.fromstring(tree.xml)
    if not keep_tree:
        for child in list(root):
            root.remove(child)
    package = tree.package
    for box in boxes:
        b = box.bounds
        ET.SubElement(root, "node", {
            "index": "0", "text": box.text, "resource-id": "", "class": OCR_CLASS, "package": package,
            "content-desc": "", "checkable": "false", "checked": "false", "clickable": "true",
            "enabled": "true", "focusable": "true", "focused": "false", "scrollable": "false",
            "long-clickable": "false", "password": "false", "selected": "false",
            "bounds": f"[{b.left},{b.top}][{b.right},{b.bottom}]",
        })
    return parse_uiautomator_xml(ET.tostring(root, encoding="unicode"), activity=tree.activity, size=tree.size)
