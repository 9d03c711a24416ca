"""The Clock app's Stopwatch tab: start, stop, lap and reset, counted in the phone's virtual time."""

from __future__ import annotations

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps.base import action_button
from pocketpilot.devices.virtual.nav import Navigator, Page


def tab(nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
    watch = nav.state.stopwatch
    take = w.column(48, area.top + 40, area.right - 48)
    views = [w.label(take(90), "Stopwatch", rid="action_bar_title", size=56, style="heading"),
             w.label(take(200, 60), elapsed(watch.elapsed_s), rid="stopwatch_time_text",
                     size=140, style="heading")]
    state = nav.state
    if watch.running:
        buttons = [("lap", "stopwatch_lap", lambda: state.set_stopwatch(
                        laps=(*watch.laps, watch.elapsed_s))),
                   ("sw_stop", "stopwatch_stop", lambda: state.set_stopwatch(running=False))]
    elif watch.elapsed_s > 0:
        buttons = [("reset", "stopwatch_reset", lambda: state.set_stopwatch(elapsed_s=0.0,
                                                                            laps=())),
                   ("sw_start", "stopwatch_start", lambda: state.set_stopwatch(running=True))]
    else:
        buttons = [("sw_start", "stopwatch_start", lambda: state.set_stopwatch(running=True))]
    strip = take(140, 60)
    width = (strip.width - 32 * (len(buttons) - 1)) // len(buttons)
    for i, (key, rid, tap) in enumerate(nav.variant.order(buttons, "stopwatch")):
        left = strip.left + i * (width + 32)
        views.append(action_button(nav, key, Bounds(left, strip.top, left + width, strip.bottom),
                                   tap, rid=rid))
    take(0, 40)
    rows = []
    previous = 0.0
    for number, at in enumerate(watch.laps, start=1):
        rows.append((number, at - previous, at))
        previous = at
    for number, split, at in reversed(rows):  # newest lap on top, as the Clock app lists them
        views.append(w.row(take(130), f"Lap {number}", f"{elapsed(split)} · {elapsed(at)}",
                           rid="lap_item", title_rid="lap_number", subtitle_rid="lap_time",
                           lead=0))
    return views


def elapsed(seconds: float) -> str:
    """62.5 -> "01:02.50"; an hour or more -> "1:01:02.50"."""
    hundredths = round(seconds * 100)
    whole, cents = divmod(hundredths, 100)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}.{cents:02d}"
    return f"{minutes:02d}:{secs:02d}.{cents:02d}"
