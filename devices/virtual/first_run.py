"""First-run greetings for the virtual phone: a welcome dialog, then a runtime permission prompt.

Seed ``first_run: [app, ...]`` (package names or launcher labels) and each listed app greets
its first launch the way many real apps do: a two-step welcome ("Skip" / "Next", then "Got it"),
then the system's permission prompt (``com.google.android.permissioncontroller``: "While using
the app" / "Only this time" / "Don't allow"). Until access is granted the app shows only a
"needs access" placeholder, so whoever cannot answer the prompt sees one page of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.nav import Choice, Dialog, Navigator, Page
from pocketpilot.devices.virtual.state import SeedError
from pocketpilot.devices.virtual.system import PERMISSION_UI

_GRANT_IDS = "com.android.permissioncontroller:id/permission_"


class FirstRun:
    """Wraps one app: greets its first launch, and hides its pages until access is granted."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self.granted = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)

    def first_launch(self, nav: Navigator, page: Page) -> None:
        self._app.first_launch(nav, page)
        self._welcome(nav)

    def render(self, nav: Navigator, page: Page, area: Bounds) -> list[w.View]:
        if self.granted:
            return self._app.render(nav, page, area)
        take = w.column(48, area.top + 200, area.right - 48)
        note = w.label(take(140), f"{self._app.label} needs access to your data to show it",
                       style="body", size=44)
        ask = w.button(take(130, 24), "Allow access", lambda: self._ask(nav), rid="allow_access")
        return [note, ask]

    def _welcome(self, nav: Navigator) -> None:
        name = self._app.label
        nav.show(Dialog(f"Welcome to {name}", f"{name} keeps everything in one place.",
                        cancelable=False, buttons=(
                            Choice("Skip", lambda: self._ask(nav), "onboarding_skip"),
                            Choice("Next", lambda: self._tour(nav), "onboarding_next"))))

    def _tour(self, nav: Navigator) -> None:
        nav.show(Dialog("Find things fast", "Search and sort from the top bar.", cancelable=False,
                        buttons=(Choice("Got it", lambda: self._ask(nav), "onboarding_done"),)))

    def _ask(self, nav: Navigator) -> None:
        def answer(allow: bool) -> None:
            self.granted = allow
            nav.dismiss()

        nav.show(Dialog(
            "", f"Allow {self._app.label} to access your data on this device?",
            package=PERMISSION_UI, cancelable=False, buttons=(
                Choice("While using the app", lambda: answer(True),
                       _GRANT_IDS + "allow_foreground_only_button"),
                Choice("Only this time", lambda: answer(True), _GRANT_IDS + "allow_one_time_button"),
                Choice("Don't allow", lambda: answer(False), _GRANT_IDS + "deny_button"),
            )))


def wrap(apps: dict[str, Any], first_run: Iterable[str] | None) -> dict[str, Any]:
    """``apps`` with each app named in ``first_run`` (package or label) wrapped in ``FirstRun``."""
    if first_run is None:
        return apps
    if isinstance(first_run, str) or not all(isinstance(a, str) for a in first_run):
        raise SeedError(f"first_run must be a list of app packages or labels, got {first_run!r}")
    by_label = {app.label.lower(): package for package, app in apps.items()}
    out = dict(apps)
    for name in first_run:
        package = name if name in apps else by_label.get(name.strip().lower())
        if package is None:
            raise SeedError(f"first_run names {name!r}, which is not an app of the virtual phone; "
                            f"use one of {', '.join(sorted(a.label for a in apps.values()))}")
        out[package] = FirstRun(apps[package])
    return out
