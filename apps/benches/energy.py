"""``pocketpilot bench energy``: static_max vs static_min vs the adaptive policy, side by side.

Each policy runs the same scenario files, in order, on virtual phones that share one battery:
it drains, and the temperature rises with the inference load (every LLM call's CPU seconds are
reported to the phone through ``add_load``). The context changes as in a day of use: the phone is
on its charger for the first ``--plugged`` scenarios, then unplugged. Energy is what
``EnergyMeter`` accounts for the task spans: RAPL where readable, else the power model
(``energy_kind`` says which). Success is the scenario's own judge on the phone's final state.

Backends: ``llama`` (default) lets the bundled model decide under each configuration, so a
configuration's effect on quality shows; ``costed`` lets ``LexicalBackend`` decide while the model
runs the same prompts for their compute; ``lexical`` runs no model at all.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pocketpilot.apps.scenarios.explored import explored_db, memory_copy
from pocketpilot.apps.scenarios.format import Scenario, ScenarioError, load_scenarios
from pocketpilot.apps.scenarios.outcome import judge
from pocketpilot.devices.errors import PocketpilotError
from pocketpilot.devices.events import Event, EventCollector
from pocketpilot.devices.virtual.phone import VirtualPhone
from pocketpilot.memory import GraphMemory
from pocketpilot.planner.agent import Agent
from pocketpilot.planner.graph import Seams
from pocketpilot.runtime.backend import Backend, Completion, Message
from pocketpilot.runtime.energy.accounting import EnergyMeter, MeteredDevice
from pocketpilot.runtime.energy.config_space import Perception, RuntimeConfig, UserPrefs
from pocketpilot.runtime.energy.host_sensors import HostSensors, RaplCounter
from pocketpilot.runtime.energy.policy import ReconfigPolicy, StaticPolicy
from pocketpilot.runtime.energy.power_model import PROFILES
from pocketpilot.runtime.energy.profiler import Profiler
from pocketpilot.runtime.energy.switcher import Switcher

POLICIES = ("static_max", "static_min", "adaptive")
START_BATTERY = {"level": 55.0, "temp_c": 37.0}  # a phone already warm from use
DEFAULT_SCENARIOS = Path("scenarios") / "atomic"


def static_configs(cpus: int) -> dict[str, RuntimeConfig]:
    return {
        "static_max": RuntimeConfig(n_threads=cpus, n_ctx=4096, kv_type="f16", max_tokens=128,
                                    perception=Perception.BOTH, reflection_every=1),
        "static_min": RuntimeConfig(n_threads=1, n_ctx=2048, kv_type="q8_0", max_tokens=48,
                                    perception=Perception.TREE, reflection_every=0, gate=2.0),
    }


class CostedBackend:
    """Lexical decisions, real compute: the model runs each prompt for as many tokens as the reply."""

    def __init__(self, model: Any) -> None:
        from pocketpilot.runtime.lexical_backend import LexicalBackend

        self.decider, self.model = LexicalBackend(), model

    def complete(self, program: str, messages: Sequence[Message], *, schema: dict | None = None,
                 max_tokens: int = 128, stop: Sequence[str] = (), temperature: float = 0.0,
                 seed: int = 0) -> Completion:
        answer = self.decider.complete(program, messages, schema=schema, max_tokens=max_tokens)
        tokens = max(1, min(max_tokens, len(self.model.engine.tokenize(answer.text)) + 1))
        ran = self.model.complete(program, messages, max_tokens=tokens, temperature=0.0)
        return Completion(program, answer.text, usage=ran.usage, parsed=answer.parsed)

    def close(self) -> None:
        self.model.close()


def backend_factory(kind: str) -> Callable[[RuntimeConfig], Backend]:
    def make(config: RuntimeConfig) -> Backend:
        if kind == "lexical":
            from pocketpilot.runtime.lexical_backend import LexicalBackend

            return LexicalBackend()
        from pocketpilot.runtime.energy.config_space import BUNDLED
        from pocketpilot.runtime.llama_backend import LlamaCppBackend

        llama = LlamaCppBackend(config.to_llama_config({"smollm2": BUNDLED}, n_slots=4)).load()
        return llama if kind == "llama" else CostedBackend(llama)

    return make


def run_policy(name: str, scenarios: Sequence[Scenario], kind: str, cpus: int, plugged: int,
               log: Callable[[str], None]) -> dict[str, Any]:
    events = EventCollector()
    counter = RaplCounter(HostSensors())
    measured = counter.joules() is not None
    meter = EnergyMeter(PROFILES["phone-big-core"], counter=counter if measured else None, on_event=events)
    battery = dict(START_BATTERY)
    make = backend_factory(kind)
    prefs = UserPrefs(mode="balanced")
    profiler = Profiler(prefs.space.models)
    policy = (StaticPolicy(static_configs(cpus)[name], on_event=events) if name != "adaptive"
              else ReconfigPolicy(prefs, profiler, on_event=events))
    backends: OrderedDict = OrderedDict()
    successes, switches = [], 0
    for number, scenario in enumerate(scenarios):
        battery = {**battery, "charging": number < plugged}
        phone = VirtualPhone({**scenario.state, "battery": battery}, variant=scenario.variant, seed=scenario.seed)
        before = phone.state_dict()

        def sink(event: Event, phone: VirtualPhone = phone) -> None:
            events(event)
            meter.observe(event)
            if event.kind == "energy.llm" or (event.kind == "energy.tool" and event.data["name"] == "ocr"):
                phone.add_load(event.data["cpu_seconds"])  # inference and OCR heat and drain the phone

        meter.emit = sink
        device = MeteredDevice(phone, meter)
        switcher = Switcher(policy, make, device, meter, profiler, on_event=sink)
        switcher.backends = backends  # engines stay loaded across tasks, as in one long session
        steps, error = 0, False
        with tempfile.TemporaryDirectory(prefix="pocketpilot-energy-") as tmp:
            memory = GraphMemory(memory_copy(explored_db(scenario.variant), Path(tmp)))
            seams = switcher.attach(Seams(backend=None, device=device, memory=memory, on_event=sink,
                                          policy=scenario.sensitive.to_policy(), budget=scenario.budget.to_budget()))
            approve = scenario.sensitive.answer == "approve"
            agent = Agent(seams, Path(tmp) / "checkpoints.sqlite", confirm=lambda request, approve=approve: approve)
            try:
                steps = agent.run(scenario.task, run_id=scenario.id).steps
            except PocketpilotError as exc:  # a scenario's failure, not the bench's
                error = True
                log(f"{name}: {scenario.id}: {type(exc).__name__}: {exc}")
            finally:
                agent.close()
                memory.close()
        switcher.finish()
        switches += switcher.switches
        state = phone.state_dict()
        battery = {k: state["battery"][k] for k in ("level", "temp_c")}
        verdict = judge(scenario, before, state, budget_spent=steps >= scenario.budget.total_steps, error=error)
        successes.append(verdict.success)
        log(f"{name}: {scenario.id} -> {'ok' if verdict.success else 'FAIL'}; battery {battery['level']:.2f}% "
            f"{battery['temp_c']:.1f}C {'charging' if number < plugged else 'unplugged'}; "
            f"config {switcher.backend.config.key}")
    for backend in backends.values():
        if hasattr(backend, "close"):
            backend.close()
    task_total = meter.totals["task"]
    steps = [f.wall_s for f in meter.figures if f.span == "step"]
    decisions = events.of_kind("reconfig.decision")
    return {
        "success_rate": round(sum(successes) / len(successes), 4),
        "energy_j": round(task_total.joules, 3),
        "energy_kind": task_total.kind,
        "cpu_seconds": round(task_total.cpu_seconds, 3),
        "step_p50_s": round(statistics.median(steps), 4) if steps else 0.0,
        "switches": switches,
        "llm_calls": meter.totals["llm"].count if "llm" in meter.totals else 0,
        "llm_energy_j": round(meter.totals["llm"].joules, 3) if "llm" in meter.totals else 0.0,
        "tool_energy_j": round(meter.totals["tool"].joules, 3) if "tool" in meter.totals else 0.0,
        "ocr_energy_j": round(sum(f.joules for f in meter.figures if f.span == "tool" and f.name == "ocr"), 3),
        "phone_end": {"battery_pct": round(battery["level"], 3), "temp_c": round(battery["temp_c"], 2)},
        "max_thermal": max((d.data["readings"].get("thermal_status") or "NONE" for d in decisions),
                           key=_thermal_rank, default="NONE"),
        "decisions": [{"key": d.data["key"], "reason": d.data["reason"],
                       "thermal": d.data["readings"].get("thermal_status")}
                      for d in decisions if d.data.get("changed") or d.data["reason"].startswith("initial")],
    }


def _thermal_rank(name: str) -> int:
    from pocketpilot.devices.sensors import ThermalStatus

    return ThermalStatus[name].value


def run(args: argparse.Namespace) -> int:
    cpus = args.threads or os.cpu_count() or 1
    paths = args.paths or [DEFAULT_SCENARIOS]
    try:
        scenarios = load_scenarios(paths)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    scenarios = scenarios[: args.tasks] if args.tasks else scenarios
    started = time.time()
    policies = {name: run_policy(name, scenarios, args.backend, cpus, args.plugged, print) for name in POLICIES}
    base = policies["static_max"]
    adaptive = policies["adaptive"]
    report = {
        "backend": args.backend,
        "power_profile": PROFILES["phone-big-core"].to_dict(),
        "scenarios": [s.id for s in scenarios],
        "start_battery": START_BATTERY,
        "plugged_scenarios": args.plugged,
        "static_configs": {k: v.key for k, v in static_configs(cpus).items()},
        "policies": policies,
        "energy_saving_vs_static_max": round(1 - adaptive["energy_j"] / max(base["energy_j"], 1e-9), 4),
        "success_delta_vs_static_max": round(100 * (adaptive["success_rate"] - base["success_rate"]), 2),
        "targets": {"energy_saving_vs_static_max": ">= 0.3", "success_delta_vs_static_max": ">= 0"},
        "seconds": round(time.time() - started, 1),
    }
    text = json.dumps(report, indent=2)
    Path(args.json_path).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("energy", help="static_max / static_min / adaptive energy on the virtual phone")
    p.add_argument("--json", type=Path, required=True, dest="json_path", metavar="FILE")
    p.add_argument("paths", nargs="*", type=Path, help=f"scenario files or directories (default: {DEFAULT_SCENARIOS})")
    p.add_argument("--backend", choices=("llama", "costed", "lexical"), default="llama",
                   help="llama (default): the bundled model decides under each configuration")
    p.add_argument("--tasks", type=int, default=0, help="run only the first N scenarios")
    p.add_argument("--plugged", type=int, default=2, help="scenarios run on the charger before it is unplugged")
    p.add_argument("--threads", type=int, default=0, help="static_max threads (default: all cores)")
    p.set_defaults(handler=run)
