"""The per-call variant policy: the stronger model for plans, verification and unsure steps, while
battery and heat allow; the router loads each variant once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pocketpilot.devices.events import EventCollector
from pocketpilot.devices.sensors import Reading, Sensors, ThermalStatus
from pocketpilot.runtime.backend import Message, Purpose, VariantRouting
from pocketpilot.runtime.energy.config_space import (
    BUNDLED,
    STRONG_NAME,
    STRONG_SIZE,
    ModelVariant,
    RuntimeConfig,
    prefs_from_dict,
    relative_cost,
)
from pocketpilot.runtime.energy.variants import VariantPolicy, VariantRouter
from pocketpilot.runtime.lexical_backend import LexicalBackend
from pocketpilot.runtime.model_files import packaged_model_path

STRONG = ModelVariant("strong", Path("/models/strong.gguf"), quality=0.8, size=4.5)
POLICY = VariantPolicy(BUNDLED, STRONG)


def _sensors(level=80.0, charging=False, status=ThermalStatus.NONE):
    return Sensors(battery_level=Reading(level), charging=charging, thermal_status=status)


@pytest.mark.parametrize("purpose", [Purpose.PLAN, Purpose.VERIFY])
def test_plans_and_verification_go_to_the_stronger_variant(purpose):
    route = POLICY.choose(purpose, _sensors())
    assert route.variant == "strong" and route.size == 4.5


def test_a_step_stays_small_unless_the_caller_is_unsure():
    assert POLICY.choose(Purpose.STEP, _sensors()).variant == "smollm2"
    assert POLICY.choose(Purpose.STEP, _sensors(), unsure=True).variant == "strong"


def test_a_low_discharging_battery_keeps_every_call_small():
    route = POLICY.choose(Purpose.PLAN, _sensors(level=12.0))
    assert route.variant == "smollm2" and "battery 12%" in route.reason
    assert POLICY.choose(Purpose.PLAN, _sensors(level=12.0, charging=True)).variant == "strong"


def test_a_warm_device_keeps_every_call_small():
    route = POLICY.choose(Purpose.VERIFY, _sensors(status=ThermalStatus.MODERATE))
    assert route.variant == "smollm2" and "MODERATE" in route.reason


def test_without_a_stronger_variant_everything_is_small():
    assert VariantPolicy(BUNDLED).choose(Purpose.PLAN, _sensors()).variant == "smollm2"


def test_the_router_loads_each_variant_once_and_emits_its_routes():
    made: list[str] = []
    events = EventCollector()

    def make(variant: ModelVariant) -> LexicalBackend:
        made.append(variant.name)
        return LexicalBackend()

    router = VariantRouter(POLICY, make, sensors=_sensors, on_event=events)
    assert isinstance(router, VariantRouting)
    plan = router.for_purpose(Purpose.PLAN)
    again = router.for_purpose("verify")
    step = router.for_purpose(Purpose.STEP)
    assert plan is again and step is not plan
    assert made == ["strong", "smollm2"]
    assert [e.data["variant"] for e in events.of_kind("variant.route")] == ["strong", "strong", "smollm2"]
    assert router.complete("p", [Message("user", "hi")]).program == "p"  # plain calls: the small variant
    assert router.routes == {"strong": 2, "smollm2": 1}


def test_the_strong_variant_costs_its_size_in_the_cost_model():
    models = {"smollm2": BUNDLED, "strong": STRONG}
    small, big = RuntimeConfig(model="smollm2"), RuntimeConfig(model="strong")
    assert relative_cost(big, models)[0] == pytest.approx(4.5 * relative_cost(small, models)[0])


def test_the_cached_strong_variant_is_known_to_the_cost_model_but_not_on_the_model_axis():
    space = prefs_from_dict({}).space  # bootstrap.py setup cached the packaged models
    assert space.axes["model"] == ("smollm2",)
    strong = space.models[STRONG_NAME]
    assert strong.path == packaged_model_path(STRONG_NAME) and strong.size == STRONG_SIZE
