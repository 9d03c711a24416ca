"""dumpsys parsers: real layouts from Android 8, 10, 12 and 14, plus garbled and empty output."""

from __future__ import annotations

import pytest

from pocketpilot.devices.dumpsys import (
    parse_battery,
    parse_focus,
    parse_thermal,
    parse_wm_size,
    sensors_from_dumps,
)
from pocketpilot.devices.sensors import ThermalStatus

BATTERY_8 = """Current Battery Service state:
  AC powered: false
  USB powered: true
  Wireless powered: false
  Max charging current: 500000
  Max charging voltage: 5000000
  Charge counter: 2755000
  status: 2
  health: 2
  present: true
  level: 85
  scale: 100
  voltage: 4213
  temperature: 290
  technology: Li-ion
"""
BATTERY_10_UNPLUGGED = """Current Battery Service state:
  (UPDATES STOPPED -- use 'reset' to restart)
  AC powered: false
  USB powered: false
  Wireless powered: false
  Max charging current: 0
  Max charging voltage: 0
  Charge counter: 1812000
  status: 3
  health: 2
  present: true
  level: 47
  scale: 100
  voltage: 3811
  temperature: 312
  technology: Li-ion
"""
BATTERY_12_WITH_CURRENT = """Current Battery Service state:
  AC powered: false
  USB powered: false
  Wireless powered: false
  Dock powered: false
  Max charging current: 0
  Max charging voltage: 0
  Charge counter: 3102000
  status: 3
  health: 2
  present: true
  level: 64
  scale: 100
  voltage: 3950
  current now: -412000
  temperature: 268
  technology: Li-poly
"""
BATTERY_14 = """Current Battery Service state:
  AC powered: true
  USB powered: false
  Wireless powered: false
  Dock powered: false
  Max charging current: 3000000
  Max charging voltage: 9000000
  Charge counter: 3865000
  status: 5
  health: 2
  present: true
  level: 100
  scale: 100
  voltage: 4392
  temperature: 301
  technology: Li-ion
  Charging state: 0
  Charging policy: 0
  Capacity level: -1
"""
THERMAL_10 = """IsStatusOverride: false
ThermalEventListeners:
\tcallbacks: 1
\tkilled: false
\tbroadcasts count: -1
ThermalStatusListeners:
\tcallbacks: 1
\tkilled: false
\tbroadcasts count: -1
Thermal Status: 0
Cached temperatures:
\tTemperature{mValue=33.4, mType=0, mName=cpu0, mStatus=0}
HAL Ready: true
HAL connection:
\tThermalHAL 2.0 connected: yes
Current temperatures from HAL:
\tTemperature{mValue=29.1, mType=2, mName=battery, mStatus=0}
\tTemperature{mValue=35.3, mType=0, mName=cpu0, mStatus=0}
\tTemperature{mValue=NaN, mType=3, mName=gpu, mStatus=0}
Current cooling devices from HAL:
\tCoolingDevice{mValue=0, mType=0, mName=cpu0}
"""
THERMAL_14 = """IsStatusOverride: false
ThermalEventListeners:
\tcallbacks: 2
\tkilled: false
\tbroadcasts count: -1
ThermalStatusListeners:
\tcallbacks: 3
\tkilled: false
\tbroadcasts count: -1
Thermal Status: 2
Cached temperatures:
\tTemperature{mValue=41.2, mType=3, mName=skin, mStatus=2}
HAL Ready: true
HAL connection:
\tThermalHAL AIDL 1  connected: yes
Current temperatures from HAL:
\tTemperature{mValue=41.2, mType=3, mName=VIRTUAL-SKIN, mStatus=2}
\tTemperature{mValue=38.0, mType=2, mName=battery, mStatus=1}
Current cooling devices from HAL:
\tCoolingDevice{mValue=1, mType=2, mName=thermal-cpufreq-0}
Temperature static thresholds from HAL:
\tTemperatureThreshold{mType=3, mName=VIRTUAL-SKIN, mHotThrottlingThresholds=[NaN, 39.0]}
"""
THERMAL_8 = "Can't find service: thermalservice\n"
WINDOW_8 = """WINDOW MANAGER WINDOWS (dumpsys window windows)
  Window #0 Window{7d2c1b5 u0 NavigationBar}:
  mCurrentFocus=Window{a1b2c3d u0 com.android.contacts/com.android.contacts.activities.PeopleActivity}
  mFocusedApp=AppWindowToken{5e6f7a8 token=Token{9b0c1d2 ActivityRecord{e3f4a5b u0 \
com.android.contacts/.activities.PeopleActivity t12}}}
"""
WINDOW_10_POPUP = """WINDOW MANAGER WINDOWS (dumpsys window windows)
  mCurrentFocus=Window{2c3d4e5 u0 PopupWindow:8a7b6c5}
  mFocusedApp=ActivityRecord{4f5e6d7 u0 com.google.android.apps.messaging/.ui.ConversationListActivity t13}
"""
WINDOW_14 = """WINDOW MANAGER WINDOWS (dumpsys window windows)
  Window #12 Window{9f8e7d6 u0 com.android.deskclock/com.android.deskclock.DeskClock}:
    mDisplayId=0 rootTaskId=21 mSession=Session{3a2b1c0 4321:u0a10123} mClient=android.os.BinderProxy@1
  mCurrentFocus=Window{9f8e7d6 u0 com.android.deskclock/com.android.deskclock.DeskClock}
  mFocusedApp=ActivityRecord{6c5b4a3 u0 com.android.deskclock/.DeskClock t21}
"""
WINDOW_NULL = "  mCurrentFocus=null\n  mFocusedApp=null\n"
GARBLED = "\x00\x17ï¿½ garbage: : :\nlevel: lots\nscale: 100\n"


def test_android_8_battery_charging_over_usb() -> None:
    dump = parse_battery(BATTERY_8)
    assert (dump.level, dump.scale, dump.status, dump.powered) == (85, 100, 2, ("USB",))
    assert (dump.temperature_tenths_c, dump.voltage_mv, dump.charge_counter_uah) == (290, 4213, 2755000)
    assert dump.problems == ()


def test_android_10_battery_with_updates_stopped_banner_still_parses() -> None:
    dump = parse_battery(BATTERY_10_UNPLUGGED)
    assert (dump.level, dump.status, dump.powered) == (47, 3, ())


def test_current_now_is_read_when_the_device_reports_it() -> None:
    sensors = sensors_from_dumps(BATTERY_12_WITH_CURRENT, THERMAL_10)
    assert sensors.current_ma is not None and sensors.current_ma.value == 412.0  # discharging
    assert sensors.power_w is not None and not sensors.power_w.measured
    assert sensors.power_w.value == pytest.approx(0.412 * 3.950, abs=1e-3)


def test_android_14_full_battery_on_ac_is_not_charging() -> None:
    sensors = sensors_from_dumps(BATTERY_14, THERMAL_14)
    assert sensors.battery_level is not None and sensors.battery_level.value == 100.0
    assert sensors.charging is False  # status 5 = full
    assert sensors.battery_temp_c is not None and sensors.battery_temp_c.value == pytest.approx(30.1)
    assert sensors.thermal_status is ThermalStatus.MODERATE


def test_android_8_sensors_without_current_or_thermal_service_say_why() -> None:
    sensors = sensors_from_dumps(BATTERY_8, THERMAL_8)
    assert sensors.charging is True and sensors.voltage_mv is not None
    assert sensors.current_ma is None and sensors.power_w is None and sensors.thermal_status is None
    assert any("current" in p for p in sensors.problems)
    assert any("thermal" in p for p in sensors.problems)


def test_thermal_temperatures_come_from_the_hal_section_only() -> None:
    dump = parse_thermal(THERMAL_10)
    assert dump.status is ThermalStatus.NONE
    assert dump.temperatures == {"battery": (2, 29.1), "cpu0": (0, 35.3)}  # NaN gpu dropped


def test_battery_temperature_falls_back_to_the_thermal_hal() -> None:
    no_temp = BATTERY_10_UNPLUGGED.replace("  temperature: 312\n", "")
    sensors = sensors_from_dumps(no_temp, THERMAL_14)
    assert sensors.battery_temp_c is not None and sensors.battery_temp_c.value == 38.0


@pytest.mark.parametrize("text", ["", "\n\n", GARBLED, "Error: permission denied", "\x00\xff" * 20])
def test_garbled_or_empty_dumps_give_none_and_problems_never_raise(text: str) -> None:
    sensors = sensors_from_dumps(text, text)
    assert sensors.battery_level is None and sensors.thermal_status is None
    assert sensors.problems


def test_a_garbled_value_is_named_in_problems() -> None:
    dump = parse_battery("Current Battery Service state:\n  level: lots\n  scale: 100\n")
    assert dump.level is None and dump.scale == 100
    assert any("'level' is not a number" in p for p in dump.problems)


def test_unknown_thermal_status_level_is_a_problem() -> None:
    dump = parse_thermal("Thermal Status: 9\n")
    assert dump.status is None and "not a known level" in dump.problems[0]


@pytest.mark.parametrize(
    ("text", "focus"),
    [
        (WINDOW_8, ("com.android.contacts", "com.android.contacts.activities.PeopleActivity")),
        (WINDOW_10_POPUP, ("com.google.android.apps.messaging",
                           "com.google.android.apps.messaging.ui.ConversationListActivity")),
        (WINDOW_14, ("com.android.deskclock", "com.android.deskclock.DeskClock")),
        (WINDOW_NULL, None),
        ("", None),
    ],
)
def test_focus_is_read_across_android_versions(text: str, focus: tuple[str, str] | None) -> None:
    assert parse_focus(text) == focus


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("Physical size: 1080x2400", (1080, 2400)),
        ("Physical size: 1440x3120\nOverride size: 1080x2340", (1080, 2340)),
        ("", None),
        ("wm: command not found", None),
    ],
)
def test_wm_size_prefers_the_override(text: str, size: tuple[int, int] | None) -> None:
    assert parse_wm_size(text) == size
