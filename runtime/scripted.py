"""``ScriptedBackend``: completions recorded from a real backend, replayed deterministically.

Recordings are keyed by program and everything that determines the reply (messages, schema,
max_tokens, stop, temperature, seed), so a replay answers only what was really asked; usage is
replayed too, so cost accounting in tests and scenario replays matches the recorded run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.runtime.backend import Backend, Completion, Message
from pocketpilot.runtime.errors import BackendError, RecordingMissing

FORMAT_VERSION = 1


def prompt_key(
    program: str,
    messages: Sequence[Message],
    *,
    schema: dict[str, Any] | None,
    max_tokens: int,
    stop: Sequence[str],
    temperature: float,
    seed: int,
) -> str:
    payload = {
        "program": program,
        "messages": [m.to_dict() for m in messages],
        "schema": schema,
        "max_tokens": max_tokens,
        "stop": list(stop),
        "temperature": temperature,
        "seed": seed,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass
class Recording:
    """key -> Completion, as a JSON file (``{"version": 1, "entries": [...]}``)."""

    entries: dict[str, Completion] = field(default_factory=dict)
    path: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION,
                "entries": [{"key": k, "completion": c.to_dict()} for k, c in self.entries.items()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | None = None) -> Recording:
        if data.get("version") != FORMAT_VERSION:
            raise BackendError(f"recording format {data.get('version')!r} is not {FORMAT_VERSION}; "
                               "re-record it")
        return cls({e["key"]: Completion.from_dict(e["completion"]) for e in data["entries"]}, path)

    @classmethod
    def load(cls, path: Path | str) -> Recording:
        path = Path(path)
        try:
            return cls.from_dict(json.loads(path.read_text()), path)
        except (OSError, json.JSONDecodeError, KeyError) as exc:
            raise BackendError(f"cannot read recording {path}: {exc}; re-record it") from exc

    def save(self, path: Path | str | None = None) -> Path:
        target = Path(path or self.path or "recording.json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.to_dict(), indent=1))
        self.path = target
        return target


class ScriptedBackend:
    """Replays a Recording; an unrecorded prompt raises RecordingMissing (never guesses)."""

    def __init__(self, recording: Recording | Path | str, *, on_event: EventSink | None = None):
        self.recording = recording if isinstance(recording, Recording) else Recording.load(recording)
        self.emit = on_event or discard

    def complete(
        self,
        program: str,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 128,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        seed: int = 0,
    ) -> Completion:
        key = prompt_key(program, messages, schema=schema, max_tokens=max_tokens, stop=stop,
                         temperature=temperature, seed=seed)
        done = self.recording.entries.get(key)
        if done is None:
            raise RecordingMissing(program, key, str(self.recording.path or "<memory>"))
        self.emit(Event("llm.call", {"program": program, "slot": "scripted", **done.usage.to_dict()}))
        return done


class RecordingBackend:
    """Wraps a real Backend and records every completion it returns."""

    def __init__(self, inner: Backend, recording: Recording | None = None) -> None:
        self.inner = inner
        self.recording = recording or Recording()

    def complete(
        self,
        program: str,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 128,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        seed: int = 0,
    ) -> Completion:
        done = self.inner.complete(program, messages, schema=schema, max_tokens=max_tokens,
                                   stop=stop, temperature=temperature, seed=seed)
        key = prompt_key(program, messages, schema=schema, max_tokens=max_tokens, stop=stop,
                         temperature=temperature, seed=seed)
        self.recording.entries[key] = done
        return done
