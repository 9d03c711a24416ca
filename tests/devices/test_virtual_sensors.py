"""Simulated battery and heat: drain with work and screen time, heat under load, cool at idle."""

from __future__ import annotations

from pocketpilot.devices.sensors import ThermalStatus
from pocketpilot.devices.virtual import VirtualPhone


def level(phone: VirtualPhone) -> float:
    return phone.state_dict()["battery"]["level"]


def test_readings_are_reported_as_measured():
    sensors = VirtualPhone().sensors()
    for reading in (sensors.battery_level, sensors.battery_temp_c, sensors.current_ma,
                    sensors.voltage_mv, sensors.power_w):
        assert reading is not None and reading.measured
    assert sensors.charging is False
    assert sensors.thermal_status == ThermalStatus.NONE


def test_battery_drains_with_screen_on_time():
    phone = VirtualPhone()
    before = level(phone)
    phone.advance(600)
    assert level(phone) < before


def test_observing_costs_battery():
    phone = VirtualPhone()
    before = level(phone)
    for _ in range(20):
        phone.observe()
    assert level(phone) < before


def test_reported_inference_load_drains_faster_than_idling():
    idle, busy = VirtualPhone(), VirtualPhone()
    idle.advance(600)
    busy.add_load(600)
    assert level(busy) < level(idle)
    assert busy.sensors().current_ma.value > idle.sensors().current_ma.value


def test_sustained_load_raises_the_thermal_status_and_idling_cools_it():
    phone = VirtualPhone()
    for _ in range(30):
        phone.add_load(20)
    hot = phone.sensors()
    assert hot.thermal_status >= ThermalStatus.MODERATE
    assert hot.battery_temp_c.value > 40
    phone.advance(1800)
    assert phone.sensors().thermal_status == ThermalStatus.NONE


def test_charging_fills_the_battery_and_reports_negative_current():
    phone = VirtualPhone()
    phone.set_battery(40, charging=True)
    phone.advance(600)
    sensors = phone.sensors()
    assert sensors.charging is True
    assert level(phone) > 40
    assert sensors.current_ma.value < 0


def test_set_thermal_to_a_status_reports_that_status():
    phone = VirtualPhone()
    phone.set_thermal(status=ThermalStatus.SEVERE)
    assert phone.sensors().thermal_status == ThermalStatus.SEVERE


def test_battery_level_shows_in_the_status_bar():
    phone = VirtualPhone()
    phone.set_battery(15)
    assert any(n.text == "15%" for n in phone.observe().nodes if n.package == "com.android.systemui")
