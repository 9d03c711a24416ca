"""Settings (com.android.settings): searchable top-level list and the pages behind it, with
toggles for Wi-Fi, airplane mode, Bluetooth, brightness, dark theme, Battery Saver and DND."""

from __future__ import annotations

from typing import ClassVar

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps.base import App, content, text_field
from pocketpilot.devices.virtual.nav import Action, Navigator, Page

PACKAGE = "com.android.settings"
_S = "com.android.settings.Settings$"
# page, title, summary (None = computed), search keywords
ENTRIES = (
    ("network", "Network & internet", None, "wifi wi-fi internet airplane mobile data"),
    ("connected", "Connected devices", "Bluetooth, pairing", "bluetooth pair"),
    ("apps", "Apps", "Recent apps, default apps", "apps applications"),
    ("notifications", "Notifications", "Notification history, conversations", "notifications"),
    ("battery", "Battery", None, "battery saver power"),
    ("storage", "Storage", "38% used - 79 GB free", "storage space"),
    ("sound", "Sound & vibration", "Volume, haptics, Do Not Disturb", "sound dnd do not disturb"),
    ("display", "Display", "Dark theme, font size, brightness", "display brightness dark theme"),
    ("wallpaper", "Wallpaper & style", "Colors, themed icons", "wallpaper style"),
    ("accessibility", "Accessibility", "Display, interaction, audio", "accessibility"),
    ("security", "Security & privacy", "App security, device lock", "security privacy lock"),
    ("location", "Location", "On - 3 apps have access", "location gps"),
    ("wellbeing", "Digital Wellbeing", "Screen time, app timers", "wellbeing screen time"),
    ("system", "System", "Languages, gestures, time, backup", "system language time"),
    ("about", "About phone", "Pixel (virtual)", "about phone android version build"),
)


class SettingsApp(App):
    """The device toggles an agent is asked to flip, behind a realistic menu."""

    package = PACKAGE
    label = "Settings"
    activities: ClassVar[dict[str, str]] = {
        "main": "com.android.settings.Settings",
        "network": _S + "NetworkDashboardActivity",
        "connected": _S + "ConnectedDeviceDashboardActivity",
        "display": _S + "DisplaySettingsActivity",
        "battery": _S + "PowerUsageSummaryActivity",
        "sound": _S + "SoundSettingsActivity",
        "about": _S + "MyDeviceInfoActivity",
        "generic": "com.android.settings.SubSettings",
    }

    def page_main(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        area = content(area, nav)
        title = w.label(Bounds(48, area.top + 50, area.right - 48, area.top + 170), "Settings",
                        rid="homepage_title", size=72, style="heading")
        search = text_field(nav, page, Bounds(48, area.top + 200, area.right - 48,
                                              area.top + 340), "search", "Search settings",
                            rid="search_action_bar")
        query = page.fields.get("search", "").strip().lower()
        entries = nav.variant.order(ENTRIES, "settings")
        if query:
            entries = [e for e in entries if query in e[1].lower() or query in e[3]]
        height = nav.variant.row_height + 24
        rows = [(height, lambda box, e=e: w.row(
            box, e[1], e[2] or self._summary(nav, e[0]), on_tap=self._go(nav, e[0], e[1]),
            rid="dashboard_tile", title_rid="android:id/title",
            subtitle_rid="android:id/summary")) for e in entries]
        listing = w.recycler(Bounds(0, area.top + 370, area.right, area.bottom), rows,
                             key="list", offset=page.scroll.get("list", 0))
        return [title, search, listing]

    def _summary(self, nav: Navigator, name: str) -> str:
        settings = nav.state.settings
        if name == "network":
            if settings.airplane:
                return "Airplane mode is on"
            return "Wi-Fi, HomeNet" if settings.wifi else "Wi-Fi off, mobile data"
        return "Battery Saver on" if settings.battery_saver else "Battery Saver off"

    def _go(self, nav: Navigator, name: str, title: str) -> Action:
        target = name if name in self.activities else "generic"
        return lambda: nav.push(target, title=title)

    def _page(self, nav: Navigator, title: str, area: Bounds) -> tuple[w.View, object]:
        area = content(area, nav)
        bar = w.toolbar(Bounds(0, area.top, area.right, area.top + 160), title, on_up=nav.pop,
                        rid="action_bar", title_rid="collapsing_toolbar")
        return bar, w.column(0, area.top + 180, area.right)

    def _toggle(self, nav: Navigator, name: str) -> Action:
        return lambda: nav.state.set_settings(**{name: not getattr(nav.state.settings, name)})

    def _switch(self, nav: Navigator, box: Bounds, title: str, summary: str, name: str) -> w.View:
        return w.switch_row(box, title, summary, bool(getattr(nav.state.settings, name)),
                            self._toggle(nav, name), rid=f"{name}_switch_row")

    # -- pages ----------------------------------------------------------------------------
    def page_network(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        bar, take = self._page(nav, "Network & internet", area)
        settings = nav.state.settings
        views = [bar]
        wifi_summary = "HomeNet" if settings.wifi and not settings.airplane else "Off"
        views.append(self._switch(nav, take(200), "Wi-Fi", wifi_summary, "wifi"))
        views.append(self._switch(nav, take(200), "Airplane mode", "", "airplane"))
        if settings.wifi and not settings.airplane:
            box = take(90, 24)
            views.append(w.label(Bounds(48, box.top, 1032, box.bottom), "Available networks",
                                 rid="category_title", size=40, style="secondary"))
            for name, detail in (("HomeNet", "Connected"), ("CoffeeShop_Guest", "Open"),
                                 ("NETGEAR-5G", "Saved")):
                views.append(w.row(take(180), name, detail, on_tap=lambda: None,
                                   rid="wifi_network", title_rid="android:id/title",
                                   subtitle_rid="android:id/summary"))
        return views

    def page_connected(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        bar, take = self._page(nav, "Connected devices", area)
        on = nav.state.settings.bluetooth
        return [
            bar,
            self._switch(nav, take(200), "Use Bluetooth", "On" if on else "Off", "bluetooth"),
            w.row(take(180), "Pair new device", on_tap=lambda: None, rid="pair_new_device",
                  title_rid="android:id/title"),
        ]

    def page_display(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        bar, take = self._page(nav, "Display", area)
        settings = nav.state.settings
        heading = take(110)
        level = w.label(Bounds(48, heading.top + 30, 700, heading.bottom), "Brightness level",
                        rid="android:id/title", size=46, style="title")
        value = w.label(Bounds(720, heading.top + 30, 1032, heading.bottom),
                        f"{settings.brightness}%", rid="brightness_value", size=44)
        slider_box = take(120)

        def set_level(x: int, _y: int) -> None:
            span = slider_box.width - 96
            nav.state.set_settings(brightness=max(0, min(100, round((x - 48) * 100 / span))))

        slider = w.View(w.SEEK_BAR, Bounds(48, slider_box.top, 1032, slider_box.bottom),
                        rid="seekbar", desc="Brightness level", text=str(settings.brightness),
                        clickable=True, focusable=True, on_tap_at=set_level, style="seekbar")
        return [
            bar, level, value, slider,
            self._switch(nav, take(200, 24), "Adaptive brightness",
                         "Adjust to your environment", "adaptive_brightness"),
            self._switch(nav, take(200), "Dark theme", "", "dark_theme"),
            self._switch(nav, take(200), "Use 24-hour format", "13:00", "use_24h"),
            w.row(take(180), "Screen timeout", "After 30 seconds of inactivity",
                  on_tap=lambda: None, rid="screen_timeout", title_rid="android:id/title",
                  subtitle_rid="android:id/summary"),
        ]

    def page_battery(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        bar, take = self._page(nav, "Battery", area)
        return [
            bar,
            self._switch(nav, take(200), "Battery Saver", "Extends battery life",
                         "battery_saver"),
            w.row(take(180), "Battery usage", "View usage for past 24 hours",
                  on_tap=lambda: None, rid="battery_usage", title_rid="android:id/title",
                  subtitle_rid="android:id/summary"),
        ]

    def page_sound(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        bar, take = self._page(nav, "Sound & vibration", area)
        return [
            bar,
            self._switch(nav, take(200), "Do Not Disturb", "Only priority interruptions", "dnd"),
            w.row(take(180), "Phone ringtone", "Pixel Sounds", on_tap=lambda: None,
                  rid="ringtone", title_rid="android:id/title",
                  subtitle_rid="android:id/summary"),
        ]

    def page_about(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        bar, take = self._page(nav, "About phone", area)
        facts = (("Device name", "Pixel (virtual)"), ("Model", "Pocketpilot Virtual Phone"),
                 ("Android version", "14"), ("Build number", "UQ1A.240105.004"))
        return [bar, *(w.row(take(180), k, v, rid="about_item", title_rid="android:id/title",
                             subtitle_rid="android:id/summary") for k, v in facts)]

    def page_generic(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        bar, take = self._page(nav, page.args.get("title", "Settings"), area)
        box = take(120, 24)
        return [bar, w.label(Bounds(48, box.top, box.right - 48, box.bottom),
                             "Nothing to change here on the virtual phone", rid="empty_view",
                             size=40, style="secondary")]
