"""Thermal status goes SEVERE mid-task: the runtime downshifts between steps and the task finishes."""

from __future__ import annotations

from pocketpilot.devices.events import Event, EventCollector
from pocketpilot.devices.sensors import ThermalStatus
from pocketpilot.devices.virtual.phone import VirtualPhone
from pocketpilot.planner.agent import Agent
from pocketpilot.planner.graph import Seams
from pocketpilot.runtime.energy.accounting import EnergyMeter, MeteredDevice
from pocketpilot.runtime.energy.config_space import UserPrefs
from pocketpilot.runtime.energy.policy import ReconfigPolicy
from pocketpilot.runtime.energy.power_model import PROFILES
from pocketpilot.runtime.energy.profiler import Profiler
from pocketpilot.runtime.energy.switcher import Switcher
from pocketpilot.runtime.lexical_backend import LexicalBackend

TASK = "Tap Battery then tap Battery Saver in Settings"  # two subtasks: the switch lands between them
HOT_AFTER_ACTIONS = 1


def test_severe_mid_task_downshifts_and_the_task_still_finishes(tmp_path):
    phone = VirtualPhone()
    events = EventCollector()
    meter = EnergyMeter(PROFILES["phone-big-core"])
    built: list = []

    def sink(event: Event) -> None:
        events(event)
        meter.observe(event)
        if event.kind == "device.action" and len(events.of_kind("device.action")) == HOT_AFTER_ACTIONS:
            phone.set_thermal(status=ThermalStatus.SEVERE)

    def make_backend(config):
        built.append(config)
        return LexicalBackend()

    meter.emit = sink
    prefs = UserPrefs(mode="performance")
    profiler = Profiler(prefs.space.models)
    device = MeteredDevice(phone, meter)
    switcher = Switcher(ReconfigPolicy(prefs, profiler, on_event=sink), make_backend, device, meter, profiler,
                        on_event=sink)
    seams = switcher.attach(Seams(backend=LexicalBackend(), device=device, on_event=sink))
    agent = Agent(seams, tmp_path / "checkpoints.sqlite")
    try:
        result = agent.run(TASK, run_id="hot-run")
    finally:
        agent.close()
    switcher.finish()

    downshifts = [e for e in events.of_kind("reconfig.decision") if e.data["downshift"]]
    assert len(downshifts) == 1
    assert downshifts[0].data["readings"]["thermal_status"] == "SEVERE"
    assert "SEVERE" in downshifts[0].data["reason"]
    assert len(built) == 2  # the first configuration's backend, then the downshifted one
    assert seams.backend.config.key == downshifts[0].data["key"]
    applied = events.of_kind("reconfig.applied")[-1].data
    assert applied["kv"] == "rebuilt" and applied["config"] == downshifts[0].data["key"]
    # the task finished, and the workflow state carried across the switch
    assert result.success, result.reason
    assert events.of_kind("run.finished")[-1].data["ok"] is True
    actions = events.of_kind("device.action")
    assert len(actions) > HOT_AFTER_ACTIONS  # steps ran after the switch
    switch_at = events.events.index(downshifts[0])
    assert any(events.events.index(a) < switch_at for a in actions)
    assert any(events.events.index(a) > switch_at for a in actions)
    assert result.plan is not None and len(result.plan.subtasks) == 2
    assert result.statuses == ["done", "done"]
    # energy was accounted per call, per subtask and per task, each labelled
    # an llm span exists only where a model ran: here the prior gate answers every choice (no
    # planning call is paid for any more), so only tool, subtask and task spans are certain
    assert {e.kind for e in events.events} >= {"energy.tool", "energy.subtask", "energy.task"}
    assert all(e.data["kind"] == "estimated" for e in events.of_kind("energy.task"))


def test_the_switcher_applies_perception_and_the_gate_to_the_running_agent(tmp_path):
    from pocketpilot.runtime.energy.config_space import Perception, RuntimeConfig
    from pocketpilot.runtime.energy.policy import StaticPolicy
    from pocketpilot.runtime.perception import PerceivingDevice

    phone, events = VirtualPhone(), EventCollector()
    meter = EnergyMeter(PROFILES["phone-big-core"])
    lexical = LexicalBackend()
    config = RuntimeConfig(perception=Perception.BOTH, gate=2.0)
    switcher = Switcher(StaticPolicy(config), lambda c: lexical, phone, meter, on_event=events)
    seams = switcher.attach(Seams(backend=None, device=phone, on_event=events))
    assert isinstance(seams.device, PerceivingDevice) and seams.device.mode is Perception.BOTH
    agent = Agent(seams, tmp_path / "checkpoints.sqlite")
    try:
        result = agent.run("Turn on Bluetooth in Settings", run_id="perceiving")
    finally:
        agent.close()
    switcher.finish()
    assert result.success and phone.state_dict()["settings"]["bluetooth"] is True
    assert events.of_kind("perception.ocr")  # every step looked through OCR as well as the tree
    assert switcher.backend.gated >= 1  # the gate answered the sure choices without a call
