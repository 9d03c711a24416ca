"""``ReconfigPolicy``: the least-energy configuration that meets the latency SLO and quality floor
for the device's context, with hysteresis so it does not flap.

Context rules, strongest first: thermal SEVERE or worse forces a downshift at once (and forbids
upshifts until the device is back to LIGHT); a low, discharging battery means saver mode (left
only once it is 5 points higher); charging relaxes the mode one step; otherwise a switch needs
``min_dwell`` decisions on the current config and a gain over ``margin``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.sensors import Sensors, ThermalStatus
from pocketpilot.runtime.energy.config_space import MODES, RuntimeConfig, UserPrefs, relative_cost
from pocketpilot.runtime.energy.profiler import Estimate, Profiler

LOW_BATTERY_PCT = 20.0
BATTERY_HYSTERESIS_PCT = 5.0


@dataclass(frozen=True)
class Context:
    sensors: Sensors = field(default_factory=Sensors)
    mode: str | None = None  # None: the user's configured mode
    latency_slo_s: float | None = None
    min_ctx: int = 0  # the longest prompt + reply seen so far: smaller contexts would overflow


@dataclass(frozen=True)
class Decision:
    config: RuntimeConfig
    reason: str
    readings: dict[str, Any]
    changed: bool = False
    previous: RuntimeConfig | None = None
    mode: str = "balanced"
    estimate: dict[str, Any] = field(default_factory=dict)

    @property
    def downshift(self) -> bool:
        return self.changed and self.previous is not None and self.estimate.get("relative_energy", 0) < \
            self.estimate.get("previous_relative_energy", 0)

    def to_dict(self) -> dict[str, Any]:
        return {"config": self.config.to_dict(), "key": self.config.key, "reason": self.reason,
                "readings": self.readings, "changed": self.changed, "downshift": self.downshift,
                "previous": self.previous.key if self.previous else None, "mode": self.mode,
                "estimate": self.estimate}


class ReconfigPolicy:
    def __init__(self, prefs: UserPrefs, profiler: Profiler, *, min_dwell: int = 3, margin: float = 0.15,
                 on_event: EventSink = discard) -> None:
        self.prefs, self.profiler, self.min_dwell, self.margin, self.emit = prefs, profiler, min_dwell, margin, on_event
        self.current: RuntimeConfig | None = None
        self.dwell = 0
        self._hot = False
        self._low = False

    def decide(self, context: Context) -> Decision:
        decision = self._decide(context)
        self.dwell = 1 if decision.changed or self.current is None else self.dwell + 1
        self.current = decision.config
        self.emit(Event("reconfig.decision", decision.to_dict()))
        return decision

    def _decide(self, ctx: Context) -> Decision:
        sensors = ctx.sensors
        mode, why_mode = self._mode(ctx)
        slo = (ctx.latency_slo_s or self.prefs.latency_slo_s) * (2.0 if mode == "saver" else 1.0)
        status = sensors.thermal_status
        if status is not None and status >= ThermalStatus.SEVERE:
            self._hot = True
        elif status is None or status <= ThermalStatus.LIGHT:
            self._hot = False
        configs = [c for c in self.prefs.space.configs() if c.n_ctx >= ctx.min_ctx] or self.prefs.space.configs()
        current = self.current
        readings = {**sensors.to_dict(), "mode": mode, "latency_slo_s": slo, "min_ctx": ctx.min_ctx}
        if self._hot and current is not None:
            cooler = [c for c in configs if self._energy(c) < self._energy(current)]
            if not cooler:
                return self._result(current, current, f"thermal {_name(status)}: already at the lightest allowed "
                                                      "configuration", readings, mode)
            best = min(cooler, key=self._energy)
            return self._result(best, current, f"thermal {_name(status)}: forced downshift to cool the device",
                                readings, mode)
        best, why_best = self._best(configs, mode, slo)
        if current is None:
            return self._result(best, None, f"initial: {why_best}{why_mode}", readings, mode)
        if not self.prefs.space.allows(current) or current not in configs:
            return self._result(best, current, f"current configuration no longer allowed: {why_best}", readings, mode)
        warm = self._hot or (status is not None and status >= ThermalStatus.MODERATE)
        if warm and self._energy(best) > self._energy(current):
            return self._result(current, current, f"thermal {_name(status)}: no upshift while warm", readings,
                                    mode)
        now = self.profiler.estimate(current)
        floor = self.prefs.quality_floor
        missed = now.latency_s > slo * (1 + self.margin) or now.success < floor * (1 - self.margin)
        if missed and best != current:
            return self._result(best, current, f"current misses the SLO or quality floor "
                                               f"({now.latency_s:.2f}s, success {now.success:.2f}): {why_best}",
                                readings, mode)
        if best == current:
            return self._result(current, current, f"hold: still the best ({why_best}){why_mode}", readings, mode)
        if self.dwell < self.min_dwell:
            return self._result(current, current, f"hold: dwell {self.dwell}/{self.min_dwell} before switching",
                                readings, mode)
        gain = 1 - self._objective(best, mode) / max(self._objective(current, mode), 1e-9)
        if gain < self.margin:
            return self._result(current, current, f"hold: gain {gain:.0%} is under the {self.margin:.0%} margin",
                                readings, mode)
        return self._result(best, current, f"switch: {gain:.0%} better ({why_best}){why_mode}", readings, mode)

    def _mode(self, ctx: Context) -> tuple[str, str]:
        mode = ctx.mode or self.prefs.mode
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        sensors = ctx.sensors
        level = sensors.battery_level.value if sensors.battery_level is not None else None
        if level is not None and not sensors.charging:
            if level < LOW_BATTERY_PCT:
                self._low = True
            elif level >= LOW_BATTERY_PCT + BATTERY_HYSTERESIS_PCT:
                self._low = False
        elif sensors.charging:
            self._low = False
        if self._low:
            return "saver", f"; battery {level:.0f}% and discharging: saver"
        warm = sensors.thermal_status is not None and sensors.thermal_status >= ThermalStatus.MODERATE
        if sensors.charging and not warm and mode != "performance":
            relaxed = MODES[MODES.index(mode) - 1]
            return relaxed, f"; charging: {mode} relaxed to {relaxed}"
        return mode, ""

    def _best(self, configs: list[RuntimeConfig], mode: str, slo: float) -> tuple[RuntimeConfig, str]:
        estimates = {c: self.profiler.estimate(c) for c in configs}
        good = [c for c in configs if estimates[c].success >= self.prefs.quality_floor]
        if not good:
            best = max(configs, key=lambda c: (estimates[c].success, -estimates[c].energy_j))
            return best, "nothing meets the quality floor; the most accurate"
        fast = [c for c in good if estimates[c].latency_s <= slo]
        if not fast:
            return min(good, key=lambda c: estimates[c].latency_s), "nothing meets the SLO; the fastest"
        if mode == "performance":
            return min(fast, key=lambda c: (estimates[c].latency_s, estimates[c].energy_j)), "performance: fastest"
        return min(fast, key=lambda c: (estimates[c].energy_j, estimates[c].latency_s)), \
            f"{mode}: least energy meeting SLO {slo:.1f}s and quality {self.prefs.quality_floor:.2f}"

    def _objective(self, config: RuntimeConfig, mode: str) -> float:
        estimate = self.profiler.estimate(config)
        return estimate.latency_s if mode == "performance" else estimate.energy_j

    def _energy(self, config: RuntimeConfig) -> float:
        return relative_cost(config, self.prefs.space.models)[0]

    def _result(self, config: RuntimeConfig, previous: RuntimeConfig | None, reason: str,
                readings: dict[str, Any], mode: str) -> Decision:
        estimate: Estimate = self.profiler.estimate(config)
        info = {"latency_s": round(estimate.latency_s, 4), "energy_j": round(estimate.energy_j, 4),
                "success": round(estimate.success, 3), "source": estimate.source,
                "relative_energy": round(self._energy(config), 4)}
        if previous is not None:
            info["previous_relative_energy"] = round(self._energy(previous), 4)
        return Decision(config, reason, readings, changed=previous is not None and config != previous,
                        previous=previous, mode=mode, estimate=info)


def _name(status: ThermalStatus | None) -> str:
    return "unknown" if status is None else status.name


class StaticPolicy:
    """A fixed configuration (the bench's static_max / static_min baselines); same interface."""

    def __init__(self, config: RuntimeConfig, *, on_event: EventSink = discard) -> None:
        self.current: RuntimeConfig | None = None
        self.config, self.emit = config, on_event

    def decide(self, context: Context) -> Decision:
        decision = Decision(self.config, "static", context.sensors.to_dict(), changed=False, previous=self.current)
        self.current = self.config
        self.emit(Event("reconfig.decision", decision.to_dict()))
        return decision
