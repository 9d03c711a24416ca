"""``VirtualPhone``: a deterministic in-process Android phone behind the ``Device`` seam.

It turns gestures into touches on the apps' view tree (hit-testing by bounds), keeps virtual
time (never the wall clock), simulates battery and heat, and renders uiautomator XML and PNG
from the same layout. One ``RLock`` guards everything: the ADB daemon serves it from threads.
"""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta

from pocketpilot.devices.actions import Action, Launch
from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.device import ActionResult, AppInfo, DeviceInfo, resolve_app
from pocketpilot.devices.errors import DeviceError, InvalidAction
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.gestures import (
    Gesture,
    InputText,
    KeyPress,
    Sleep,
    StartApp,
    StopApp,
    SwipeAt,
    TapAt,
    to_gestures,
)
from pocketpilot.devices.screen import Screen, parse_uiautomator_xml
from pocketpilot.devices.sensors import Sensors, ThermalStatus
from pocketpilot.devices.virtual import clipboard, render_png, render_xml, system
from pocketpilot.devices.virtual import widgets as w
from pocketpilot.devices.virtual.apps import make_apps
from pocketpilot.devices.virtual.apps.base import format_time
from pocketpilot.devices.virtual.dataset import DEFAULT_STATE
from pocketpilot.devices.virtual.first_run import wrap as greet_first_runs
from pocketpilot.devices.virtual.nav import LAUNCHER, Navigator
from pocketpilot.devices.virtual.sensors_sim import PowerModel
from pocketpilot.devices.virtual.state import PhoneState, SeedError
from pocketpilot.devices.virtual.variants import Variant

# Virtual seconds each kind of work takes, and the extra watts it draws meanwhile.
TAP_S, KEY_S, START_S, DUMP_S, SHOT_S = 0.35, 0.15, 1.2, 0.6, 0.25
TOUCH_W, DUMP_W, INFERENCE_W = 1.2, 2.0, 4.0
TOUCH_SLOP = 24  # px a finger may move and still tap
LONG_PRESS_MS = 500
_KEYS = {
    "KEYCODE_BACK": "back", "4": "back", "KEYCODE_HOME": "home", "3": "home",
    "KEYCODE_DEL": "del", "67": "del", "KEYCODE_MOVE_END": "end", "123": "end",
    "KEYCODE_ENTER": "enter", "66": "enter", "KEYCODE_SPACE": "space", "62": "space",
    "KEYCODE_TAB": "tab", "61": "tab",
}


class VirtualPhone:
    """A virtual Android phone with stock-like apps; implements ``pocketpilot.devices.Device``.

    ``state`` seeds the apps' data (see ``state.PhoneState``; omitted keys get a default
    dataset, plus an optional ``battery`` mapping); ``variant`` perturbs labels and layout
    (0 = canonical); ``seed`` drives the little randomness there is (sensor noise).
    """

    def __init__(self, state: dict | None = None, *, variant: int = 0, seed: int = 0,
                 size: tuple[int, int] = (1080, 2400), on_event: EventSink | None = None) -> None:
        seed_data = dict(state or {})
        try:
            self._power = PowerModel.from_dict(seed_data.pop("battery", None), seed=seed)
        except ValueError as exc:
            raise SeedError(str(exc)) from exc
        greeted = seed_data.pop("first_run", None)
        self._state = PhoneState.from_dict(seed_data, DEFAULT_STATE)
        self._variant = Variant.of(variant)
        self._apps = greet_first_runs(make_apps(), greeted)
        self._nav = Navigator(self._state, self._variant, self._apps)
        self._lock = threading.RLock()
        self._size = (int(size[0]), int(size[1]))
        self._scale = self._size[0] / w.WIDTH
        self._logical = (w.WIDTH, round(self._size[1] / self._scale))
        self._emit = on_event or discard
        self._last_screen: Screen | None = None
        self._closed = False

    # -- Device protocol ----------------------------------------------------------------------
    def observe(self) -> Screen:
        with self._lock:
            xml = self.dump_xml()
            screen = parse_uiautomator_xml(xml, activity=self.focus()[1], size=self._size)
            self._last_screen = screen
            return screen

    def screenshot(self) -> bytes:
        with self._lock:
            self._check_open()
            self._advance(SHOT_S, DUMP_W / 2)
            return render_png.render(self._windows(), self._logical, self._size)

    def act(self, action: Action) -> ActionResult:
        with self._lock:
            self._check_open()
            package = resolve_app(action.app, self.apps()) if isinstance(action, Launch) else None
            gestures = to_gestures(action, self._last_screen, package=package)
            start = self._state.clock
            for gesture in gestures:
                self.perform(gesture)
            seconds = (self._state.clock - start).total_seconds()
            detail = ", ".join(type(g).__name__ for g in gestures)
            return ActionResult(action=action, seconds=seconds, detail=detail)

    def sensors(self) -> Sensors:
        with self._lock:
            return self._power.sensors()

    def apps(self) -> list[AppInfo]:
        return [AppInfo(p, app.label) for p, app in self._apps.items() if p != LAUNCHER]

    def launch(self, app: str) -> None:
        self.perform(StartApp(resolve_app(app, self.apps())))

    def info(self) -> DeviceInfo:
        return DeviceInfo(serial="virtual", model=f"Pocketpilot Virtual Phone (variant "
                          f"{self._variant.number})", android_version="14",
                          screen_size=self._size, kind="virtual")

    def close(self) -> None:
        with self._lock:
            self._closed = True

    # -- gesture level ------------------------------------------------------------------------
    def perform(self, gesture: Gesture) -> None:
        """Do one gesture as a touch screen / input system would."""
        with self._lock:
            self._check_open()
            self._emit(Event("virtual.gesture", {"gesture": type(gesture).__name__,
                                                 **_fields(gesture)}))
            if isinstance(gesture, TapAt):
                self._tap(*self._logical_point(gesture.x, gesture.y))
                self._advance(TAP_S, TOUCH_W)
            elif isinstance(gesture, SwipeAt):
                self._swipe(gesture)
                self._advance(gesture.duration_ms / 1000 + 0.3, TOUCH_W)
            elif isinstance(gesture, KeyPress):
                for key in gesture.keys:
                    self._key(key)
                self._advance(KEY_S * len(gesture.keys), TOUCH_W)
            elif isinstance(gesture, InputText):
                self._input(gesture.text)
                self._advance(0.3 + 0.02 * len(gesture.text), TOUCH_W)
            elif isinstance(gesture, StopApp):
                self._nav.stop(gesture.package)
            elif isinstance(gesture, StartApp):
                self._nav.start(gesture.package.split("/", 1)[0])
                self._advance(START_S, TOUCH_W * 2)
            elif isinstance(gesture, Sleep):
                self._advance(gesture.seconds, 0.0)
            else:
                raise InvalidAction(f"the virtual phone cannot perform {gesture!r}")

    def dump_xml(self) -> str:
        with self._lock:
            self._check_open()
            self._advance(DUMP_S, DUMP_W)
            screen = Bounds(0, 0, *self._logical)
            return render_xml.dump(self._windows(), screen, self._scale)

    def focus(self) -> tuple[str, str]:
        """(package, activity class) of the focused window, as ``dumpsys window`` reports it."""
        with self._lock:
            if self._nav.shade_open:
                return (system.SYSTEMUI, "NotificationShade")
            dialog = self._nav.page.dialog
            if dialog is not None and dialog.package == system.PERMISSION_UI:
                return (dialog.package, "com.android.permissioncontroller.permission.ui."
                        "GrantPermissionsActivity")
            return (self._nav.foreground, self._nav.app.activity(self._nav.page))

    def settings(self):
        """The phone's settings (``state.Settings``), as ``adb shell settings get`` reads them."""
        with self._lock:
            return self._state.settings

    def update_settings(self, **changes) -> None:
        """What ``settings put`` and ``svc wifi`` change, applied as the Settings app would."""
        with self._lock:
            self._state.set_settings(**changes)

    def state_dict(self) -> dict:
        with self._lock:
            return {**self._state.to_dict(), "battery": self._power.to_dict()}

    def add_load(self, cpu_seconds: float) -> None:
        """Report ``cpu_seconds`` of inference work done on the phone: time passes, it heats."""
        if cpu_seconds < 0:
            raise ValueError(f"cpu_seconds must be >= 0, got {cpu_seconds}")
        with self._lock:
            self._advance(cpu_seconds, INFERENCE_W)

    # -- test and benchmark controls ----------------------------------------------------------
    def set_battery(self, level: float | None = None, charging: bool | None = None) -> None:
        with self._lock:
            self._power.set_battery(level, charging)

    def set_thermal(self, temp_c: float | None = None, *, status: ThermalStatus | None = None,
                    ambient_c: float | None = None) -> None:
        with self._lock:
            self._power.set_thermal(temp_c, status=status, ambient_c=ambient_c)

    def advance(self, seconds: float) -> None:
        """Let virtual time pass with the phone idle (a clock tick for tests)."""
        with self._lock:
            self._advance(seconds, 0.0)

    @property
    def variant(self) -> Variant:
        return self._variant

    # -- internals ----------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise DeviceError("the virtual phone is closed; create a new VirtualPhone")

    def _logical_point(self, x: int, y: int) -> tuple[int, int]:
        return round(x / self._scale), round(y / self._scale)

    def _windows(self) -> list[system.Window]:
        width, height = self._logical
        nav = self._nav
        level = round(self._power.level)
        bars = [system.status_bar(nav, width, level, self._power.charging),
                system.nav_bar(nav, width, height)]
        if nav.shade_open:
            return [bars[0], system.shade(nav, width, height), bars[1]]
        area = Bounds(0, system.STATUS_BAR_HEIGHT, width, height - system.NAV_BAR_HEIGHT)
        content = w.group(area, nav.app.render(nav, nav.page, area), cls=w.LINEAR)
        windows = [system.Window(nav.foreground, w.group(Bounds(0, 0, width, height), [content]))]
        if nav.page.dialog is not None:
            dialog = nav.page.dialog
            windows.append(system.dialog_window(dialog, dialog.package or nav.foreground,
                                                width, height))
        return [*windows, *bars]

    def _hit(self, x: int, y: int, want: str = "touch") -> tuple[w.View | None, bool]:
        """The topmost view under (x, y) that takes ``want``; (None, True) if a modal window
        swallowed the touch by it landing outside of it."""
        screen = Bounds(0, 0, *self._logical)
        modal_above = False
        for window in reversed(self._windows()):
            hits = [v for v, vis in w.flatten(window.root, screen) if vis.contains(x, y)]
            if not hits:
                modal_above = modal_above or window.modal
                continue
            if modal_above and window.package != system.SYSTEMUI:
                return None, True  # below a modal window: the touch lands outside of it
            wanted = [v for v in hits if _takes(v, want)]
            return (wanted[-1] if wanted else None), False
        return None, modal_above

    def _tap(self, x: int, y: int, *, long: bool = False) -> None:
        view, outside = self._hit(x, y)
        if outside:
            self._nav.cancel_dialog()
            return
        if view is None:
            return
        if long and view.on_long is not None:
            view.on_long()
        elif long and view.input_key is not None:
            clipboard.field_menu(self._nav, view.input_key)
        elif view.input_key is not None:
            page = self._nav.page
            page.focus, page.select_all = view.input_key, view.select_on_focus
        elif view.on_tap_at is not None:
            view.on_tap_at(x, y)
        elif view.on_tap is not None:
            view.on_tap()

    def _swipe(self, g: SwipeAt) -> None:
        x1, y1 = self._logical_point(g.x1, g.y1)
        x2, y2 = self._logical_point(g.x2, g.y2)
        if math.hypot(x2 - x1, y2 - y1) < TOUCH_SLOP:
            self._tap(x1, y1, long=g.duration_ms >= LONG_PRESS_MS)
            return
        if y1 < system.STATUS_BAR_HEIGHT and y2 - y1 > 200 and not self._nav.shade_open:
            self._nav.shade_open = True
            return
        view, _ = self._hit(x1, y1, want="scroll")
        if view is None or view.scroll_key is None:
            if self._nav.shade_open and y1 - y2 > 200:
                self._nav.shade_open = False
            return
        delta = (y1 - y2) * (-1 if view.scroll_reverse else 1)
        page = self._nav.page
        current = page.scroll.get(view.scroll_key, 0)
        page.scroll[view.scroll_key] = max(0, min(view.scroll_max, current + delta))

    def _key(self, key: str) -> None:
        kind = _KEYS.get(key)
        if kind is None:
            if not (key.isdigit() or key.startswith("KEYCODE_")):
                raise DeviceError(f"unknown key code {key!r}; use a KEYCODE_* name or a number")
            return  # a real key nobody here handles (volume, tab ...)
        page = self._nav.page
        if kind == "back":
            self._nav.back()
        elif kind == "home":
            self._nav.home()
        elif kind == "space":
            self._input(" ")
        elif page.focus is None or page.dialog is not None or self._nav.shade_open:
            return
        elif kind == "del":
            text = page.fields.get(page.focus, "")
            page.fields[page.focus] = "" if page.select_all else text[:-1]
            page.select_all = False
        elif kind == "end":
            page.select_all = False
        elif kind in ("enter", "tab"):
            # A field with an action key (send, search) acts on Enter; any other text field
            # is multi-line, as an Android EditText without imeOptions: the key types itself.
            focused = self._focused_view()
            if kind == "enter" and focused is not None and focused.on_enter is not None:
                focused.on_enter()
            elif focused is not None:
                self._input("\n" if kind == "enter" else "\t")

    def _input(self, text: str) -> None:
        page = self._nav.page
        if page.focus is None or page.dialog is not None or self._nav.shade_open:
            self._emit(Event("virtual.input_dropped", {"text": text, "reason": "no focused field"}))
            return
        current = "" if page.select_all else page.fields.get(page.focus, "")
        page.fields[page.focus] = current + text
        page.select_all = False

    def _focused_view(self) -> w.View | None:
        screen = Bounds(0, 0, *self._logical)
        for window in self._windows():
            for view, _ in w.flatten(window.root, screen):
                if view.focused and view.input_key is not None:
                    return view
        return None

    def _advance(self, seconds: float, load_w: float) -> None:
        if seconds <= 0:
            return
        before = self._state.clock
        self._state.clock = before + timedelta(seconds=seconds)
        settings = self._state.settings
        self._power.advance(seconds, load_w, brightness=settings.brightness,
                            battery_saver=settings.battery_saver)
        self._run_timers(seconds)
        if self._state.stopwatch.running:
            elapsed = self._state.stopwatch.elapsed_s + seconds
            self._state.set_stopwatch(elapsed_s=round(elapsed, 3))
        self._ring_alarms(before, self._state.clock)

    def _run_timers(self, seconds: float) -> None:
        for timer in list(self._state.timers):
            if not timer.running:
                continue
            left = (timer.duration_s if timer.remaining_s is None else timer.remaining_s) - seconds
            if left <= 0:
                self._state.update("timers", timer.id, remaining_s=0.0, running=False)
                self._nav.notify("com.android.deskclock", "Timer", "Time's up")
            else:
                self._state.update("timers", timer.id, remaining_s=round(left, 3))

    def _ring_alarms(self, before: datetime, after: datetime) -> None:
        for alarm in list(self._state.alarms):
            if not alarm.enabled:
                continue
            hour, minute = (int(p) for p in alarm.time.split(":"))
            ring = before.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if ring <= before:
                ring += timedelta(days=1)
            if ring > after or (alarm.days and ring.strftime("%a") not in alarm.days):
                continue
            text = format_time(alarm.time, self._state.settings.use_24h)
            self._nav.notify("com.android.deskclock", "Alarm", f"{text} {alarm.label}".strip())
            if not alarm.days:
                self._state.update("alarms", alarm.id, enabled=False)


def _takes(view: w.View, want: str) -> bool:
    if want == "scroll":
        return view.scroll_key is not None and view.scroll_max > 0
    return view.touchable


def _fields(gesture: Gesture) -> dict:
    return {name: getattr(gesture, name) for name in gesture.__dataclass_fields__}
