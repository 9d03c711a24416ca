"""Gallery (com.android.gallery3d): every picture on the phone as a grid, and a full-screen viewer.

Pictures are the image files in ``state.files``. What a picture shows (a receipt, a poster, a
screenshot of a note) is drawn into the screenshot's pixels only; the dump describes the picture,
never its text, so reading it takes OCR, as on a phone.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps.base import App, action_button, confirm_delete, content
from pocketpilot.devices.virtual.apps.files import share_file
from pocketpilot.devices.virtual.nav import Navigator, Page
from pocketpilot.devices.virtual.state import FileItem

PACKAGE = "com.android.gallery3d"
IMAGE_TYPES = (".jpg", ".jpeg", ".png")


class GalleryApp(App):
    """Newest pictures first; the variant sets how many thumbnails share a row."""

    package = PACKAGE
    label = "Gallery"
    added_in = 1
    tip = ("Free up space", "Back up your pictures, then remove them from this phone.")
    activities: ClassVar[dict[str, str]] = {"main": "com.android.gallery3d.app.GalleryActivity",
                                            "photo": "com.android.gallery3d.app.PhotoPage"}

    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "Gallery")
        pictures = sorted((f for f in nav.state.files if is_picture(f)),
                          key=lambda f: f.modified, reverse=True)
        columns = nav.variant.gallery_columns
        side = area.right // columns
        rows = [(side, lambda box, chunk=pictures[i:i + columns]: self._row(nav, box, chunk, side))
                for i in range(0, len(pictures), columns)]
        listing = w.recycler(Bounds(0, area.top + 160, area.right, area.bottom), rows,
                             key="grid", offset=page.scroll.get("grid", 0), rid="photo_grid")
        views = [bar, listing]
        if not pictures:
            views.append(w.label(Bounds(48, area.top + 240, area.right - 48, area.top + 320),
                                 "No pictures", rid="empty", style="secondary"))
        return views

    def _row(self, nav: Navigator, box: Bounds, chunk: list[FileItem], side: int) -> w.View:
        thumbs = [w.View(w.IMAGE_VIEW, Bounds(box.left + i * side + 4, box.top + 4,
                                              box.left + (i + 1) * side - 4, box.bottom - 4),
                         desc=describe(item), rid="thumbnail", clickable=True, focusable=True,
                         on_tap=lambda item=item: nav.push("photo", id=item.id),
                         style=f"picture-{item.look}")
                  for i, item in enumerate(chunk)]
        return w.group(box, thumbs, rid="grid_row", cls=w.LINEAR)

    def page_photo(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        item = nav.state.get("files", page.args["id"])
        if item is None:
            nav.pop()
            return []
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), _when(item.modified),
                        on_up=nav.pop)
        # No content-desc here: the toolbar already says when it was taken, and a description
        # over the whole picture would tell perception the picture's text is already known.
        picture = w.View(w.IMAGE_VIEW, Bounds(0, area.top + 180, area.right, area.bottom - 220),
                         rid="photo_view", style=f"picture-{item.look}", painted=item.content)
        buttons = Bounds(48, area.bottom - 180, area.right - 48, area.bottom - 40)
        half = buttons.width // 2
        share = action_button(nav, "share", Bounds(buttons.left, buttons.top,
                                                   buttons.left + half - 16, buttons.bottom),
                              lambda: share_file(nav, item), rid="photo_share", glyph="S")
        delete = action_button(nav, "delete", Bounds(buttons.left + half + 16, buttons.top,
                                                     buttons.right, buttons.bottom),
                               lambda: confirm_delete(nav, "this picture", lambda: self._delete(
                                   nav, item)), rid="photo_delete", glyph="X")
        return [bar, picture, share, delete]

    def _delete(self, nav: Navigator, item: FileItem) -> None:
        nav.state.remove("files", item.id)
        nav.pop()


def is_picture(item: FileItem) -> bool:
    return item.name.lower().endswith(IMAGE_TYPES)


def describe(item: FileItem) -> str:
    """What TalkBack says of a picture: its kind and when it was taken, never what it shows."""
    kind = "Screenshot from" if item.name.lower().startswith("screenshot") else "Photo taken"
    return f"{kind} {_when(item.modified)}"


def _when(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    hour = moment.hour % 12 or 12
    return (moment.strftime("%b ") + f"{moment.day}, {moment.year}, {hour}:{moment.minute:02d} "
            + ("AM" if moment.hour < 12 else "PM"))
