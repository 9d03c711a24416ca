"""System UI of the virtual phone: status bar, navigation bar, notification shade and the
window that hosts dialogs (alerts, permission prompts, tips, choosers).

Each is a separate window in the dump, as on a real phone, so the status bar's clock and
battery (package com.android.systemui) never count towards an app's page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.nav import Action, Dialog, Navigator

SYSTEMUI = "com.android.systemui"
PERMISSION_UI = "com.google.android.permissioncontroller"
STATUS_BAR_HEIGHT = 128
NAV_BAR_HEIGHT = 132


@dataclass(frozen=True)
class Window:
    """A top-level window: its views, and whether touches outside it are swallowed."""

    package: str
    root: w.View
    modal: bool = False
    on_outside: Action | None = None


def status_bar(nav: Navigator, width: int, battery: int, charging: bool) -> Window:
    clock = nav.state.clock
    time_text = clock.strftime("%H:%M") if nav.state.settings.use_24h else (
        f"{clock.hour % 12 or 12}:{clock.minute:02d}"
    )
    children = [w.label(Bounds(56, 32, 260, 96), time_text, rid="clock", size=40, style="status")]
    x = width - 56
    percent = w.label(Bounds(x - 110, 32, x, 96), f"{battery}%",
                      rid="battery_percentage_view", size=40, style="status")
    icon_desc = f"Battery {battery} percent." + (" Charging." if charging else "")
    battery_icon = w.View(w.IMAGE_VIEW, Bounds(x - 170, 38, x - 120, 90), rid="battery",
                          desc=icon_desc, style="battery", glyph="+" if charging else "")
    children += [battery_icon, percent]
    settings = nav.state.settings
    icons = [("Airplane mode on.", "airplane", "A")] if settings.airplane else []
    if settings.wifi and not settings.airplane:
        icons.append(("Wi-Fi signal full.", "wifi_signal", "W"))
    if settings.bluetooth:
        icons.append(("Bluetooth on.", "bluetooth", "B"))
    if settings.dnd:
        icons.append(("Do Not Disturb on.", "dnd", "D"))
    right = x - 190
    for desc, rid, glyph in icons:
        children.append(w.View(w.IMAGE_VIEW, Bounds(right - 56, 38, right, 90), rid=rid,
                               desc=desc, style="status-icon", glyph=glyph))
        right -= 72
    if nav.state.notifications:
        children.append(w.View(w.IMAGE_VIEW, Bounds(280, 38, 332, 90), rid="notification_icon",
                               desc=f"{len(nav.state.notifications)} notifications",
                               style="status-icon", glyph="!"))
    root = w.group(Bounds(0, 0, width, STATUS_BAR_HEIGHT), children, rid="status_bar")
    root.style = "statusbar"
    return Window(SYSTEMUI, root)


def nav_bar(nav: Navigator, width: int, height: int) -> Window:
    top = height - NAV_BAR_HEIGHT
    third = width // 3
    buttons = [
        w.icon_button(Bounds(i * third + 60, top + 6, (i + 1) * third - 60, height - 6), desc,
                      tap, rid=rid, glyph=glyph)
        for i, (desc, tap, rid, glyph) in enumerate((
            ("Back", nav.back, "back", "<"),
            ("Home", nav.home, "home", "o"),
            ("Overview", lambda: None, "recent_apps", "="),
        ))
    ]
    root = w.group(Bounds(0, top, width, height), buttons, rid="navigation_bar_frame")
    root.style = "navbar"
    return Window(SYSTEMUI, root)


def shade(nav: Navigator, width: int, height: int) -> Window:
    """The pulled-down notification shade: quick settings tiles, brightness, notifications."""
    state = nav.state
    settings = state.settings

    def toggle(name: str) -> Action:
        return lambda: state.set_settings(**{name: not getattr(settings, name)})

    tiles = [
        ("Internet", "wifi"), ("Bluetooth", "bluetooth"), ("Do Not Disturb", "dnd"),
        ("Battery Saver", "battery_saver"), ("Airplane mode", "airplane"),
        ("Dark theme", "dark_theme"),
    ]
    children: list[w.View] = []
    tile_w = (width - 48 * 2 - 24) // 2
    for i, (text, name) in enumerate(tiles):
        left = 48 + (i % 2) * (tile_w + 24)
        top = STATUS_BAR_HEIGHT + 24 + (i // 2) * 160
        on = bool(getattr(settings, name))
        children.append(w.View(
            w.SWITCH, Bounds(left, top, left + tile_w, top + 136), text=text, rid="qs_tile",
            desc=text, checkable=True, checked=on, clickable=True, focusable=True,
            on_tap=toggle(name), style="tile-on" if on else "tile", size=42,
        ))
    y = STATUS_BAR_HEIGHT + 24 + 3 * 160

    def set_brightness(x: int, _y: int) -> None:
        state.set_settings(brightness=max(0, min(100, round((x - 48) * 100 / (width - 96)))))

    children.append(w.View(w.SEEK_BAR, Bounds(48, y, width - 48, y + 96), rid="slider",
                           desc="Display brightness", text=f"{settings.brightness}",
                           clickable=True, focusable=True, on_tap_at=set_brightness,
                           style="seekbar", size=0))
    y += 144
    rows: list[tuple[int, object]] = []
    for note in reversed(state.notifications):
        app = nav.apps.get(note.app)

        def open_app(note=note) -> None:
            state.remove("notifications", note.id)
            nav.shade_open = False
            if note.app in nav.apps:
                nav.apps[note.app].open_notification(nav, note)

        rows.append((200, lambda box, note=note, app=app, tap=open_app: w.row(
            box, note.title, note.text, on_tap=tap, rid="notification",
            title_rid="android:id/title", subtitle_rid="android:id/text",
            trailing=w.label(Bounds(box.right - 260, box.top + 30, box.right - 48, box.top + 80),
                             app.label if app else "", rid="app_name_text", size=36,
                             style="secondary"),
        )))
    bottom = height - NAV_BAR_HEIGHT - 160
    if rows:
        children.append(w.recycler(Bounds(0, y, width, bottom), rows, key="shade",
                                   offset=0, rid="notification_stack_scroller"))

        def clear_all() -> None:
            state.notifications = []

        children.append(w.button(Bounds(width - 360, bottom + 16, width - 48, bottom + 144),
                                 "Clear all", clear_all, rid="clear_all"))
    else:
        children.append(w.label(Bounds(48, y + 40, width - 48, y + 110), "No notifications",
                                rid="no_notifications", style="secondary"))
    root = w.group(Bounds(0, STATUS_BAR_HEIGHT, width, height - NAV_BAR_HEIGHT), children,
                   rid="notification_shade")
    root.style = "shade"
    return Window(SYSTEMUI, root, modal=True)


def dialog_window(dialog: Dialog, package: str, width: int, height: int) -> Window:
    """Lay out an AlertDialog-style box centred on the screen."""
    left, right = 72, width - 72
    inner_l, inner_r = left + 64, right - 64
    parts: list[tuple[int, object]] = []
    if dialog.title:
        lines = text_lines(dialog.title, inner_r - inner_l, 52)
        parts.append((lines * 66 + 24, lambda box: w.label(
            box, dialog.title, rid="android:id/alertTitle", size=52, style="heading")))
    if dialog.message:
        lines = text_lines(dialog.message, inner_r - inner_l, 42)
        parts.append((lines * 56 + 32, lambda box: w.label(
            box, dialog.message, rid="android:id/message", size=42, style="body")))
    for choice in dialog.items:
        parts.append((150, lambda box, c=choice: w.row(
            Bounds(left, box.top, right, box.bottom), c.label, on_tap=c.on_tap,
            rid=c.rid or "text1", lead=64)))
    stacked = package == PERMISSION_UI or sum(len(b.label) for b in dialog.buttons) > 22
    button_h = (len(dialog.buttons) * 144 if stacked else 144) if dialog.buttons else 0
    total = 64 + sum(h for h, _ in parts) + button_h + 48
    top = max(STATUS_BAR_HEIGHT + 40, (height - total) // 2)
    take = w.column(inner_l, top + 64, inner_r)
    children = [build(take(h)) for h, build in parts]
    y = take(0).top
    for i, choice in enumerate(dialog.buttons):
        if stacked:
            box = Bounds(inner_l, y + i * 144 + 8, inner_r, y + (i + 1) * 144 - 8)
        else:
            slot = (inner_r - inner_l) // 2
            start = inner_r - slot * (len(dialog.buttons) - i)
            box = Bounds(start + 8, y + 8, start + slot - 8, y + 136)
        children.append(w.button(box, choice.label, choice.on_tap, rid=choice.rid,
                                 style="dialog-button"))
    root = w.group(Bounds(left, top, right, min(height, top + total)), children,
                   rid="android:id/content")
    root.style = "dialog"
    return Window(package, root, modal=True)


def text_lines(text: str, width: int, size: int) -> int:
    """How many lines ``text`` wraps to (an estimate matching the PNG renderer's wrapping)."""
    per_line = max(1, int(width / (size * 0.55)))
    return max(1, sum(math.ceil(max(1, len(part)) / per_line) for part in text.split("\n")))
