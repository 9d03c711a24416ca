"""``pocketpilot bench plans``: how often the planner's plan is the right one, on a labelled set.

The labels come from each scenario's gold trajectory, which nobody writes for the planner: the
apps it launches, in order, and whether it types a value the task does not carry (a value one
subtask must read and hand to the next). Every wording of every scenario is planned on the
phone its scenario starts from, with memory explored beforehand, as a run would plan it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from pocketpilot.apps.scenarios.format import Scenario, ScenarioError, load_scenarios
from pocketpilot.apps.scenarios.suite import CANONICAL, PARAPHRASE, in_split, split_of
from pocketpilot.planner.plan import Plan


@dataclass(frozen=True)
class PlanLabel:
    apps: tuple[str, ...]  # the apps the gold trajectory launches, in order
    hands_on: bool  # the gold types a value the task does not carry: a read feeds a later step


@dataclass(frozen=True)
class PlanCheck:
    scenario: str
    wording: str
    split: str
    task: str
    expected: tuple[str, ...]
    planned: tuple[str, ...]
    apps_right: bool
    flow_right: bool
    valid: bool


def label_of(scenario: Scenario) -> PlanLabel | None:
    apps: list[str] = []
    hands_on = False
    for step in scenario.gold or []:
        if step.kind == "launch" and step.app and (not apps or apps[-1] != step.app):
            apps.append(step.app)
        if step.kind == "type_text" and step.text and step.text.lower() not in scenario.task.lower():
            hands_on = True
    return PlanLabel(tuple(apps), hands_on) if apps else None


def planned_apps(plan: Plan) -> tuple[str, ...]:
    apps: list[str] = []
    for subtask in plan.subtasks:
        if not apps or apps[-1] != subtask.app:
            apps.append(subtask.app)
    return tuple(apps)


def check(scenario: Scenario, wording: str, task: str, plan: Plan | None, label: PlanLabel) -> PlanCheck:
    planned = planned_apps(plan) if plan is not None else ()
    flows = plan is not None and any(s.inputs for s in plan.subtasks)
    return PlanCheck(scenario.id, wording, split_of(scenario.id).value, task, label.apps, planned,
                     planned == label.apps, flows == label.hands_on, plan is not None)


def plan_for(task: str, scenario: Scenario, backend, meaning) -> Plan | None:
    from pocketpilot.apps.scenarios.explored import explored_db
    from pocketpilot.devices.virtual import VirtualPhone
    from pocketpilot.memory import GraphMemory
    from pocketpilot.planner.decompose import decompose
    from pocketpilot.planner.errors import PlanInvalid
    from pocketpilot.planner.route import Router
    from pocketpilot.planner.value_shapes import numbers_as_digits

    phone = VirtualPhone(dict(scenario.state), variant=scenario.variant, seed=scenario.seed)
    memory = GraphMemory(explored_db(scenario.variant))
    try:
        apps = phone.apps()
        router = Router(apps, memory, meaning)
        return decompose(backend, numbers_as_digits(task), [a.label for a in apps], router=router)
    except PlanInvalid:
        return None
    finally:
        memory.close()


def rates(checks: list[PlanCheck]) -> dict:
    n = len(checks) or 1
    return {"plans": len(checks), "valid": round(sum(c.valid for c in checks) / n, 3),
            "apps_right": round(sum(c.apps_right for c in checks) / n, 3),
            "flow_right": round(sum(c.flow_right for c in checks) / n, 3),
            "both_right": round(sum(c.apps_right and c.flow_right for c in checks) / n, 3)}


def summarize(checks: list[PlanCheck]) -> dict:
    out: dict = {"all": rates(checks)}
    for split in ("tuning", "evaluation"):
        for wording in (CANONICAL, PARAPHRASE):
            part = [c for c in checks if c.split == split and c.wording == wording]
            if part:
                out[f"{split}/{wording}"] = rates(part)
    return out


def _handle(args: argparse.Namespace) -> int:
    from pocketpilot.apps.wiring import default_meaning, make_backend

    try:
        scenarios = in_split(load_scenarios(args.paths), args.split)
    except ScenarioError as exc:
        print(f"pocketpilot: error: {exc}", file=sys.stderr)
        return 2
    backend = make_backend(args.backend, model=args.model)
    meaning = default_meaning()
    checks: list[PlanCheck] = []
    for scenario in scenarios:
        label = label_of(scenario)
        if label is None:
            continue
        wordings = [(CANONICAL, scenario.task)] if args.wording != "paraphrases" else []
        if args.wording != "canonical":
            wordings += [(PARAPHRASE, p) for p in scenario.paraphrases]
        for wording, task in wordings:
            checks.append(check(scenario, wording, task, plan_for(task, scenario, backend, meaning), label))
    summary = summarize(checks)
    for name, block in summary.items():
        print(f"{name:24} plans {block['plans']:4}  valid {block['valid']:.0%}  apps {block['apps_right']:.0%}  "
              f"data flow {block['flow_right']:.0%}  both {block['both_right']:.0%}")
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "plans": [asdict(c) for c in checks]}, indent=1),
                                   encoding="utf-8")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("plans", help="plan accuracy against the apps and data flow of gold trajectories")
    parser.add_argument("paths", nargs="*", default=["scenarios"], metavar="PATH", help="scenario files or folders")
    parser.add_argument("--backend", choices=("lexical", "llama"), default="lexical",
                        help="who picks apps the router is unsure of (llama: the bundled model)")
    parser.add_argument("--model", metavar="GGUF", help="with --backend llama: another model file")
    parser.add_argument("--split", choices=("tuning", "evaluation", "all"), default="all")
    parser.add_argument("--wording", choices=("canonical", "paraphrases", "all"), default="all")
    parser.add_argument("--json", metavar="FILE", help="also write every plan and the summary here")
    parser.set_defaults(handler=_handle)
