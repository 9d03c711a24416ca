"""Windows of views -> the exact XML ``uiautomator dump`` writes.

Same attributes, order and nesting as the real tool: one line, leaf nodes self-closed, bounds
clipped to the visible part (RecyclerView rows half off-screen report the visible half) and
nodes with nothing visible left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual.system import Window
from pocketpilot.devices.virtual.widgets import View

_HEADER = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def dump(windows: Sequence[Window], screen: Bounds, scale: float = 1.0) -> str:
    out = [_HEADER, '<hierarchy rotation="0">']
    for window in windows:
        _node(window.root, 0, window.package, screen, scale, out)
    out.append("</hierarchy>")
    return "".join(out)


def _node(view: View, index: int, package: str, clip: Bounds, scale: float, out: list[str]) -> None:
    visible = view.box.intersect(clip)
    if visible.area == 0:
        return
    package = view.package or package
    rid = view.rid if not view.rid or ":" in view.rid else f"{package}:id/{view.rid}"
    bounds = _scaled(visible, scale)
    out.append(
        f'<node index="{index}" text="{_attr(view.text)}" resource-id="{_attr(rid)}" '
        f'class="{view.cls}" package="{package}" content-desc="{_attr(view.desc)}" '
        f'checkable="{_b(view.checkable)}" checked="{_b(view.checked)}" '
        f'clickable="{_b(view.clickable)}" enabled="{_b(view.enabled)}" '
        f'focusable="{_b(view.focusable)}" focused="{_b(view.focused)}" '
        f'scrollable="{_b(view.scrollable)}" long-clickable="{_b(view.long_clickable)}" '
        f'password="{_b(view.password)}" selected="{_b(view.selected)}" bounds="{bounds}"'
    )
    children = [c for c in view.children if c.box.intersect(visible).area > 0]
    if not children:
        out.append(" />")
        return
    out.append(">")
    for position, child in enumerate(view.children):
        if child in children:
            _node(child, position, package, visible, scale, out)
    out.append("</node>")


def _scaled(box: Bounds, scale: float) -> Bounds:
    if scale == 1.0:
        return box
    return Bounds(*(round(v * scale) for v in box.as_list()))


def _attr(text: str) -> str:
    return escape(text, _ENTITIES)


def _b(flag: bool) -> str:
    return "true" if flag else "false"
