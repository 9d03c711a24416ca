"""Continuum TTL: hold KV while a tool likely returns soon and holding pays."""

from __future__ import annotations

from pocketpilot.runtime.ttl import ToolDurations, continuum_ttl


def test_cold_tool_uses_the_exponential_prior():
    choice = continuum_ttl([], prefill_saved_s=10.0, memory_cost_per_s=0.1, prior_mean_s=1.0)
    assert choice.tau_s > 1.0 and 0.5 <= choice.p_return < 1


def test_fast_tool_gets_a_ttl_covering_its_durations():
    samples = [0.3, 0.4, 0.35, 0.5, 0.45, 0.3, 0.4]
    choice = continuum_ttl(samples, prefill_saved_s=5.0, memory_cost_per_s=0.1)
    assert choice.tau_s == 0.5 and choice.p_return == 1.0


def test_rare_slow_outlier_is_not_worth_waiting_for_when_memory_is_dear():
    samples = [0.3] * 9 + [60.0]
    choice = continuum_ttl(samples, prefill_saved_s=2.0, memory_cost_per_s=0.5)
    assert choice.tau_s == 0.3


def test_holding_never_pays_gives_zero_ttl():
    choice = continuum_ttl([1.0] * 10, prefill_saved_s=0.1, memory_cost_per_s=5.0)
    assert choice.tau_s == 0.0


def test_durations_keep_a_window_per_tool():
    durations = ToolDurations(window=3)
    for s in (1, 2, 3, 4):
        durations.record("tap", s)
    assert durations.samples("tap") == [2, 3, 4] and durations.samples("swipe") == []
