"""Battery and heat of the virtual phone: a small physical model driven by virtual time and load.

Power is a screen-on baseline (scaled by brightness) plus whatever work is reported (gestures,
UI dumps, ``add_load`` inference seconds). The battery drains by the charge that power draws;
the temperature follows a first-order thermal model (steady state = ambient + R * power, time
constant TAU), so sustained load heats the phone and idling cools it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from pocketpilot.devices.sensors import Reading, Sensors, ThermalStatus

CAPACITY_MAH = 4500.0
THERMAL_RESISTANCE_C_PER_W = 5.5
TAU_S = 90.0
CHARGER_W = 12.0
CHARGE_HEAT_W = 2.0  # what charging adds to the heat the phone must shed
CURRENT_AVERAGE_S = 10.0  # like BatteryManager's averaged current
# Battery temperature at which each thermal status starts (PowerManager levels).
THERMAL_THRESHOLDS_C = (
    (ThermalStatus.SHUTDOWN, 54.0),
    (ThermalStatus.EMERGENCY, 51.0),
    (ThermalStatus.CRITICAL, 48.0),
    (ThermalStatus.SEVERE, 45.0),
    (ThermalStatus.MODERATE, 42.0),
    (ThermalStatus.LIGHT, 39.0),
)


@dataclass
class PowerModel:
    """Mutable battery/thermal state; owned and locked by the phone."""

    level: float = 85.0  # percent
    charging: bool = False
    temp_c: float = 29.0
    ambient_c: float = 25.0
    current_avg_ma: float = 250.0
    seed: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(f"power-{self.seed}")

    @property
    def voltage_mv(self) -> float:
        return 3500.0 + 850.0 * self.level / 100.0

    @property
    def thermal_status(self) -> ThermalStatus:
        for status, threshold in THERMAL_THRESHOLDS_C:
            if self.temp_c >= threshold:
                return status
        return ThermalStatus.NONE

    def advance(self, seconds: float, load_w: float = 0.0, *, brightness: int = 60,
                battery_saver: bool = False) -> None:
        """Let ``seconds`` of virtual time pass with the screen on and ``load_w`` of extra work."""
        if seconds <= 0:
            return
        load = load_w * (0.7 if battery_saver else 1.0)  # saver caps CPU frequency
        power_w = 0.55 + 0.6 * brightness / 100.0 + load
        current_ma = power_w / (self.voltage_mv / 1000.0) * 1000.0
        if self.charging and self.level < 100.0:
            charge_ma = CHARGER_W / (self.voltage_mv / 1000.0) * 1000.0
            current_ma -= charge_ma * (0.3 if self.level > 80 else 1.0)  # trickle near full
        self.level = min(100.0, max(0.0, self.level - current_ma * seconds / 3600.0
                                    / CAPACITY_MAH * 100.0))
        keep = math.exp(-seconds / CURRENT_AVERAGE_S)
        self.current_avg_ma = self.current_avg_ma * keep + current_ma * (1 - keep)
        heat_w = power_w + (CHARGE_HEAT_W if self.charging and self.level < 100.0 else 0.0)
        steady = self.ambient_c + THERMAL_RESISTANCE_C_PER_W * heat_w
        self.temp_c = steady + (self.temp_c - steady) * math.exp(-seconds / TAU_S)

    def set_battery(self, level: float | None = None, charging: bool | None = None) -> None:
        if level is not None:
            if not 0 <= level <= 100:
                raise ValueError(f"battery level must be within 0..100, got {level}")
            self.level = float(level)
        if charging is not None:
            self.charging = charging

    def set_thermal(self, temp_c: float | None = None, *, status: ThermalStatus | None = None,
                    ambient_c: float | None = None) -> None:
        """Set the battery temperature directly, or to the middle of a thermal status band."""
        if status is not None:
            starts = dict(THERMAL_THRESHOLDS_C)
            temp_c = starts[status] + 1.0 if status in starts else min(self.temp_c, 35.0)
        if temp_c is not None:
            self.temp_c = float(temp_c)
        if ambient_c is not None:
            self.ambient_c = float(ambient_c)

    def sensors(self) -> Sensors:
        """What a phone reports, with a little seeded measurement noise on the analog values."""
        noise = self._rng.uniform(-0.01, 0.01)
        current = self.current_avg_ma * (1 + noise)
        voltage = self.voltage_mv
        return Sensors(
            battery_level=Reading(float(round(self.level))),
            charging=self.charging,
            battery_temp_c=Reading(round(self.temp_c, 1)),
            current_ma=Reading(round(current, 1)),
            voltage_mv=Reading(round(voltage)),
            power_w=Reading(round(current * voltage / 1e6, 3)),
            thermal_status=self.thermal_status,
        )

    def to_dict(self) -> dict:
        return {"level": round(self.level, 3), "charging": self.charging,
                "temp_c": round(self.temp_c, 3)}

    @classmethod
    def from_dict(cls, data: dict | None, *, seed: int) -> PowerModel:
        data = dict(data or {})
        unknown = sorted(set(data) - {"level", "charging", "temp_c"})
        if unknown:
            raise ValueError(f"battery has unknown fields {unknown}; allowed: level, charging, temp_c")
        model = cls(seed=seed)
        model.set_battery(data.get("level"), data.get("charging"))
        if "temp_c" in data:
            model.set_thermal(data["temp_c"])
        return model
