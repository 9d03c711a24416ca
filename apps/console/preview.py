"""A screenshot as half-block characters: two pixels per cell, so any truecolor terminal shows it."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from rich.text import Text


def half_blocks(path: Path, width: int, height: int) -> Text | None:
    """``path`` scaled into ``width`` x ``height`` cells; None when there is no readable image."""
    try:
        from PIL import Image, UnidentifiedImageError  # only needed when a run has screenshots
    except ImportError:
        return None
    try:
        with Image.open(path) as image:
            rgb = image.convert("RGB")
    except (OSError, UnidentifiedImageError):
        return None
    scale = min(width / rgb.width, 2 * height / rgb.height)
    cols, rows = max(1, int(rgb.width * scale)), max(2, int(rgb.height * scale) // 2 * 2)
    small = rgb.resize((cols, rows))
    pixels = small.load()
    text = Text()
    for y in range(0, rows, 2):
        for x in range(cols):
            top, bottom = pixels[x, y], pixels[x, y + 1]
            text.append("▀", Style(color=f"rgb{top}", bgcolor=f"rgb{bottom}"))
        if y + 2 < rows:
            text.append("\n")
    return text
