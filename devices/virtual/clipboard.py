"""The clipboard's text actions, as Android's floating toolbar offers them after a long-press.

A long-press on a text field selects its whole text (this phone has no word selection) and offers
Cut / Copy / Paste / Select all; a long-press on selectable text (a message, a number) offers Copy.
The clipboard itself is ``PhoneState.clipboard``, so a scenario can seed and check it.
"""

from __future__ import annotations

from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.nav import Action, Choice, Dialog, Navigator


def field_menu(nav: Navigator, key: str) -> None:
    """The menu for the text field whose value is ``page.fields[key]``; focus returns to it."""
    page = nav.page
    text = page.fields.get(key, "")
    page.focus, page.select_all = key, bool(text)

    def then(change: Action) -> Action:
        def run() -> None:
            nav.dismiss()
            change()
            page.focus = key

        return run

    def copy() -> None:
        nav.state.clipboard = text
        page.select_all = False

    def cut() -> None:
        nav.state.clipboard, page.fields[key], page.select_all = text, "", False

    def paste() -> None:
        kept = "" if page.select_all else page.fields.get(key, "")
        page.fields[key], page.select_all = kept + nav.state.clipboard, False

    def select_all() -> None:
        page.select_all = True

    items = []
    if text:
        items += [Choice("Cut", then(cut), "android:id/cut"),
                  Choice("Copy", then(copy), "android:id/copy")]
    if nav.state.clipboard:
        items.append(Choice("Paste", then(paste), "android:id/paste"))
    if text:
        items.append(Choice("Select all", then(select_all), "android:id/selectAll"))
    if items:
        _show(nav, items, on_cancel=lambda: setattr(page, "focus", key))


def text_menu(nav: Navigator, text: str) -> None:
    """The menu for selectable (read-only) text: Copy."""

    def copy() -> None:
        nav.dismiss()
        nav.state.clipboard = text

    _show(nav, [Choice("Copy", copy, "android:id/copy")])


def selectable(nav: Navigator, view: w.View, text: str = "") -> w.View:
    """Make ``view`` long-pressable to copy ``text`` (its own text by default)."""
    view.long_clickable = True
    view.on_long = lambda: text_menu(nav, text or view.text)
    return view


def _show(nav: Navigator, items: list[Choice], on_cancel: Action | None = None) -> None:
    nav.show(Dialog("", items=tuple(nav.variant.order(items, "text-actions")),
                    on_cancel=on_cancel))
