"""``bench kv --replay PATH...``: KV retention on the agent's real workload, not a synthetic one.

The model calls of replayed scenarios (``_kv_workload.py``), several scenarios interleaved as
concurrent tasks send them, run under retention ``none``, ``prefix`` and ``retained`` call by
call in rotating order (machine noise hits all three alike), greedy, so every mode must give the
same completion. ``reuse_share`` is the share of prompt tokens that were not prefilled again;
``step_model_seconds_p50`` the median model time of one call (one agent step or routing choice).

What the workload is (measured 2026-12-06 on all 108 scenarios, lexical recorder, 3 lanes): the
prior gate answers 665 of 1,177 choices, so 512 calls reach a model, and most subtasks' programs
make one call (83 of 160 programs), whose prompt shares only the 94-token system prompt and
``Goal:`` with anything earlier. The executor's prompt is already laid out stable-first (system,
goal, known values, memory, history, the screen last); by token accounting of 4 LRU slots with
prefix copies, that layout keeps 0.505 of prompt tokens, history after memory 0.363, the screen
before the history 0.524, 16 slots 0.512, and any cache of every earlier prompt 0.593. A
``reuse_share`` of 0.70 needs prompts that say less per step (screen diffs), not another order.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

from pocketpilot.apps.benches._kv_workload import Call, interleave, pick, record

TARGETS = {
    "reuse_share": (">=", 0.70),
    "speedup_vs_none": (">=", 3.0),
    "step_model_seconds_p50": ("<=", 0.5),
}
MODES = ("none", "prefix", "retained")
DEFAULT_LIMIT = 12  # ~50 model calls: a few minutes on 2 cores


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--replay", nargs="+", metavar="PATH", default=None,
                   help="replay these scenario files or folders and bench the model calls they make")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                   help=f"--replay: scenarios to run, each category in turn (default {DEFAULT_LIMIT})")
    p.add_argument("--lanes", type=int, default=3, help="--replay: tasks interleaved on the one model")
    p.add_argument("--recorder", choices=("lexical", "llama"), default="lexical",
                   help="--replay: what decides while the calls are recorded (lexical: seconds; "
                        "llama: the model's own runs, minutes)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pocketpilot.apps.scenarios.format import ScenarioError, load_scenarios

    if args.limit < 1 or args.lanes < 1:
        print("pocketpilot: error: --limit and --lanes take 1 or more", file=sys.stderr)
        return 2
    modes = [m for m in args.modes.split(",") if m]
    if not modes or any(m not in MODES for m in modes):
        print(f"pocketpilot: error: --modes takes {list(MODES)}, comma-separated, got {args.modes!r}", file=sys.stderr)
        return 2
    try:
        scenarios = pick(load_scenarios([Path(p) for p in args.replay]), args.limit)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not scenarios:
        print("pocketpilot: error: --replay found no scenario files", file=sys.stderr)
        return 2
    started = time.time()
    streams, runs = record(scenarios, args.recorder, model=str(args.model) if args.model else None,
                           threads=args.threads)
    calls = interleave(streams, args.lanes)
    print(f"recorded {len(calls)} model calls from {len(scenarios)} scenarios "
          f"({time.time() - started:.1f}s)", flush=True)
    if not calls:
        print("pocketpilot: error: the scenarios made no model call (every choice was the prior's)",
              file=sys.stderr)
        return 2
    report = replay(calls, modes, args)
    report["workload"].update({"scenarios": runs, "lanes": args.lanes, "recorder": args.recorder,
                               "bench_seconds": round(time.time() - started, 1)})
    args.json_path.parent.mkdir(parents=True, exist_ok=True)
    args.json_path.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k not in {"calls", "workload"}}, indent=2))
    return 0


def replay(calls: list[Call], modes: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Every call in every mode, side by side; the report as ``bench kv`` writes it."""
    from pocketpilot.runtime.errors import OutputParseError
    from pocketpilot.runtime.llama_backend import LlamaCppBackend, Reuse
    from pocketpilot.runtime.llama_engine import LlamaConfig

    probe = LlamaCppBackend(LlamaConfig(model_path=args.model, n_ctx=256, n_slots=1)).load()
    longest = max(len(probe.prompt_tokens(c.messages)) + c.max_tokens for c in calls)
    probe.close()
    n_ctx = (longest + 64 + 255) // 256 * 256
    backends = {}
    for mode in modes:
        # the product's slot count (LlamaConfig's default) for retention; one sequence otherwise
        slots = LlamaConfig().n_slots if mode == "retained" else 1
        config = LlamaConfig(model_path=args.model, n_ctx=n_ctx, n_slots=slots, n_threads=args.decode_threads,
                             n_threads_batch=args.threads)
        backends[mode] = LlamaCppBackend(config, reuse=Reuse(mode)).load()
    rows: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    mismatches: list[dict[str, Any]] = []
    for i, call in enumerate(calls):
        texts = {}
        for mode in modes[i % len(modes):] + modes[: i % len(modes)]:
            try:
                done = backends[mode].complete(call.program, call.messages, **call.kwargs())
            except OutputParseError as exc:  # cut off by max_tokens: the same in every mode, same cost
                done = exc.completion
            texts[mode] = done.text
            rows[mode].append({"program": call.program, **done.usage.to_dict()})
        if len(set(texts.values())) > 1:
            mismatches.append({"call": i, "program": call.program, "texts": texts})
        if i % 10 == 0 or i == len(calls) - 1:
            print(f"call {i + 1}/{len(calls)} {call.program}: "
                  + " ".join(f"{m}={rows[m][-1]['wall_s']:.2f}s" for m in modes), flush=True)
    report = _report(modes, rows, mismatches)
    report["workload"] = {"calls": len(calls), "programs": len({c.program for c in calls}), "n_ctx_per_program": n_ctx,
                          "threads": args.threads, "decode_threads": args.decode_threads,
                          "load_average": os.getloadavg()}
    report["calls"] = rows
    for backend in backends.values():
        backend.close()
    return report


def _report(modes: list[str], rows: dict[str, list[dict[str, Any]]], mismatches: list[dict[str, Any]]) -> dict:
    out: dict[str, Any] = {"modes": {}}
    for mode in modes:
        cs = rows[mode]
        prompt = sum(c["prompt_tokens"] for c in cs)
        out["modes"][mode] = {
            "calls": len(cs),
            "prompt_tokens": prompt,
            "prefill_tokens": sum(c["prefilled_tokens"] for c in cs),
            "reused_tokens": sum(c["reused_tokens"] for c in cs),
            "reuse_share": round(sum(c["reused_tokens"] for c in cs) / max(1, prompt), 4),
            "generated_tokens": sum(c["generated_tokens"] for c in cs),
            "model_seconds": round(sum(c["wall_s"] for c in cs), 3),
            "step_model_seconds_p50": round(statistics.median(c["wall_s"] for c in cs), 4),
            "ttft_p50_s": round(statistics.median(c["ttft_s"] for c in cs), 4),
        }
    m = out["modes"]
    if "retained" in m:
        out["reuse_share"] = m["retained"]["reuse_share"]
        out["step_model_seconds_p50"] = m["retained"]["step_model_seconds_p50"]
        retained_s = max(1e-9, m["retained"]["model_seconds"])
        for base in ("none", "prefix"):
            if base in m:
                out[f"speedup_vs_{base}"] = round(m[base]["model_seconds"] / retained_s, 3)
    out["identical_completions"] = not mismatches
    out["mismatches"] = mismatches[:5]
    out["targets"] = {k: {"op": op, "target": t, "value": out.get(k),
                          "met": out.get(k) is not None and (out[k] >= t if op == ">=" else out[k] <= t)}
                      for k, (op, t) in TARGETS.items()}
    return out
