"""The Android commands the virtual phone's shell knows, each acting on one phone.

Output text and exit statuses follow real devices closely enough that ``AdbDevice`` and
adbutils cannot tell the difference; ``pocketpilot-state`` is ours (the phone's app state as
JSON, for tests). The command table belongs to one ``PhoneCommands`` instance, so two daemons
never share state. File commands are in ``fs_commands.py``; argument parsing of ``input`` in
``input_args.py``.
"""

from __future__ import annotations

import base64
import json
import threading
from typing import Any, Protocol

from pocketpilot.devices.adbd import android_props, android_settings, render
from pocketpilot.devices.adbd.fs_commands import FsCommands
from pocketpilot.devices.adbd.input_args import InputUsageError, parse_input
from pocketpilot.devices.adbd.logcat import LEVELS, LogBuffer
from pocketpilot.devices.adbd.shell import Command, Invocation, Result, fail
from pocketpilot.devices.device import AppInfo, DeviceInfo
from pocketpilot.devices.gestures import Gesture, InputText, KeyPress, StartApp, StopApp
from pocketpilot.devices.sensors import Sensors
from pocketpilot.devices.virtual.files_fs import FsError, VirtualFs

DEFAULT_DUMP = "/sdcard/window_dump.xml"
DENSITY = 420
SYSTEM_PACKAGES = ("android", "com.android.systemui", "com.android.shell", "com.android.adbkeyboard",
                   "com.android.inputmethod.latin")
FOLLOW_TICK = 1.0  # seconds between healthd lines while ``logcat`` follows (phones are chatty)


class Phone(Protocol):
    """What the daemon needs of ``VirtualPhone``."""

    def perform(self, gesture: Gesture) -> Any: ...
    def dump_xml(self) -> str: ...
    def screenshot(self) -> bytes: ...
    def focus(self) -> tuple[str, str]: ...
    def sensors(self) -> Sensors: ...
    def apps(self) -> list[AppInfo]: ...
    def info(self) -> DeviceInfo: ...
    def state_dict(self) -> dict: ...
    def settings(self) -> Any: ...  # a frozen dataclass of the phone's settings
    def update_settings(self, **changes: Any) -> None: ...


def _text(text: str, status: int = 0) -> Result:
    return Result(stdout=text.encode(), status=status)


class PhoneCommands:
    """``table()`` maps program names to handlers taking an ``Invocation``."""

    def __init__(self, phone: Phone, *, serial: str = "virtual", fs: VirtualFs | None = None) -> None:
        self.phone = phone
        self.serial = serial
        self.fs = fs or VirtualFs()
        self.log = LogBuffer()
        self._settings: dict[tuple[str, str], str] = dict(android_settings.DEFAULTS)
        self._settings_lock = threading.Lock()
        self._props: dict[str, str] = {}  # what setprop set since the daemon started (a boot)
        # the property families the shell may set; a phone with a stricter policy allows fewer
        self.settable_props: tuple[str, ...] = android_props.SHELL_SETTABLE

    def table(self) -> dict[str, Command]:
        return {
            **FsCommands(self.fs).table(),
            "uiautomator": self.uiautomator, "input": self.input, "am": self.am,
            "monkey": self.monkey, "dumpsys": self.dumpsys, "wm": self.wm,
            "getprop": self.getprop, "setprop": self.setprop, "pm": self.pm, "cmd": self.cmd,
            "screencap": self.screencap,
            "settings": self.settings, "svc": self.svc, "ime": self.ime, "ip": self.ip,
            "ifconfig": self.ifconfig, "log": self.log_command, "logcat": self.logcat,
            "pocketpilot-state": lambda _: _text(json.dumps(self.phone.state_dict()) + "\n"),
        }

    # -- screen and input ---------------------------------------------------------------------
    def uiautomator(self, call: Invocation) -> Result:
        args = [a for a in call.args if a != "--compressed"]
        if not args or args[0] != "dump":
            return fail("Usage: uiautomator dump [--compressed] [file]")
        path = args[1] if len(args) > 1 else DEFAULT_DUMP
        xml = self.phone.dump_xml()
        done = render.UI_DUMPED.format(path=path)
        if path == "/dev/tty":
            return _text(xml + done)
        return self._save(path, xml.encode(), "uiautomator", ok=done)

    def screencap(self, call: Invocation) -> Result:
        png = self.phone.screenshot()
        paths = [a for a in call.args if not a.startswith("-")]
        return self._save(paths[0], png, "screencap") if paths else Result(stdout=png)

    def _save(self, path: str, data: bytes, program: str, *, ok: str = "") -> Result:
        try:
            self.fs.write(self.fs.resolve("/", path), data)
        except FsError as exc:
            return fail(f"ERROR: {program}: could not write {path}: {exc.reason}")
        return _text(ok)

    def input(self, call: Invocation) -> Result:
        try:
            gestures = parse_input(call.args)
        except InputUsageError as exc:
            return fail(str(exc))
        for gesture in gestures:
            self.phone.perform(gesture)
        return Result()

    # -- apps ---------------------------------------------------------------------------------
    def _packages(self) -> set[str]:
        """Packages with a launcher activity: what ``am start`` and ``monkey`` can open."""
        return {a.package for a in self.phone.apps()}

    def _installed(self) -> set[str]:
        """What ``pm`` and ``dumpsys package`` know: the apps, the launcher, the system's own."""
        return self._packages() | {self.phone.focus()[0], *SYSTEM_PACKAGES}

    def am(self, call: Invocation) -> Result:
        args = call.args
        if args[:1] == ["force-stop"] and len(args) > 1:
            if args[1] in self._packages():
                self.phone.perform(StopApp(args[1]))
            return Result()  # like Android: an unknown package is silently ignored
        if args[:1] == ["broadcast"]:
            return self._broadcast(args[1:])
        if not args or args[0] not in ("start", "start-activity"):
            return fail(f"Error: am {' '.join(args[:1])} is not supported by the virtual phone")
        component = _option(args, "-n")
        package = component.split("/", 1)[0] if component else _option(args, "-p")
        if not package and _option(args, "-a") == "android.intent.action.VIEW":
            return _text(f"Starting: Intent {{ act=android.intent.action.VIEW dat={_option(args, '-d')} }}\n")
        if not package or package not in self._packages():
            return _text(f"Error: Activity not started, unable to resolve Intent {{ {component} }}\n", 1)
        self.phone.perform(StartApp(package))
        return _text(f"Starting: Intent {{ cmp={component or package} }}\n")

    def _broadcast(self, args: list[str]) -> Result:
        """``am broadcast``; the ADB Keyboard's actions type when it is the current input method."""
        action = _option(args, "-a")
        done = f"Broadcasting: Intent {{ act={action} flg=0x400000 (has extras) }}\nBroadcast completed: result=0\n"
        if self.setting("secure", "default_input_method") != android_settings.ADB_IME:
            return _text(done)  # nobody listens: Android still reports the broadcast as sent
        message = _extra(args, "--es", "msg")
        if action == "ADB_INPUT_TEXT" and message:
            self.phone.perform(InputText(message))
        elif action == "ADB_INPUT_B64" and message:
            try:
                text = base64.b64decode(message, validate=True).decode("utf-8")
            except ValueError:
                return _text(done)  # the IME logs and drops undecodable text, as ADBKeyBoard does
            self.phone.perform(InputText(text))
        elif action == "ADB_INPUT_CODE" and _extra(args, "--ei", "code").isdigit():
            self.phone.perform(KeyPress((f"KEYCODE_{_extra(args, '--ei', 'code')}",)))
        return _text(done)

    def monkey(self, call: Invocation) -> Result:
        package = _option(call.args, "-p")
        if not package or package not in self._packages():
            return _text("  bash arg: -p\n** No activities found to run, monkey aborted.\n", 252)
        self.phone.perform(StartApp(package))
        return _text(f"  bash arg: -p\n  bash arg: {package}\nEvents injected: 1\n"
                     "## Network stats: elapsed time=12ms (0ms mobile, 0ms wifi, 12ms not connected)\n")

    def pm(self, call: Invocation) -> Result:
        args = call.args
        if args[:2] == ["list", "packages"]:
            needle = next((a for a in args[2:] if not a.startswith("-")), "")
            listed = sorted(p for p in self._installed() if needle in p)
            return _text("".join(f"package:{p}\n" for p in listed))
        if args[:1] == ["path"] and len(args) > 1:
            if args[1] not in self._installed():
                return _text("", 1)
            return _text(f"package:/system/app/{args[1]}/{args[1]}.apk\n")
        return fail(f"pm {' '.join(args[:2])}: not supported by the virtual phone")

    def cmd(self, call: Invocation) -> Result:
        if call.args[:2] == ["package", "query-activities"]:
            return _text(render.query_activities(self.phone.apps()))
        return fail(f"cmd: Can't find service: {call.args[0] if call.args else ''}", 20)

    # -- system services ----------------------------------------------------------------------
    def dumpsys(self, call: Invocation) -> Result:
        service = call.args[0] if call.args else ""
        if service == "battery":
            return _text(render.dumpsys_battery(self.phone.sensors()))
        if service == "thermalservice":
            return _text(render.dumpsys_thermalservice(self.phone.sensors()))
        if service in ("window", "activity"):
            return _text(render.dumpsys_window(*self.phone.focus()))
        if service == "display":
            width, height = self.phone.info().screen_size
            return _text(render.dumpsys_display(width, height, DENSITY, self.rotation()))
        if service == "power":
            return _text(render.dumpsys_power())
        if service == "package" and len(call.args) > 1:
            if call.args[1] not in self._installed():
                return _text(f"Unable to find package: {call.args[1]}\n")
            return _text(render.dumpsys_package(call.args[1]))
        return _text(f"Can't find service: {service}\n")

    def rotation(self) -> int:
        raw = self.setting("system", "user_rotation")
        return int(raw) % 4 if raw.isdigit() else 0

    def wm(self, call: Invocation) -> Result:
        if call.args[:1] == ["size"]:
            width, height = self.phone.info().screen_size
            return _text(f"Physical size: {width}x{height}\n")
        if call.args[:1] == ["density"]:
            return _text(f"Physical density: {DENSITY}\n")
        return fail(f"Error: unknown command '{' '.join(call.args)}'", 255)

    def props(self) -> dict[str, str]:
        info = self.phone.info()
        width, height = info.screen_size
        return {
            "ro.product.model": info.model,
            "ro.product.name": "pocketpilot_virtual",
            "ro.product.device": "virtual",
            "ro.product.brand": "pocketpilot",
            "ro.product.manufacturer": "pocketpilot",
            "ro.product.cpu.abi": "x86_64",
            "ro.build.version.release": info.android_version,
            "ro.build.version.sdk": "34",
            "ro.build.type": "userdebug",
            "ro.serialno": self.serial,
            "ro.sf.lcd_density": str(DENSITY),
            "ro.kernel.qemu": "0",
            "sys.boot_completed": "1",
            "persist.sys.locale": "en-US",
            "pocketpilot.display.size": f"{width}x{height}",
        }

    def getprop(self, call: Invocation) -> Result:
        with self._settings_lock:
            props = {**self.props(), **self._props}
        if call.args:
            return _text(props.get(call.args[0], call.args[1] if len(call.args) > 1 else "") + "\n")
        return _text("".join(f"[{k}]: [{v}]\n" for k, v in sorted(props.items())))

    def setprop(self, call: Invocation) -> Result:
        """toybox ``setprop NAME VALUE`` as the shell user runs it: init's checks, and SELinux
        letting ``shell`` set only the properties it may (``debug.*``, ``log.tag.*`` ...)."""
        if len(call.args) != 2:
            return fail("usage: setprop NAME VALUE")
        name, value = call.args
        problem = android_props.name_problem(name)
        if problem:
            return fail(f"setprop: {problem}")
        with self._settings_lock:
            if not android_props.shell_may_set(name, value, self.settable_props):
                return fail(f"setprop: failed to set property '{name}' to '{value}'")
            self._props[name] = value
        return Result()

    def setting(self, namespace: str, key: str) -> str:
        """The value ``settings get`` prints: the phone's own state where it has one."""
        mapped = android_settings.MAPPED.get((namespace, key))
        with self._settings_lock:
            put = self._settings.get((namespace, key))
        if mapped is None:
            return "null" if put is None else put
        current = getattr(self.phone.settings(), mapped.field)
        if put is not None and _parses_to(mapped, put, current):
            return put  # what was put, as long as the phone still holds it (255 steps vs 100)
        return mapped.show(current)

    def settings(self, call: Invocation) -> Result:
        args = call.args[2:] if call.args[:1] == ["--user"] else call.args
        if args[:1] == ["list"] and len(args) == 2 and args[1] in android_settings.NAMESPACES:
            return self._settings_list(args[1])
        if len(args) < 3 or args[0] not in ("get", "put", "delete"):
            return fail("usage:  settings [--user <USER_ID> | current] get namespace key\n"
                        "        settings [--user <USER_ID> | current] put namespace key value")
        verb, namespace, key = args[:3]
        if namespace not in android_settings.NAMESPACES:
            return fail(f"Invalid namespace '{namespace}'")
        if verb == "get":
            return _text(self.setting(namespace, key) + "\n")
        if verb == "delete":
            with self._settings_lock:
                self._settings.pop((namespace, key), None)
            return _text("Deleted 1 rows\n")
        if len(args) < 4:
            return fail("settings put: missing value")
        return self._put(namespace, key, args[3])

    def _put(self, namespace: str, key: str, value: str) -> Result:
        mapped = android_settings.MAPPED.get((namespace, key))
        if mapped is not None:
            try:
                parsed = mapped.parse(value)
            except ValueError:
                return fail(f"Error: invalid value '{value}' for {namespace} {key}")
            self.phone.update_settings(**{mapped.field: parsed})
        with self._settings_lock:
            self._settings[(namespace, key)] = value
        return Result()

    def _settings_list(self, namespace: str) -> Result:
        keys = {k for ns, k in (*android_settings.MAPPED, *self._settings) if ns == namespace}
        return _text("".join(f"{k}={self.setting(namespace, k)}\n" for k in sorted(keys)))

    def svc(self, call: Invocation) -> Result:
        if len(call.args) == 2 and call.args[0] in ("wifi", "bluetooth") and call.args[1] in ("enable", "disable"):
            field = "wifi" if call.args[0] == "wifi" else "bluetooth"
            self.phone.update_settings(**{field: call.args[1] == "enable"})
            return Result()
        return fail(f"svc: unknown command '{' '.join(call.args)}'")

    def ime(self, call: Invocation) -> Result:
        enabled = self.setting("secure", "enabled_input_methods").split(":")
        if call.args[:1] == ["list"]:
            return _text("".join(f"{m}\n" for m in enabled))
        if call.args[:1] == ["set"] and len(call.args) == 2:
            if call.args[1] not in enabled:
                return fail(f"Unknown input method {call.args[1]} cannot be selected for user #0")
            self._put("secure", "default_input_method", call.args[1])
            return _text(f"Input method {call.args[1]} selected for user #0\n")
        return fail("ime: usage: ime list [-s] | ime set ID")

    def ip(self, call: Invocation) -> Result:
        return _text(render.ip_addr(self.phone.settings().wifi))

    def ifconfig(self, call: Invocation) -> Result:
        name = call.args[0] if call.args else ""
        text = render.ifconfig(self.phone.settings().wifi, name)
        return _text(text) if text else fail(f"ifconfig: {name}: No such device")

    # -- the log ------------------------------------------------------------------------------
    def log_command(self, call: Invocation) -> Result:
        level, tag, words, args = "I", "log", [], list(call.args)
        while args:
            arg = args.pop(0)
            if arg == "-p" and args:
                level = args.pop(0)[:1].upper()
            elif arg == "-t" and args:
                tag = args.pop(0)
            else:
                words.append(arg)
        if level not in LEVELS:
            return fail(f"log: unknown priority {level!r}")
        self.log.add(level, tag, " ".join(words))
        return Result()

    def logcat(self, call: Invocation) -> Result:
        args = call.args
        if "-c" in args or "--clear" in args:
            self.log.clear()
            return Result()
        style = _option(args, "-v") or "threadtime"
        lines = self.log.since(0)
        text = "".join(line.format(style) + "\n" for line in lines)
        if "-d" in args:
            return _text(text)
        seq = lines[-1].seq if lines else 0
        call.write(text.encode())
        while True:  # until the reader goes away: write raises OSError then
            self.log.wait(seq, FOLLOW_TICK)
            fresh = self.log.since(seq)
            if not fresh:
                level = self.phone.sensors().battery_level
                self.log.add("D", "healthd", f"battery l={round(level.value) if level else 0}", pid=412)
                continue
            seq = fresh[-1].seq
            call.write("".join(line.format(style) + "\n" for line in fresh).encode())


def _parses_to(mapped: android_settings.Mapped, raw: str, current: Any) -> bool:
    try:
        return mapped.parse(raw) == current
    except ValueError:
        return False


def _extra(args: list[str], flag: str, key: str) -> str:
    """The value of an intent extra: ``--es KEY VALUE``."""
    for i, arg in enumerate(args[:-2]):
        if arg == flag and args[i + 1] == key:
            return args[i + 2]
    return ""


def _option(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1] if flag in args[:-1] else ""
