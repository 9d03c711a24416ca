"""Messages (com.google.android.apps.messaging): threads, new conversation, compose and send."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import clipboard
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps.base import (
    App,
    action_button,
    confirm_delete,
    content,
    format_time,
    main_fab,
    text_field,
)
from pocketpilot.devices.virtual.nav import Navigator, Page
from pocketpilot.devices.virtual.state import Notification, Thread

PACKAGE = "com.google.android.apps.messaging"
_UI = "com.google.android.apps.messaging.ui."


class MessagesApp(App):
    """SMS threads keyed by address; sending appends an outgoing message to state."""

    package = PACKAGE
    label = "Messages"
    activities: ClassVar[dict[str, str]] = {
        "main": _UI + "ConversationListActivity",
        "new": _UI + "contact.ContactPickerActivity",
        "conversation": _UI + "ConversationActivity",
    }
    tip = ("Chat features", "Send and receive messages over Wi-Fi and mobile data.")

    def open_notification(self, nav: Navigator, note: Notification) -> None:
        thread = next((t for t in nav.state.threads
                       if nav.state.display_name(t.address) == note.title), None)
        if thread is None:
            nav.start(PACKAGE)
        else:
            nav.open(PACKAGE, "conversation", address=thread.address)

    # -- conversation list ----------------------------------------------------------------
    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "Messages")
        threads = sorted(nav.state.threads, key=lambda t: t.messages[-1].time if t.messages
                         else "", reverse=True)
        height = nav.variant.row_height + 24
        rows = [(height, lambda box, t=t: self._thread_row(nav, box, t)) for t in threads]
        listing = w.recycler(Bounds(0, area.top + 160, area.right, area.bottom), rows, key="list",
                             offset=page.scroll.get("list", 0), rid="conversation_list")
        fab = main_fab(nav, "new_chat", area, lambda: new_conversation(nav), rid="start_chat_fab")
        return [bar, listing, fab]

    def _thread_row(self, nav: Navigator, box: Bounds, thread: Thread) -> w.View:
        last = thread.messages[-1] if thread.messages else None
        snippet = ("You: " if last and last.outgoing else "") + (last.body if last else "")
        when = _when(last.time, nav) if last else ""
        stamp = w.label(Bounds(box.right - 260, box.top + 30, box.right - 40, box.top + 84), when,
                        rid="conversation_timestamp", size=36, style="secondary")

        def delete() -> None:
            confirm_delete(nav, "this conversation",
                           lambda: nav.state.remove("threads", thread.id))

        item = w.row(box, nav.state.display_name(thread.address), snippet,
                     on_tap=lambda: nav.push("conversation", address=thread.address),
                     on_long=delete, rid="swipeableContainer", title_rid="conversation_name",
                     subtitle_rid="conversation_snippet", trailing=stamp)
        if not thread.read:
            item.desc = f"{nav.state.display_name(thread.address)}, unread"
        return item

    # -- picking a recipient ------------------------------------------------------------------
    def page_new(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "New conversation",
                        on_up=nav.pop)
        typed = page.fields.get("to", "").strip()
        to = text_field(nav, page, Bounds(48, area.top + 180, area.right - 48, area.top + 330),
                        "to", nav.variant.label("to_hint"), rid="recipient_text_view",
                        on_enter=lambda: self._enter(nav, page))
        rows = []
        if _looks_like_number(typed):
            rows.append((180, lambda box: w.row(
                box, f"Send to {typed}", on_tap=lambda: self._open(nav, typed),
                rid="contact_picker_row", title_rid="contact_name")))
        for contact in self._matches(nav, typed):
            rows.append((180, lambda box, c=contact: w.row(
                box, c.name, c.phone, on_tap=lambda: self._open(nav, c.phone or c.name),
                rid="contact_picker_row", title_rid="contact_name",
                subtitle_rid="contact_details")))
        listing = w.recycler(Bounds(0, area.top + 360, area.right, area.bottom), rows,
                             key="suggestions", offset=page.scroll.get("suggestions", 0),
                             rid="contact_list")
        return [bar, to, listing]

    def _matches(self, nav: Navigator, typed: str) -> list:
        query = typed.lower()
        digits = "".join(ch for ch in typed if ch.isdigit())
        people = sorted(nav.state.contacts, key=lambda c: c.name.lower())
        return [c for c in people if not query or query in c.name.lower()
                or (digits and digits in "".join(ch for ch in c.phone if ch.isdigit()))]

    def _enter(self, nav: Navigator, page: Page) -> None:
        typed = page.fields.get("to", "").strip()
        matches = self._matches(nav, typed)
        if _looks_like_number(typed):
            self._open(nav, typed)
        elif typed and len(matches) == 1:
            self._open(nav, matches[0].phone or matches[0].name)

    def _open(self, nav: Navigator, address: str) -> None:
        attachment = nav.page.args.get("attachment", "")
        nav.replace("conversation", address=address, attachment=attachment)

    # -- one conversation ---------------------------------------------------------------------
    def page_conversation(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        address = page.args["address"]
        thread = nav.state.thread_for(address)
        if thread is not None and not thread.read:
            nav.state.update("threads", thread.id, read=True)
            nav.state.notifications = [n for n in nav.state.notifications
                                       if n.title != nav.state.display_name(address)]
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160),
                        nav.state.display_name(address), on_up=nav.pop,
                        title_rid="conversation_title")
        compose_top = area.bottom - 190
        attachment = page.args.get("attachment", "")
        views: list[w.View] = [bar]
        if attachment:
            compose_top -= 120
            views.append(w.label(Bounds(48, compose_top + 20, area.right - 200,
                                        compose_top + 100), f"Attachment: {attachment}",
                                 rid="attachment_preview", size=40, style="secondary"))
            views.append(w.icon_button(Bounds(area.right - 180, compose_top + 10,
                                              area.right - 60, compose_top + 110),
                                       "Remove attachment",
                                       lambda: page.args.update(attachment=""),
                                       rid="remove_attachment", glyph="x"))
        messages = thread.messages if thread else ()
        rows = [(_bubble_height(m.body, m.attachment), lambda box, m=m: _bubble(nav, box, m))
                for m in messages]
        views.append(w.recycler(Bounds(0, area.top + 160, area.right,
                                       compose_top - (0 if attachment else 10)),
                                rows, key="messages", offset=page.scroll.get("messages", 0),
                                rid="messages_list", stick_to_end=True))
        body = text_field(nav, page, Bounds(32, area.bottom - 170, area.right - 220,
                                            area.bottom - 20), "body",
                          nav.variant.label("message_hint"), rid="compose_message_text")
        send = action_button(nav, "send", Bounds(area.right - 200, area.bottom - 170,
                                                 area.right - 24, area.bottom - 20),
                             lambda: self._send(nav, page), rid="send_message_button",
                             glyph=">")
        send.enabled = bool(page.fields.get("body", "").strip() or attachment)
        return [*views, body, send]

    def _send(self, nav: Navigator, page: Page) -> None:
        body = page.fields.get("body", "").strip()
        attachment = page.args.get("attachment", "")
        if not body and not attachment:
            return
        nav.state.send_message(page.args["address"], body, attachment=attachment)
        page.fields["body"] = ""
        page.args["attachment"] = ""
        page.scroll["messages"] = 0


def new_conversation(nav: Navigator, attachment: str = "") -> None:
    """Open the recipient picker with its field focused, as the real app does."""
    page = nav.open(PACKAGE, "new", attachment=attachment) if attachment else nav.push("new")
    page.focus = "to"


def _bubble_height(body: str, attachment: str) -> int:
    lines = max(1, -(-len(body) // 30)) + (1 if attachment else 0)
    return 130 + 56 * lines


def _bubble(nav: Navigator, box: Bounds, message) -> w.View:
    text = message.body + (f"\n[{message.attachment}]" if message.attachment else "")
    width = min(800, 120 + 24 * max(len(line) for line in text.split("\n")))
    left = box.right - 48 - width if message.outgoing else 48
    bubble = w.View(w.TEXT_VIEW, Bounds(left, box.top + 16, left + width, box.bottom - 70),
                    text=text, rid="message_text", size=42,
                    style="bubble-out" if message.outgoing else "bubble-in")
    status = w.label(Bounds(left + 16, box.bottom - 64, left + width, box.bottom - 12),
                     _when(message.time, nav), rid="message_status", size=36, style="secondary")
    clipboard.selectable(nav, bubble, message.body)
    return w.group(box, [bubble, status], rid="message_content", cls=w.LINEAR)


def _when(iso: str, nav: Navigator) -> str:
    moment = datetime.fromisoformat(iso)
    now = nav.state.clock
    if moment.date() == now.date():
        return format_time(moment.strftime("%H:%M"), nav.state.settings.use_24h)
    if (now.date() - moment.date()).days < 7:
        return moment.strftime("%a")
    return moment.strftime("%b ") + str(moment.day)


def _looks_like_number(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 3 and all(ch.isdigit() or ch in "+-() ." for ch in text)
