"""``pocketpilot replay PATH...``: run scenarios (or recorded runs) and report success and cost."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pocketpilot.apps.scenarios.format import ScenarioError, load_scenarios
from pocketpilot.apps.scenarios.replay import BACKENDS, MODES, ReplayConfig, run_all, summarize
from pocketpilot.runtime.prior_gate import DEFAULT_GATE


def register(subparsers: argparse._SubParsersAction) -> None:
    replay = subparsers.add_parser("replay", help="replay scenario files or recorded runs and report the results")
    replay.add_argument("paths", nargs="*", type=Path, help="scenario files or directories of them")
    replay.add_argument("--backend", choices=BACKENDS, default="lexical",
                        help="scripted (recorded completions), lexical (no model, default) or llama")
    replay.add_argument("--model", help="a GGUF file for --backend llama (default: the bundled model)")
    replay.add_argument("--gate", type=float, default=DEFAULT_GATE, metavar="LOGITS",
                        help=f"llama: take a choice without the model when grounding leads by this much "
                             f"(default {DEFAULT_GATE}; 0: the model weighs every choice)")
    replay.add_argument("--compare", default="decomposed", help=f"agent modes to compare, comma-separated: {MODES}")
    replay.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON ('-': stdout)")
    replay.add_argument("--report", type=Path, metavar="DIR", help="write report.md and a PNG chart to DIR")
    replay.add_argument("--recordings", type=Path, metavar="DIR",
                        help="scripted: where completions are read; llama/lexical: where they are recorded")
    replay.add_argument("--recorded", type=Path, action="append", default=[], metavar="RUN_DIR",
                        help="replay a run recorded with 'pocketpilot run --record' (needs --task)")
    replay.add_argument("--task", help="the task of the --recorded run")
    replay.add_argument("--memory", default="explore", metavar="explore|none|DB",
                        help="what each scenario's memory starts from: the phone explored beforehand "
                             "(default), nothing, or a copy of this DB")
    replay.add_argument("--workers", type=int, help="parallel scenarios (default: 2 for llama, else 1)")
    replay.add_argument("--variant", type=int, metavar="N",
                        help="run every scenario on virtual-phone variant N (other labels, icons, menu "
                             "order, layout) instead of the one its file names")
    replay.set_defaults(handler=replay_command)


def replay_command(args: argparse.Namespace) -> int:
    modes = [m.strip() for m in args.compare.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        print(f"pocketpilot: error: --compare takes modes from {list(MODES)}, got {args.compare!r}", file=sys.stderr)
        return 2
    if args.gate < 0:
        print(f"pocketpilot: error: --gate must be 0 or more (0 turns it off), got {args.gate}", file=sys.stderr)
        return 2
    if not args.paths and not args.recorded:
        print("pocketpilot: error: name scenario files or directories, or --recorded RUN_DIR", file=sys.stderr)
        return 2
    try:
        scenarios = load_scenarios(list(args.paths))
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.variant is not None:
        if args.variant < 0:
            print("pocketpilot: error: --variant must be 0 or more", file=sys.stderr)
            return 2
        scenarios = [s.model_copy(update={"variant": args.variant}) for s in scenarios]
    if args.recorded:
        from pocketpilot.apps.scenarios.recorded import scenario_for

        if not args.task:
            print("pocketpilot: error: --recorded needs --task (the recorded run's task)", file=sys.stderr)
            return 2
        scenarios += [scenario_for(run_dir, args.task) for run_dir in args.recorded]
    configs = [ReplayConfig(mode=m, backend=args.backend, model=args.model,
                            recordings=str(args.recordings) if args.recordings else None,
                            memory=None if args.memory == "none" else args.memory, gate=args.gate)
               for m in modes]
    summary = summarize(run_all(scenarios, configs, workers=args.workers, on_result=_progress))
    if args.json is not None:
        text = json.dumps(summary, indent=2)
        if str(args.json) == "-":
            print(text)
        else:
            args.json.write_text(text + "\n", encoding="utf-8")
    if args.report is not None:
        from pocketpilot.apps.scenarios.report import write_report

        write_report(summary, args.report)
    if str(args.json) != "-":
        _print(summary)
    return 0


def _progress(result, done: int, total: int) -> None:
    verdict = "ok" if result.success else f"FAIL ({result.failure_kind})"
    print(f"[{done}/{total}] {result.config} {result.scenario}: {verdict}, {result.steps} steps, "
          f"{result.llm_calls} LLM calls, {result.seconds:.1f}s", file=sys.stderr, flush=True)


def _print(summary: dict) -> None:
    table = Table(title="scenario replay")
    for column in ("config", "category", "n", "success", "steps", "LLM calls", "prompt tokens", "seconds"):
        table.add_column(column)
    for name, block in summary["configs"].items():
        for category, part in [("all", block), *block["by_category"].items()]:
            table.add_row(name, category, str(part["scenarios"]), f"{part['success_rate']:.0%}",
                          f"{part['avg_steps']:.1f}", f"{part['avg_llm_calls']:.1f}",
                          f"{part['avg_prompt_tokens']:.0f}", f"{part['avg_seconds']:.2f}")
    Console(highlight=False).print(table)
