"""The virtual phone's data written in the text formats real Android commands print.

Kept beside the daemon so that ``AdbDevice``'s parsers (``devices/dumpsys.py``) read the
virtual phone exactly as they read a real one (Android 12 layouts).
"""

from __future__ import annotations

from pocketpilot.devices.device import AppInfo
from pocketpilot.devices.sensors import Sensors

UI_DUMPED = "UI hierchary dumped to: {path}\n"  # sic: Android's own spelling


def dumpsys_battery(sensors: Sensors) -> str:
    level = sensors.battery_level
    temp = sensors.battery_temp_c
    voltage = sensors.voltage_mv
    lines = [
        "Current Battery Service state:",
        "  AC powered: false",
        f"  USB powered: {'true' if sensors.charging else 'false'}",
        "  Wireless powered: false",
        "  Dock powered: false",
        "  Max charging current: 500000",
        "  Max charging voltage: 5000000",
        "  Charge counter: 2755000",
        f"  status: {2 if sensors.charging else 3}",
        "  health: 2",
        "  present: true",
        f"  level: {round(level.value) if level else 0}",
        "  scale: 100",
        f"  voltage: {round(voltage.value) if voltage else 0}",
    ]
    if sensors.current_ma is not None:
        lines.append(f"  current now: {round(-sensors.current_ma.value * 1000)}")
    lines += [f"  temperature: {round(temp.value * 10) if temp else 0}", "  technology: Li-ion"]
    return "\n".join(lines) + "\n"


def dumpsys_thermalservice(sensors: Sensors) -> str:
    status = int(sensors.thermal_status or 0)
    temp = sensors.battery_temp_c.value if sensors.battery_temp_c else 25.0
    return (
        "IsStatusOverride: false\n"
        f"Thermal Status: {status}\n"
        "HAL Ready: true\n"
        "HAL connection:\n"
        "\tThermalHAL AIDL 1  connected: yes\n"
        "Current temperatures from HAL:\n"
        f"\tTemperature{{mValue={temp:.1f}, mType=2, mName=battery, mStatus={status}}}\n"
        "Current cooling devices from HAL:\n"
    )


def dumpsys_window(package: str, activity: str) -> str:
    short = activity[len(package) :] if activity.startswith(package + ".") else activity
    return (
        "WINDOW MANAGER WINDOWS (dumpsys window windows)\n"
        f"  Window #0 Window{{4a1b2c3 u0 {package}/{activity}}}:\n"
        f"  mCurrentFocus=Window{{4a1b2c3 u0 {package}/{activity}}}\n"
        f"  mFocusedApp=ActivityRecord{{5d6e7f8 u0 {package}/{short} t7}}\n"
    )


def query_activities(apps: list[AppInfo]) -> str:
    """``cmd package query-activities -a MAIN -c LAUNCHER`` (only the lines parsers use)."""
    out = [f"{len(apps)} activities found:"]
    for number, app in enumerate(apps):
        out += [
            f"  Activity #{number}:",
            "    priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false",
            "    ActivityInfo:",
            f"      name={app.package}.MainActivity",
            f"      packageName={app.package}",
            f"      labelRes=0x0 nonLocalizedLabel={app.label} icon=0x0 banner=0x0",
        ]
    return "\n".join(out) + "\n"
