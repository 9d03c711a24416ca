"""Calendar (com.android.calendar): schedule list, event details, new event form (with all-day,
repeat and description), delete."""

from __future__ import annotations

from datetime import date, datetime, timedelta
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
from pocketpilot.devices.virtual.nav import Choice, Dialog, Navigator, Page
from pocketpilot.devices.virtual.state import REPEATS, Event

PACKAGE = "com.android.calendar"
REPEAT_TEXT = {"": "Does not repeat", "daily": "Every day", "weekly": "Every week",
               "monthly": "Every month", "yearly": "Every year"}


class CalendarApp(App):
    """Upcoming events as a schedule; dates and times are typed as text."""

    package = PACKAGE
    label = "Calendar"
    activities: ClassVar[dict[str, str]] = {"main": "com.android.calendar.AllInOneActivity",
                  "detail": "com.android.calendar.EventInfoActivity",
                  "edit": "com.android.calendar.event.EditEventActivity"}

    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        today = nav.state.clock.date()
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160),
                        today.strftime("%B %Y"), title_rid="date_picker_text_view")
        events = sorted((e for e in nav.state.events if e.date >= today.isoformat()),
                        key=lambda e: (e.date, e.time))
        rows: list = []
        last_day = ""
        for event in events:
            if event.date != last_day:
                last_day = event.date
                heading = _day_heading(event.date, today)
                rows.append((100, lambda box, h=heading: w.label(
                    Bounds(48, box.top + 24, box.right - 48, box.bottom - 8), h,
                    rid="agenda_day", size=40, style="secondary")))
            rows.append((nav.variant.row_height, lambda box, e=event: self._row(nav, box, e)))
        listing = w.recycler(Bounds(0, area.top + 160, area.right, area.bottom), rows,
                             key="agenda", offset=page.scroll.get("agenda", 0),
                             rid="agenda_list")
        fab = main_fab(nav, "new_event", area, lambda: self._new(nav), rid="floating_action_button")
        views = [bar, listing, fab]
        if not events:
            views.append(w.label(Bounds(48, area.top + 240, area.right - 48, area.top + 320),
                                 "No upcoming events", rid="empty", style="secondary"))
        return views

    def _row(self, nav: Navigator, box: Bounds, event: Event) -> w.View:
        when = _span(event, nav.state.settings.use_24h)
        subtitle = f"{when} · {event.location}" if event.location else when
        return w.row(box, event.title, subtitle, on_tap=lambda: nav.push("detail", id=event.id),
                     rid="agenda_item", title_rid="title", subtitle_rid="when")

    def page_detail(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        event = nav.state.get("events", page.args["id"])
        if event is None:
            nav.pop()
            return []
        delete = action_button(nav, "delete", Bounds(area.right - 300, area.top + 20,
                                                     area.right - 32, area.top + 140),
                               lambda: confirm_delete(nav, "this event", lambda: self._delete(
                                   nav, event.id)), rid="info_action_delete", glyph="X")
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "", on_up=nav.pop,
                        actions=[delete])
        take = w.column(48, area.top + 200, area.right - 48)
        day = date.fromisoformat(event.date)
        views = [bar, w.label(take(100), event.title, rid="title", size=60, style="heading"),
                 w.label(take(70, 24), day.strftime("%A, %B ") + str(day.day), rid="when_date",
                         size=44),
                 w.label(take(70, 8), _span(event, nav.state.settings.use_24h),
                         rid="when_time", size=44)]
        if event.location:
            views.append(w.label(take(70, 24), event.location, rid="where", size=44))
        if event.repeat:
            views.append(w.label(take(70, 24), REPEAT_TEXT[event.repeat], rid="repeat",
                                 size=44))
        if event.description:
            lines = max(1, -(-len(event.description) // 36))
            views.append(clipboard.selectable(nav, w.label(
                take(60 * lines + 10, 24), event.description, rid="description", size=44)))
        return views

    def _delete(self, nav: Navigator, event_id: int) -> None:
        nav.state.remove("events", event_id)
        nav.pop()

    def _new(self, nav: Navigator) -> None:
        page = nav.push("edit")
        clock = nav.state.clock
        start = (clock + timedelta(hours=1)).replace(minute=0)
        page.fields.update(date=clock.date().isoformat(), time=start.strftime("%H:%M"),
                           duration="60")
        page.focus = "title"

    def page_edit(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        save = action_button(nav, "save", Bounds(area.right - 300, area.top + 20,
                                                 area.right - 32, area.top + 140),
                             lambda: self._save(nav, page), rid="action_done", glyph="v")
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), "", on_up=nav.pop,
                        actions=[save])
        take = w.column(48, area.top + 180, area.right - 48)
        views = [bar, text_field(nav, page, take(160), "title", "Add title", rid="title",
                                 size=52)]
        for key, hint in (("date", "Date (YYYY-MM-DD)"), ("time", "Start time (HH:MM)"),
                          ("duration", "Duration (minutes)"), ("location", "Add location")):
            views.append(w.label(take(60, 24), hint, size=38, style="secondary"))
            views.append(text_field(nav, page, take(140, 4), key, hint, rid=key))
        views.extend(self._details(nav, page, take))
        if page.error:
            views.append(w.label(take(70, 16), page.error, rid="error", style="error", size=40))
        return views

    def _details(self, nav: Navigator, page: Page, take) -> list[w.View]:
        """Description, all-day and repeat: below the first fields, which keep their places."""
        all_day = bool(page.args.get("all_day"))
        views = [
            w.label(take(60, 24), "Add description", size=38, style="secondary"),
            text_field(nav, page, take(140, 4), "description", "Add description",
                       rid="description"),
            w.switch_row(take(150, 24), nav.variant.label("all_day"), "", all_day,
                         lambda: page.args.update(all_day=not all_day), rid="is_all_day"),
            w.label(take(60, 16), nav.variant.label("repeat"), size=38, style="secondary"),
        ]
        chooser = w.button(take(130, 4), REPEAT_TEXT[page.args.get("repeat", "")],
                           lambda: self._pick_repeat(nav, page), rid="repeats")
        chooser.desc = nav.variant.label("repeat")
        return [*views, chooser]

    def _pick_repeat(self, nav: Navigator, page: Page) -> None:
        def choose(repeat: str) -> None:
            page.args["repeat"] = repeat
            nav.dismiss()

        nav.show(Dialog(nav.variant.label("repeat"), items=tuple(
            Choice(REPEAT_TEXT[r], lambda r=r: choose(r), "android:id/text1") for r in REPEATS)))

    def _save(self, nav: Navigator, page: Page) -> None:
        f = {k: page.fields.get(k, "").strip() for k in ("title", "date", "time", "duration",
                                                           "location", "description")}
        all_day = bool(page.args.get("all_day"))
        if not f["title"]:
            page.error = "Add a title"
            return
        try:
            day = date.fromisoformat(f["date"])
            start = datetime.strptime("00:00" if all_day else f["time"], "%H:%M")
            duration = 1440 if all_day else int(f["duration"] or 60)
        except ValueError:
            page.error = "Use a date like 2024-05-20, a time like 14:30 and minutes as a number"
            return
        nav.state.add("events", title=f["title"], date=day.isoformat(),
                      time=start.strftime("%H:%M"), duration_min=duration,
                      location=f["location"], description=f["description"], all_day=all_day,
                      repeat=page.args.get("repeat", ""))
        nav.pop()


def _span(event: Event, use_24h: bool) -> str:
    if event.all_day:
        return "All day"
    start = datetime.strptime(event.time, "%H:%M")
    end = start + timedelta(minutes=event.duration_min)
    return (f"{format_time(event.time, use_24h)} - "
            f"{format_time(end.strftime('%H:%M'), use_24h)}")


def _day_heading(iso: str, today: date) -> str:
    day = date.fromisoformat(iso)
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return day.strftime("%a, %b ") + str(day.day)
