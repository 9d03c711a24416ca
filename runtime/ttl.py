"""Continuum's time-to-live for a program's KV while it waits on a tool call.

Pick tau maximising  P(tool returns within tau) x (prefill saved + queueing avoided)
                     - memory cost per second x E[time held]
with P from the tool's measured durations, or an exponential prior while it has few samples.
Held time is min(duration, tau): the pin ends when the tool returns or the TTL expires.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass

PRIOR_MEAN_S = 1.0  # device actions take 0.3-3 s
MIN_SAMPLES = 5
_PRIOR_QUANTILES = (0.5, 0.75, 0.9, 0.95, 0.99)


@dataclass(frozen=True)
class TTLChoice:
    tau_s: float
    p_return: float
    expected_gain_s: float


class ToolDurations:
    """The last ``window`` measured durations of each tool."""

    def __init__(self, window: int = 200, prior_mean_s: float = PRIOR_MEAN_S) -> None:
        self.prior_mean_s = prior_mean_s
        self._samples: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=window))

    def record(self, tool: str, seconds: float) -> None:
        self._samples[tool].append(max(0.0, seconds))

    def samples(self, tool: str) -> list[float]:
        return list(self._samples.get(tool, ()))


def continuum_ttl(
    samples: list[float],
    *,
    prefill_saved_s: float,
    queue_avoided_s: float = 0.0,
    memory_cost_per_s: float = 0.0,
    prior_mean_s: float = PRIOR_MEAN_S,
    min_samples: int = MIN_SAMPLES,
) -> TTLChoice:
    """The tau with the best expected gain; 0 when holding the KV never pays."""
    benefit = prefill_saved_s + queue_avoided_s
    best = TTLChoice(0.0, 0.0, 0.0)
    if len(samples) >= min_samples:
        ds = sorted(samples)
        for i, tau in enumerate(ds):
            p = (i + 1) / len(ds)
            held = sum(min(d, tau) for d in ds) / len(ds)
            gain = p * benefit - memory_cost_per_s * held
            if gain > best.expected_gain_s:
                best = TTLChoice(tau, p, gain)
        return best
    mean = prior_mean_s if not samples else (prior_mean_s + sum(samples)) / (1 + len(samples))
    for q in _PRIOR_QUANTILES:
        tau = -mean * math.log(1 - q)
        p = 1 - math.exp(-tau / mean)
        gain = p * benefit - memory_cost_per_s * mean * p  # E[min(D, tau)] = mean * P(D <= tau)
        if gain > best.expected_gain_s:
            best = TTLChoice(tau, p, gain)
    return best
