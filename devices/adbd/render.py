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


def dumpsys_display(width: int, height: int, density: int, rotation: int) -> str:
    """``dumpsys display``: the lines adbutils and scripts read (size, density, orientation)."""
    w, h = (height, width) if rotation % 2 else (width, height)
    return (
        "DISPLAY MANAGER (dumpsys display)\n"
        "  mOnlyCode=false\n"
        "  mSafeMode=false\n"
        "Display Devices: size=1\n"
        "  DisplayDeviceInfo{\"Built-in Screen\": uniqueId=\"local:0\", "
        f"{width} x {height}, modeId 1, defaultModeId 1, density {density}, "
        f"{density}.0 x {density}.0 dpi, appVsyncOff 0, presDeadline 16666666, touch INTERNAL, "
        f"rotation {rotation}, type INTERNAL, state ON, FLAG_DEFAULT_DISPLAY}}\n"
        "Logical Displays: size=1\n"
        "  Display 0:\n"
        f"    mBaseDisplayInfo=DisplayInfo{{\"Built-in Screen\", displayId 0, real {width} x {height}, "
        f"rotation {rotation}, density {density}}}\n"
        f"    mOverrideDisplayInfo=DisplayInfo{{\"Built-in Screen\", displayId 0, app {w} x {h}, "
        f"real {w} x {h}, rotation {rotation}, density {density}}}\n"
        f"  mCurrentOrientation={rotation}\n"
        f"  DisplayViewport{{type=INTERNAL, valid=true, isActive=true, displayId=0, "
        f"uniqueId='local:0', physicalPort=0, orientation={rotation}, "
        f"logicalFrame=Rect(0, 0 - {w}, {h}), deviceWidth={w}, deviceHeight={h}}}\n"
    )


def dumpsys_power(screen_on: bool = True) -> str:
    on = "true" if screen_on else "false"
    return (
        "POWER MANAGER (dumpsys power)\n\n"
        "Power Manager State:\n"
        f"  mWakefulness={'Awake' if screen_on else 'Asleep'}\n"
        f"  mHoldingDisplaySuspendBlocker={on}\n"
        f"  Display Power: state={'ON' if screen_on else 'OFF'}\n"
    )


def dumpsys_package(package: str) -> str:
    """``dumpsys package PKG``: the fields ``app_info`` parsers read."""
    return (
        "Packages:\n"
        f"  Package [{package}] (5c3e2a1):\n"
        f"    userId=10{sum(package.encode()) % 100:02d}\n"
        f"    pkg=Package{{5c3e2a1 {package}}}\n"
        f"    codePath=/system/app/{package}\n"
        "    versionCode=34 minSdk=29 targetSdk=34\n"
        "    versionName=14\n"
        "    flags=[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]\n"
        "    pkgFlags=[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]\n"
        "    timeStamp=2026-01-01 00:00:00\n"
        "    firstInstallTime=2026-01-01 00:00:00\n"
        "    lastUpdateTime=2026-01-01 00:00:00\n"
        "    signatures=PackageSignatures{9f8e7d6 version:3, signatures:[a1b2c3d4], past signatures:[]}\n"
    )


WLAN_IP = "192.168.1.23"


def ip_addr(wifi: bool) -> str:
    """``ip addr``: loopback always; wlan0 has an address while Wi-Fi is on."""
    out = (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n"
        f"3: wlan0: <BROADCAST,MULTICAST{',UP,LOWER_UP' if wifi else ''}> mtu 1500 qdisc mq state "
        f"{'UP' if wifi else 'DOWN'} group default qlen 3000\n"
        "    link/ether 02:00:00:44:55:66 brd ff:ff:ff:ff:ff:ff\n"
    )
    if wifi:
        out += (f"    inet {WLAN_IP}/24 brd 192.168.1.255 scope global wlan0\n"
                "       valid_lft forever preferred_lft forever\n")
    return out


def ifconfig(wifi: bool, name: str = "") -> str:
    """toybox ``ifconfig [IFACE]``; '' for an interface the phone does not have."""
    lo = ("lo        Link encap:Local Loopback\n"
          "          inet addr:127.0.0.1  Mask:255.0.0.0\n"
          "          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n\n")
    wlan = ("wlan0     Link encap:Ethernet  HWaddr 02:00:00:44:55:66\n"
            + (f"          inet addr:{WLAN_IP}  Bcast:192.168.1.255  Mask:255.255.255.0\n"
               "          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n\n" if wifi else
               "          BROADCAST MULTICAST  MTU:1500  Metric:1\n\n"))
    return {"": lo + wlan, "lo": lo, "wlan0": wlan}.get(name, "")
