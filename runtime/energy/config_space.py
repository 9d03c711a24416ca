"""What the runtime can reconfigure, the model variants it may load, and the user's pins/forbids.

``RuntimeConfig`` is one point of the space; ``ConfigSpace`` enumerates the points the user
allows. ``relative_cost``/``prior_quality`` are cold-start guesses the profiler replaces with
measurements as soon as a configuration has run.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pocketpilot.runtime.errors import BackendConfigError

KV_TYPES = ("f16", "q8_0", "q4_0")
MODES = ("performance", "balanced", "saver")


class Perception(enum.StrEnum):
    TREE = "tree"  # uiautomator tree only
    OCR = "ocr"  # screenshot + OCR only
    BOTH = "both"


class ConfigFileError(BackendConfigError):
    """The user's energy config file is invalid; names the file and the key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        advice = ("pass --energy-config a YAML or TOML file" if key == "(file)"
                  else "fix the key or remove it to get the default")
        super().__init__(f"{path}: {key}: {problem}; {advice}")
        self.path, self.key, self.problem = str(path), key, problem


@dataclass(frozen=True)
class ModelVariant:
    """A registered GGUF: ``path`` None is the bundled SmolLM2; ``size`` is compute relative to it."""

    name: str
    path: Path | None = None
    quality: float = 0.7  # expected task success relative to a perfect agent, 0..1
    size: float = 1.0


BUNDLED = ModelVariant("smollm2")
STRONG_NAME = "gemma3-270m"
# Measured on 2 shared cores (load ~20), `pocketpilot replay --backend llama --model`, on two atomic
# scenarios (a switch on, a switch off) -- a sample too small to rank the models by success:
#   SmolLM2-135M        2 of 2                                prefill 21.3 tok/s, decode 11.1 (1 thread)
#   Gemma 3 270M        1 of 1 run (2 calls)                  prefill 34.1 tok/s, decode  6.0
#   Qwen2.5-Coder 0.5B  0 of 1 run (over-execution)           prefill 10.2 tok/s, decode  3.6
# Gemma is the better candidate; at the agent's call shape (~340 prefilled, ~40 generated tokens)
# it takes 0.85x SmolLM2's time (faster prefill, slower decode through its 262k vocabulary).
STRONG_QUALITY, STRONG_SIZE = 0.7, 0.85


def strong_variant() -> ModelVariant | None:
    """The second variant (Gemma 3 270M, twice SmolLM2's parameters) when set-up cached it, else None.

    It is registered in every space's models (so the cost model and the per-call variant policy,
    ``variants.VariantPolicy``, know it) but not on the run-wide ``model`` axis: one success on
    one scenario is too little to move whole runs; plans, verification and unsure steps are the
    calls the router sends it, and the profiler's measurements replace these priors.
    """
    from pocketpilot.runtime.errors import ModelLoadError
    from pocketpilot.runtime.model_files import packaged_model_path

    try:
        path = packaged_model_path(STRONG_NAME)
    except ModelLoadError:
        return None
    return ModelVariant(STRONG_NAME, path, quality=STRONG_QUALITY, size=STRONG_SIZE)


def default_models() -> dict[str, ModelVariant]:
    strong = strong_variant()
    return {"smollm2": BUNDLED, **({strong.name: strong} if strong else {})}


@dataclass(frozen=True)
class RuntimeConfig:
    model: str = "smollm2"
    n_threads: int = 1
    n_ctx: int = 2048
    kv_type: str = "q8_0"
    max_tokens: int = 64
    perception: Perception = Perception.TREE
    reflection_every: int = 0  # 0: on demand (hierarchical reflection); k: also after every k-th step
    gate: float = 0.0  # a choice whose grounding prior leads by this many logits skips the model (0: never)

    def __post_init__(self) -> None:
        object.__setattr__(self, "perception", Perception(self.perception))

    @property
    def key(self) -> str:
        return (f"{self.model}/t{self.n_threads}/c{self.n_ctx}/{self.kv_type}/m{self.max_tokens}/"
                f"{self.perception.value}/r{self.reflection_every}" + (f"/g{self.gate:g}" if self.gate else ""))

    @property
    def engine_key(self) -> tuple:
        """What needs a new llama.cpp context when it changes (the rest switches in place)."""
        return (self.model, self.n_threads, self.n_ctx, self.kv_type)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "perception": self.perception.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuntimeConfig:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def to_llama_config(self, models: dict[str, ModelVariant], **extra: Any):
        """The ``LlamaConfig`` for this point (imported lazily: llama specifics stay in runtime)."""
        from pocketpilot.runtime.llama_engine import LlamaConfig

        variant = models[self.model]
        return LlamaConfig(model_path=variant.path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                           n_threads_batch=self.n_threads, type_k=self.kv_type, type_v=self.kv_type,
                           flash_attn=True, **extra)


FIELDS = tuple(RuntimeConfig.__dataclass_fields__)


def relative_cost(config: RuntimeConfig, models: dict[str, ModelVariant]) -> tuple[float, float]:
    """(energy, latency) relative to the smallest bundled point, before anything is measured.

    More threads finish sooner but burn more CPU time (spinning, memory contention on small
    cores); reflection adds a model call per reflected step; OCR adds a screenshot and a
    det/rec pass; a gate skips the model on the choices grounding is sure of (about half).
    """
    size = models[config.model].size
    reflect = 1.0 + (0.8 / config.reflection_every if config.reflection_every else 0.0)
    perceive = {Perception.TREE: 1.0, Perception.OCR: 1.8, Perception.BOTH: 2.0}[config.perception]
    tokens = 0.7 + 0.3 * config.max_tokens / 128
    ctx = 1.0 + config.n_ctx / 32768 + (0.03 if config.kv_type == "f16" else 0.0)
    gate = 0.5 if config.gate else 1.0
    common = size * reflect * perceive * tokens * ctx * gate
    return common * (1.0 + 0.35 * (config.n_threads - 1)), common / config.n_threads ** 0.6


def prior_quality(config: RuntimeConfig, models: dict[str, ModelVariant]) -> float:
    quality = models[config.model].quality
    quality *= {Perception.TREE: 1.0, Perception.OCR: 0.85, Perception.BOTH: 1.02}[config.perception]
    quality *= 1.02 if config.reflection_every else 1.0
    quality *= 0.85 if config.max_tokens < 48 else 1.0  # decisions need ~40 tokens of JSON
    quality *= 0.97 if config.kv_type == "q4_0" else 1.0
    return min(1.0, quality)


@dataclass(frozen=True)
class ConfigSpace:
    """The axes the policy may move along, minus what the user pinned or forbade."""

    models: dict[str, ModelVariant] = field(default_factory=default_models)
    axes: dict[str, tuple] = field(default_factory=lambda: default_axes())
    pin: dict[str, Any] = field(default_factory=dict)
    forbid: dict[str, tuple] = field(default_factory=dict)

    def configs(self) -> list[RuntimeConfig]:
        names = list(FIELDS)
        values = [self._allowed(name) for name in names]
        return [RuntimeConfig(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*values)]

    def allows(self, config: RuntimeConfig) -> bool:
        return all(getattr(config, name) in self._allowed(name) for name in FIELDS)

    def _allowed(self, name: str) -> tuple:
        if name in self.pin:
            return (self.pin[name],)
        return tuple(v for v in self.axes[name] if v not in self.forbid.get(name, ()))

    def extreme(self, heaviest: bool) -> RuntimeConfig:
        """The most (or least) expensive allowed point by the cold-start energy estimate."""
        pick = max if heaviest else min
        return pick(self.configs(), key=lambda c: relative_cost(c, self.models)[0])


def default_axes(cpus: int | None = None) -> dict[str, tuple]:
    cpus = cpus or os.cpu_count() or 1
    threads = tuple(sorted({1, max(1, cpus // 2), cpus}))
    return {"model": ("smollm2",), "n_threads": threads, "n_ctx": (2048, 4096), "kv_type": ("f16", "q8_0"),
            "max_tokens": (48, 128), "perception": tuple(Perception), "reflection_every": (0, 1),
            "gate": (0.0, 2.0)}


@dataclass(frozen=True)
class UserPrefs:
    """The energy section of the user's config: mode, SLO, quality floor, models, space, pins."""

    mode: str = "balanced"
    latency_slo_s: float = 8.0
    quality_floor: float = 0.6
    space: ConfigSpace = field(default_factory=ConfigSpace)


def load_prefs(path: str | Path) -> UserPrefs:
    """Read YAML (``.yaml``/``.yml``) or TOML; every error names the file and the key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigFileError(path, "(file)", f"is not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigFileError(path, "(file)", f"cannot read it ({exc.strerror})") from exc
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigFileError(path, "(syntax)", str(exc).splitlines()[0]) from exc
    return prefs_from_dict(data or {}, path)


def prefs_from_dict(data: Any, path: str | Path = "<config>") -> UserPrefs:
    if not isinstance(data, dict):
        raise ConfigFileError(path, "(top level)", "must be a mapping of keys to values")
    unknown = sorted(set(data) - {"mode", "latency_slo_s", "quality_floor", "models", "space", "pin", "forbid"})
    if unknown:
        raise ConfigFileError(path, unknown[0], "unknown key; allowed: mode, latency_slo_s, quality_floor, "
                                                "models, space, pin, forbid")
    mode = data.get("mode", "balanced")
    if mode not in MODES:
        raise ConfigFileError(path, "mode", f"{mode!r} is not one of {', '.join(MODES)}")
    slo = _positive(path, "latency_slo_s", data.get("latency_slo_s", 8.0))
    floor = _positive(path, "quality_floor", data.get("quality_floor", 0.6))
    if floor > 1:
        raise ConfigFileError(path, "quality_floor", f"{floor} is above 1 (it is a success fraction)")
    models = {"smollm2": BUNDLED, **_models(path, data.get("models") or {})}
    axes = default_axes()
    axes["model"] = tuple(models)
    models = {**default_models(), **models}  # the strong variant is known to the cost model, not on the axis
    for name, values in _mapping(path, "space", data.get("space")).items():
        _field(path, f"space.{name}", name)
        if not isinstance(values, list) or not values:
            raise ConfigFileError(path, f"space.{name}", "must be a non-empty list of values")
        axes[name] = tuple(_value(path, f"space.{name}", name, v, models) for v in values)
    pin = {name: _value(path, f"pin.{name}", name, v, models)
           for name, v in _mapping(path, "pin", data.get("pin")).items() if _field(path, f"pin.{name}", name)}
    forbid: dict[str, tuple] = {}
    for name, values in _mapping(path, "forbid", data.get("forbid")).items():
        _field(path, f"forbid.{name}", name)
        values = values if isinstance(values, list) else [values]
        forbid[name] = tuple(_value(path, f"forbid.{name}", name, v, models) for v in values)
    for name, value in pin.items():
        if value in forbid.get(name, ()):
            raise ConfigFileError(path, f"pin.{name}", f"{value!r} is pinned and forbidden at once")
    space = ConfigSpace(models=models, axes=axes, pin=pin, forbid=forbid)
    if not space.configs():
        raise ConfigFileError(path, "forbid", "forbids every value of some setting; nothing is left to run")
    return UserPrefs(mode=mode, latency_slo_s=slo, quality_floor=floor, space=space)


def _models(path: str | Path, data: Any) -> dict[str, ModelVariant]:
    out = {}
    for name, spec in _mapping(path, "models", data).items():
        spec = {"path": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict) or not spec.get("path"):
            raise ConfigFileError(path, f"models.{name}", "give the GGUF path: {path: /x.gguf, quality: 0.8}")
        gguf = Path(os.path.expanduser(str(spec["path"])))
        if gguf.suffix != ".gguf":
            raise ConfigFileError(path, f"models.{name}.path", f"{gguf} is not a .gguf file")
        quality = _positive(path, f"models.{name}.quality", spec.get("quality", 0.7))
        size = _positive(path, f"models.{name}.size", spec.get("size", 1.0))
        out[str(name)] = ModelVariant(str(name), gguf, quality, size)
    return out


def _mapping(path: str | Path, key: str, value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigFileError(path, key, "must be a mapping")
    return value


def _field(path: str | Path, key: str, name: str) -> bool:
    if name not in FIELDS:
        raise ConfigFileError(path, key, f"unknown setting; settings are {', '.join(FIELDS)}")
    return True


def _positive(path: str | Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigFileError(path, key, f"{value!r} must be a positive number")
    return float(value)


def _value(path: str | Path, key: str, name: str, value: Any, models: dict[str, ModelVariant]) -> Any:
    if name == "model":
        if value not in models:
            raise ConfigFileError(path, key, f"model {value!r} is not registered; known: {', '.join(models)}")
        return value
    if name == "kv_type":
        if value not in KV_TYPES:
            raise ConfigFileError(path, key, f"{value!r} is not a KV type ({', '.join(KV_TYPES)})")
        return value
    if name == "perception":
        try:
            return Perception(value)
        except ValueError:
            raise ConfigFileError(path, key, f"{value!r} is not tree, ocr or both") from None
    if name == "gate":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigFileError(path, key, f"{value!r} must be a number of logits >= 0 (0: no gate)")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "reflection_every" else 1):
        raise ConfigFileError(path, key, f"{value!r} must be a whole number >= "
                                         f"{0 if name == 'reflection_every' else 1}")
    if name == "n_ctx" and value < 256:
        raise ConfigFileError(path, key, f"{value} is too small a context (>= 256)")
    return value
