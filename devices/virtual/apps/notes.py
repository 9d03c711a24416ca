"""Notes (com.example.notes): searchable list, editor that saves on back or Save, delete."""

from __future__ import annotations

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
from pocketpilot.devices.virtual.state import Note

PACKAGE = "com.example.notes"


class NotesApp(App):
    """Free-text notes; like Keep, leaving the editor saves it."""

    package = PACKAGE
    label = "Notes"
    activities: ClassVar[dict[str, str]] = {"main": "com.example.notes.MainActivity",
                  "edit": "com.example.notes.EditNoteActivity"}
    tip = ("Back up your notes", "Turn on backup to keep your notes safe.")

    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 150), "Notes")
        search = text_field(nav, page, Bounds(48, area.top + 160, area.right - 48,
                                              area.top + 300), "search",
                            nav.variant.label("search_notes"), rid="search_bar")
        query = page.fields.get("search", "").strip().lower()
        notes = sorted(nav.state.notes, key=lambda n: n.modified, reverse=True)
        if query:
            notes = [n for n in notes if query in n.title.lower() or query in n.body.lower()]
        height = nav.variant.row_height + 24
        rows = [(height, lambda box, n=n: self._row(nav, box, n)) for n in notes]
        listing = w.recycler(Bounds(0, area.top + 320, area.right, area.bottom), rows,
                             key="notes", offset=page.scroll.get("notes", 0), rid="notes_list")
        fab = main_fab(nav, "new_note", area, lambda: self._open(nav, None), rid="new_note_fab")
        return [bar, search, listing, fab]

    def _row(self, nav: Navigator, box: Bounds, note: Note) -> w.View:
        snippet = note.body.split("\n", 1)[0]
        return w.row(box, note.title or "(untitled)", snippet,
                     on_tap=lambda: self._open(nav, note),
                     on_long=lambda: confirm_delete(nav, "note", lambda: nav.state.remove(
                         "notes", note.id)),
                     rid="note_card", title_rid="note_title", subtitle_rid="note_snippet")

    def _open(self, nav: Navigator, note: Note | None) -> None:
        page = nav.push("edit", id=note.id if note else None)
        page.fields.update(title=note.title if note else "", body=note.body if note else "")
        if note is None:
            page.focus = "title"
        page.on_leave = lambda: self._save(nav, page)

    def page_edit(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        delete = action_button(nav, "delete", Bounds(area.right - 300, area.top + 20,
                                                     area.right - 32, area.top + 140),
                               lambda: confirm_delete(nav, "note", lambda: self._delete(nav, page)),
                               rid="delete_note", glyph="X")
        save = action_button(nav, "save", Bounds(area.right - 580, area.top + 20,
                                                 area.right - 320, area.top + 140),
                             nav.pop, rid="save_note", glyph="v")
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "", on_up=nav.pop,
                        actions=[save, delete])
        title = text_field(nav, page, Bounds(48, area.top + 180, area.right - 48,
                                             area.top + 320), "title", "Title",
                           rid="note_title_edit", size=52)
        body = text_field(nav, page, Bounds(48, area.top + 340, area.right - 48,
                                            area.bottom - 48), "body", "Note",
                          rid="note_body_edit")
        return [bar, title, body]

    def _save(self, nav: Navigator, page: Page) -> None:
        title = page.fields.get("title", "").strip()
        body = page.fields.get("body", "").rstrip()
        note_id = page.args.get("id")
        if note_id is None:
            if title or body:
                page.args["id"] = nav.state.add("notes", title=title, body=body,
                                                modified=nav.state.now_iso).id
            return
        note = nav.state.get("notes", note_id)
        if note is not None and (note.title, note.body) != (title, body):
            nav.state.update("notes", note_id, title=title, body=body,
                             modified=nav.state.now_iso)

    def _delete(self, nav: Navigator, page: Page) -> None:
        if page.args.get("id") is not None:
            nav.state.remove("notes", page.args["id"])
        page.on_leave = None
        nav.pop()
