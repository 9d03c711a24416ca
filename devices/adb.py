"""``AdbDevice``: the ``Device`` seam over adb, built on adbutils' connection layer.

Every call opens one adb service (``shell,v2:`` when the device advertises ``shell_v2``, else
``shell:``; ``exec:`` for binary output) through the adb server. adbutils errors are translated
here and only here (``classify`` + ``AdbCall``), with a bounded reconnect before
``DeviceDisconnected``.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pocketpilot.devices.actions import Action, Launch
from pocketpilot.devices.device import ActionResult, AppInfo, DeviceInfo, resolve_app
from pocketpilot.devices.dumpsys import (
    parse_focus,
    parse_launcher_activities,
    parse_wm_size,
    sensors_from_dumps,
)
from pocketpilot.devices.errors import (
    DeviceCommandFailed,
    DeviceDisconnected,
    ScreenParseError,
    UntypeableText,
)
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
from pocketpilot.devices.phone_receipts import OVERHEAD, PROBE_PROP, RECEIPT_PROP, wrap
from pocketpilot.devices.screen import Screen, parse_uiautomator_xml
from pocketpilot.devices.sensors import Sensors
from pocketpilot.devices.shell_text import (
    ADB_IME,
    MAX_COMMAND,
    check_typeable,
    ime_text_commands,
    input_text_commands,
    keyevent_commands,
    needs_ime,
    shell_quote,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DUMP_FILE = "/sdcard/window_dump.xml"
# uiautomator's transient failures: the UI is animating or the accessibility bridge restarts.
TRANSIENT_DUMP_ERRORS = ("could not get idle state", "null root node", "UiAutomation not connected")
LAUNCHER_QUERY = (
    "cmd package query-activities -a android.intent.action.MAIN"
    " -c android.intent.category.LAUNCHER"
)


# Every part of an action travels inside the receipt wrapper (``phone_receipts.wrap``), so parts
# are packed that much shorter, receipts or not: an action has the same parts on every phone.
PART_LIMIT = MAX_COMMAND - OVERHEAD

T = TypeVar("T")
# AdbError texts that mean the link to the device is gone rather than that a command failed.
LINK_ERRORS = ("not found", "offline", "no devices", "unauthorized", "closed", "connection reset")


def classify(exc: BaseException) -> Literal["link", "command"]:
    """Whether an adbutils/socket error may mean the device went away (``link``) or not."""
    import adbutils

    if isinstance(exc, adbutils.AdbTimeout | adbutils.errors.AdbConnectionError):
        return "link"
    if isinstance(exc, adbutils.AdbError):
        message = " ".join(str(a) for a in exc.args).lower()
        return "link" if any(t in message for t in LINK_ERRORS) else "command"
    if isinstance(exc, EOFError | OSError):  # ConnectionError, socket.timeout, resets
        return "link"
    raise TypeError(f"not an adb error: {exc!r}")


class AdbCall:
    """Opens adb services for one serial and translates failures into our errors.

    A ``link`` failure is probed with ``get-state``: a device still in state ``device`` means
    the command itself failed (``DeviceCommandFailed``). Otherwise up to ``reconnect_attempts``
    times: ``adb connect`` (host:port serials) and ``wait-for-device`` with a timeout, then the
    call is retried unless it is non-idempotent and may already have run. Out of attempts:
    ``DeviceDisconnected``.
    """

    def __init__(self, serial: str, host: str, port: int, *, reconnect_attempts: int,
                 reconnect_timeout: float = 3.0) -> None:
        import adbutils  # heavy (pulls PIL): only when a real adb device is opened

        class Connection(adbutils.AdbConnection):
            # adbutils runs `adb start-server` (on the *default* port) when the server is
            # unreachable; for a server on adb_port that would start a second one elsewhere.
            def _safe_connect(self):
                return self._create_socket()

        self.serial = serial
        self.reconnect_attempts = reconnect_attempts
        self.reconnect_timeout = reconnect_timeout
        self._errors = (adbutils.AdbError, EOFError, OSError)
        self._new_connection = lambda: Connection(host, port)

    def run(self, what: str, read: Callable[[Any], T], *, service: str | None = None,
            idempotent: bool = True) -> T:
        """``read(conn)`` on a freshly opened ``service`` (``read(None)`` when there is none)."""
        for attempt in range(self.reconnect_attempts + 1):
            started = False
            try:
                if service is None:
                    return read(None)
                conn = self._open(service)
                started = True
                try:
                    return read(conn)
                finally:
                    conn.close()
            except self._errors as exc:
                if classify(exc) == "command" or self._alive():
                    raise DeviceCommandFailed(f"{what!r} failed on {self.serial}: {exc}") from exc
                last: BaseException = exc
                if attempt == self.reconnect_attempts:
                    break
                if not self._reconnect():
                    continue  # the retry fails fast too and counts as the next attempt
                if started and not idempotent:
                    raise DeviceDisconnected(
                        self.serial, f"link lost during {what!r} ({exc}); reconnected but not"
                        " retried, since it may already have happened: observe and decide"
                    ) from exc
        raise DeviceDisconnected(
            self.serial,
            f"{what!r}: {last} (after {self.reconnect_attempts} reconnect attempts; is the phone"
            " plugged in / `adb connect`ed? see `adb devices`)",
        ) from last

    def features(self, _conn: object = None) -> str:
        return self._host_query(f"host-serial:{self.serial}:features")

    def _connect(self, timeout: float | None = None):
        conn = self._new_connection()
        conn.conn.settimeout(timeout or self.reconnect_timeout)
        return conn

    def _host_query(self, request: str, *, timeout: float | None = None) -> str:
        """One adb-server request answered by OKAY + a length-prefixed string."""
        with self._connect(timeout) as conn:
            conn.send_command(request)
            conn.check_okay()
            return conn.read_string_block()

    def _open(self, service: str):
        conn = self._connect()
        try:
            conn.send_command(f"host:transport:{self.serial}")
            conn.check_okay()
            conn.send_command(service)
            conn.check_okay()
        except BaseException:
            conn.close()
            raise
        return conn

    def _alive(self) -> bool:
        try:
            return self._host_query(f"host-serial:{self.serial}:get-state") == "device"
        except self._errors:
            return False

    def _reconnect(self) -> bool:
        try:
            if _is_network_serial(self.serial):
                # A dropped TCP transport lingers "offline"; only a fresh connect revives it.
                with contextlib.suppress(*self._errors):
                    self._host_query(f"host:disconnect:{self.serial}")
                self._host_query(f"host:connect:{self.serial}")
            with self._connect() as conn:  # OKAY once accepted, OKAY again once the device is up
                conn.send_command(f"host-serial:{self.serial}:wait-for-any-device")
                conn.check_okay()
                conn.check_okay()
            return True
        except self._errors:
            return False


def _short(text: str, limit: int = 300) -> str:
    """An action's detail line: long typing is summarised, not copied whole into the record."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def _is_network_serial(serial: str) -> bool:
    host, _, port = serial.rpartition(":")
    return bool(host) and port.isdigit()


@dataclass(frozen=True, slots=True)
class _Armed:
    """The next ``act``: tagged ``tag`` on the phone, sent from part ``first``, lowered on ``screen``."""

    tag: str
    first: int = 0
    parts: int = 0
    screen: Screen | None = None


@dataclass(frozen=True, slots=True)
class ShellOutput:
    stdout: bytes
    stderr: bytes
    status: int | None  # None: shell protocol v1 reports no exit status

    @property
    def text(self) -> str:
        return (self.stdout + self.stderr).decode("utf-8", "replace")


class AdbDevice:
    """A phone (or the virtual phone's daemon) behind an adb server at ``adb_host:adb_port``."""

    def __init__(
        self,
        serial: str,
        *,
        adb_host: str = "127.0.0.1",
        adb_port: int = 5037,
        reconnect_attempts: int = 2,
        timeout: float = 30.0,
        dump_attempts: int = 3,
    ) -> None:
        self.serial = serial
        self.timeout = timeout
        self.dump_attempts = dump_attempts
        self._adb = AdbCall(serial, adb_host, adb_port, reconnect_attempts=reconnect_attempts)
        self._v2: bool | None = None
        self._size: tuple[int, int] | None = None
        self._apps: list[AppInfo] | None = None
        self._dump_to_tty = True
        self._last_screen: Screen | None = None
        self._ime: str | None = None
        self._receipts: str | None = None  # '' once the phone is known to keep receipts, else why not
        self._armed: _Armed | None = None
        self._mark = ""

    # -- the Device seam ------------------------------------------------------------------------

    def observe(self) -> Screen:
        xml = self._dump_xml()
        focus = parse_focus(self.shell("dumpsys window windows").text)
        screen = parse_uiautomator_xml(xml, activity=focus[1] if focus else "", size=self._screen_size())
        self._last_screen = screen
        return screen

    def screenshot(self) -> bytes:
        png = self._adb.run("screencap -p", self._read_all, service="exec:screencap -p")
        if not png.startswith(PNG_MAGIC):
            raise DeviceCommandFailed(
                f"screencap on {self.serial} did not return a PNG (first bytes {png[:16]!r})"
            )
        return png

    def act(self, action: Action) -> ActionResult:
        armed, self._armed = self._armed, None
        screen = armed.screen if armed is not None and armed.screen is not None else self._last_screen
        package = resolve_app(action.app, self.apps()) if isinstance(action, Launch) else None
        gestures = to_gestures(action, screen, package=package)
        commands = [(g, self._commands(g)) for g in gestures]  # UntypeableText before any tap
        parts = sum(len(calls) for _, calls in commands)
        tag = armed.tag if armed is not None and not self.phone_receipts() else ""
        first = armed.first if armed is not None else 0
        if armed is not None and armed.parts and armed.parts != parts:
            raise DeviceCommandFailed(
                f"cannot finish {action.kind} on {self.serial}: it was sent as {armed.parts} parts and"
                f" lowers to {parts} now; check the phone's screen and run the step again")
        started = time.monotonic()
        self._mark = ""
        part = 0
        for gesture, calls in commands:
            if isinstance(gesture, Sleep):
                if part >= first:
                    time.sleep(gesture.seconds)
                continue
            for command in calls:
                if part >= first:
                    self._check(gesture, self.shell(wrap(command, tag, part, parts) if tag else command,
                                                    idempotent=False))
                    self._mark = f"{tag}:{part}:{parts}:0" if tag else ""
                part += 1
        detail = "; ".join(_short(" && ".join(c)) for _, c in commands if c)
        if first:
            detail = f"parts {first + 1}-{parts} of {parts}: {detail}"
        return ActionResult(action=action, seconds=time.monotonic() - started, detail=detail)

    # -- receipts on the phone (``phone_receipts``) ----------------------------------------------

    def phone_receipts(self) -> str:
        if self._receipts is None:
            token = uuid.uuid4().hex[:12]
            try:
                answer = self.shell(f"setprop {PROBE_PROP} {token} && getprop {PROBE_PROP}").text.strip()
            except DeviceCommandFailed as exc:
                answer = str(exc)
            self._receipts = "" if answer == token else (
                f"{self.serial} keeps no action receipts (`setprop {PROBE_PROP}` answered"
                f" {' '.join(answer.split())[:100]!r}): a step whose answer a crash lost is decided again"
                " from the screen")
        return self._receipts

    def read_receipt(self) -> str:
        return self.shell(f"getprop {RECEIPT_PROP}").text.strip()

    def arm(self, tag: str, *, first: int = 0, parts: int = 0, screen: Screen | None = None) -> None:
        self._armed = _Armed(tag, first, parts, screen)

    def last_mark(self) -> str:
        return self._mark

    def sensors(self) -> Sensors:
        battery, thermal = (self._text_or_problem(c) for c in ("dumpsys battery", "dumpsys thermalservice"))
        return sensors_from_dumps(battery, thermal)

    def apps(self) -> list[AppInfo]:
        if self._apps is None:
            apps = parse_launcher_activities(self._text_or_problem(LAUNCHER_QUERY))
            if not apps:  # Android < 7 has no `cmd package`: every package, labelled by name
                listed = self.shell("pm list packages").text.splitlines()
                packages = [p.strip()[8:] for p in listed if p.strip().startswith("package:")]
                apps = [AppInfo(package=p, label=p) for p in packages]
            self._apps = sorted(apps, key=lambda a: (a.label.lower(), a.package))
        return list(self._apps)

    def launch(self, app: str) -> None:
        self.act(Launch(app))

    def info(self) -> DeviceInfo:
        props = self.shell("getprop ro.product.model && getprop ro.build.version.release").text
        model, _, version = props.strip().partition("\n")
        return DeviceInfo(self.serial, model.strip(), version.strip(), self._screen_size(), "adb")

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own adb connection."""

    # -- shell ----------------------------------------------------------------------------------

    def shell(self, command: str, *, idempotent: bool = True) -> ShellOutput:
        """Run ``command`` under the device's ``sh -c``; ``idempotent=False`` for taps and typing."""
        if self._v2 is None:
            self._v2 = "shell_v2" in self._adb.run("features", self._adb.features).split(",")
        if self._v2:
            return self._adb.run(command, self._read_v2, service=f"shell,v2,raw:{command}",
                                 idempotent=idempotent)
        out = self._adb.run(command, self._read_all, service=f"shell:{command}", idempotent=idempotent)
        return ShellOutput(out, b"", None)

    def _read_all(self, conn) -> bytes:
        conn.conn.settimeout(self.timeout)
        return conn.read_until_close(encoding=None)

    def _read_v2(self, conn) -> ShellOutput:
        """Shell protocol v2: frames of id(1) + length(u32 LE) + data, ending with an exit frame."""
        conn.conn.settimeout(self.timeout)
        out, err = bytearray(), bytearray()
        while True:
            header = conn.read_exact(5)  # EOFError when the device vanishes mid-command
            data = conn.read_exact(int.from_bytes(header[1:], "little"))
            if header[0] == 1:
                out += data
            elif header[0] == 2:
                err += data
            elif header[0] == 3:
                return ShellOutput(bytes(out), bytes(err), data[0] if data else 255)

    def _text_or_problem(self, command: str) -> str:
        """Output of a read-only query; a failed command yields '' so parsers report it as missing."""
        try:
            return self.shell(command).text
        except DeviceCommandFailed:
            return ""

    # -- pieces -------------------------------------------------------------------------------

    def _dump_xml(self) -> str:
        last = ""
        for attempt in range(self.dump_attempts):
            if self._dump_to_tty:
                text = self.shell("uiautomator dump /dev/tty").text
            else:
                text = self.shell(f"uiautomator dump {DUMP_FILE} && cat {DUMP_FILE}").text
            start = text.find("<?xml") if "<?xml" in text else text.find("<hierarchy")
            if start >= 0 and "</hierarchy>" in text:
                return text[start:]
            last = " ".join(text.split())[:120] or "empty output"
            if self._dump_to_tty and not any(t in text for t in TRANSIENT_DUMP_ERRORS):
                self._dump_to_tty = False  # some builds cannot write to /dev/tty: use a file
                continue
            time.sleep(0.3 * (attempt + 1))
        raise ScreenParseError(
            f"uiautomator dump on {self.serial} failed {self.dump_attempts} times (last: {last!r});"
            " is the screen locked or an app animating?"
        )

    def _screen_size(self) -> tuple[int, int]:
        if self._size is None:
            size = parse_wm_size(self.shell("wm size").text)
            if size is None:
                raise DeviceCommandFailed(f"`wm size` on {self.serial} printed no size")
            self._size = size
        return self._size

    def _commands(self, gesture: Gesture) -> list[str]:
        """The shell commands for one gesture, each under adb's command limit."""
        if isinstance(gesture, TapAt):
            return [f"input tap {gesture.x} {gesture.y}"]
        if isinstance(gesture, SwipeAt):
            g = gesture
            return [f"input swipe {g.x1} {g.y1} {g.x2} {g.y2} {g.duration_ms}"]
        if isinstance(gesture, KeyPress):
            return keyevent_commands(gesture.keys, limit=PART_LIMIT)
        if isinstance(gesture, InputText):
            if not needs_ime(gesture.text):
                return input_text_commands(gesture.text, limit=PART_LIMIT)
            check_typeable(gesture.text, ime=True)  # control characters: refused on any route
            ime = self._input_method()
            if ime != ADB_IME:
                raise UntypeableText(
                    f"cannot type non-ASCII text on {self.serial}: `input text` types ASCII only and"
                    f" the input method is {ime or 'unknown'!r}, not the ADB Keyboard; install"
                    f" ADBKeyboard and run `adb -s {self.serial} shell ime set {ADB_IME}`"
                )
            return ime_text_commands(gesture.text, limit=PART_LIMIT)
        if isinstance(gesture, StopApp):
            return [f"am force-stop {shell_quote(gesture.package)}"]
        if isinstance(gesture, StartApp):
            return [f"monkey -p {shell_quote(gesture.package)} -c android.intent.category.LAUNCHER 1"]
        return []  # Sleep: done here, not on the device

    def _input_method(self) -> str:
        """The device's current input method id (read once per device object)."""
        if self._ime is None:
            self._ime = self.shell("settings get secure default_input_method").text.strip()
        return self._ime

    def _check(self, gesture: Gesture, out: ShellOutput) -> None:
        text = out.text
        if isinstance(gesture, StartApp) and "No activities found" in text:
            raise DeviceCommandFailed(
                f"cannot launch {gesture.package!r} on {self.serial}: no launcher activity"
                " (is it installed? see `pocketpilot devices apps` or `adb shell pm list packages`)"
            )
        if out.status not in (None, 0) or (
            not isinstance(gesture, StartApp | StopApp) and ("Error:" in text or "Exception" in text)
        ):
            raise DeviceCommandFailed(
                f"{type(gesture).__name__} on {self.serial} failed (status {out.status}): {text.strip()[:200]}"
            )

