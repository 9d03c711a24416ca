"""Clock (com.android.deskclock): Alarm, Clock, Timer and Stopwatch tabs, alarm editor with a time
form and repeat days."""

from __future__ import annotations

from typing import ClassVar

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps import stopwatch
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
from pocketpilot.devices.virtual.state import Alarm, Timer

PACKAGE = "com.android.deskclock"
TABS = (("alarm", "Alarm", "tab_menu_alarm"), ("clock", "Clock", "tab_menu_clock"),
        ("timer", "Timer", "tab_menu_timer"), ("stopwatch", "Stopwatch", "tab_menu_stopwatch"))
DAYS = (("Mon", "Monday"), ("Tue", "Tuesday"), ("Wed", "Wednesday"), ("Thu", "Thursday"),
        ("Fri", "Friday"), ("Sat", "Saturday"), ("Sun", "Sunday"))
WORLD = (("London", 8), ("New York", 3), ("Tokyo", 16))  # hours ahead of the phone's zone


class ClockApp(App):
    """Alarms, world clock and timers; times are entered in a keyboard-style picker."""

    package = PACKAGE
    label = "Clock"
    activities: ClassVar[dict[str, str]] = {"main": "com.android.deskclock.DeskClock",
                  "edit": "com.android.deskclock.alarms.AlarmEditActivity"}
    tip = ("Bedtime", "Set a bedtime schedule to get consistent sleep.")

    def first_page(self) -> Page:
        return Page("main", args={"tab": "alarm"})

    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        tab = page.args.get("tab", "alarm")
        body = Bounds(0, area.top, area.right, area.bottom - 200)

        def select(name: str):
            def go() -> None:
                page.args["tab"] = name
                page.focus = None
            return go

        bar = w.tabs(Bounds(0, area.bottom - 200, area.right, area.bottom),
                     [(text, name == tab, select(name), rid) for name, text, rid in TABS])
        views = getattr(self, f"_tab_{tab}")(nav, page, body)
        return [*views, bar]

    # -- alarms ---------------------------------------------------------------------------
    def _tab_alarm(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        title = w.label(Bounds(48, area.top + 40, area.right - 48, area.top + 130), "Alarm",
                        rid="action_bar_title", size=56, style="heading")
        alarms = sorted(nav.state.alarms, key=lambda a: a.time)
        height = nav.variant.row_height + 40
        rows = [(height, lambda box, a=a: self._alarm_row(nav, box, a)) for a in alarms]
        listing = w.recycler(Bounds(0, area.top + 160, area.right, area.bottom), rows,
                             key="alarms", offset=page.scroll.get("alarms", 0), rid="alarm_recycler_view")
        fab = main_fab(nav, "add_alarm", area, lambda: self._edit(nav, None), rid="fab")
        return [title, listing, fab]

    def _alarm_row(self, nav: Navigator, box: Bounds, alarm: Alarm) -> w.View:
        shown = format_time(alarm.time, nav.state.settings.use_24h)
        repeat = ", ".join(alarm.days) if alarm.days else "Not scheduled" if not alarm.enabled \
            else "Once"
        subtitle = f"{alarm.label} · {repeat}" if alarm.label else repeat
        mid = box.top + box.height // 2
        switch = w.View(w.SWITCH, Bounds(box.right - 200, mid - 44, box.right - 48, mid + 44),
                        rid="onoff", desc=f"{shown} {alarm.label}".strip(), checkable=True,
                        checked=alarm.enabled, clickable=True, focusable=True, style="switch",
                        on_tap=lambda: nav.state.update("alarms", alarm.id,
                                                        enabled=not alarm.enabled))
        item = w.row(Bounds(box.left, box.top, box.right - 220, box.bottom), shown, subtitle,
                     on_tap=lambda: self._edit(nav, alarm), rid="alarm_item",
                     title_rid="digital_clock", subtitle_rid="label")
        item.children[0].size = 54
        return w.group(box, [item, switch], rid="alarm_card")

    def _edit(self, nav: Navigator, alarm: Alarm | None) -> None:
        page = nav.push("edit", id=alarm.id if alarm else None)
        hhmm = alarm.time if alarm else nav.state.clock.strftime("%H:%M")
        hour, minute = (int(p) for p in hhmm.split(":"))
        if nav.state.settings.use_24h:
            page.fields["hour"] = f"{hour:02d}"
        else:
            page.fields["hour"] = str(hour % 12 or 12)
            page.args["pm"] = hour >= 12
        page.fields["minute"] = f"{minute:02d}"
        page.fields["label"] = alarm.label if alarm else ""
        page.args["days"] = list(alarm.days) if alarm else []

    def page_edit(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        existing = page.args.get("id")
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160),
                        "Edit alarm" if existing else "Set alarm", on_up=nav.pop)
        take = w.column(48, area.top + 200, area.right - 48)
        views: list[w.View] = [bar]
        views.append(w.label(take(70), "Enter time", rid="header_title", size=40,
                             style="secondary"))
        fields_box = take(190, 16)
        views.append(text_field(nav, page, Bounds(48, fields_box.top, 348, fields_box.bottom),
                                "hour", "Hour", rid="input_hour", select_on_focus=True, size=80))
        views.append(w.label(Bounds(360, fields_box.top, 420, fields_box.bottom), ":",
                             size=80, style="heading"))
        views.append(text_field(nav, page, Bounds(432, fields_box.top, 732, fields_box.bottom),
                                "minute", "Minute", rid="input_minute", select_on_focus=True,
                                size=80))
        if not nav.state.settings.use_24h:
            pm = bool(page.args.get("pm"))
            views.append(w.radio(Bounds(772, fields_box.top, area.right - 48,
                                        fields_box.top + 90), "AM", not pm,
                                 lambda: page.args.update(pm=False), rid="am_label"))
            views.append(w.radio(Bounds(772, fields_box.top + 100, area.right - 48,
                                        fields_box.bottom), "PM", pm,
                                 lambda: page.args.update(pm=True), rid="pm_label"))
        views.append(text_field(nav, page, take(150, 48), "label", "Label", rid="edit_label"))
        if page.error:
            views.append(w.label(take(70, 16), page.error, rid="error", style="error", size=40))
        buttons = take(140, 48)
        views.append(action_button(nav, "cancel", Bounds(48, buttons.top, 500, buttons.bottom),
                                   nav.pop, rid="cancel_button"))
        views.append(action_button(nav, "save", Bounds(area.right - 500, buttons.top,
                                                       area.right - 48, buttons.bottom),
                                   lambda: self._save(nav, page), rid="ok_button", glyph="v"))
        if existing:
            box = take(140, 48)
            views.append(action_button(nav, "delete", box, lambda: confirm_delete(
                nav, "alarm", lambda: self._delete(nav, existing)), rid="delete", glyph="X"))
        views.extend(self._days(nav, page, take))
        return views

    def _days(self, nav: Navigator, page: Page, take) -> list[w.View]:
        """Repeat-day chips; some variants draw one letter, each keeps the day's full name."""
        views = [w.label(take(70, 48), "Repeat", rid="repeat_title", size=40, style="secondary")]
        strip = take(120, 16)
        width = (strip.width - 6 * 12) // 7
        days = page.args.setdefault("days", [])
        for i, (short, full) in enumerate(DAYS):
            left = strip.left + i * (width + 12)

            def toggle(short: str = short) -> None:
                chosen = set(days) ^ {short}
                days[:] = [d for d, _ in DAYS if d in chosen]

            text = short[:1] if nav.variant.one_letter_days else short
            views.append(w.View(w.CHECK_BOX, Bounds(left, strip.top, left + width, strip.bottom),
                                text=text, desc=full, rid="day_button", checkable=True,
                                checked=short in days, clickable=True, focusable=True,
                                on_tap=toggle, style="chip", size=38))
        return views

    def _save(self, nav: Navigator, page: Page) -> None:
        use_24h = nav.state.settings.use_24h
        try:
            hour = int(page.fields.get("hour", "").strip())
            minute = int(page.fields.get("minute", "").strip())
        except ValueError:
            page.error = "Enter a valid time"
            return
        valid_hour = 0 <= hour <= 23 if use_24h else 1 <= hour <= 12
        if not valid_hour or not 0 <= minute <= 59:
            page.error = "Enter a valid time"
            return
        if not use_24h:
            hour = hour % 12 + (12 if page.args.get("pm") else 0)
        values = {"time": f"{hour:02d}:{minute:02d}", "label": page.fields.get("label", "").strip(),
                  "enabled": True, "days": tuple(page.args.get("days", ()))}
        if page.args.get("id"):
            nav.state.update("alarms", page.args["id"], **values)
        else:
            nav.state.add("alarms", **values)
        nav.pop()

    def _delete(self, nav: Navigator, alarm_id: int) -> None:
        nav.state.remove("alarms", alarm_id)
        nav.pop()

    # -- clock ----------------------------------------------------------------------------
    def _tab_clock(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        clock = nav.state.clock
        use_24h = nav.state.settings.use_24h
        now = format_time(clock.strftime("%H:%M"), use_24h)
        views = [
            w.label(Bounds(48, area.top + 120, area.right - 48, area.top + 300), now,
                    rid="digital_clock", size=140, style="heading"),
            w.label(Bounds(48, area.top + 320, area.right - 48, area.top + 390),
                    clock.strftime("%a, %b ") + str(clock.day), rid="date", size=44,
                    style="secondary"),
        ]
        take = w.column(0, area.top + 480, area.right)
        for city, ahead in WORLD:
            hour = (clock.hour + ahead) % 24
            there = format_time(f"{hour:02d}:{clock.minute:02d}", use_24h)
            box = take(170)
            there_label = w.label(Bounds(area.right - 360, box.top + 50, area.right - 48,
                                         box.bottom - 50), there, rid="digital_clock", size=52)
            views.append(w.row(box, city, f"{ahead:+d} hrs", rid="world_clock_item",
                               title_rid="city_name", subtitle_rid="city_day",
                               trailing=there_label))
        return views

    # -- stopwatch ------------------------------------------------------------------------
    def _tab_stopwatch(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        return stopwatch.tab(nav, page, area)

    # -- timers ---------------------------------------------------------------------------
    def _tab_timer(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        take = w.column(48, area.top + 40, area.right - 48)
        heading = take(90)
        views = [w.label(heading, "Timer", rid="action_bar_title", size=56, style="heading")]
        boxes = take(150, 24)
        third = (boxes.width - 48) // 3
        for i, (key, hint) in enumerate((("t_h", "Hours"), ("t_m", "Minutes"),
                                         ("t_s", "Seconds"))):
            left = boxes.left + i * (third + 24)
            views.append(text_field(nav, page, Bounds(left, boxes.top, left + third,
                                                      boxes.bottom), key, hint,
                                    rid=f"timer_{hint.lower()}"))
        if page.error:
            views.append(w.label(take(70, 16), page.error, rid="error", style="error", size=40))
        views.append(action_button(nav, "start", take(140, 32), lambda: self._start(nav, page),
                                   rid="timer_start", glyph=">"))
        take(0, 24)
        for timer in nav.state.timers:
            views.append(self._timer_row(nav, take(200), timer))
        # "Add timer" sets one without starting it; it sits on the heading line, clear of the form.
        views.append(action_button(nav, "set_timer", Bounds(heading.right - 360, heading.top - 10,
                                                            heading.right, heading.bottom + 10),
                                   lambda: self._start(nav, page, run=False), rid="timer_add",
                                   glyph="+"))
        return views

    def _start(self, nav: Navigator, page: Page, *, run: bool = True) -> None:
        try:
            parts = [int(page.fields.get(k, "").strip() or 0) for k in ("t_h", "t_m", "t_s")]
        except ValueError:
            page.error = "Enter numbers only"
            return
        seconds = parts[0] * 3600 + parts[1] * 60 + parts[2]
        if seconds <= 0:
            page.error = "Enter a duration"
            return
        page.error = ""
        if run:
            nav.state.add("timers", duration_s=seconds, remaining_s=float(seconds), running=True)
        else:
            nav.state.add("timers", duration_s=seconds)
        for key in ("t_h", "t_m", "t_s"):
            page.fields.pop(key, None)
        page.focus = None

    def _timer_row(self, nav: Navigator, box: Bounds, timer: Timer) -> w.View:
        left = timer.duration_s if timer.remaining_s is None else timer.remaining_s
        whole = int(-(-left // 1))
        text = f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}" if whole >= 3600 \
            else f"{whole // 60:02d}:{whole % 60:02d}"
        fresh = timer.remaining_s is None
        state = "Running" if timer.running else ("Done" if left <= 0 else
                                                 "Not started" if fresh else "Paused")
        toggle = w.button(Bounds(box.right - 500, box.top + 30, box.right - 260, box.bottom - 30),
                          "Pause" if timer.running else "Start" if fresh else "Resume",
                          lambda: nav.state.update("timers", timer.id, remaining_s=float(left),
                                                   running=not timer.running and left > 0),
                          rid="play_pause")
        delete = w.button(Bounds(box.right - 240, box.top + 30, box.right, box.bottom - 30),
                          nav.variant.label("delete"),
                          lambda: nav.state.remove("timers", timer.id), rid="delete_timer")
        item = w.row(box, text, f"{timer.label or 'Timer'} · {state}", rid="timer_item",
                     title_rid="timer_time_text", subtitle_rid="timer_label", lead=0,
                     trailing=toggle)
        item.children.append(delete)
        return item
