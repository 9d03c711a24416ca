"""Sensors of the machine the runtime itself runs on: sysfs power supplies, RAPL, thermal zones.

Every reading is optional. A file that is missing or unreadable (containers, VMs, RAPL restricted
to root since CVE-2020-8694) yields ``None`` plus a reason in ``problems``; nothing here raises.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

from pocketpilot.devices.sensors import Reading, Sensors


@dataclass(frozen=True)
class PowerSupply:
    """One ``/sys/class/power_supply/*`` entry (units converted from µW/µA/µV)."""

    name: str
    kind: str  # "Battery", "Mains", "USB" ...
    online: bool | None = None
    status: str | None = None  # "Charging", "Discharging", "Full", "Not charging"
    capacity_pct: float | None = None
    power_w: float | None = None
    current_a: float | None = None
    voltage_v: float | None = None


@dataclass(frozen=True)
class RaplZone:
    """A powercap zone: ``energy_uj`` is a counter that wraps at ``max_energy_range_uj``."""

    path: str
    name: str
    energy_uj: int
    max_energy_range_uj: int | None


@dataclass(frozen=True)
class ThermalZone:
    name: str
    kind: str
    temp_c: float


@dataclass(frozen=True)
class HostSnapshot:
    supplies: tuple[PowerSupply, ...] = ()
    rapl: tuple[RaplZone, ...] = ()
    thermal: tuple[ThermalZone, ...] = ()
    cpu_seconds: float = 0.0
    problems: tuple[str, ...] = field(default=())

    @property
    def battery(self) -> PowerSupply | None:
        return next((s for s in self.supplies if s.kind.lower() == "battery"), None)

    def to_sensors(self) -> Sensors:
        """The host seen as a device: battery, charging and battery power (no thermal status)."""
        battery = self.battery
        problems = list(self.problems)
        if battery is None:
            return Sensors(problems=(*problems, "host has no battery in /sys/class/power_supply"))
        power = battery.power_w
        if power is None and battery.current_a is not None and battery.voltage_v is not None:
            power = battery.current_a * battery.voltage_v
        mains = any(s.online for s in self.supplies if s.kind.lower() != "battery")
        charging = battery.status == "Charging" if battery.status else (mains or None)
        return Sensors(
            battery_level=None if battery.capacity_pct is None else Reading(battery.capacity_pct),
            charging=charging,
            current_ma=None if battery.current_a is None else Reading(battery.current_a * 1000.0),
            voltage_mv=None if battery.voltage_v is None else Reading(battery.voltage_v * 1000.0),
            power_w=None if power is None else Reading(round(power, 3)),
            problems=tuple(problems),
        )


def rapl_delta_uj(before: int, after: int, max_range_uj: int | None) -> int | None:
    """Energy between two counter reads; one wrap is undone, an unknown range gives None."""
    if after >= before:
        return after - before
    if not max_range_uj:
        return None
    return max_range_uj - before + after


class HostSensors:
    """Reads the host's sysfs under ``root`` (a fixture tree in tests, ``/sys`` for real)."""

    def __init__(self, root: str | Path = "/sys") -> None:
        self.root = Path(root)

    def snapshot(self) -> HostSnapshot:
        problems: list[str] = []
        return HostSnapshot(
            supplies=tuple(self.power_supplies(problems)),
            rapl=tuple(self.rapl_zones(problems)),
            thermal=tuple(self.thermal_zones(problems)),
            cpu_seconds=process_cpu_seconds(),
            problems=tuple(problems),
        )

    def power_supplies(self, problems: list[str]) -> list[PowerSupply]:
        base = self.root / "class" / "power_supply"
        entries = _children(base, problems, "power supplies")
        out = []
        for entry in entries:
            kind = _text(entry / "type", problems) or "Unknown"
            out.append(PowerSupply(
                name=entry.name, kind=kind,
                online=_flag(_number(entry / "online", problems, optional=True)),
                status=_text(entry / "status", problems, optional=True),
                capacity_pct=_number(entry / "capacity", problems, optional=True),
                power_w=_scaled(_number(entry / "power_now", problems, optional=True), 1e-6),
                current_a=_scaled(_number(entry / "current_now", problems, optional=True), 1e-6),
                voltage_v=_scaled(_number(entry / "voltage_now", problems, optional=True), 1e-6),
            ))
        return out

    def rapl_zones(self, problems: list[str]) -> list[RaplZone]:
        base = self.root / "class" / "powercap"
        out = []
        for entry in _children(base, problems, "RAPL (powercap)"):
            if not (entry / "energy_uj").exists():
                continue
            energy = _number(entry / "energy_uj", problems)
            if energy is None:  # root-only since Linux 5.10 (CVE-2020-8694)
                continue
            top = _number(entry / "max_energy_range_uj", problems, optional=True)
            name = _text(entry / "name", problems, optional=True) or entry.name
            out.append(RaplZone(str(entry), name, int(energy), None if top is None else int(top)))
        return out

    def thermal_zones(self, problems: list[str]) -> list[ThermalZone]:
        out = []
        for entry in _children(self.root / "class" / "thermal", problems, "thermal zones"):
            if not entry.name.startswith("thermal_zone"):
                continue
            milli = _number(entry / "temp", problems)
            if milli is not None:
                kind = _text(entry / "type", problems, optional=True) or "unknown"
                out.append(ThermalZone(entry.name, kind, milli / 1000.0))
        return out


class RaplCounter:
    """Cumulative joules over all top-level RAPL packages, across counter wraps.

    ``joules()`` returns None when no zone is readable, so callers fall back to estimates.
    """

    def __init__(self, sensors: HostSensors) -> None:
        self.sensors = sensors
        self._last: dict[str, int] = {}
        self._total_uj = 0

    def joules(self) -> float | None:
        zones = [z for z in self.sensors.rapl_zones([]) if z.name.startswith("package")]
        if not zones:
            return None
        for zone in zones:
            before = self._last.get(zone.path)
            if before is not None:
                delta = rapl_delta_uj(before, zone.energy_uj, zone.max_energy_range_uj)
                self._total_uj += delta or 0
            self._last[zone.path] = zone.energy_uj
        return self._total_uj / 1e6


def process_cpu_seconds() -> float:
    """CPU time of this process and its reaped children (user + system), in seconds."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _children(base: Path, problems: list[str], what: str) -> list[Path]:
    try:
        return sorted(p for p in base.iterdir())
    except FileNotFoundError:
        problems.append(f"{what} unavailable: {base} does not exist")
    except OSError as exc:
        problems.append(f"{what} unavailable: cannot list {base} ({exc.strerror})")
    return []


def _text(path: Path, problems: list[str], *, optional: bool = False) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except FileNotFoundError:
        if not optional:
            problems.append(f"{path} is missing")
    except OSError as exc:
        problems.append(f"{path} is unreadable ({exc.strerror})")
    return None


def _number(path: Path, problems: list[str], *, optional: bool = False) -> float | None:
    raw = _text(path, problems, optional=optional)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        problems.append(f"{path} is not a number: {raw[:30]!r}")
        return None


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _flag(value: float | None) -> bool | None:
    return None if value is None else value != 0
