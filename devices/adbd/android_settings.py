"""``settings get/put`` keys mapped onto the virtual phone's own settings state.

Behaviour as data: each Android key names the phone's field and how its value reads in
Android's encoding. Keys with no phone field keep what was put (Android's ``null`` until then),
so scripts that write and read back their own keys see a phone, not an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ADB_IME = "com.android.adbkeyboard/.AdbIME"
LATIN_IME = "com.android.inputmethod.latin/.LatinIME"
NAMESPACES = ("system", "secure", "global")


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _parse_flag(raw: str) -> bool:
    return raw.strip() not in ("0", "", "false")


@dataclass(frozen=True, slots=True)
class Mapped:
    field: str  # the phone's ``Settings`` field
    show: Callable[[Any], str]
    parse: Callable[[str], Any]


MAPPED: dict[tuple[str, str], Mapped] = {
    ("system", "screen_brightness"): Mapped(
        "brightness", lambda pct: str(round(pct * 255 / 100)),
        lambda raw: max(0, min(100, round(int(raw) * 100 / 255)))),
    ("system", "screen_brightness_mode"): Mapped("adaptive_brightness", _flag, _parse_flag),
    ("system", "time_12_24"): Mapped("use_24h", lambda on: "24" if on else "12",
                                     lambda raw: raw.strip() == "24"),
    ("global", "airplane_mode_on"): Mapped("airplane", _flag, _parse_flag),
    ("global", "wifi_on"): Mapped("wifi", _flag, _parse_flag),
    ("global", "bluetooth_on"): Mapped("bluetooth", _flag, _parse_flag),
    ("global", "low_power"): Mapped("battery_saver", _flag, _parse_flag),
    ("global", "zen_mode"): Mapped("dnd", _flag, _parse_flag),
    ("secure", "ui_night_mode"): Mapped("dark_theme", lambda on: "2" if on else "1",
                                        lambda raw: raw.strip() == "2"),
}

# Keys without a phone field, as a stock phone reports them after boot.
DEFAULTS: dict[tuple[str, str], str] = {
    ("system", "user_rotation"): "0",
    ("system", "accelerometer_rotation"): "0",
    ("system", "screen_off_timeout"): "60000",
    ("global", "stay_on_while_plugged_in"): "0",
    ("global", "adb_enabled"): "1",
    ("global", "development_settings_enabled"): "1",
    ("global", "device_name"): "Pocketpilot Virtual",
    ("secure", "default_input_method"): ADB_IME,
    ("secure", "enabled_input_methods"): f"{LATIN_IME}:{ADB_IME}",
    ("secure", "android_id"): "6f1c2a9b3d4e5f60",
}
