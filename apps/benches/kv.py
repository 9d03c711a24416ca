"""``pocketpilot bench kv``: KV retention vs. full prefill vs. llama.cpp's single-sequence reuse.

This synthetic workload bounds what retention can do; ``--replay`` measures the agent's own
calls instead (``_kv_replay.py``).

One multi-turn workload (P programs interleaved, each turn adds an observation of O tokens to a
history that starts with a shared S-token system prompt) runs in three modes side by side, call
by call in rotating order so machine noise hits all three alike:

- ``none``: every call prefills its whole prompt;
- ``prefix``: one sequence reused by longest common prefix, as a plain ``llama_cpp.Llama`` does
  (it only keeps the shared system prompt when programs alternate);
- ``retained``: pocketpilot's per-program slots with shared-prefix copies.

``new_tokens`` counts, per call, the prompt tokens that no earlier prompt began with: the least
any cache can prefill and still give the same completions as a full prefill, because a reply's KV
from one-token decode steps differs from a batched prefill of it (llama.cpp's single-row and
batched kernels round differently), so each reply must be prefilled once. ``prefill_efficiency``
(new / prefilled) tops at 1. ``prefill_efficiency_replies_free`` also counts earlier replies as
known (what a cache that keeps decode-step KV could reach, at the price of identical results;
``--loose-replies`` runs that cache).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from pocketpilot.apps.benches import _kv_replay

TARGETS = {
    "prefill_efficiency": (">=", 0.9),
    "speedup_vs_none": (">=", 4.0),
    "speedup_vs_prefix": (">=", 2.0),
    "step_model_seconds_p50": ("<=", 1.5),
}
MODES = ("none", "prefix", "retained")
ACTION_SCHEMA = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": ["tap", "type", "scroll", "back", "done"]},
        "target": {"type": "integer", "minimum": 0, "maximum": 99},
        "reason": {"type": "string", "maxLength": 24},
    },
    "required": ["action", "target", "reason"],
}
_RULES = (
    "You operate an Android phone for the user by choosing one action per turn. "
    "Read the screen elements, each written as [id] label, and pick the element that moves the "
    "task forward. Tap buttons to open them, type into editable fields, scroll when the item is "
    "not visible, go back when the page is wrong, and answer done when the task is complete. "
    "Never invent element ids; never repeat an action that did not change the screen. "
)
_WORDS = (
    "Settings Wi-Fi Bluetooth Battery Display Sound Storage Apps Notifications Privacy Location "
    "Security Accounts Google System About Search Network Hotspot Airplane Data Saver Mobile "
    "Calls Messages Contacts Camera Gallery Clock Alarm Timer Calendar Maps Chrome Files Music"
).split()
_ROLES = ("planner: split the task into steps", "executor: act on the current screen",
          "reflector: judge whether the last action worked")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("kv", help="KV retention vs. full prefill vs. prefix reuse")
    p.add_argument("--turns", type=int, default=12)
    p.add_argument("--programs", type=int, default=3)
    p.add_argument("--system-tokens", type=int, default=800)
    p.add_argument("--obs-tokens", type=int, default=150)
    p.add_argument("--reply-tokens", type=int, default=40, help="max_tokens of each reply")
    p.add_argument("--threads", type=int, default=2, help="prefill (batch) threads")
    p.add_argument("--decode-threads", type=int, default=2,
                   help="decode threads: 2 measured 45-70 tok/s on idle cores, 1 gave 20-36")
    p.add_argument("--model", type=Path, default=None, help="a .gguf file (default: bundled)")
    p.add_argument("--loose-replies", action="store_true",
                   help="retained keeps each reply's decode-step KV (cheaper; completions may differ)")
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--json", type=Path, required=True, dest="json_path")
    _kv_replay.add_arguments(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.replay is not None:
        return _kv_replay.run(args)
    from pocketpilot.runtime.backend import Message
    from pocketpilot.runtime.errors import OutputParseError
    from pocketpilot.runtime.llama_backend import LlamaCppBackend, Reuse
    from pocketpilot.runtime.llama_engine import LlamaConfig

    modes = [m for m in args.modes.split(",") if m]
    per_turn = args.obs_tokens + args.reply_tokens + 16
    n_ctx = _round_up(args.system_tokens + 64 + args.turns * per_turn + args.reply_tokens, 256)
    backends = {}
    for mode in modes:
        config = LlamaConfig(
            model_path=args.model, n_ctx=n_ctx, n_threads=args.decode_threads,
            n_threads_batch=args.threads,
            n_slots=args.programs if mode == "retained" else 1,
        )
        backends[mode] = LlamaCppBackend(config, reuse=Reuse(mode), exact_replies=not args.loose_replies).load()
    any_backend = next(iter(backends.values()))
    tok = any_backend.engine.tokenize
    system = _fit(tok, _RULES, args.system_tokens)
    programs = [f"program-{i}" for i in range(args.programs)]
    histories = {m: {p: [Message("system", f"{system}\nYour role: {_ROLES[i % 3]}.")]
                     for i, p in enumerate(programs)} for m in modes}
    known: dict[str, list[list[int]]] = {m: [] for m in modes}  # earlier prompts
    replied: dict[str, list[list[int]]] = {m: [] for m in modes}  # earlier prompts + replies
    calls: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    mismatches: list[dict[str, Any]] = []
    started = time.time()
    step = 0
    for turn in range(args.turns):
        for pi, program in enumerate(programs):
            obs = _observation(tok, args.obs_tokens, seed=turn * 1000 + pi)
            order = modes[step % len(modes):] + modes[: step % len(modes)]
            step += 1
            texts = {}
            for mode in order:
                backend = backends[mode]
                history = histories[mode][program]
                history.append(Message("user", f"Turn {turn + 1}. Screen:\n{obs}"))
                prompt = backend.prompt_tokens(history, program)
                new = len(prompt) - max((_prefix(prompt, k) for k in known[mode]), default=0)
                new_free = len(prompt) - max((_prefix(prompt, k) for k in replied[mode]), default=0)
                try:
                    done = backend.complete(program, history, schema=ACTION_SCHEMA,
                                            max_tokens=args.reply_tokens, temperature=0.0)
                except OutputParseError as exc:  # cut off by max_tokens: same cost, keep going
                    done = exc.completion
                history.append(Message("assistant", done.text))
                known[mode].append(prompt)
                replied[mode] += [prompt, backend.known_tokens(program)]
                calls[mode].append({"program": program, "turn": turn, "new_tokens": new, "new_free_tokens": new_free,
                                    **done.usage.to_dict()})
                texts[mode] = done.text
            if len(set(texts.values())) > 1:
                mismatches.append({"program": program, "turn": turn, "texts": texts})
            print(f"turn {turn + 1}/{args.turns} {program}: "
                  + " ".join(f"{m}={calls[m][-1]['wall_s']:.2f}s" for m in modes), flush=True)
    report = _report(args, modes, calls, backends, mismatches, n_ctx, time.time() - started)
    for backend in backends.values():
        backend.close()
    args.json_path.parent.mkdir(parents=True, exist_ok=True)
    args.json_path.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "calls"}, indent=2))
    return 0


def _report(args, modes, calls, backends, mismatches, n_ctx, seconds) -> dict[str, Any]:
    out: dict[str, Any] = {"modes": {}}
    for mode in modes:
        cs = calls[mode]
        ttfts = sorted(c["ttft_s"] for c in cs)
        out["modes"][mode] = {
            "prefill_tokens": sum(c["prefilled_tokens"] for c in cs),
            "new_tokens": sum(c["new_tokens"] for c in cs),
            "new_tokens_replies_free": sum(c["new_free_tokens"] for c in cs),
            "reused_tokens": sum(c["reused_tokens"] for c in cs),
            "recomputed_tokens": sum(c.get("recomputed_tokens", 0) for c in cs),
            "generated_tokens": sum(c["generated_tokens"] for c in cs),
            "model_seconds": round(sum(c["wall_s"] for c in cs), 3),
            "ttft_p50_s": round(statistics.median(ttfts), 4),
            "ttft_p95_s": round(ttfts[min(len(ttfts) - 1, int(0.95 * len(ttfts)))], 4),
            "peak_kv_bytes": backends[mode].slots.peak_bytes,
            "step_model_seconds_p50": round(statistics.median(c["wall_s"] for c in cs), 4),
        }
    m = out["modes"]
    if "retained" in m:
        r = m["retained"]
        out["prefill_efficiency"] = round(r["new_tokens"] / max(1, r["prefill_tokens"]), 4)
        out["prefill_efficiency_replies_free"] = round(r["new_tokens_replies_free"] / max(1, r["prefill_tokens"]), 4)
        out["step_model_seconds_p50"] = r["step_model_seconds_p50"]
        for base in ("none", "prefix"):
            if base in m:
                out[f"speedup_vs_{base}"] = round(m[base]["model_seconds"] / r["model_seconds"], 3)
    out["identical_completions"] = not mismatches
    out["mismatches"] = mismatches[:5]
    out["targets"] = {k: {"op": op, "target": t, "value": out.get(k),
                          "met": out.get(k) is not None and (out[k] >= t if op == ">=" else out[k] <= t)}
                      for k, (op, t) in TARGETS.items()}
    out["workload"] = {"turns": args.turns, "programs": args.programs,
                       "system_tokens": args.system_tokens, "obs_tokens": args.obs_tokens,
                       "reply_max_tokens": args.reply_tokens, "threads": args.threads,
                       "decode_threads": args.decode_threads, "exact_replies": not args.loose_replies,
                       "n_ctx_per_program": n_ctx,
                       "kv_bytes_per_token": next(iter(backends.values())).engine.bytes_per_token,
                       "load_average": os.getloadavg(), "bench_seconds": round(seconds, 1)}
    out["calls"] = calls
    return out


def _fit(tok, text: str, n_tokens: int) -> str:
    """``text`` repeated, then cut so it tokenises to about ``n_tokens``."""
    body = text * (n_tokens // max(1, len(tok(text))) + 2)
    ids = tok(body)[:n_tokens]
    words = body.split(" ")
    lo, hi = 0, len(words)
    while lo < hi:  # the longest word prefix within budget
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if len(tok(" ".join(words[:mid]))) <= len(ids) else (lo, mid - 1)
    return " ".join(words[:lo])


def _observation(tok, n_tokens: int, *, seed: int) -> str:
    rng = random.Random(seed)
    lines: list[str] = []
    while len(tok("\n".join(lines))) < n_tokens:
        lines.append(f"[{len(lines) + 1}] {rng.choice(_WORDS)} {rng.choice(_WORDS).lower()}")
    return "\n".join(lines[:-1] or lines)


def _prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _round_up(n: int, k: int) -> int:
    return (n + k - 1) // k * k
