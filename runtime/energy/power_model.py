"""A documented per-device power model for when no power sensor can be read.

``J = cpu_seconds × active_w_per_core + wall_s × (idle_w + screen_w)``: CPU seconds already sum
the busy time of every core, so one per-core figure prices them. Figures are round numbers from
public measurements (sources on each profile); they rank configurations correctly, they are not
a meter, and every joule they produce is labelled ``estimated``.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DeviceProfile:
    name: str
    active_w_per_core: float  # extra watts of one fully busy core over idle
    idle_w: float  # the rest of the system while the agent waits (SoC/board/package idle)
    screen_w: float = 0.0  # display on during a run (phones only)
    source: str = ""

    def estimate_j(self, cpu_seconds: float, wall_s: float) -> float:
        return max(0.0, cpu_seconds) * self.active_w_per_core + max(0.0, wall_s) * (self.idle_w + self.screen_w)

    def to_dict(self) -> dict:
        return {"name": self.name, "active_w_per_core": self.active_w_per_core, "idle_w": self.idle_w,
                "screen_w": self.screen_w, "source": self.source}


PROFILES: dict[str, DeviceProfile] = {
    p.name: p
    for p in (
        DeviceProfile(
            "phone-big-core", active_w_per_core=2.0, idle_w=0.1, screen_w=0.6,
            source="AnandTech SPEC2006 per-core power: Cortex-A77/A78 1.5-2.1 W, Cortex-X1 ~3.4 W at peak "
                   "frequency; SoC idle ~0.1 W; a 6-inch OLED at 60% brightness ~0.5-0.7 W "
                   "(Carroll & Heiser, USENIX ATC'10, updated by later phone studies)",
        ),
        DeviceProfile(
            "sbc-cortex-a72", active_w_per_core=0.9, idle_w=2.7,
            source="Raspberry Pi 4B wall power: ~2.7 W idle, ~6.4 W with 4 cores under stress "
                   "(raspi.tv / Tom's Hardware measurements) -> ~0.9 W per busy core",
        ),
        DeviceProfile(
            "laptop-x86-core", active_w_per_core=4.0, idle_w=2.0,
            source="15-28 W mobile x86 packages (Intel U/P-series, AMD U-series) with 4-8 cores under "
                   "all-core load ~4 W per core; package+platform idle ~2 W (RAPL readings)",
        ),
        DeviceProfile(
            "server-x86-vcpu", active_w_per_core=5.0, idle_w=0.0,
            source="Xeon/EPYC TDP 150-280 W over 32-64 cores -> ~4-6 W per busy core; idle of a "
                   "shared host is not this process's to count, so 0 W",
        ),
    )
}


def detect_profile(sys_root: str | Path = "/sys") -> DeviceProfile:
    """Guess from what the host looks like: ARM with a battery is a phone, ARM without an SBC,
    x86 with a battery a laptop, anything else a server vCPU."""
    machine = platform.machine().lower()
    has_battery = _has_battery(Path(sys_root))
    if machine.startswith(("arm", "aarch64")) or "ANDROID_ROOT" in os.environ:
        return PROFILES["phone-big-core" if has_battery else "sbc-cortex-a72"]
    return PROFILES["laptop-x86-core" if has_battery else "server-x86-vcpu"]


def profile_named(name: str) -> DeviceProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown power profile {name!r}; use one of {sorted(PROFILES)}") from None


def _has_battery(sys_root: Path) -> bool:
    base = sys_root / "class" / "power_supply"
    try:
        return any((entry / "type").read_text().strip() == "Battery" for entry in base.iterdir())
    except OSError:
        return False
