"""Online profile of each configuration: EWMA latency, energy and success per step, with decay.

Unmeasured configurations borrow an estimate: the cold-start ``relative_cost`` scaled by how
measured steps compare with their own relative cost (one calibration shared by all points).
``decay`` shrinks the weight of old samples so a profile taken cool and idle does not outlive
the device getting hot.
"""

from __future__ import annotations

from dataclasses import dataclass

from pocketpilot.runtime.energy.config_space import ModelVariant, RuntimeConfig, prior_quality, relative_cost


@dataclass
class Profile:
    latency_s: float = 0.0
    energy_j: float = 0.0
    success: float = 0.0
    weight: float = 0.0  # effective number of samples after decay

    def to_dict(self) -> dict:
        return {"latency_s": round(self.latency_s, 4), "energy_j": round(self.energy_j, 4),
                "success": round(self.success, 3), "weight": round(self.weight, 3)}


@dataclass(frozen=True)
class Estimate:
    latency_s: float
    energy_j: float
    success: float
    source: str  # "profiled" | "prior"


class Profiler:
    """``alpha`` is the EWMA step (first sample is taken whole); ``decay`` multiplies weights each tick."""

    def __init__(self, models: dict[str, ModelVariant], *, alpha: float = 0.3, decay: float = 0.98,
                 min_weight: float = 0.5) -> None:
        self.models, self.alpha, self.decay_factor, self.min_weight = models, alpha, decay, min_weight
        self.profiles: dict[str, Profile] = {}
        self._scale = Profile()  # EWMA of measured / relative cost, shared by all configurations

    def observe(self, config: RuntimeConfig, *, latency_s: float, energy_j: float, success: bool) -> Profile:
        profile = self.profiles.setdefault(config.key, Profile())
        a = 1.0 if profile.weight == 0 else self.alpha
        profile.latency_s += a * (latency_s - profile.latency_s)
        profile.energy_j += a * (energy_j - profile.energy_j)
        profile.success += a * (float(success) - profile.success)
        profile.weight += 1.0
        rel_energy, rel_latency = relative_cost(config, self.models)
        s = self._scale
        b = 1.0 if s.weight == 0 else self.alpha
        s.energy_j += b * (energy_j / rel_energy - s.energy_j)
        s.latency_s += b * (latency_s / rel_latency - s.latency_s)
        s.weight += 1.0
        return profile

    def decay(self) -> None:
        for profile in self.profiles.values():
            profile.weight *= self.decay_factor

    def estimate(self, config: RuntimeConfig) -> Estimate:
        profile = self.profiles.get(config.key)
        rel_energy, rel_latency = relative_cost(config, self.models)
        prior = Estimate(rel_latency * (self._scale.latency_s or 1.0), rel_energy * (self._scale.energy_j or 1.0),
                         prior_quality(config, self.models), "prior")
        if profile is None or profile.weight < self.min_weight:
            return prior
        # few (or decayed) samples lean on the prior for success, which one step hardly tells
        trust = profile.weight / (profile.weight + 2.0)
        success = trust * profile.success + (1 - trust) * prior.success
        return Estimate(profile.latency_s, profile.energy_j, success, "profiled")
