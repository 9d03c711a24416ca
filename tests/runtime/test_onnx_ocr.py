"""Execution-provider choice and screen OCR on the PP-OCR models rapidocr ships."""

from __future__ import annotations

import pytest

from pocketpilot.devices.screen import parse_uiautomator_xml
from pocketpilot.runtime.ocr import ScreenOCR, TextBox, boxes_as_elements, match_elements
from pocketpilot.runtime.onnx_providers import (
    OnnxSettings,
    choose_providers,
    create_session,
)


def test_npu_and_gpu_providers_come_first_and_cpu_is_always_last():
    available = ["CPUExecutionProvider", "XnnpackExecutionProvider", "QNNExecutionProvider",
                 "CUDAExecutionProvider", "AzureExecutionProvider"]
    assert choose_providers(available) == [
        "QNNExecutionProvider", "CUDAExecutionProvider", "XnnpackExecutionProvider",
        "CPUExecutionProvider"]


def test_cpu_fallback_when_nothing_better_exists():
    assert choose_providers(["AzureExecutionProvider"]) == ["CPUExecutionProvider"]
    assert choose_providers()[-1] == "CPUExecutionProvider"


def test_session_on_a_shipped_ocr_model_uses_thread_settings():
    from pocketpilot.runtime.ocr import ocr_model_paths

    session = create_session(ocr_model_paths()["cls"], OnnxSettings(intra_op_threads=1))
    assert session.get_providers()[-1] == "CPUExecutionProvider"


def test_unreadable_model_is_a_provider_error(tmp_path):
    from pocketpilot.runtime.errors import ProviderError

    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not onnx")
    with pytest.raises(ProviderError, match=r"bad\.onnx"):
        create_session(bad)


DUMP = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<hierarchy rotation="0">
  <node index="0" text="" resource-id="" class="android.widget.FrameLayout" package="com.game"
        content-desc="" checkable="false" checked="false" clickable="false" enabled="true"
        focusable="false" focused="false" scrollable="false" long-clickable="false"
        password="false" selected="false" bounds="[0,0][800,400]">
    <node index="0" text="" resource-id="com.game:id/canvas" class="android.view.View"
          package="com.game" content-desc="game canvas" checkable="false" checked="false"
          clickable="true" enabled="true" focusable="false" focused="false" scrollable="false"
          long-clickable="false" password="false" selected="false" bounds="[0,0][800,400]" />
  </node>
</hierarchy>"""


@pytest.fixture(scope="module")
def rendered():
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (800, 400), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    draw.text((60, 60), "START GAME", fill="black", font=font)
    draw.text((60, 240), "Settings", fill="black", font=font)
    return image


@pytest.fixture(scope="module")
def boxes(rendered):
    return ScreenOCR(OnnxSettings(intra_op_threads=2)).read(rendered)


def test_ocr_reads_rendered_text_with_boxes_where_it_was_drawn(boxes):
    by_text = {b.text.replace(" ", "").upper(): b for b in boxes}
    assert "STARTGAME" in by_text and "SETTINGS" in by_text
    start, settings = by_text["STARTGAME"].bounds, by_text["SETTINGS"].bounds
    assert 40 <= start.left <= 80 and 50 <= start.top <= 90
    assert settings.top > start.bottom and 230 <= settings.top <= 270


def test_ocr_boxes_map_onto_screen_elements(boxes):
    screen = parse_uiautomator_xml(DUMP)
    matched = match_elements(screen, boxes)
    assert all(el is not None and el.resource_id == "com.game:id/canvas" for _, el in matched)
    synthetic = boxes_as_elements(boxes, first_id=len(screen.elements) + 1)
    assert [e.label for e in synthetic] == [b.text for b in boxes]
    assert all(e.clickable for e in synthetic)


def test_text_box_round_trips(boxes):
    assert [TextBox.from_dict(b.to_dict()) for b in boxes] == boxes
