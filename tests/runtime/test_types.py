"""Message, Usage and Completion round-trip through JSON (planner and run records store them)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from pocketpilot.runtime.backend import Backend, Completion, Message, Role, Usage
from pocketpilot.runtime.errors import BackendError
from pocketpilot.runtime.llama_backend import LlamaCppBackend
from pocketpilot.runtime.scripted import ScriptedBackend

usages = st.builds(
    Usage,
    prompt_tokens=st.integers(0, 10**6), prefilled_tokens=st.integers(0, 10**6),
    reused_tokens=st.integers(0, 10**6), generated_tokens=st.integers(0, 10**4),
    ttft_s=st.floats(0, 1e4), decode_tokens_per_s=st.floats(0, 1e4), wall_s=st.floats(0, 1e4),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@given(usages)
def test_usage_round_trips_through_json(usage):
    assert Usage.from_dict(json.loads(json.dumps(usage.to_dict()))) == usage


@given(st.text(), usages, json_values, st.sampled_from(["stop", "length"]))
def test_completion_round_trips_through_json(text, usage, parsed, finish):
    done = Completion(program="p", text=text, usage=usage, parsed=parsed, finish_reason=finish)
    assert Completion.from_dict(json.loads(json.dumps(done.to_dict()))) == done


def test_message_round_trips_and_roles_are_str_enums():
    msg = Message("user", "hi")
    assert msg.role is Role.USER and Message.from_dict(msg.to_dict()) == msg
    assert json.dumps(msg.to_dict()) == '{"role": "user", "content": "hi"}'


def test_backends_implement_the_protocol():
    assert isinstance(LlamaCppBackend(), Backend)
    assert isinstance(ScriptedBackend(_empty()), Backend)


def test_every_runtime_error_is_a_backend_error():
    from pocketpilot.devices.errors import PocketpilotError
    from pocketpilot.runtime import errors

    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    assert all(issubclass(c, BackendError) for c in classes if c is not PocketpilotError
               and c is not BackendError)
    assert issubclass(BackendError, PocketpilotError)


def _empty():
    from pocketpilot.runtime.scripted import Recording

    return Recording()
