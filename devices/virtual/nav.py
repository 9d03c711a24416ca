"""Back stacks, dialogs and focus: the transient UI state the virtual apps move through.

``Navigator`` is the apps' one handle on the phone: the data (``state``), the look
(``variant``), and per-app back stacks of ``Page``s the way Android keeps one task per app.
It knows nothing of gestures or rendering; the phone drives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pocketpilot.devices.errors import DeviceError
from pocketpilot.devices.virtual.state import PhoneState
from pocketpilot.devices.virtual.variants import Variant

if TYPE_CHECKING:
    from pocketpilot.devices.virtual.apps.base import App

Action = Callable[[], None]
LAUNCHER = "com.google.android.apps.nexuslauncher"


@dataclass(frozen=True)
class Choice:
    """A dialog button or list entry."""

    label: str
    on_tap: Action
    rid: str = ""


@dataclass(frozen=True)
class Dialog:
    """A modal window over the page: alert, permission prompt, one-time tip or chooser."""

    title: str
    message: str = ""
    buttons: tuple[Choice, ...] = ()
    items: tuple[Choice, ...] = ()  # chooser entries (share targets)
    package: str = ""  # the window's package; empty = the app's own
    cancelable: bool = True  # back / tapping outside dismisses it
    on_cancel: Action | None = None


@dataclass(eq=False)
class Page:
    """One screen on an app's back stack, with its typed text, scroll offsets and dialog."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    scroll: dict[str, int] = field(default_factory=dict)
    focus: str | None = None
    select_all: bool = False  # the focused field's text is selected: typing replaces it
    dialog: Dialog | None = None
    error: str = ""
    on_leave: Action | None = None  # run when the page is left: popped, or its app left


class Navigator:
    """Per-app back stacks and the foreground app; the one object apps act through."""

    def __init__(self, state: PhoneState, variant: Variant, apps: dict[str, App]) -> None:
        self.state = state
        self.variant = variant
        self.apps = apps
        self.tasks: dict[str, list[Page]] = {LAUNCHER: [apps[LAUNCHER].first_page()]}
        self.foreground = LAUNCHER
        self.shade_open = False
        self.launched: set[str] = set()

    # -- where we are -------------------------------------------------------------------------
    @property
    def app(self) -> App:
        return self.apps[self.foreground]

    @property
    def page(self) -> Page:
        return self.tasks[self.foreground][-1]

    # -- moving -------------------------------------------------------------------------------
    def start(self, package: str) -> None:
        """Bring ``package``'s task to the front (resuming it), like a launcher tap or am start."""
        if package not in self.apps:
            installed = ", ".join(sorted(p for p in self.apps if p != LAUNCHER))
            raise DeviceError(
                f"am start: no launchable activity for package {package!r} on the virtual phone; "
                f"installed: {installed}"
            )
        self.shade_open = False
        if package != self.foreground:
            self._leaving()
        if package not in self.tasks:
            self.tasks[package] = [self.apps[package].first_page()]
        self.foreground = package
        if package not in self.launched:
            self.launched.add(package)
            self.apps[package].first_launch(self, self.page)

    def open(self, package: str, name: str, **args: Any) -> Page:
        """Start ``package`` on a given page (a cross-app intent such as "message this number")."""
        self.start(package)
        if self.page.dialog is None:  # a first-launch tip stays on top of the list page
            return self.push(name, **args)
        page = Page(name, args=args)
        self.tasks[package].append(page)
        page.dialog, self.tasks[package][-2].dialog = self.tasks[package][-2].dialog, None
        return page

    def push(self, name: str, **args: Any) -> Page:
        page = Page(name, args=args)
        self.tasks[self.foreground].append(page)
        return page

    def replace(self, name: str, **args: Any) -> Page:
        self.pop()
        return self.push(name, **args)

    def pop(self) -> None:
        """Leave the current page; from an app's first page go home (the task stays resumable)."""
        stack = self.tasks[self.foreground]
        page = stack[-1]
        if page.on_leave is not None:
            page.on_leave()
        if len(stack) > 1:
            stack.pop()
        elif self.foreground != LAUNCHER:
            self.foreground = LAUNCHER

    def back(self) -> None:
        if self.shade_open:
            self.shade_open = False
        elif self.page.dialog is not None:
            self.cancel_dialog()
        else:
            self.pop()

    def stop(self, package: str) -> None:
        """Force-stop: drop the app's back stack; if it was in front, the launcher shows."""
        if package == LAUNCHER or package not in self.tasks:
            return
        if package == self.foreground:
            self.home()
        del self.tasks[package]

    def home(self) -> None:
        self.shade_open = False
        self._leaving()
        self.foreground = LAUNCHER
        self.tasks[LAUNCHER] = [self.apps[LAUNCHER].first_page()]

    def _leaving(self) -> None:
        page = self.page
        if page.on_leave is not None:
            page.on_leave()

    # -- dialogs ------------------------------------------------------------------------------
    def show(self, dialog: Dialog) -> None:
        self.page.dialog = dialog
        self.page.focus = None

    def dismiss(self) -> None:
        self.page.dialog = None

    def cancel_dialog(self) -> None:
        dialog = self.page.dialog
        if dialog is None or not dialog.cancelable:
            return
        self.page.dialog = None
        if dialog.on_cancel is not None:
            dialog.on_cancel()

    # -- system services ----------------------------------------------------------------------
    def notify(self, app: str, title: str, text: str) -> None:
        self.state.add("notifications", app=app, title=title, text=text, time=self.state.now_iso)
