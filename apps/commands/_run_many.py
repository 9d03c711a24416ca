"""``pocketpilot run "TASK" --device A --device B ...``: the task on each device at once.

Each device gets its own run (record, checkpoints, verdict, resumable alone); with the llama
backend they share one loaded model through the scheduler, and each device action pins its run's
KV for a TTL learnt from measured action times (``kv.pin`` in the run's record). The energy policy,
which switches one run's model configuration between steps, is left out: one model serves all.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pocketpilot.apps.commands.run import _agent, _finish, _stopped
from pocketpilot.apps.data_dir import data_dir
from pocketpilot.apps.run_lock import RunLock
from pocketpilot.apps.run_records import RunRecord, runs_dir, write_run_info
from pocketpilot.devices.errors import DeviceError
from pocketpilot.devices.registry import check_spec

# the exit codes from worst to best: an error, a stop, not everything done, unverified, success
_WORST_FIRST = (1, 130, 3, 4, 0)


def run_on_each(args: argparse.Namespace, specs: list[str]) -> int:
    devices = [check_spec(spec) for spec in specs]  # every spec checked before any run starts
    twice = sorted({d for d in devices if devices.count(d) > 1})
    if twice:
        print(f"pocketpilot: error: --device {twice[0]} is named twice; one task runs on each device",
              file=sys.stderr)
        return 2
    if args.confirm in (None, "terminal"):
        # one terminal cannot answer several runs at once: their gated actions wait for the console
        print("several devices: gated actions wait for approval in 'pocketpilot console'", file=sys.stderr)
        args = argparse.Namespace(**{**vars(args), "confirm": "console"})
    shared = _shared_model(args, len(devices)) if args.backend == "llama" else None
    try:
        with ThreadPoolExecutor(max_workers=len(devices)) as pool:
            outcomes = list(pool.map(lambda device: _one(args, device, shared), devices))
    finally:
        if shared is not None:
            shared.close()
            shared.backend.close()
    codes, failure = [], None
    for record, result, error in outcomes:
        if error is not None:
            failure = failure or error
            codes.append(1)
            continue
        codes.append(_finish(record, result, args.task))
    if failure is not None:
        raise failure
    return next(code for code in _WORST_FIRST if code in codes)


def _shared_model(args: argparse.Namespace, runs: int):
    from pocketpilot.runtime.llama_backend import LlamaCppBackend
    from pocketpilot.runtime.llama_engine import LlamaConfig
    from pocketpilot.runtime.shared_model import LaneEvents, SharedModel

    events = LaneEvents()
    config = LlamaConfig(model_path=Path(args.model) if args.model else None,
                         n_slots=max(LlamaConfig().n_slots, runs + 1))
    llama = LlamaCppBackend(config, on_event=events).load()
    return SharedModel(llama, kv=llama, events=events)


def _one(args: argparse.Namespace, device: str, shared):
    """One device's run; a device error is kept to report once every run has ended."""
    run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    directory = runs_dir(data_dir(args.data_dir)) / run_id
    with RunLock(directory):
        record = RunRecord(directory)
        write_run_info(directory, {"run_id": run_id, "task": args.task, "device": device})
        agent = _agent(args, record, device, shared=shared)
        try:
            return record, agent.run(args.task, run_id=run_id), None
        except DeviceError as exc:
            record.close()
            return record, None, _stopped(exc, args, run_id)
        finally:
            agent.close()
            agent.seams.device.close()
