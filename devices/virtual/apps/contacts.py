"""Contacts (com.android.contacts): searchable list, contact card, editor, delete."""

from __future__ import annotations

from typing import ClassVar

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import clipboard
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps.base import (
    App,
    action_button,
    confirm_delete,
    content,
    main_fab,
    text_field,
)
from pocketpilot.devices.virtual.nav import Choice, Dialog, Navigator, Page
from pocketpilot.devices.virtual.state import PHONE_LABELS, Contact, PhoneNumber
from pocketpilot.devices.virtual.system import PERMISSION_UI

PACKAGE = "com.android.contacts"
MESSAGES = "com.google.android.apps.messaging"


class ContactsApp(App):
    """People and their numbers; some variants ask for the contacts permission first."""

    package = PACKAGE
    label = "Contacts"
    activities: ClassVar[dict[str, str]] = {
        "main": "com.android.contacts.activities.PeopleActivity",
        "detail": "com.android.contacts.quickcontact.QuickContactActivity",
        "edit": "com.android.contacts.activities.ContactEditorActivity",
        "call": "com.android.dialer.incallui.InCallActivity",
    }

    def __init__(self) -> None:
        self.granted = False

    def first_launch(self, nav: Navigator, page: Page) -> None:
        if nav.variant.contacts_permission_prompt:
            self._ask_permission(nav)
        else:
            self.granted = True

    def _ask_permission(self, nav: Navigator) -> None:
        def answer(allow: bool) -> None:
            self.granted = allow
            nav.dismiss()

        nav.show(Dialog(
            "", "Allow Contacts to access your contacts?", package=PERMISSION_UI,
            cancelable=False, buttons=(
                Choice("Allow", lambda: answer(True),
                       "com.android.permissioncontroller:id/permission_allow_button"),
                Choice("Don't allow", lambda: answer(False),
                       "com.android.permissioncontroller:id/permission_deny_button"),
            ),
        ))

    # -- list -----------------------------------------------------------------------------
    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        take = w.column(area.left, area.top, area.right)
        box = take(170)
        search = text_field(nav, page, Bounds(48, box.top + 24, area.right - 48, box.bottom - 16),
                            "search", nav.variant.label("search_contacts"), rid="search_view")
        if not self.granted:
            box = take(140, 40)
            note = w.label(Bounds(48, box.top, area.right - 48, box.bottom),
                           "Contacts needs access to your contacts", style="body", size=44)
            box = take(130, 24)
            allow = w.button(Bounds(48, box.top, 600, box.bottom), "Allow access",
                             lambda: self._ask_permission(nav), rid="allow_access")
            return [search, note, allow]
        query = page.fields.get("search", "").strip().lower()
        people = sorted(nav.state.contacts, key=lambda c: c.name.lower())
        if query:
            digits = "".join(ch for ch in query if ch.isdigit())
            people = [c for c in people if query in c.name.lower()
                      or (digits and any(digits in "".join(ch for ch in n if ch.isdigit())
                                         for n in c.numbers))]
        box = take(90)
        count = w.label(Bounds(48, box.top + 10, area.right - 48, box.bottom - 10),
                        f"{len(people)} contacts", rid="contacts_count", size=38,
                        style="secondary")
        height = nav.variant.row_height
        rows = [(height, lambda box, c=c: self._row(nav, box, c)) for c in people]
        listing = w.recycler(Bounds(0, take(0).top, area.right, area.bottom), rows,
                             key="list", offset=page.scroll.get("list", 0))
        fab = main_fab(nav, "create_contact", area, lambda: self._edit(nav, None),
                       rid="floating_action_button")
        return [search, count, listing, fab]

    def _row(self, nav: Navigator, box: Bounds, contact: Contact) -> w.View:
        item = w.row(box, contact.name, on_tap=lambda: nav.push("detail", id=contact.id),
                     rid="contact_row", title_rid="cliv_name_textview", lead=200)
        mid = box.top + box.height // 2
        item.children.insert(0, w.View(w.IMAGE_VIEW, Bounds(48, mid - 56, 160, mid + 56),
                                       glyph=contact.name[:1], style="avatar", size=52,
                                       rid="avatar"))
        return item

    # -- contact card ---------------------------------------------------------------------
    def page_detail(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        contact = nav.state.get("contacts", page.args["id"])
        if contact is None:
            nav.pop()
            return []
        area = content(area, nav)
        star = w.icon_button(Bounds(area.right - 420, area.top + 14, area.right - 288,
                                    area.top + 146),
                             "Remove from favorites" if contact.favorite else "Add to favorites",
                             lambda: nav.state.update("contacts", contact.id,
                                                      favorite=not contact.favorite),
                             rid="menu_star", glyph="*")
        edit = w.icon_button(Bounds(area.right - 280, area.top + 14, area.right - 148,
                                    area.top + 146), "Edit contact",
                             lambda: self._edit(nav, contact), rid="menu_edit", glyph="E")
        delete = w.icon_button(Bounds(area.right - 140, area.top + 14, area.right - 8,
                                      area.top + 146), nav.variant.label("delete"),
                               lambda: confirm_delete(nav, "this contact", lambda: self._delete(
                                   nav, contact)), rid="menu_delete", glyph="X")
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "", on_up=nav.pop,
                        actions=[star, edit, delete])
        take = w.column(48, area.top + 200, area.right - 48)
        name = w.label(take(110), contact.name, rid="large_title", size=64, style="heading")
        actions = []
        choices = [
            ("call_action", "call", lambda: nav.push("call", id=contact.id)),
            ("message_action", "message", lambda: nav.open(MESSAGES, "conversation",
                                                           address=contact.phone)),
        ]
        strip = take(170, 40)
        for i, (key, rid, tap) in enumerate(nav.variant.order(choices, "contact-actions")):
            box = Bounds(strip.left + i * 340, strip.top, strip.left + i * 340 + 310, strip.bottom)
            actions.append(action_button(nav, key, box, tap, rid=rid))
        take(0, 40)
        details: list[w.View] = []
        for phone in contact.phones:
            details.append(w.row(take(190), phone.number, phone.label.capitalize(),
                                 rid="phone_row", title_rid="header", subtitle_rid="sub_header",
                                 on_tap=lambda: nav.push("call", id=contact.id), lead=0,
                                 on_long=lambda n=phone.number: clipboard.text_menu(nav, n)))
        if contact.email:
            details.append(w.row(take(190), contact.email, "Email", rid="email_row",
                                 title_rid="header", subtitle_rid="sub_header", lead=0))
        return [bar, name, *actions, *details]

    def _delete(self, nav: Navigator, contact: Contact) -> None:
        nav.state.remove("contacts", contact.id)
        nav.pop()

    def page_call(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        contact = nav.state.get("contacts", page.args["id"])
        who = contact.name if contact else "Unknown"
        return [
            w.label(Bounds(48, area.top + 300, area.right - 48, area.top + 400), who,
                    rid="contactgrid_contact_name", size=64, style="heading"),
            w.label(Bounds(48, area.top + 420, area.right - 48, area.top + 480), "Calling...",
                    rid="contactgrid_status_text", size=42, style="secondary"),
            w.button(Bounds(area.right // 2 - 220, area.bottom - 360, area.right // 2 + 220,
                            area.bottom - 220), "End call", nav.pop, rid="incall_end_call"),
        ]

    # -- editor ---------------------------------------------------------------------------
    def _edit(self, nav: Navigator, contact: Contact | None) -> None:
        page = nav.push("edit", id=contact.id if contact else None)
        phones = list(contact.phones) if contact else []
        page.args["labels"] = [p.label for p in phones] or ["mobile"]
        if contact:
            page.fields.update(first=contact.first_name, last=contact.last_name,
                               email=contact.email)
            page.fields.update({_phone_key(i): p.number for i, p in enumerate(phones)})

    def page_edit(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        save = action_button(nav, "save", Bounds(area.right - 300, area.top + 20,
                                                 area.right - 32, area.top + 140),
                             lambda: self._save(nav, page), rid="editor_menu_save_button",
                             glyph="v")
        title = "Edit contact" if page.args.get("id") else "Create contact"
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), title,
                        on_up=nav.pop, actions=[save])
        take = w.column(48, area.top + 200, area.right - 48)
        views = [bar]
        for key, hint in (("first", "First name"), ("last", "Last name")):
            views.append(text_field(nav, page, take(150, 32), key, hint, rid=f"editor_{key}_name"))
        labels = page.args.setdefault("labels", ["mobile"])
        for i, label in enumerate(labels):
            box = take(150, 32)
            hint = "Phone" if i == 0 else f"Phone {i + 1}"
            views.append(text_field(nav, page, Bounds(box.left, box.top, box.right - 300,
                                                      box.bottom), _phone_key(i), hint,
                                    rid="editor_phone"))
            chooser = w.button(Bounds(box.right - 280, box.top + 10, box.right, box.bottom - 10),
                               label.capitalize(), lambda i=i: self._pick_label(nav, page, i),
                               rid="editor_phone_type")
            chooser.desc = f"{hint} type"
            views.append(chooser)
        views.append(action_button(nav, "add_phone", take(120, 16),
                                   lambda: labels.append("mobile"), rid="editor_add_phone",
                                   glyph="+"))
        views.append(text_field(nav, page, take(150, 32), "email", "Email", rid="editor_email"))
        if page.error:
            views.append(w.label(take(70, 16), page.error, rid="error", style="error", size=40))
        return views

    def _pick_label(self, nav: Navigator, page: Page, index: int) -> None:
        def choose(label: str) -> None:
            page.args["labels"][index] = label
            nav.dismiss()

        nav.show(Dialog("Phone type", items=tuple(
            Choice(label.capitalize(), lambda label=label: choose(label), "android:id/text1")
            for label in nav.variant.order(PHONE_LABELS, "phone-labels"))))

    def _save(self, nav: Navigator, page: Page) -> None:
        first = page.fields.get("first", "").strip()
        last = page.fields.get("last", "").strip()
        if not first and not last:
            page.error = "Enter a name"
            return
        phones = tuple(PhoneNumber(number, label) for i, label in enumerate(page.args["labels"])
                       if (number := page.fields.get(_phone_key(i), "").strip()))
        values = {"first_name": first, "last_name": last, "phones": phones,
                  "email": page.fields.get("email", "").strip()}
        if page.args.get("id"):
            nav.state.update("contacts", page.args["id"], **values)
            nav.pop()
        else:
            contact = nav.state.add("contacts", **values)
            nav.replace("detail", id=contact.id)


def _phone_key(index: int) -> str:
    return "phone" if index == 0 else f"phone{index + 1}"
