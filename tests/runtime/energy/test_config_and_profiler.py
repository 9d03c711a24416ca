"""Config files pin and forbid settings with errors naming file and key; profiles decay."""

from __future__ import annotations

import pytest

from pocketpilot.runtime.energy.config_space import (
    ConfigFileError,
    Perception,
    RuntimeConfig,
    load_prefs,
    prefs_from_dict,
)
from pocketpilot.runtime.energy.profiler import Profiler


def test_yaml_file_pins_and_forbids(tmp_path):
    path = tmp_path / "energy.yaml"
    path.write_text("mode: saver\nlatency_slo_s: 5\npin:\n  perception: tree\nforbid:\n  kv_type: [f16]\n")
    prefs = load_prefs(path)
    configs = prefs.space.configs()
    assert prefs.mode == "saver" and prefs.latency_slo_s == 5.0
    assert {c.perception for c in configs} == {Perception.TREE}
    assert "f16" not in {c.kv_type for c in configs}


def test_toml_file_registers_a_model(tmp_path):
    path = tmp_path / "energy.toml"
    path.write_text('[models.qwen]\npath = "/models/qwen.gguf"\nquality = 0.8\nsize = 4\n')
    prefs = load_prefs(path)
    assert prefs.space.models["qwen"].size == 4.0
    assert {c.model for c in prefs.space.configs()} == {"smollm2", "qwen"}


@pytest.mark.parametrize(("data", "key"), [
    ({"mode": "turbo"}, "mode"),
    ({"pin": {"threads": 2}}, "pin.threads"),
    ({"pin": {"kv_type": "q3"}}, "pin.kv_type"),
    ({"forbid": {"model": ["gpt"]}}, "forbid.model"),
    ({"pin": {"n_ctx": 4096}, "forbid": {"n_ctx": [4096]}}, "pin.n_ctx"),
    ({"forbid": {"perception": ["tree", "ocr", "both"]}}, "forbid"),
    ({"models": {"big": {"path": "/x.bin"}}}, "models.big.path"),
    ({"quality_floor": 2}, "quality_floor"),
    ({"pin": {"gate": -1}}, "pin.gate"),
    ({"space": {"gate": ["high"]}}, "space.gate"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_config_names_file_and_key(data, key):
    with pytest.raises(ConfigFileError) as caught:
        prefs_from_dict(data, "/home/u/.config/pocketpilot/energy.yaml")
    assert caught.value.key == key
    assert str(caught.value).startswith(f"/home/u/.config/pocketpilot/energy.yaml: {key}:")


def test_broken_yaml_is_a_config_error(tmp_path):
    path = tmp_path / "energy.yaml"
    path.write_text("pin: [unclosed\n")
    with pytest.raises(ConfigFileError, match=r"energy\.yaml: \(syntax\)"):
        load_prefs(path)


def test_runtime_config_round_trips_and_maps_to_llama():
    config = RuntimeConfig(n_threads=2, n_ctx=4096, kv_type="f16", perception="both", reflection_every=1)
    assert RuntimeConfig.from_dict(config.to_dict()) == config
    llama = config.to_llama_config(prefs_from_dict({}).space.models)
    assert (llama.n_threads, llama.n_ctx, llama.type_k, llama.type_v) == (2, 4096, "f16", "f16")


def test_profiler_ewma_and_decay():
    profiler = Profiler(prefs_from_dict({}).space.models, alpha=0.5, decay=0.5, min_weight=0.5)
    config = RuntimeConfig()
    profiler.observe(config, latency_s=2.0, energy_j=10.0, success=True)
    profiler.observe(config, latency_s=4.0, energy_j=20.0, success=True)
    assert profiler.estimate(config).energy_j == pytest.approx(15.0)
    assert profiler.estimate(config).source == "profiled"
    for _ in range(3):
        profiler.decay()  # weight 2 -> 0.25: too stale to trust
    assert profiler.estimate(config).source == "prior"


def test_unmeasured_config_borrows_the_calibration():
    profiler = Profiler(prefs_from_dict({}).space.models)
    small, big = RuntimeConfig(n_threads=1), RuntimeConfig(n_threads=2, reflection_every=1)
    profiler.observe(small, latency_s=1.0, energy_j=5.0, success=True)
    assert profiler.estimate(big).energy_j > profiler.estimate(small).energy_j > 0


def test_the_gate_is_a_setting_the_user_can_pin_and_it_is_priced_cheaper():
    from pocketpilot.runtime.energy.config_space import BUNDLED, relative_cost

    prefs = prefs_from_dict({"pin": {"gate": 3}})
    assert {c.gate for c in prefs.space.configs()} == {3.0}
    gated, open_ = RuntimeConfig(gate=2.0), RuntimeConfig()
    assert gated.key.endswith("/g2") and "/g" not in open_.key
    models = {"smollm2": BUNDLED}
    assert relative_cost(gated, models)[0] < relative_cost(open_, models)[0]
    assert RuntimeConfig.from_dict(gated.to_dict()) == gated
