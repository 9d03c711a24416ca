"""What every virtual app is: a package, a launcher label, and one render method per page.

Apps render a page of ``Navigator`` state into views; touches call back into closures that
change ``nav.state`` or move between pages. Shared widgets that vary by variant live here.
"""

from __future__ import annotations

from typing import ClassVar

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.nav import Action, Choice, Dialog, Navigator, Page
from pocketpilot.devices.virtual.state import Notification


class App:
    """Subclasses set the class attributes and define ``page_<name>(nav, page, area)``."""

    package: ClassVar[str]
    label: ClassVar[str]
    home: ClassVar[str] = "main"
    activities: ClassVar[dict[str, str]] = {}
    tip: ClassVar[tuple[str, str] | None] = None  # (title, message) of the one-time tip
    added_in: ClassVar[int] = 0  # apps added later go after the first ones on the home screen

    def first_page(self) -> Page:
        return Page(self.home)

    def activity(self, page: Page) -> str:
        return self.activities.get(page.name) or self.activities[self.home]

    def render(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        return getattr(self, "page_" + page.name)(nav, page, area)

    def open_notification(self, nav: Navigator, note: Notification) -> None:
        """A tap on one of this app's notifications; by default it just opens the app."""
        nav.start(self.package)

    def first_launch(self, nav: Navigator, page: Page) -> None:
        """On the very first start: variants may greet with a one-time tip."""
        if self.tip and self.package in nav.variant.tips:
            title, message = self.tip
            nav.show(Dialog(title, message, buttons=(
                Choice(nav.variant.label("got_it"), nav.dismiss, "android:id/button1"),
            )))


# -- building blocks the apps share ---------------------------------------------------------


def action_button(
    nav: Navigator, key: str, box: Bounds, on_tap: Action, *, rid: str, glyph: str = ""
) -> w.View:
    """A button labelled by variant synonym ``key``; icon-only (content-desc) in some variants."""
    text = nav.variant.label(key)
    icon = (glyph or text[:1]) if key in nav.variant.icon_only else ""
    return w.button(box, text, on_tap, rid=rid, icon=icon)


def main_fab(nav: Navigator, key: str, area: Bounds, on_tap: Action, *, rid: str) -> w.View:
    return w.fab(area, nav.variant.label(key), on_tap, rid=rid,
                 extended=key not in nav.variant.icon_only)


def text_field(
    nav: Navigator, page: Page, box: Bounds, key: str, hint: str, *, rid: str,
    on_enter: Action | None = None, select_on_focus: bool = False, size: int = 44,
) -> w.View:
    return w.edit(box, key, page.fields.get(key, ""), hint, focused=page.focus == key, rid=rid,
                  on_enter=on_enter, select_on_focus=select_on_focus, size=size)


def confirm_delete(nav: Navigator, what: str, on_delete: Action, *, message: str = "") -> None:
    """The standard AlertDialog: "Delete <what>?" with Cancel and a destructive button."""

    def delete() -> None:
        nav.dismiss()
        on_delete()

    nav.show(Dialog(
        f"Delete {what}?",
        message or "This can't be undone.",
        buttons=(
            Choice(nav.variant.label("cancel"), nav.dismiss, "android:id/button2"),
            Choice(nav.variant.label("delete"), delete, "android:id/button1"),
        ),
    ))


def format_time(hhmm: str, use_24h: bool) -> str:
    """"07:05" -> "7:05 AM" (or "07:05" in 24-hour mode), as Android shows times."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    if use_24h:
        return f"{hour:02d}:{minute:02d}"
    suffix = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d} {suffix}"


def content(area: Bounds, nav: Navigator) -> Bounds:
    """The app area below the variant's extra top offset."""
    return Bounds(area.left, area.top + nav.variant.top_offset, area.right, area.bottom)
