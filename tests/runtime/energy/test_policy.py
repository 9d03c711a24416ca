"""Policy choices per context, hysteresis, and the thermal downshift."""

from __future__ import annotations

from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.sensors import Reading, Sensors, ThermalStatus
from pocketpilot.runtime.energy.config_space import Perception, prefs_from_dict, relative_cost
from pocketpilot.runtime.energy.policy import Context, ReconfigPolicy
from pocketpilot.runtime.energy.profiler import Profiler


def _policy(**prefs):
    prefs = prefs_from_dict({"space": {"n_threads": [1, 2]}, **prefs})
    events = EventCollector()
    return ReconfigPolicy(prefs, Profiler(prefs.space.models), on_event=events), events


def _ctx(level=80.0, charging=False, status=ThermalStatus.NONE):
    return Context(Sensors(battery_level=Reading(level), charging=charging, thermal_status=status))


def test_balanced_picks_the_least_energy_config():
    policy, events = _policy()
    decision = policy.decide(_ctx())
    costs = [relative_cost(c, policy.prefs.space.models)[0] for c in policy.prefs.space.configs()]
    assert relative_cost(decision.config, policy.prefs.space.models)[0] == min(costs)
    assert decision.reason.startswith("initial")
    assert events.of_kind("reconfig.decision")[0].data["readings"]["battery_level"]["value"] == 80.0


def test_performance_picks_more_threads_than_balanced():
    fast, _ = _policy(mode="performance")
    saver, _ = _policy(mode="saver")
    assert fast.decide(_ctx()).config.n_threads == 2
    assert saver.decide(_ctx()).config.n_threads == 1


def test_charging_relaxes_balanced_to_performance():
    policy, _ = _policy()
    decision = policy.decide(_ctx(charging=True))
    assert decision.mode == "performance" and "charging" in decision.reason


def test_low_discharging_battery_means_saver_until_it_recovers():
    policy, _ = _policy(mode="performance")
    assert policy.decide(_ctx(level=15)).mode == "saver"
    assert policy.decide(_ctx(level=22)).mode == "saver"  # inside the hysteresis band
    assert policy.decide(_ctx(level=26)).mode == "performance"


def test_severe_thermal_forces_a_downshift_without_waiting_for_dwell():
    policy, events = _policy(mode="performance")
    first = policy.decide(_ctx())
    hot = policy.decide(_ctx(status=ThermalStatus.SEVERE))
    assert hot.changed and hot.downshift
    assert "SEVERE" in hot.reason
    assert hot.config.n_threads < first.config.n_threads or hot.config.perception is Perception.TREE
    data = events.of_kind("reconfig.decision")[-1].data
    assert data["readings"]["thermal_status"] == "SEVERE" and data["downshift"]


def test_no_flapping_on_oscillating_thermal_readings():
    policy, _ = _policy(mode="performance")
    policy.decide(_ctx())
    changes = 0
    for i in range(20):
        status = ThermalStatus.SEVERE if i % 2 == 0 else ThermalStatus.MODERATE
        changes += policy.decide(_ctx(status=status)).changed
    assert changes == 1  # one downshift, then held while the device is warm


def test_no_flapping_on_charging_toggling_every_step():
    policy, _ = _policy()
    policy.decide(_ctx())
    changes = sum(policy.decide(_ctx(charging=i % 2 == 0)).changed for i in range(12))
    assert changes <= 4  # each switch needs min_dwell steps on the current config first


def test_pinned_setting_is_never_changed():
    policy, _ = _policy(mode="performance", pin={"n_threads": 2})
    policy.decide(_ctx())
    hot = policy.decide(_ctx(status=ThermalStatus.CRITICAL))
    assert hot.config.n_threads == 2
