"""``pocketpilot replay PATH...``: run scenarios (or recorded runs) and report success and cost."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pocketpilot.apps.scenarios.format import ScenarioError, load_scenarios
from pocketpilot.apps.scenarios.replay import BACKENDS, MODES, SHARINGS, ReplayConfig, run_all
from pocketpilot.apps.scenarios.suite import Split, Wording, in_split, trials
from pocketpilot.apps.scenarios.summary import summarize
from pocketpilot.runtime.prior_gate import DEFAULT_GATE

SPLITS = (*(s.value for s in Split), "all")
WORDINGS = tuple(w.value for w in Wording)


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
    replay.add_argument("--models", choices=SHARINGS, default="shared",
                        help="llama with several workers: one model shared through the scheduler (default), "
                             "or one loaded per worker process")
    replay.add_argument("--records", type=Path, metavar="DIR",
                        help="write each scenario's events (steps, model calls, kv.pin) to DIR/<scenario>~<mode>/")
    replay.add_argument("--variant", metavar="N[,N...]",
                        help="run every scenario on virtual-phone variant N (other labels, icons, menu "
                             "order, layout) instead of the one its file names; several: each in turn")
    replay.add_argument("--wording", choices=WORDINGS, default="canonical",
                        help="run each scenario's task as written (default), its paraphrases, or all")
    replay.add_argument("--split", choices=SPLITS, default="all",
                        help="only the tuning or the evaluation half (a fixed hash of the id; default all)")
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
    if args.workers is not None and args.workers < 1:
        print(f"pocketpilot: error: --workers takes 1 or more, got {args.workers}", file=sys.stderr)
        return 2
    if not args.paths and not args.recorded:
        print("pocketpilot: error: name scenario files or directories, or --recorded RUN_DIR", file=sys.stderr)
        return 2
    try:
        scenarios = load_scenarios(list(args.paths))
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    variants = _variants(args.variant)
    if variants == []:
        print(f"pocketpilot: error: --variant takes numbers 0 or more, comma-separated (1,2,3), got {args.variant!r}",
              file=sys.stderr)
        return 2
    scenarios = in_split(scenarios, args.split)
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
    runs = trials(scenarios, args.wording, variants)
    started = time.monotonic()
    model: dict = {}
    summary = summarize(run_all(runs, configs, workers=args.workers, on_result=_progress, sharing=args.models,
                                records=args.records, model_stats=model))
    if model:
        seconds = time.monotonic() - started
        summary["model"] = {**model, "workers": args.workers, "seconds": round(seconds, 1),
                            "scenarios_per_minute": round(len(runs) * len(configs) / seconds * 60, 2),
                            **_peak_rss_mb()}
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


def _peak_rss_mb() -> dict:
    """This process's peak resident memory, and the largest of its finished worker processes'."""
    import resource

    return {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_mb_largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


def _variants(text: str | None) -> list[int] | None:
    """None: each scenario's own variant; [] means unusable input."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts):
        return []
    return list(dict.fromkeys(int(p) for p in parts))


def _progress(result, done: int, total: int) -> None:
    verdict = "ok" if result.success else f"FAIL ({result.failure_kind})"
    label = result.scenario + (f" ~p{result.paraphrase}" if result.paraphrase else "")
    print(f"[{done}/{total}] {result.config} {label} v{result.variant}: {verdict}, {result.steps} steps, "
          f"{result.llm_calls} LLM calls, {result.seconds:.1f}s", file=sys.stderr, flush=True)


def _print(summary: dict) -> None:
    from pocketpilot.apps.scenarios.report import OVERVIEW, overview, variant_rows

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)  # a pipe: no squeezing
    rows = overview(summary)
    success = OVERVIEW.index("claims")  # the first honesty column
    _table(console, "scenario replay: success", OVERVIEW[:success], [r[:success] for r in rows])
    _table(console, "honesty (claims: runs the agent called a success) and cost",
           OVERVIEW[:2] + OVERVIEW[success:], [r[:2] + r[success:] for r in rows])
    header, by_variant = variant_rows(summary)
    if by_variant:
        _table(console, "success by phone variant", header, by_variant)


def _table(console: Console, title: str, header, rows: list[list[str]]) -> None:
    table = Table(title=title)
    for column in header:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
