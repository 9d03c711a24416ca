"""Which model variant answers a call: the second one for the calls that shape a run, when the
device can afford it.

Planning shapes a whole run and verification decides whether a run is done, so both go to the
second variant; a step goes there only when the caller is unsure of it (its grounding could not
tell the options apart). Each is refused when the battery is low and discharging or the device is
warm (thermal MODERATE or worse), the same thresholds ``policy.ReconfigPolicy`` uses to go to
saver mode and to stop upshifting. Everything else stays on the small, bundled variant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.sensors import Sensors, ThermalStatus
from pocketpilot.runtime.backend import Backend, Completion, Purpose
from pocketpilot.runtime.energy.config_space import ModelVariant
from pocketpilot.runtime.energy.policy import LOW_BATTERY_PCT

STRONG_PURPOSES = frozenset({Purpose.PLAN, Purpose.VERIFY})


@dataclass(frozen=True)
class Route:
    """Where one call goes; ``size`` is its compute relative to the bundled model (the cost model's)."""

    variant: str
    reason: str
    size: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"variant": self.variant, "reason": self.reason, "size": self.size}


@dataclass(frozen=True)
class VariantPolicy:
    """Small by default; ``strong`` (the second variant) for plans, verification and unsure steps while
    battery and heat allow."""

    small: ModelVariant
    strong: ModelVariant | None = None
    low_battery_pct: float = LOW_BATTERY_PCT
    warm: ThermalStatus = ThermalStatus.MODERATE

    def choose(self, purpose: Purpose | str, sensors: Sensors, *, unsure: bool = False) -> Route:
        purpose = Purpose(purpose)
        if self.strong is None:
            return self._small("no second variant is registered")
        if purpose not in STRONG_PURPOSES and not unsure:
            return self._small(f"{purpose.value}: the small variant is sure enough")
        level = sensors.battery_level.value if sensors.battery_level is not None else None
        if level is not None and level < self.low_battery_pct and not sensors.charging:
            return self._small(f"battery {level:.0f}% and discharging: no second variant")
        if sensors.thermal_status is not None and sensors.thermal_status >= self.warm:
            return self._small(f"thermal {sensors.thermal_status.name}: no second variant")
        why = "unsure step" if purpose is Purpose.STEP else purpose.value
        return Route(self.strong.name, f"{why}: the second variant ({self.strong.name})", self.strong.size)

    def _small(self, reason: str) -> Route:
        return Route(self.small.name, reason, self.small.size)


class VariantRouter:
    """A Backend over several variants: ``complete`` is the small one; ``for_purpose`` routes a call.

    Variants load on first use (``make`` builds one from its ``ModelVariant``) and stay loaded, so
    the router never pays a load per call; each route is emitted as a ``variant.route`` event.
    """

    def __init__(self, policy: VariantPolicy, make: Callable[[ModelVariant], Backend],
                 sensors: Callable[[], Sensors] = Sensors, *, on_event: EventSink = discard) -> None:
        self.policy, self.make, self.sensors, self.emit = policy, make, sensors, on_event
        self.backends: dict[str, Backend] = {}
        self.routes: dict[str, int] = {}  # variant -> calls routed there

    def for_purpose(self, purpose: Purpose | str, *, unsure: bool = False) -> Backend:
        route = self.policy.choose(purpose, self.sensors(), unsure=unsure)
        self.routes[route.variant] = self.routes.get(route.variant, 0) + 1
        self.emit(Event("variant.route", {"purpose": Purpose(purpose).value, "unsure": unsure, **route.to_dict()}))
        return self._backend(route.variant)

    def complete(self, program: str, messages: Any, **kwargs: Any) -> Completion:
        return self._backend(self.policy.small.name).complete(program, messages, **kwargs)

    def close(self) -> None:
        for backend in self.backends.values():
            close = getattr(backend, "close", None)
            if close is not None:
                close()
        self.backends.clear()

    def _backend(self, name: str) -> Backend:
        if name not in self.backends:
            variant = self.policy.small if name == self.policy.small.name else self.policy.strong
            self.backends[name] = self.make(variant)
        return self.backends[name]
