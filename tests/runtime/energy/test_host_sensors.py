"""Host sensors read fixture sysfs trees; anything missing or unreadable is 'unavailable', never a crash."""

from __future__ import annotations

import os

import pytest

from pocketpilot.runtime.energy.host_sensors import HostSensors, RaplCounter, rapl_delta_uj


def _write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def laptop(tmp_path):
    ps = "class/power_supply"
    _write(tmp_path, f"{ps}/BAT0/type", "Battery\n")
    _write(tmp_path, f"{ps}/BAT0/status", "Discharging\n")
    _write(tmp_path, f"{ps}/BAT0/capacity", "64\n")
    _write(tmp_path, f"{ps}/BAT0/power_now", "9500000\n")
    _write(tmp_path, f"{ps}/BAT0/voltage_now", "11800000\n")
    _write(tmp_path, f"{ps}/AC/type", "Mains\n")
    _write(tmp_path, f"{ps}/AC/online", "0\n")
    _write(tmp_path, "class/thermal/thermal_zone0/type", "x86_pkg_temp\n")
    _write(tmp_path, "class/thermal/thermal_zone0/temp", "48500\n")
    _write(tmp_path, "class/powercap/intel-rapl:0/name", "package-0\n")
    _write(tmp_path, "class/powercap/intel-rapl:0/energy_uj", "1000000\n")
    _write(tmp_path, "class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850\n")
    return tmp_path


def test_battery_present_gives_level_charging_and_power(laptop):
    snap = HostSensors(laptop).snapshot()
    sensors = snap.to_sensors()
    assert sensors.battery_level.value == 64
    assert sensors.charging is False
    assert sensors.power_w.value == pytest.approx(9.5)
    assert snap.thermal[0].temp_c == pytest.approx(48.5)
    assert snap.rapl[0].name == "package-0"


def test_power_is_current_times_voltage_when_power_now_is_absent(tmp_path):
    _write(tmp_path, "class/power_supply/battery/type", "Battery\n")
    _write(tmp_path, "class/power_supply/battery/status", "Charging\n")
    _write(tmp_path, "class/power_supply/battery/current_now", "500000\n")
    _write(tmp_path, "class/power_supply/battery/voltage_now", "4000000\n")
    sensors = HostSensors(tmp_path).snapshot().to_sensors()
    assert sensors.power_w.value == pytest.approx(2.0)
    assert sensors.charging is True
    assert sensors.battery_level is None


def test_no_battery_and_no_sysfs_is_unavailable_with_reasons(tmp_path):
    snap = HostSensors(tmp_path).snapshot()
    sensors = snap.to_sensors()
    assert sensors.battery_level is None and sensors.power_w is None
    assert any("power supplies unavailable" in p for p in snap.problems)
    assert any("RAPL" in p for p in snap.problems)
    assert any("no battery" in p for p in sensors.problems)


def test_garbled_values_are_reported_not_raised(tmp_path):
    _write(tmp_path, "class/power_supply/BAT1/type", "Battery\n")
    _write(tmp_path, "class/power_supply/BAT1/capacity", "lots\n")
    _write(tmp_path, "class/thermal/thermal_zone3/temp", "\n")
    snap = HostSensors(tmp_path).snapshot()
    assert snap.battery.capacity_pct is None
    assert snap.thermal == ()
    assert any("capacity is not a number" in p for p in snap.problems)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_rapl_counter_is_unavailable(laptop):
    counter = laptop / "class/powercap/intel-rapl:0/energy_uj"
    counter.chmod(0)
    problems: list[str] = []
    assert HostSensors(laptop).rapl_zones(problems) == []
    assert any("unreadable" in p for p in problems)
    assert RaplCounter(HostSensors(laptop)).joules() is None


def test_unreadable_rapl_counter_as_a_directory_is_unavailable(laptop):
    counter = laptop / "class/powercap/intel-rapl:0/energy_uj"
    counter.unlink()
    counter.mkdir()  # reading it fails with an OSError even for root
    problems: list[str] = []
    assert HostSensors(laptop).rapl_zones(problems) == []
    assert any("unreadable" in p for p in problems)


def test_rapl_delta_undoes_one_wraparound():
    assert rapl_delta_uj(100, 250, 1000) == 150
    assert rapl_delta_uj(900, 50, 1000) == 150
    assert rapl_delta_uj(900, 50, None) is None


def test_rapl_counter_accumulates_across_a_wrap(laptop):
    path = laptop / "class/powercap/intel-rapl:0"
    (path / "max_energy_range_uj").write_text("5000000\n")
    (path / "energy_uj").write_text("4000000\n")
    counter = RaplCounter(HostSensors(laptop))
    assert counter.joules() == 0.0
    (path / "energy_uj").write_text("1000000\n")  # wrapped: 1 J to the top, 1 J after
    assert counter.joules() == pytest.approx(2.0)


def test_this_container_snapshot_never_raises():
    snap = HostSensors().snapshot()
    assert snap.cpu_seconds > 0
