"""The view tree the virtual apps build each frame: Android-like widgets with absolute bounds.

Apps are immediate-mode: every dump, screenshot or touch rebuilds the tree from state, so a
tree never goes stale. A ``View`` carries what uiautomator reports (class, text, flags) plus
the behaviour a touch triggers and a few looks hints for the PNG renderer. All geometry is in
logical pixels of a 1080-wide screen; the phone scales to the real size at the edges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pocketpilot.devices.bounds import Bounds

WIDTH = 1080
TEXT_VIEW = "android.widget.TextView"
BUTTON = "android.widget.Button"
IMAGE_BUTTON = "android.widget.ImageButton"
IMAGE_VIEW = "android.widget.ImageView"
EDIT_TEXT = "android.widget.EditText"
SWITCH = "android.widget.Switch"
CHECK_BOX = "android.widget.CheckBox"
RADIO_BUTTON = "android.widget.RadioButton"
SEEK_BAR = "android.widget.SeekBar"
FRAME = "android.widget.FrameLayout"
LINEAR = "android.widget.LinearLayout"
VIEW_GROUP = "android.view.ViewGroup"
RECYCLER = "androidx.recyclerview.widget.RecyclerView"
SCROLL_VIEW = "android.widget.ScrollView"

Action = Callable[[], None]


@dataclass(eq=False)
class View:
    """One node: uiautomator attributes, what a touch does, and PNG looks (``style``, ``size``)."""

    cls: str
    box: Bounds
    text: str = ""
    rid: str = ""  # short id ("send") or full ("android:id/button1")
    desc: str = ""
    clickable: bool = False
    long_clickable: bool = False
    checkable: bool = False
    checked: bool = False
    enabled: bool = True
    focusable: bool = False
    focused: bool = False
    scrollable: bool = False
    password: bool = False
    selected: bool = False
    children: list[View] = field(default_factory=list)
    package: str = ""  # filled from the window unless set
    on_tap: Action | None = None
    on_tap_at: Callable[[int, int], None] | None = None  # seek bars: where along it
    on_long: Action | None = None
    input_key: str | None = None  # EditText: key of its value in the page's fields
    on_enter: Action | None = None
    select_on_focus: bool = False  # focusing selects all, so typing replaces (time pickers)
    scroll_key: str | None = None
    scroll_max: int = 0
    scroll_reverse: bool = False  # offset counts from the end (chat transcripts)
    style: str = ""
    size: int = 44  # font px
    hint: str = ""
    glyph: str = ""  # icon drawn for image buttons
    painted: str = ""  # text drawn into an image's pixels only: OCR can read it, the dump cannot

    @property
    def touchable(self) -> bool:
        return bool(
            self.enabled
            and (self.on_tap or self.on_tap_at or self.on_long or self.input_key is not None)
        )


def flatten(root: View, clip: Bounds) -> Iterator[tuple[View, Bounds]]:
    """Pre-order (drawing order) walk with each view's bounds clipped by its ancestors."""
    visible = root.box.intersect(clip)
    if visible.area == 0:
        return
    yield root, visible
    for child in root.children:
        yield from flatten(child, visible)


def group(box: Bounds, children: list[View], *, rid: str = "", cls: str = FRAME) -> View:
    return View(cls, box, rid=rid, children=[c for c in children if c is not None])


def label(box: Bounds, text: str, *, rid: str = "", size: int = 44, style: str = "body") -> View:
    return View(TEXT_VIEW, box, text=text, rid=rid, size=size, style=style)


def button(
    box: Bounds, text: str, on_tap: Action, *, rid: str = "", icon: str = "", style: str = "button"
) -> View:
    """A text button; with ``icon`` it is an icon-only ImageButton described by ``text``."""
    if icon:
        return icon_button(box, text, on_tap, rid=rid, glyph=icon)
    return View(
        BUTTON, box, text=text, rid=rid, clickable=True, focusable=True, on_tap=on_tap,
        style=style, size=42,
    )


def icon_button(box: Bounds, desc: str, on_tap: Action, *, rid: str = "", glyph: str = "") -> View:
    return View(
        IMAGE_BUTTON, box, desc=desc, rid=rid, clickable=True, focusable=True, on_tap=on_tap,
        style="icon", glyph=glyph or desc[:1],
    )


def edit(
    box: Bounds,
    key: str,
    value: str,
    hint: str,
    *,
    focused: bool,
    rid: str = "",
    on_enter: Action | None = None,
    select_on_focus: bool = False,
    size: int = 44,
) -> View:
    """A text field: ``text`` is what was typed, the hint is its content description."""
    return View(
        EDIT_TEXT, box, text=value, rid=rid, desc=hint, clickable=True, focusable=True,
        focused=focused, long_clickable=True, input_key=key, on_enter=on_enter,
        select_on_focus=select_on_focus, hint=hint, style="edit", size=size,
    )


def row(
    box: Bounds,
    title: str,
    subtitle: str = "",
    *,
    on_tap: Action | None = None,
    on_long: Action | None = None,
    rid: str = "",
    title_rid: str = "",
    subtitle_rid: str = "",
    trailing: View | None = None,
    lead: int = 48,
) -> View:
    """A list item: a clickable LinearLayout holding a title and an optional second line."""
    right = trailing.box.left - 16 if trailing else box.right - 48
    children: list[View] = []
    if subtitle:
        mid = box.top + box.height // 2
        children.append(label(Bounds(box.left + lead, mid - 62, right, mid), title, rid=title_rid,
                              size=46, style="title"))
        children.append(label(Bounds(box.left + lead, mid + 4, right, mid + 56), subtitle,
                              rid=subtitle_rid, size=38, style="secondary"))
    else:
        mid = box.top + box.height // 2
        children.append(label(Bounds(box.left + lead, mid - 32, right, mid + 32), title,
                              rid=title_rid, size=46, style="title"))
    if trailing:
        children.append(trailing)
    return View(
        LINEAR, box, rid=rid, clickable=on_tap is not None, focusable=on_tap is not None,
        long_clickable=on_long is not None, on_tap=on_tap, on_long=on_long, children=children,
        style="row",
    )


def switch_row(
    box: Bounds, title: str, summary: str, checked: bool, on_tap: Action, *, rid: str = ""
) -> View:
    """A settings toggle: the whole row is clickable and checkable, the Switch shows the state."""
    switch = View(
        SWITCH, Bounds(box.right - 200, box.top + box.height // 2 - 40, box.right - 48,
                       box.top + box.height // 2 + 40),
        rid="android:id/switch_widget", checkable=True, checked=checked, style="switch",
    )
    item = row(box, title, summary, on_tap=on_tap, rid=rid, trailing=switch,
               title_rid="android:id/title", subtitle_rid="android:id/summary")
    item.checkable, item.checked = True, checked
    return item


def checkbox(box: Bounds, text: str, checked: bool, on_tap: Action, *, rid: str = "") -> View:
    return View(
        CHECK_BOX, box, text=text, rid=rid, checkable=True, checked=checked, clickable=True,
        focusable=True, on_tap=on_tap, style="checkbox", size=46,
    )


def radio(box: Bounds, text: str, checked: bool, on_tap: Action, *, rid: str = "") -> View:
    return View(
        RADIO_BUTTON, box, text=text, rid=rid, checkable=True, checked=checked, clickable=True,
        focusable=True, on_tap=on_tap, style="radio", size=42,
    )


def toolbar(
    box: Bounds, title: str, *, on_up: Action | None = None, actions: list[View] | None = None,
    rid: str = "toolbar", title_rid: str = "title",
) -> View:
    children: list[View] = []
    left = box.left + 48
    if on_up is not None:
        children.append(icon_button(Bounds(box.left + 8, box.top + 14, box.left + 140,
                                           box.bottom - 14), "Navigate up", on_up, glyph="<"))
        left = box.left + 160
    right = min((a.box.left for a in actions or []), default=box.right - 48)
    children.append(label(Bounds(left, box.top + 40, right, box.bottom - 40), title,
                          rid=title_rid, size=56, style="heading"))
    children.extend(actions or [])
    return View(VIEW_GROUP, box, rid=rid, children=children, style="toolbar")


def tabs(box: Bounds, items: list[tuple[str, bool, Action, str]]) -> View:
    """A bottom navigation / tab bar: (label, selected, on_tap, rid) per tab."""
    width = box.width // max(1, len(items))
    children = [
        View(
            FRAME, Bounds(box.left + i * width, box.top, box.left + (i + 1) * width, box.bottom),
            rid=rid, clickable=True, focusable=True, selected=selected, on_tap=tap,
            children=[label(Bounds(box.left + i * width + 8, box.top + 40,
                                   box.left + (i + 1) * width - 8, box.bottom - 40), text,
                            size=40, style="tab-selected" if selected else "tab")],
        )
        for i, (text, selected, tap, rid) in enumerate(items)
    ]
    return View(LINEAR, box, rid="tabs", children=children, style="tabs")


def fab(area: Bounds, text: str, on_tap: Action, *, rid: str, extended: bool = True) -> View:
    """The floating action button in the bottom corner: extended (icon + label) or icon-only."""
    if extended:
        width = 96 + 26 * len(text)
        box = Bounds(area.right - 48 - width, area.bottom - 48 - 168, area.right - 48,
                     area.bottom - 48)
        return View(BUTTON, box, text=text, rid=rid, clickable=True, focusable=True,
                    on_tap=on_tap, style="fab", size=42)
    box = Bounds(area.right - 216, area.bottom - 216, area.right - 48, area.bottom - 48)
    return View(IMAGE_BUTTON, box, desc=text, rid=rid, clickable=True, focusable=True,
                on_tap=on_tap, style="fab", glyph="+")


def recycler(
    box: Bounds,
    rows: list[tuple[int, Callable[[Bounds], View]]],
    *,
    key: str,
    offset: int,
    rid: str = "recycler_view",
    stick_to_end: bool = False,
) -> View:
    """A scrolling list: only rows at least partly inside ``box`` are built, like RecyclerView.

    ``rows`` are (height, build) pairs; ``offset`` is how far the content is scrolled (clamped);
    ``stick_to_end`` counts it from the end instead (chat transcripts open at the newest).
    """
    content = sum(height for height, _ in rows)
    limit = max(0, content - box.height)
    shift = limit - min(max(offset, 0), limit) if stick_to_end else min(max(offset, 0), limit)
    children: list[View] = []
    y = box.top - shift
    if stick_to_end and content < box.height:
        y = box.bottom - content  # a short transcript sits at the bottom, by the compose box
    for height, build in rows:
        item = Bounds(box.left, y, box.right, y + height)
        if item.bottom > box.top and item.top < box.bottom:
            children.append(build(item))
        y += height
    return View(
        RECYCLER, box, rid=rid, scrollable=True, focusable=True, children=children,
        scroll_key=key, scroll_max=limit, scroll_reverse=stick_to_end, style="list",
    )


def column(left: int, top: int, right: int) -> Callable[[int], Bounds]:
    """A cursor handing out stacked boxes: ``take(height)`` returns the next box and moves down."""
    cursor = [top]

    def take(height: int, gap: int = 0) -> Bounds:
        cursor[0] += gap
        box = Bounds(left, cursor[0], right, cursor[0] + height)
        cursor[0] += height
        return box

    return take
