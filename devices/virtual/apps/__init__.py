"""The apps installed on the virtual phone, keyed by package."""

from __future__ import annotations

from pocketpilot.devices.virtual.apps.base import App
from pocketpilot.devices.virtual.apps.calendar import CalendarApp
from pocketpilot.devices.virtual.apps.clock import ClockApp
from pocketpilot.devices.virtual.apps.contacts import ContactsApp
from pocketpilot.devices.virtual.apps.files import FilesApp
from pocketpilot.devices.virtual.apps.gallery import GalleryApp
from pocketpilot.devices.virtual.apps.launcher import LauncherApp
from pocketpilot.devices.virtual.apps.messages import MessagesApp
from pocketpilot.devices.virtual.apps.notes import NotesApp
from pocketpilot.devices.virtual.apps.settings import SettingsApp
from pocketpilot.devices.virtual.apps.shopping import ShoppingApp

APP_TYPES: tuple[type[App], ...] = (
    LauncherApp, ContactsApp, MessagesApp, ClockApp, CalendarApp, NotesApp, SettingsApp,
    FilesApp, ShoppingApp, GalleryApp,
)


def make_apps() -> dict[str, App]:
    return {cls.package: cls() for cls in APP_TYPES}
