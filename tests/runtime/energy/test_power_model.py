"""The power model prices CPU seconds per core plus idle/screen time; profiles follow the host."""

from __future__ import annotations

import pytest

from pocketpilot.runtime.energy.accounting import ESTIMATED, MEASURED, EnergyMeter
from pocketpilot.runtime.energy.power_model import PROFILES, detect_profile, profile_named


def test_estimate_is_cpu_seconds_times_core_watts_plus_idle_and_screen():
    phone = PROFILES["phone-big-core"]
    assert phone.estimate_j(cpu_seconds=3.0, wall_s=2.0) == pytest.approx(3 * 2.0 + 2 * (0.1 + 0.6))


def test_every_profile_documents_its_source():
    assert all(p.source for p in PROFILES.values())


def test_unknown_profile_names_the_choices():
    with pytest.raises(KeyError, match="phone-big-core"):
        profile_named("toaster")


def test_x86_host_without_battery_is_a_server_vcpu(tmp_path, monkeypatch):
    monkeypatch.setattr("platform.machine", lambda: "x86_64")
    assert detect_profile(tmp_path).name == "server-x86-vcpu"


def test_arm_host_with_battery_is_a_phone(tmp_path, monkeypatch):
    (tmp_path / "class/power_supply/battery").mkdir(parents=True)
    (tmp_path / "class/power_supply/battery/type").write_text("Battery\n")
    monkeypatch.setattr("platform.machine", lambda: "aarch64")
    assert detect_profile(tmp_path).name == "phone-big-core"


def _meter(counter=None):
    ticks = iter(range(100))
    cpu = iter([0.0, 1.5, 1.5, 1.5])
    return EnergyMeter(PROFILES["phone-big-core"], counter=counter, clock=lambda: float(next(ticks)),
                       cpu=lambda: next(cpu))


def test_meter_labels_a_span_estimated_without_a_counter():
    meter = _meter()
    with meter.span("llm", "executor-1"):
        pass
    figure = meter.figures[0]
    assert figure.kind == ESTIMATED and figure.source == "model:phone-big-core"
    assert figure.joules == pytest.approx(1.5 * 2.0 + 1.0 * 0.7)


def test_meter_labels_a_span_measured_with_a_counter():
    readings = iter([10.0, 12.5])
    meter = _meter(counter=lambda: next(readings))
    with meter.span("tool", "act"):
        pass
    assert meter.figures[0].kind == MEASURED
    assert meter.figures[0].joules == pytest.approx(2.5)
    assert meter.totals["tool"].kind == MEASURED
