"""Battery, power and thermal readings of a device; each value says whether it was measured.

A value that the device did not report is ``None`` (unavailable), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class ThermalStatus(IntEnum):
    """Android's PowerManager thermal status levels (THERMAL_STATUS_*)."""

    NONE = 0
    LIGHT = 1
    MODERATE = 2
    SEVERE = 3
    CRITICAL = 4
    EMERGENCY = 5
    SHUTDOWN = 6


@dataclass(frozen=True, slots=True)
class Reading:
    value: float
    measured: bool = True  # False: derived/estimated rather than read off a sensor


@dataclass(frozen=True)
class Sensors:
    battery_level: Reading | None = None  # percent 0..100
    charging: bool | None = None
    battery_temp_c: Reading | None = None
    current_ma: Reading | None = None  # positive = discharging
    voltage_mv: Reading | None = None
    power_w: Reading | None = None  # from current x voltage where both are reported
    thermal_status: ThermalStatus | None = None
    problems: tuple[str, ...] = field(default=())  # why a value is unavailable, for the user

    def to_dict(self) -> dict:
        def reading(r: Reading | None) -> dict | None:
            return None if r is None else {"value": r.value, "measured": r.measured}

        return {
            "battery_level": reading(self.battery_level),
            "charging": self.charging,
            "battery_temp_c": reading(self.battery_temp_c),
            "current_ma": reading(self.current_ma),
            "voltage_mv": reading(self.voltage_mv),
            "power_w": reading(self.power_w),
            "thermal_status": None if self.thermal_status is None else self.thermal_status.name,
            "problems": list(self.problems),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Sensors:
        def reading(d: dict | None) -> Reading | None:
            return None if d is None else Reading(float(d["value"]), bool(d["measured"]))

        status = data.get("thermal_status")
        return cls(
            battery_level=reading(data.get("battery_level")),
            charging=data.get("charging"),
            battery_temp_c=reading(data.get("battery_temp_c")),
            current_ma=reading(data.get("current_ma")),
            voltage_mv=reading(data.get("voltage_mv")),
            power_w=reading(data.get("power_w")),
            thermal_status=None if status is None else ThermalStatus[status],
            problems=tuple(data.get("problems", ())),
        )
