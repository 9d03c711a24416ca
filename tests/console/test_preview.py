"""A screenshot in the run dir shows as half-block cells next to the element list."""

from __future__ import annotations

import json

from PIL import Image
from textual.widgets import Static

from pocketpilot.apps.console.app import ConsoleApp
from pocketpilot.apps.console.preview import half_blocks


def test_an_image_becomes_two_pixels_per_cell(tmp_path):
    Image.new("RGB", (40, 80), (255, 0, 0)).save(tmp_path / "s.png")
    text = half_blocks(tmp_path / "s.png", width=10, height=10)
    assert text.plain.splitlines() == ["▀" * 10] * 10  # a cell is about twice as tall as wide


def test_an_unreadable_image_gives_no_preview(tmp_path):
    (tmp_path / "s.png").write_bytes(b"not a png")
    assert half_blocks(tmp_path / "s.png", 10, 10) is None


async def test_the_screen_panel_previews_the_observed_screenshot(tmp_path):
    (tmp_path / "screens").mkdir()
    Image.new("RGB", (40, 80), (0, 128, 0)).save(tmp_path / "screens" / "0001.png")
    observe = {"signature": "s", "package": "p", "elements": 1, "lines": ["[1] Button \"OK\""],
               "screenshot": "screens/0001.png"}
    (tmp_path / "events.jsonl").write_text(json.dumps({"kind": "device.observe", "ts": 1.0, "data": observe}) + "\n")
    app = ConsoleApp(tmp_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        preview = app.screen.query_one("#preview", Static)
        assert preview.display and "▀" in str(preview.render())
