"""Files (com.android.documentsui): folders (the standard ones and the user's), file lists,
preview, share, copy, move and delete."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import PurePosixPath
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
from pocketpilot.devices.virtual.apps.messages import new_conversation
from pocketpilot.devices.virtual.nav import Choice, Dialog, Navigator, Page
from pocketpilot.devices.virtual.state import FileItem

PACKAGE = "com.android.documentsui"
FOLDERS = ("Downloads", "Pictures", "Documents")


class FilesApp(App):
    """Files by folder; share goes through a chooser, delete through a confirmation."""

    package = PACKAGE
    label = "Files"
    activities: ClassVar[dict[str, str]] = {"main": "com.android.documentsui.files.FilesActivity",
                  "folder": "com.android.documentsui.files.FilesActivity",
                  "file": "com.android.documentsui.inspector.InspectorActivity",
                  "new_folder": "com.android.documentsui.files.FilesActivity"}

    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "Files")
        take = w.column(0, area.top + 180, area.right)
        views = [bar]
        for folder in [*nav.variant.order(FOLDERS, "folders"), *user_folders(nav)]:
            count = sum(f.folder == folder for f in nav.state.files)
            views.append(w.row(take(nav.variant.row_height), folder,
                               f"{count} file" + ("" if count == 1 else "s"),
                               on_tap=lambda f=folder: nav.push("folder", folder=f),
                               rid="root_item", title_rid="android:id/title",
                               subtitle_rid="android:id/summary"))
        views.append(main_fab(nav, "new_folder", area, lambda: self._new_folder(nav),
                              rid="create_dir"))
        return views

    def _new_folder(self, nav: Navigator) -> None:
        nav.push("new_folder").focus = "folder"

    def page_new_folder(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160),
                        nav.variant.label("new_folder"), on_up=nav.pop)
        take = w.column(48, area.top + 200, area.right - 48)
        views = [bar, text_field(nav, page, take(150), "folder", "Folder name",
                                 rid="folder_name", on_enter=lambda: self._create(nav, page))]
        if page.error:
            views.append(w.label(take(70, 16), page.error, rid="error", style="error", size=40))
        views.append(action_button(nav, "create", take(140, 48), lambda: self._create(nav, page),
                                   rid="create_folder", glyph="v"))
        return views

    def _create(self, nav: Navigator, page: Page) -> None:
        name = page.fields.get("folder", "").strip()
        if not name or "/" in name:
            page.error = "Enter a folder name without /"
            return
        if name.lower() in (f.lower() for f in all_folders(nav)):
            page.error = f"A folder named {name} already exists"
            return
        nav.state.add("folders", name=name)
        nav.pop()

    def page_folder(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        folder = page.args["folder"]
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), folder, on_up=nav.pop)
        files = sorted((f for f in nav.state.files if f.folder == folder),
                       key=lambda f: f.modified, reverse=True)
        rows = [(nav.variant.row_height, lambda box, f=f: self._row(nav, box, f)) for f in files]
        listing = w.recycler(Bounds(0, area.top + 160, area.right, area.bottom), rows,
                             key="files", offset=page.scroll.get("files", 0), rid="dir_list")
        views = [bar, listing]
        if not files:
            views.append(w.label(Bounds(48, area.top + 240, area.right - 48, area.top + 320),
                                 "No items", rid="message", style="secondary"))
        return views

    def _row(self, nav: Navigator, box: Bounds, item: FileItem) -> w.View:
        return w.row(box, item.name, f"{_size(item.size_kb)} · {_date(item.modified)}",
                     on_tap=lambda: nav.push("file", id=item.id),
                     on_long=lambda: self._menu(nav, item), rid="item_root",
                     title_rid="android:id/title", subtitle_rid="android:id/summary")

    def _menu(self, nav: Navigator, item: FileItem) -> None:
        nav.show(Dialog(item.name, items=(
            Choice(nav.variant.label("share"), lambda: self._share(nav, item), "menu_share"),
            Choice(nav.variant.label("delete"), lambda: self._ask_delete(nav, item, pop=False),
                   "menu_delete"),
            Choice(nav.variant.label("copy_to"), lambda: pick_folder(nav, item, move=False),
                   "menu_copy_to"),
            Choice(nav.variant.label("move_to"), lambda: pick_folder(nav, item, move=True),
                   "menu_move_to"),
        )))

    def page_file(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        item = nav.state.get("files", page.args["id"])
        if item is None:
            nav.pop()
            return []
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), item.name,
                        on_up=nav.pop)
        take = w.column(48, area.top + 200, area.right - 48)
        views = [bar]
        if item.name.lower().endswith((".jpg", ".png")):
            views.append(w.View(w.IMAGE_VIEW, take(700), desc=item.name, rid="image_preview",
                                style=f"picture-{item.look}", painted=item.content))
        views.append(w.label(take(70, 32), f"Size: {_size(item.size_kb)}", rid="size",
                             size=42))
        views.append(w.label(take(70, 8), f"Modified: {_date(item.modified)}", rid="modified",
                             size=42))
        views.append(w.label(take(70, 8), f"Folder: {item.folder}", rid="path", size=42))
        buttons = take(140, 48)
        half = buttons.width // 2
        views.append(action_button(nav, "share", Bounds(buttons.left, buttons.top,
                                                        buttons.left + half - 16, buttons.bottom),
                                   lambda: self._share(nav, item), rid="action_share",
                                   glyph="S"))
        views.append(action_button(nav, "delete", Bounds(buttons.left + half + 16, buttons.top,
                                                         buttons.right, buttons.bottom),
                                   lambda: self._ask_delete(nav, item, pop=True),
                                   rid="action_delete", glyph="X"))
        more = take(140, 32)
        views.append(action_button(nav, "copy_to", Bounds(more.left, more.top,
                                                          more.left + half - 16, more.bottom),
                                   lambda: pick_folder(nav, item, move=False),
                                   rid="action_copy", glyph="C"))
        views.append(action_button(nav, "move_to", Bounds(more.left + half + 16, more.top,
                                                          more.right, more.bottom),
                                   lambda: pick_folder(nav, item, move=True),
                                   rid="action_move", glyph="M"))
        return views

    def _share(self, nav: Navigator, item: FileItem) -> None:
        share_file(nav, item)

    def _ask_delete(self, nav: Navigator, item: FileItem, *, pop: bool) -> None:
        def delete() -> None:
            nav.state.remove("files", item.id)
            if pop:
                nav.pop()

        nav.dismiss()
        confirm_delete(nav, f'"{item.name}"', delete, message="This file will be deleted "
                       "permanently.")


def share_file(nav: Navigator, item: FileItem) -> None:
    """The system share sheet for one file; Messages attaches it to a new conversation."""

    def to_messages() -> None:
        nav.dismiss()
        new_conversation(nav, attachment=item.name)

    nav.show(Dialog("Share", items=(
        Choice("Messages", to_messages, "android:id/text1"),
        Choice("Nearby Share", nav.dismiss, "android:id/text1"),
    ), package="android"))


def user_folders(nav: Navigator) -> list[str]:
    """Folders besides the standard ones: made by the user, or holding seeded files."""
    named = {f.name for f in nav.state.folders} | {f.folder for f in nav.state.files}
    return sorted(named - set(FOLDERS), key=str.lower)


def all_folders(nav: Navigator) -> list[str]:
    return [*FOLDERS, *user_folders(nav)]


def pick_folder(nav: Navigator, item: FileItem, *, move: bool) -> None:
    """A chooser of the other folders; picking one copies or moves ``item`` there."""

    def put(folder: str) -> None:
        nav.dismiss()
        name = free_name(nav, item.name, folder)
        if move:
            nav.state.update("files", item.id, folder=folder, name=name)
        else:
            values = {**asdict(item), "folder": folder, "name": name,
                      "modified": nav.state.now_iso}
            del values["id"]
            nav.state.add("files", **values)

    nav.dismiss()
    targets = [f for f in all_folders(nav) if f != item.folder]
    nav.show(Dialog(nav.variant.label("move_to" if move else "copy_to"), items=tuple(
        Choice(f, lambda f=f: put(f), "folder_choice") for f in targets)))


def free_name(nav: Navigator, name: str, folder: str) -> str:
    """``name``, or "name (1).ext" ... when the folder already holds a file of that name."""
    taken = {f.name for f in nav.state.files if f.folder == folder}
    path = PurePosixPath(name)
    candidate, number = name, 0
    while candidate in taken:
        number += 1
        candidate = f"{path.stem} ({number}){path.suffix}"
    return candidate


def _size(kb: int) -> str:
    return f"{kb / 1024:.1f} MB" if kb >= 1024 else f"{kb} kB"


def _date(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return moment.strftime("%b ") + str(moment.day) + moment.strftime(", %Y")
