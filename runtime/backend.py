"""The ``Backend`` seam: one method, ``complete``, keyed by the program whose KV cache is kept.

Everything above the runtime sees only ``Message``, ``Completion`` and ``Usage``; sequence ids,
state bytes and grammars stay inside the adapters.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable


class Role(enum.StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role.value, "content": self.content}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        return cls(role=Role(data["role"]), content=str(data["content"]))


@dataclass(frozen=True)
class Usage:
    """What one call cost: prefilled + reused = prompt tokens; times in seconds."""

    prompt_tokens: int = 0
    prefilled_tokens: int = 0
    reused_tokens: int = 0
    recomputed_tokens: int = 0  # of the prefilled ones: a reply the slot held, prefilled again in a batch
    generated_tokens: int = 0
    ttft_s: float = 0.0
    decode_tokens_per_s: float = 0.0
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Usage:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Completion:
    """A reply: ``parsed`` holds the JSON value when a schema constrained it, else None."""

    program: str
    text: str
    usage: Usage = field(default_factory=Usage)
    parsed: Any = None
    finish_reason: str = "stop"  # "stop" | "length"
    answered_by: str = "model"  # "model" | "prior": the caller's own prior was sure (runtime/prior_gate.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "text": self.text,
            "parsed": self.parsed,
            "finish_reason": self.finish_reason,
            "answered_by": self.answered_by,
            "usage": self.usage.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Completion:
        return cls(
            program=data["program"],
            text=data["text"],
            parsed=data.get("parsed"),
            finish_reason=data.get("finish_reason", "stop"),
            answered_by=data.get("answered_by", "model"),
            usage=Usage.from_dict(data.get("usage", {})),
        )


@runtime_checkable
class Backend(Protocol):
    """A model that completes chats; ``program`` names the conversation whose KV is kept."""

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
    ) -> Completion: ...


class Purpose(enum.StrEnum):
    """Why a caller asks the model: a router may send it to a stronger or a cheaper variant."""

    PLAN = "plan"  # decomposing a task: one call that shapes the whole run
    VERIFY = "verify"  # checking that a step or a task did what it should
    STEP = "step"  # choosing the next action on a screen


@runtime_checkable
class VariantRouting(Protocol):
    """A backend holding several model variants; the caller names the purpose of its next call."""

    def for_purpose(self, purpose: Purpose, *, unsure: bool = False) -> Backend: ...
