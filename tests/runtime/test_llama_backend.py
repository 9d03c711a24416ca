"""The llama.cpp backend on the real bundled model: retention never changes a completion."""

from __future__ import annotations

import pytest

from pocketpilot.devices.events import EventCollector
from pocketpilot.runtime.backend import Message
from pocketpilot.runtime.errors import ContextOverflow, ModelLoadError, SchemaError
from pocketpilot.runtime.kv_slots import SlotPolicy
from pocketpilot.runtime.llama_backend import LlamaCppBackend
from pocketpilot.runtime.llama_engine import LlamaConfig

pytestmark = pytest.mark.model

SYSTEM = Message("system", "You control an Android phone. Reply with one JSON action. " * 8)
ACTION = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": ["tap", "type", "back", "done"]},
        "target": {"type": "integer", "minimum": 0, "maximum": 20},
        "text": {"type": "string", "maxLength": 12},
    },
    "required": ["action", "target"],
}
SCREENS = [
    "[1] Settings [2] Wi-Fi [3] Bluetooth",
    "[1] Search field [2] Keyboard [3] Back",
    "[4] Send [5] Message text [6] Contacts",
    "[7] Alarm [8] Timer [9] Stopwatch",
]


def _turn(i: int) -> Message:
    return Message("user", f"Task: step {i}. Screen: {SCREENS[i % len(SCREENS)]}")


@pytest.mark.parametrize("screen", range(len(SCREENS)))
def test_constrained_json_always_parses_and_fits_the_schema(retained_backend, screen):
    done = retained_backend.complete(
        f"json-{screen}", [SYSTEM, _turn(screen)], schema=ACTION, max_tokens=40
    )
    assert done.parsed["action"] in ACTION["properties"]["action"]["enum"]
    assert isinstance(done.parsed["target"], int) and 0 <= done.parsed["target"] <= 20
    assert len(done.parsed.get("text", "")) <= 12


def test_same_prompt_gives_same_completion_with_and_without_retention(
    retained_backend, plain_backend
):
    histories = {"planner": [SYSTEM], "executor": [SYSTEM]}
    plain = {"planner": [SYSTEM], "executor": [SYSTEM]}
    for i in range(3):
        for program in ("planner", "executor"):
            histories[program].append(_turn(i))
            plain[program].append(_turn(i))
            a = retained_backend.complete(f"same-{program}", histories[program], max_tokens=12)
            b = plain_backend.complete(f"same-{program}", plain[program], max_tokens=12)
            assert a.text == b.text
            histories[program].append(Message("assistant", a.text))
            plain[program].append(Message("assistant", b.text))
    assert a.usage.reused_tokens > 0 and b.usage.reused_tokens == 0


def test_a_turn_prefills_only_its_new_tokens(retained_backend):
    history = [SYSTEM, _turn(0)]
    first = retained_backend.complete("incremental", history, max_tokens=8)
    history += [Message("assistant", first.text), _turn(1)]
    second = retained_backend.complete("incremental", history, max_tokens=8)
    new = second.usage.prompt_tokens - first.usage.prompt_tokens - first.usage.generated_tokens
    # the reply's KV came from one-token steps: it is prefilled again, batched with the new turn
    assert 0 < second.usage.recomputed_tokens <= first.usage.generated_tokens
    assert second.usage.prefilled_tokens - second.usage.recomputed_tokens <= new + 2


def test_without_exact_replies_a_turn_keeps_the_reply_kv(model_config):
    with LlamaCppBackend(model_config, exact_replies=False) as backend:
        history = [SYSTEM, _turn(0)]
        first = backend.complete("loose", history, max_tokens=8)
        history += [Message("assistant", first.text), _turn(1)]
        second = backend.complete("loose", history, max_tokens=8)
    new = second.usage.prompt_tokens - first.usage.prompt_tokens - first.usage.generated_tokens
    assert second.usage.recomputed_tokens == 0
    assert second.usage.prefilled_tokens <= new + 2


def test_shared_system_prompt_is_reused_by_a_new_program(retained_backend):
    retained_backend.complete("share-a", [SYSTEM, _turn(0)], max_tokens=4)
    other = retained_backend.complete("share-b", [SYSTEM, _turn(1)], max_tokens=4)
    system_tokens = len(retained_backend.prompt_tokens([SYSTEM]))
    assert other.usage.reused_tokens >= system_tokens - 4


@pytest.mark.parametrize("spill", [True, False], ids=["spill-restore", "drop-recompute"])
def test_evicting_a_slot_never_changes_the_completion(tmp_path, plain_backend, model_config, spill):
    events = EventCollector()
    policy = SlotPolicy(spill_dir=tmp_path)
    with LlamaCppBackend(model_config, policy=policy, on_event=events) as backend:
        history = [SYSTEM, _turn(2)]
        first = backend.complete("evicted", history, max_tokens=10)
        history += [Message("assistant", first.text), _turn(3)]
        backend.evict("evicted", spill=spill)
        after = backend.complete("evicted", history, max_tokens=10)
    reference = plain_backend.complete("evicted-ref", history, max_tokens=10)
    assert after.text == reference.text
    if spill:
        assert [e.data["ok"] for e in events.of_kind("kv.restore")] == [True]
        assert after.usage.reused_tokens > 0
    else:
        assert events.of_kind("kv.evict") and after.usage.reused_tokens == 0


def test_budget_pressure_spills_least_recently_used_slot(tmp_path):
    events = EventCollector()
    config = LlamaConfig(n_ctx=512, n_slots=2, n_threads=1, n_threads_batch=2)
    with LlamaCppBackend(config, policy=SlotPolicy(spill_dir=tmp_path), on_event=events) as b:
        for program in ("p1", "p2", "p3"):
            b.complete(program, [SYSTEM, _turn(0)], max_tokens=2)
    assert [e.data["program"] for e in events.of_kind("kv.spill")] == ["p1"]


def test_corrupt_gguf_file_gives_a_clear_error(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"PK\x03\x04" + b"\0" * 64)
    with pytest.raises(ModelLoadError, match=r"not GGUF .*b'PK\\x03\\x04'.*--model"):
        LlamaCppBackend(LlamaConfig(model_path=fake)).load()


def test_truncated_gguf_file_gives_a_clear_error(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\xff" * 40)
    with pytest.raises(ModelLoadError, match=r"corrupt or unsupported GGUF.*--model"):
        LlamaCppBackend(LlamaConfig(model_path=fake)).load()


def test_context_overflow_says_how_to_fix_it(retained_backend):
    long = Message("user", "word " * 1200)
    with pytest.raises(ContextOverflow, match="raise n_ctx"):
        retained_backend.complete("overflow", [SYSTEM, long], max_tokens=8)


def test_unconvertible_schema_fails_loudly(retained_backend):
    with pytest.raises(SchemaError):
        retained_backend.complete("bad-schema", [SYSTEM, _turn(0)],
                                  schema={"$ref": "https://example.com/remote.json"})


def test_llm_call_event_reports_usage_and_slot_state(retained_backend):
    events = EventCollector()
    retained_backend.emit = events
    try:
        retained_backend.complete("evented", [SYSTEM, _turn(1)], max_tokens=4)
    finally:
        retained_backend.emit = lambda e: None
    (call,) = events.of_kind("llm.call")
    assert call.data["program"] == "evented"
    assert {"prompt_tokens", "prefilled_tokens", "reused_tokens", "generated_tokens", "ttft_s",
            "decode_tokens_per_s", "slot"} <= call.data.keys()


def test_an_enum_prior_weighs_the_models_choice_and_the_grammar_still_holds(retained_backend):
    question = [SYSTEM, Message("user", "Which option? A) tap Wi-Fi B) tap Bluetooth C) go back. Reply JSON.")]
    plain = {"type": "object", "properties": {"choice": {"enum": ["A", "B", "C"]}}, "required": ["choice"]}
    free = retained_backend.complete("prior-free", question, schema=plain, max_tokens=12)
    others = [c for c in "ABC" if c != free.parsed["choice"]]
    weighted = {**plain, "properties": {"choice": {"enum": ["A", "B", "C"],
                                                    "x-prior": [0.0 if c == others[0] else -30.0 for c in "ABC"]}}}
    nudged = retained_backend.complete("prior-weighted", question, schema=weighted, max_tokens=12)
    assert nudged.parsed == {"choice": others[0]}  # a strong prior overrides the model's own pick
    mild = {**plain, "properties": {"choice": {"enum": ["A", "B", "C"], "x-prior": [-0.01, -0.01, -0.01]}}}
    assert retained_backend.complete("prior-flat", question, schema=mild, max_tokens=12).parsed == free.parsed
