"""Pure parsers for the text of ``dumpsys battery|thermalservice|window`` and ``wm size``.

Formats drift across Android versions and vendors, so every parser reads ``key: value`` lines
it recognises and ignores the rest. Nothing here raises on odd input: a value that is missing
or garbled is ``None`` and the reason is added to ``problems`` for the user to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pocketpilot.devices.device import AppInfo
from pocketpilot.devices.sensors import Reading, Sensors, ThermalStatus

CHARGING = 2  # BatteryManager.BATTERY_STATUS_CHARGING
_KEY_VALUE = re.compile(r"^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$")
_TEMPERATURE = re.compile(r"Temperature\{mValue=(-?[\d.]+|NaN), mType=(-?\d+), mName=([^,]*)")
_COMPONENT = re.compile(r"\bu\d+ ([\w.]+)/([\w.$]+)")
_SIZE = re.compile(r"(\d+)x(\d+)")
_LABEL = re.compile(r"nonLocalizedLabel=(.*?)(?:\s+icon=|\s+banner=|$)")
TYPE_BATTERY = 2  # android.os.Temperature.TYPE_BATTERY


@dataclass(frozen=True)
class BatteryDump:
    """``dumpsys battery``: raw units as the device reports them (see each field)."""

    level: int | None = None
    scale: int | None = None
    status: int | None = None
    powered: tuple[str, ...] = ()  # e.g. ("USB",) from "USB powered: true"
    temperature_tenths_c: int | None = None
    voltage_mv: int | None = None
    current_now_ua: int | None = None  # positive = into the battery (charging), per BatteryManager
    charge_counter_uah: int | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThermalDump:
    """``dumpsys thermalservice`` (Android 10+): status and the HAL's current temperatures."""

    status: ThermalStatus | None = None
    temperatures: dict[str, tuple[int, float]] = field(default_factory=dict)  # name -> (type, °C)
    problems: tuple[str, ...] = ()


def _fields(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        match = _KEY_VALUE.match(line)
        if match and match.group(1).lower() not in out:
            out[match.group(1).lower()] = match.group(2)
    return out


def _int(fields: dict[str, str], key: str, problems: list[str], *, required: bool = True) -> int | None:
    raw = fields.get(key)
    if raw is None:
        if required:
            problems.append(f"dumpsys battery has no '{key}' line")
        return None
    try:
        return int(raw)
    except ValueError:
        problems.append(f"dumpsys battery '{key}' is not a number: {raw[:30]!r}")
        return None


def parse_battery(text: str) -> BatteryDump:
    """Parse ``dumpsys battery`` (Android 5..15 share the ``key: value`` layout)."""
    if "battery" not in text.lower() or not _fields(text):
        return BatteryDump(problems=(f"dumpsys battery gave no battery state: {_head(text)}",))
    fields = _fields(text)
    problems: list[str] = []
    powered = tuple(
        key.removesuffix(" powered").upper() if key != "ac powered" else "AC"
        for key, value in fields.items()
        if key.endswith(" powered") and value == "true"
    )
    return BatteryDump(
        level=_int(fields, "level", problems),
        scale=_int(fields, "scale", problems),
        status=_int(fields, "status", problems),
        powered=powered,
        temperature_tenths_c=_int(fields, "temperature", problems),
        voltage_mv=_int(fields, "voltage", problems),
        current_now_ua=_int(fields, "current now", problems, required=False),
        charge_counter_uah=_int(fields, "charge counter", problems, required=False),
        problems=tuple(problems),
    )


def parse_thermal(text: str) -> ThermalDump:
    """Parse ``dumpsys thermalservice``; devices before Android 10 have no such service."""
    if "can't find service" in text.lower() or not text.strip():
        return ThermalDump(problems=(f"no thermal service (Android < 10?): {_head(text)}",))
    problems: list[str] = []
    status = None
    raw = _fields(text).get("thermal status")
    if raw is None:
        problems.append("dumpsys thermalservice has no 'Thermal Status' line")
    else:
        try:
            status = ThermalStatus(int(raw))
        except ValueError:
            problems.append(f"thermal status {raw[:30]!r} is not a known level 0..6")
    temperatures: dict[str, tuple[int, float]] = {}
    section = text.split("Current temperatures from HAL:", 1)
    if len(section) == 2:
        body = re.split(r"\n\S", section[1], maxsplit=1)[0]  # up to the next unindented heading
        for value, kind, name in _TEMPERATURE.findall(body):
            if value != "NaN":
                temperatures[name] = (int(kind), float(value))
    return ThermalDump(status=status, temperatures=temperatures, problems=tuple(problems))


def sensors_from_dumps(battery_text: str, thermal_text: str) -> Sensors:
    """Combine both dumps into ``Sensors``; power is derived (``measured=False``)."""
    battery = parse_battery(battery_text)
    thermal = parse_thermal(thermal_text)
    problems = [*battery.problems, *thermal.problems]
    level = None
    if battery.level is not None and battery.scale:
        level = Reading(round(100.0 * battery.level / battery.scale, 1))
    charging = None
    if battery.status is not None:
        charging = battery.status == CHARGING
    elif battery.level is not None:
        charging = bool(battery.powered)
    temp = None
    if battery.temperature_tenths_c is not None:
        temp = Reading(battery.temperature_tenths_c / 10.0)
    else:
        hal = [c for kind, c in thermal.temperatures.values() if kind == TYPE_BATTERY]
        temp = Reading(hal[0]) if hal else None
    current = None
    if battery.current_now_ua is not None:
        current = Reading(-battery.current_now_ua / 1000.0)  # ours: positive = discharging
    elif battery.level is not None:
        problems.append("battery current is not reported by dumpsys battery on this device")
    voltage = Reading(float(battery.voltage_mv)) if battery.voltage_mv else None
    power = None
    if current is not None and voltage is not None:
        power = Reading(round(current.value * voltage.value / 1e6, 3), measured=False)
    return Sensors(
        battery_level=level,
        charging=charging,
        battery_temp_c=temp,
        current_ma=current,
        voltage_mv=voltage,
        power_w=power,
        thermal_status=thermal.status,
        problems=tuple(problems),
    )


def parse_focus(text: str) -> tuple[str, str] | None:
    """``(package, activity)`` of the focused window, activity fully qualified, or None.

    Reads ``mCurrentFocus=Window{... u0 pkg/cls}`` (all versions), falling back to
    ``mFocusedApp`` (``AppWindowToken{.. ActivityRecord{.. u0 pkg/.Cls t5}}`` on 8/9,
    ``ActivityRecord{.. u0 pkg/.Cls t5}`` on 10+) when focus is on a non-activity window.
    """
    for key in ("mCurrentFocus=", "mFocusedWindow=", "mFocusedApp=", "mResumedActivity:"):
        for line in text.splitlines():
            if key not in line:
                continue
            match = _COMPONENT.search(line.split(key, 1)[1])
            if match:
                package, activity = match.groups()
                if activity.startswith("."):
                    activity = package + activity
                return package, activity
    return None


def parse_wm_size(text: str) -> tuple[int, int] | None:
    """``wm size`` → the size apps see: ``Override size`` when set, else ``Physical size``."""
    sizes = {}
    for line in text.splitlines():
        match = _SIZE.search(line)
        if match and ":" in line:
            sizes[line.split(":", 1)[0].strip().lower()] = (int(match[1]), int(match[2]))
    return sizes.get("override size") or sizes.get("physical size")


def parse_launcher_activities(text: str) -> list[AppInfo]:
    """``cmd package query-activities -a MAIN -c LAUNCHER``: one app per package.

    Real devices mostly print ``nonLocalizedLabel=null`` (the label is a resource id only the
    app can resolve); then the package name stands in for the label.
    """
    apps: dict[str, str] = {}
    package = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("packageName="):
            package = line.removeprefix("packageName=").strip()
            apps.setdefault(package, package)
        elif package and (match := _LABEL.search(line)):
            label = match.group(1).strip()
            if label and label != "null":
                apps[package] = label
    return [AppInfo(package=p, label=label) for p, label in apps.items()]


def _head(text: str) -> str:
    text = " ".join(text.split())
    return repr(text[:60]) if text else "empty output"
