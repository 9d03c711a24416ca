"""Windows of views -> a PNG of the same layout, legible enough for OCR.

Dark text on light surfaces, fonts of 36px and up at 1080 wide, bounds identical to the XML
dump. Scrolling lists are drawn into their own layer and cropped, so half-visible rows are cut
at the list's edge like on a phone.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from pocketpilot.devices.virtual.system import Window
from pocketpilot.devices.virtual.widgets import View

INK = (28, 27, 31)
MUTED = (80, 80, 88)
HINT = (100, 100, 108)
ACCENT = (11, 87, 208)
SURFACE = (255, 255, 255)
BAR = (240, 241, 245)
DIVIDER = (225, 226, 232)
BUTTON_FILL = (214, 227, 255)
FILLS = {
    "statusbar": BAR, "navbar": BAR, "shade": (232, 234, 242), "dialog": SURFACE,
    "tabs": BAR, "toolbar": SURFACE,
}


@lru_cache(maxsize=32)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def render(windows: Sequence[Window], size: tuple[int, int], out_size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", size, SURFACE)
    for window in windows:
        if window.modal and window.root.style == "dialog":
            image = Image.blend(image, Image.new("RGB", size, (0, 0, 0)), 0.32)
        _draw(window.root, image, (0, 0))
    if out_size != size:
        image = image.resize(out_size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=3)
    return buffer.getvalue()


def _draw(view: View, image: Image.Image, origin: tuple[int, int]) -> None:
    ox, oy = origin
    box = (view.box.left - ox, view.box.top - oy, view.box.right - ox, view.box.bottom - oy)
    draw = ImageDraw.Draw(image)
    _paint(view, draw, box)
    if view.scroll_key is not None:
        # Draw the list's rows on a layer the size of the list and paste it: rows are clipped.
        layer = Image.new("RGB", (max(1, view.box.width), max(1, view.box.height)),
                          FILLS.get(view.style, SURFACE))
        for child in view.children:
            _draw(child, layer, (view.box.left, view.box.top))
        image.paste(layer, (box[0], box[1]))
        return
    for child in view.children:
        _draw(child, image, origin)


def _paint(view: View, draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    style = view.style
    if style in FILLS:
        radius = 36 if style == "dialog" else 0
        draw.rounded_rectangle(box, radius=radius, fill=FILLS[style])
    if style == "row":
        draw.line((left + 32, bottom - 1, right - 32, bottom - 1), fill=DIVIDER, width=2)
    elif style in ("button", "fab", "dialog-button"):
        fill = SURFACE if style == "dialog-button" else BUTTON_FILL
        if not view.enabled:
            fill = (232, 232, 236)
        draw.rounded_rectangle(box, radius=min(48, (bottom - top) // 2), fill=fill,
                               outline=ACCENT if style == "dialog-button" else None, width=2)
        _text(draw, view.text, box, view.size, INK if view.enabled else HINT, center=True)
        if not view.text and view.glyph:
            _text(draw, view.glyph, box, 72, INK, center=True)
    elif style == "icon":
        _glyph(draw, view.glyph, box)
    elif style == "edit":
        width = 4 if view.focused else 2
        draw.rounded_rectangle(box, radius=12, outline=ACCENT if view.focused else MUTED,
                               width=width)
        inner = (left + 28, top + 8, right - 28, bottom - 8)
        if view.text:
            _text(draw, view.text, inner, view.size, INK, wrap=bottom - top > 200)
        else:
            _text(draw, view.hint, inner, view.size, HINT, wrap=bottom - top > 200)
    elif style == "switch":
        fill = ACCENT if view.checked else (190, 190, 198)
        draw.rounded_rectangle(box, radius=(bottom - top) // 2, fill=fill)
        cx = right - (bottom - top) // 2 if view.checked else left + (bottom - top) // 2
        r = (bottom - top) // 2 - 8
        draw.ellipse((cx - r, top + 8, cx + r, bottom - 8), fill=SURFACE)
    elif style in ("checkbox", "radio"):
        mark = (left + 16, top + (bottom - top) // 2 - 30, left + 76, top + (bottom - top) // 2 + 30)
        shape = draw.rectangle if style == "checkbox" else draw.ellipse
        shape(mark, outline=INK, width=4, fill=ACCENT if view.checked else None)
        _text(draw, view.text, (left + 100, top, right, bottom), view.size, INK)
    elif style == "seekbar":
        mid = (top + bottom) // 2
        draw.line((left + 24, mid, right - 24, mid), fill=(190, 190, 198), width=10)
        value = int(view.text or 0)
        x = left + 24 + (right - left - 48) * value // 100
        draw.line((left + 24, mid, x, mid), fill=ACCENT, width=10)
        draw.ellipse((x - 28, mid - 28, x + 28, mid + 28), fill=ACCENT)
    elif style in ("tile", "tile-on"):
        fill = (168, 199, 250) if style == "tile-on" else (214, 218, 228)
        draw.rounded_rectangle(box, radius=40, fill=fill)
        _text(draw, view.text, (left + 40, top, right - 20, bottom), view.size, INK)
    elif style == "app-icon":
        cx, size = (left + right) // 2, 150
        draw.ellipse((cx - size // 2, top + 20, cx + size // 2, top + 20 + size),
                     fill=_color(view.text))
        _text(draw, view.text[:1], (cx - size // 2, top + 20, cx + size // 2, top + 20 + size),
              72, SURFACE, center=True)
        _text(draw, view.text, (left, top + 190, right, bottom), view.size, INK, center=True)
    elif style == "image":
        draw.rectangle(box, fill=_color(view.desc))
        draw.ellipse((left + 40, top + 40, left + 160, top + 160), fill=(250, 240, 200))
    elif style.startswith("picture"):
        _picture(draw, box, style.partition("-")[2], view.painted, view.desc)
    elif style == "chip":
        draw.rounded_rectangle(box, radius=(bottom - top) // 2,
                               fill=ACCENT if view.checked else BAR, outline=MUTED, width=2)
        _text(draw, view.text, box, view.size, SURFACE if view.checked else INK, center=True)
    elif style == "avatar":
        draw.ellipse(box, fill=_color(view.glyph))
        _text(draw, view.glyph, box, view.size, SURFACE, center=True)
    elif style == "battery":
        draw.rectangle((left + 4, top + 8, right - 4, bottom - 2), outline=INK, width=3)
        draw.rectangle((left + 16, top, right - 16, top + 8), fill=INK)
    elif style == "status-icon":
        _glyph(draw, view.glyph, box, size=36)
    elif style == "bubble-in":
        draw.rounded_rectangle(box, radius=36, fill=(233, 236, 244))
        _text(draw, view.text, (left + 32, top + 12, right - 32, bottom - 12), view.size, INK,
              wrap=True)
    elif style == "bubble-out":
        draw.rounded_rectangle(box, radius=36, fill=BUTTON_FILL)
        _text(draw, view.text, (left + 32, top + 12, right - 32, bottom - 12), view.size, INK,
              wrap=True)
    elif view.text and style != "app-icon":
        color = {"secondary": MUTED, "tab": MUTED, "tab-selected": ACCENT, "error": (179, 38, 30)}
        _text(draw, view.text, box, view.size, color.get(style, INK),
              wrap=style in ("body", "wrap"), center=style in ("tab", "tab-selected"))
        if style == "tab-selected":
            draw.line((left + 40, bottom + 24, right - 40, bottom + 24), fill=ACCENT, width=6)


def _text(
    draw: ImageDraw.ImageDraw, text: str, box: tuple[int, int, int, int], size: int,
    color: tuple[int, int, int], *, center: bool = False, wrap: bool = False,
) -> None:
    if not text or size <= 0:
        return
    face = font(size)
    left, top, right, bottom = box
    width = max(1, right - left)
    lines = _wrap(text, face, width) if wrap else [_fit(text.replace("\n", " "), face, width)]
    line_h = int(size * 1.3)
    height = line_h * len(lines)
    y = top + max(0, (bottom - top - height) // 2) if not wrap or height < bottom - top else top
    for line in lines:
        if y + size > bottom + size // 3:
            break
        x = left + (width - int(draw.textlength(line, font=face))) // 2 if center else left
        draw.text((x, y + (line_h - size) // 2), line, fill=color, font=face)
        y += line_h


def _fit(text: str, face, width: int) -> str:
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, face, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}".strip()
            if face.getlength(candidate) <= width or not current:
                current = _fit(candidate, face, width)
            else:
                lines.append(current)
                current = _fit(word, face, width)
        lines.append(current)
    return lines


# Paper, ink and text size per kind of picture; sizes are large enough for PP-OCR at 1080 wide.
_LOOKS = {
    "receipt": ((246, 246, 240), (20, 20, 20), 46),
    "poster": ((25, 60, 140), (255, 255, 255), 64),
    "note": ((255, 244, 190), (40, 36, 20), 50),
}


def _picture(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], look: str, text: str,
             key: str) -> None:
    """An image: a photo-like fill, or paper of the ``look`` with ``text`` drawn line by line."""
    left, top, right, bottom = box
    if look not in _LOOKS:
        draw.rectangle(box, fill=_color(key))
        draw.ellipse((left + 40, top + 40, left + 160, top + 160), fill=(250, 240, 200))
        return
    paper, ink, size = _LOOKS[look]
    draw.rectangle(box, fill=(60, 60, 66))
    margin = 0 if look == "note" else min(60, (right - left) // 8)
    sheet = (left + margin, top + margin // 2, right - margin, bottom - margin // 2)
    draw.rectangle(sheet, fill=paper)
    if not text:  # a thumbnail: lines where the text is, too small to read
        for y in range(sheet[1] + 40, sheet[3] - 30, 36):
            draw.line((sheet[0] + 24, y, sheet[2] - 40, y), fill=HINT, width=6)
        return
    lines = text.split("\n")
    line_h = int(size * 1.6)
    y = sheet[1] + max(40, (sheet[3] - sheet[1] - line_h * len(lines)) // 2)
    for line in lines:
        if y + line_h > sheet[3]:
            break
        _text(draw, line, (sheet[0] + 48, y, sheet[2] - 48, y + line_h), size, ink,
              center=look == "poster")
        y += line_h


def _glyph(draw: ImageDraw.ImageDraw, glyph: str, box: tuple[int, int, int, int],
           size: int = 56) -> None:
    left, top, right, bottom = box
    cx, cy = (left + right) // 2, (top + bottom) // 2
    r = min(right - left, bottom - top) // 2 - 6
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=MUTED, width=3)
    _text(draw, glyph, (left, top, right, bottom), size, INK, center=True)


def _color(key: str) -> tuple[int, int, int]:
    digest = hashlib.md5(key.encode("utf-8")).digest()
    return (60 + digest[0] % 120, 60 + digest[1] % 120, 60 + digest[2] % 120)
