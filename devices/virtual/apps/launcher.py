"""The home screen: a date glance and a grid of app icons (Pixel launcher look-alike)."""

from __future__ import annotations

from typing import ClassVar

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps.base import App
from pocketpilot.devices.virtual.nav import LAUNCHER, Navigator, Page

COLUMNS = 4


class LauncherApp(App):
    """Home: where Home and Back-from-root land; every app is one tap away."""

    package = LAUNCHER
    label = "Pixel Launcher"
    home = "home"
    activities: ClassVar[dict[str, str]] = {"home": "com.google.android.apps.nexuslauncher.NexusLauncherActivity"}

    def page_home(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        clock = nav.state.clock
        glance = w.label(Bounds(64, area.top + 80, area.right - 64, area.top + 160),
                         clock.strftime("%a, %b ") + str(clock.day), rid="date_view", size=56,
                         style="heading")
        apps = [a for p, a in nav.apps.items() if p != LAUNCHER]
        # Each release's apps are shuffled among themselves, so older icons keep their cells.
        apps = [a for release in sorted({a.added_in for a in apps}) for a in nav.variant.order(
            [a for a in apps if a.added_in == release], "launcher" + (f"-{release}" if release
                                                                      else ""))]
        cell_w = (area.width - 48) // COLUMNS
        top = area.top + 360 + nav.variant.top_offset
        icons: list[w.View] = []
        for i, app in enumerate(apps):
            left = 24 + (i % COLUMNS) * cell_w
            y = top + (i // COLUMNS) * 320
            icons.append(w.View(
                w.TEXT_VIEW, Bounds(left, y, left + cell_w, y + 280), text=app.label,
                desc=app.label, rid="icon", clickable=True, focusable=True,
                long_clickable=True, on_tap=lambda p=app.package: nav.start(p),
                style="app-icon", size=36,
            ))
        grid = w.group(Bounds(0, top - 24, area.right, area.bottom), icons, rid="workspace")
        return [glance, grid]
