"""``pocketpilot run "TASK"``, ``pocketpilot resume RUN_ID`` and ``pocketpilot demo`` (the main job)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pocketpilot.apps.arg_types import run_id as run_id_arg
from pocketpilot.apps.arg_types import task_text
from pocketpilot.apps.confirm_channel import FileConfirm
from pocketpilot.apps.data_dir import data_dir
from pocketpilot.apps.progress import Progress
from pocketpilot.apps.run_lock import RunLock
from pocketpilot.apps.run_records import RunRecord, read_run_info, runs_dir, write_run_info
from pocketpilot.apps.wiring import BACKENDS, attach_energy_policy, make_backend, make_seams
from pocketpilot.devices.errors import DeviceError, PocketpilotError
from pocketpilot.devices.events import Event
from pocketpilot.devices.receipts import ReceiptDevice
from pocketpilot.devices.registry import VIRTUAL, check_spec, is_virtual, open_device
from pocketpilot.planner.agent import Agent, RunResult, deny_all
from pocketpilot.planner.verdict import EXIT_CODES, EXIT_STOPPED, Verdict

DEMO_TASK = (
    "Find Bob's phone number in Contacts, text him the address from my Notes, then set an alarm for 7:00 in Clock"
)
CONFIRM_TIMEOUT_S = 600.0  # an unanswered gated action is denied after this, so unattended runs end
PHONE_JOURNAL = "phone.jsonl"  # the run's virtual phone, replayable after a kill (JournaledPhone)


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run a task on a device with the local model")
    run.add_argument("task", type=task_text, help="what to do, in plain words")
    _common(run)
    run.set_defaults(handler=run_task)
    resume = subparsers.add_parser("resume", help="continue an interrupted run from its last completed step")
    resume.add_argument("run_id", type=run_id_arg, help="the id 'pocketpilot run' printed (its run directory's name)")
    _common(resume)
    resume.set_defaults(handler=resume_run)
    demo = subparsers.add_parser("demo", help="the main job: a compositional task on the virtual phone")
    _common(demo)
    demo.set_defaults(handler=run_demo)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", action="append",
                        help="'virtual' (default; resume: the run's own device) or an ADB serial; run: repeat it "
                             "to drive the task on each device at once, on one shared model")
    parser.add_argument("--model", help="a GGUF file (default: the bundled SmolLM2-135M Q4_1)")
    parser.add_argument("--backend", choices=BACKENDS, default="llama", help="llama (default) or lexical (no model)")
    parser.add_argument("--mode", choices=("performance", "balanced", "saver"), default="balanced",
                        help="energy mode for choosing threads, context, KV type and perception (llama backend)")
    parser.add_argument("--energy-config", type=Path, help="YAML/TOML energy prefs: models, pin, forbid, SLO")
    parser.add_argument("--allow-sensitive", action="store_true", help="send/pay/delete/share without asking")
    parser.add_argument("--data-dir", type=Path, help="where runs and memory live (default: XDG data dir)")
    parser.add_argument("--no-memory", action="store_true", help="do not read or grow the trajectory memory")
    parser.add_argument("--record", action="store_true",
                        help="save screens and actions in the run record for 'pocketpilot replay --recorded' "
                             "(always on for ADB devices)")
    parser.add_argument("--confirm", choices=("terminal", "console", "deny"),
                        help="who approves gated actions: a prompt here (default on a terminal), "
                             "'pocketpilot console' (default when stdin is not a terminal), or nobody (deny)")


def _agent(args: argparse.Namespace, record: RunRecord, device_spec: str, shared=None) -> Agent:
    """The run's agent; ``shared``: a SharedModel whose lane serves it (several devices at once),
    instead of a model of its own chosen and switched by the energy policy."""
    data = data_dir(args.data_dir)
    sink = _tee(record, Progress())
    lane = shared.lane(record.directory.name, on_event=sink) if shared is not None else None
    adaptive = args.backend == "llama" and lane is None
    if lane is not None:
        from pocketpilot.runtime.prior_gate import DEFAULT_GATE, PriorGate

        backend = PriorGate(lane, DEFAULT_GATE, on_event=sink)
    else:
        backend = None if adaptive else make_backend(args.backend, model=args.model, on_event=sink)
    # the virtual phone lives in this process: its journal in the run dir lets a resume rebuild it
    device = open_device(device_spec, journal=record.directory / PHONE_JOURNAL if is_virtual(device_spec) else None)
    seams = make_seams(
        backend=backend, device=device, allow_sensitive=args.allow_sensitive, on_event=sink,
        memory_path=None if args.no_memory else data / "memory.sqlite",
    )
    if adaptive:  # the energy policy picks the llama configuration for --mode and switches it live
        attach_energy_policy(seams, mode=args.mode, model=args.model, prefs_path=args.energy_config, on_event=sink)
    if device_spec != VIRTUAL or getattr(args, "record", False):
        from pocketpilot.devices.recorded import RecordingDevice

        seams.device = RecordingDevice(seams.device, record.directory)
    # outermost: it sees the actions the graph sends
    receipts = ReceiptDevice(seams.device, record.directory, on_event=sink)
    # on a shared model each action runs as a scheduler tool, pinning this run's KV meanwhile
    seams.device = lane.device(receipts) if lane is not None else receipts
    rewindable = [receipts, device] if is_virtual(device_spec) else [receipts]
    return Agent(seams, data / "checkpoints.sqlite", confirm=_confirmer(args, record), rewindable=rewindable)


def _confirmer(args: argparse.Namespace, record: RunRecord):
    """A TTY prompt on terminals; otherwise requests wait in the run dir for the console to answer."""
    if args.confirm == "deny":
        return deny_all
    if args.confirm == "console" or (args.confirm is None and not sys.stdin.isatty()):
        return FileConfirm(record.directory, timeout_s=CONFIRM_TIMEOUT_S, on_event=record)
    return _ask_on_terminal if sys.stdin.isatty() else deny_all


def _tee(*sinks):
    def sink(event: Event) -> None:
        for each in sinks:
            each(event)

    return sink


def _ask_on_terminal(request: dict) -> bool:
    answer = input(f"Allow {request['category']} action: {request['action']} {request['target']!r}? [y/N] ")
    return answer.strip().lower() in {"y", "yes"}


def run_task(args: argparse.Namespace) -> int:
    import time
    import uuid

    specs = args.device or [VIRTUAL]
    if len(specs) > 1:
        from pocketpilot.apps.commands._run_many import run_on_each

        return run_on_each(args, specs)
    run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    device_spec = check_spec(specs[0])  # before the run dir exists
    directory = runs_dir(data_dir(args.data_dir)) / run_id
    with RunLock(directory):
        record = RunRecord(directory)
        write_run_info(directory, {"run_id": run_id, "task": args.task, "device": device_spec})
        agent = _agent(args, record, device_spec)
        try:
            result = agent.run(args.task, run_id=run_id)
        except KeyboardInterrupt:
            print(f"\nstopped; continue with: {resume_command(args, run_id)}", file=sys.stderr)
            return EXIT_STOPPED
        except DeviceError as exc:
            raise _stopped(exc, args, run_id) from exc
        finally:
            agent.close()
            agent.seams.device.close()
        return _finish(record, result, args.task)


def resume_command(args: argparse.Namespace, run_id: str) -> str:
    """The exact command that continues ``run_id`` with the choices it was started with."""
    import shlex

    words = ["pocketpilot", "resume", run_id]
    if args.data_dir is not None:
        words += ["--data-dir", str(args.data_dir)]
    if args.backend != "llama":
        words += ["--backend", args.backend]
    for flag, value in (("--model", args.model), ("--energy-config", args.energy_config)):
        if value is not None:
            words += [flag, str(value)]
    if args.mode != "balanced":
        words += ["--mode", args.mode]
    words += [flag for flag, on in (("--allow-sensitive", args.allow_sensitive), ("--no-memory", args.no_memory))
              if on]
    return shlex.join(words)


def _stopped(exc: DeviceError, args: argparse.Namespace, run_id: str) -> PocketpilotError:
    """A device error mid-run, as one line that names the run and how to continue it."""
    return PocketpilotError(f"{exc}; run {run_id} stopped at its last checkpoint; "
                            f"continue with: {resume_command(args, run_id)}")


def run_demo(args: argparse.Namespace) -> int:
    """The main job: the demo task, with the run's own verdict as its exit code.

    Without a terminal nobody can approve, so gated actions are denied rather than left waiting.
    """
    confirm = args.confirm or ("terminal" if sys.stdin.isatty() else "deny")
    args.device = _one_device(args, "demo")
    if args.device in (None, VIRTUAL) and not args.no_memory:
        _explore_if_new(data_dir(args.data_dir) / "memory.sqlite")
    # the exit code is the run's verdict: without a terminal the Send is denied, so 3 (not everything done)
    device = [args.device] if args.device is not None else None
    return run_task(argparse.Namespace(**{**vars(args), "task": DEMO_TASK, "confirm": confirm, "device": device}))


def _one_device(args: argparse.Namespace, command: str) -> str | None:
    if args.device and len(args.device) > 1:
        raise PocketpilotError(f"{command} drives one device; pass --device once (only 'run' takes several)")
    return args.device[0] if args.device else None


def _explore_if_new(memory_path: Path) -> None:
    """A first demo explores the virtual phone's apps into memory (a few seconds), as a user's
    phone would be explored before its first task; later runs reuse and grow that memory."""
    from pocketpilot.devices.virtual import VirtualPhone
    from pocketpilot.memory import GraphMemory
    from pocketpilot.memory.explore import explore_all

    with GraphMemory(memory_path) as memory:
        if memory.stats().pages:
            return
        print("first run: exploring the virtual phone's apps into memory ...", file=sys.stderr)
        explore_all(VirtualPhone(), memory)


def resume_run(args: argparse.Namespace) -> int:
    directory = runs_dir(data_dir(args.data_dir)) / args.run_id
    if not directory.is_dir():
        raise PocketpilotError(f"no run {args.run_id!r} under {directory.parent}; "
                               "the runs are listed by 'pocketpilot console'")
    info = read_run_info(directory)
    device = _one_device(args, "resume")
    device_spec = device if device is not None else info.get("device", VIRTUAL)
    if is_virtual(device_spec) and not (directory / PHONE_JOURNAL).exists():
        raise PocketpilotError(f"run {args.run_id} has no journal of its virtual phone ({PHONE_JOURNAL}), so its "
                               "phone cannot be restored; start the task again with 'pocketpilot run'")
    with RunLock(directory):
        record = RunRecord(directory)
        agent = _agent(args, record, device_spec)
        try:
            result = agent.resume(args.run_id, task=info.get("task"))
        except DeviceError as exc:
            raise _stopped(exc, args, args.run_id) from exc
        finally:
            agent.close()
            agent.seams.device.close()
        return _finish(record, result, info.get("task", ""))


def _finish(record: RunRecord, result: RunResult, task: str) -> int:
    """The summary: each subtask's status with the evidence seen (or why it was skipped), and an
    exit code that is 0 only for a verified success (3: not everything done, 4: unverified)."""
    record.write_summary({"task": task, **result.to_dict()})
    record.close()
    verdict = Verdict(result.verdict)
    titles = {Verdict.SUCCESS: "success (verified on screen)", Verdict.UNVERIFIED: "unverified",
              Verdict.NOT_DONE: "not everything done"}
    table = Table(title=f"run {result.run_id}: {titles[verdict]}", show_lines=False)
    table.add_column("#")
    table.add_column("app")
    table.add_column("subtask")
    table.add_column("status")
    table.add_column("evidence / why")
    if result.plan is not None:
        reports = result.reports or [{} for _ in result.statuses]
        for subtask, status, report in zip(result.plan.subtasks, result.statuses, reports, strict=True):
            seen = (report.get("evidence") or {}).get("detail") or report.get("reason", "")
            table.add_row(str(subtask.id), subtask.app or "-", subtask.goal, status, seen)
    console = Console(highlight=False)
    console.print(table)
    console.print(f"verdict: {verdict.value} (exit {EXIT_CODES[verdict]})")
    console.print(f"steps: {result.steps}  llm calls: {result.llm_calls}  prompt tokens: {result.prompt_tokens}  "
                  f"seconds: {result.seconds:.1f}")
    if result.values:
        console.print("values: " + ", ".join(f"{k}={v!r}" for k, v in result.values.items()))
    console.print(f"run record: {record.directory}", soft_wrap=True)
    return EXIT_CODES[verdict]
