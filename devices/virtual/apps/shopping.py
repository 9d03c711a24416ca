"""Shopping List (com.example.shopping): items with prices, check-off, running totals; an item
may carry a category, a note and a date it is needed by."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps.base import (
    App,
    action_button,
    confirm_delete,
    content,
    main_fab,
    text_field,
)
from pocketpilot.devices.virtual.nav import Navigator, Page
from pocketpilot.devices.virtual.state import ShoppingItem

PACKAGE = "com.example.shopping"


class ShoppingApp(App):
    """A priced checklist whose totals are dynamic text."""

    package = PACKAGE
    label = "Shopping"
    activities: ClassVar[dict[str, str]] = {"main": "com.example.shopping.ListActivity",
                  "add": "com.example.shopping.AddItemActivity"}
    tip = ("Tip", "Long-press an item to delete it.")

    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        items = nav.state.shopping
        total = sum(i.price * i.qty for i in items)
        left = sum(i.price * i.qty for i in items if not i.checked)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "Shopping List")
        summary = w.label(Bounds(48, area.top + 170, area.right - 48, area.top + 240),
                          f"Total: ${total:.2f}", rid="total", size=48, style="title")
        remaining = w.label(Bounds(48, area.top + 250, area.right - 48, area.top + 310),
                            f"Left to buy: ${left:.2f} · {sum(not i.checked for i in items)} "
                            f"of {len(items)} items", rid="remaining", size=40,
                            style="secondary")
        height = nav.variant.row_height
        rows = [(height, lambda box, i=i: self._row(nav, box, i)) for i in items]
        listing = w.recycler(Bounds(0, area.top + 330, area.right, area.bottom), rows,
                             key="items", offset=page.scroll.get("items", 0), rid="item_list")
        fab = main_fab(nav, "add_item", area, lambda: self._add(nav), rid="add_item_fab")
        return [bar, summary, remaining, listing, fab]

    def _row(self, nav: Navigator, box: Bounds, item: ShoppingItem) -> w.View:
        mid = box.top + box.height // 2
        name = item.name + (f" x{item.qty}" if item.qty > 1 else "")
        check = w.checkbox(Bounds(32, mid - 60, box.right - 300, mid + 60), name, item.checked,
                           lambda: nav.state.update("shopping", item.id,
                                                    checked=not item.checked),
                           rid="item_checkbox")
        price = w.label(Bounds(box.right - 280, mid - 32, box.right - 48, mid + 32),
                        f"${item.price * item.qty:.2f}", rid="item_price", size=44)
        children = [check, price]
        details = " · ".join(p for p in (item.category, _day(item.date), item.note) if p)
        if details:
            children.append(w.label(Bounds(132, mid + 36, box.right - 300, box.bottom - 4),
                                    details, rid="item_details", size=34, style="secondary"))
        return w.View(w.LINEAR, box, rid="item_row", long_clickable=True,
                      on_long=lambda: confirm_delete(nav, f'"{item.name}"', lambda: nav.state
                                                     .remove("shopping", item.id)),
                      children=children, style="row")

    def _add(self, nav: Navigator) -> None:
        page = nav.push("add")
        page.fields["qty"] = "1"
        page.focus = "name"

    def page_add(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160),
                        nav.variant.label("add_item"), on_up=nav.pop)
        take = w.column(48, area.top + 200, area.right - 48)
        views = [bar]
        for key, hint in (("name", "Item name"), ("price", "Price"), ("qty", "Quantity")):
            views.append(text_field(nav, page, take(150, 32), key, hint, rid=f"item_{key}"))
        if page.error:
            views.append(w.label(take(70, 16), page.error, rid="error", style="error", size=40))
        views.append(action_button(nav, "save", take(140, 48), lambda: self._save(nav, page),
                                   rid="save_item", glyph="v"))
        # The optional details sit below Save, so the form's first fields keep their places.
        for key, hint in (("category", "Category"), ("note", "Note"),
                          ("date", "Needed by (YYYY-MM-DD)")):
            views.append(text_field(nav, page, take(150, 32), key, hint, rid=f"item_{key}"))
        return views

    def _save(self, nav: Navigator, page: Page) -> None:
        name = page.fields.get("name", "").strip()
        try:
            price = round(float(page.fields.get("price", "0").strip().lstrip("$") or 0), 2)
            qty = int(page.fields.get("qty", "1").strip() or 1)
        except ValueError:
            page.error = "Price and quantity must be numbers"
            return
        if not name or price < 0 or qty < 1:
            page.error = "Enter a name, a price of 0 or more and a quantity of 1 or more"
            return
        needed = page.fields.get("date", "").strip()
        try:
            needed = date.fromisoformat(needed).isoformat() if needed else ""
        except ValueError:
            page.error = "Use a date like 2024-05-20"
            return
        nav.state.add("shopping", name=name, price=price, qty=qty, date=needed,
                      category=page.fields.get("category", "").strip(),
                      note=page.fields.get("note", "").strip())
        nav.pop()


def _day(iso: str) -> str:
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    return day.strftime("%b ") + str(day.day)
