"""The sensitive-action gate: send, pay, delete, share and security changes need confirmation.

What a control may do is ``devices/sensitive.py``'s one list (shared with exploration); this
module adds what a task says when it asks for a category, and the user's policy. The user can allow
categories up front (``--allow-sensitive`` allows all); everything else is confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pocketpilot.devices.sensitive import PATTERNS, Sensitive, classify

__all__ = ["Sensitive", "SensitivePolicy", "categories", "classify"]


# What a task says when it asks for a category: "text Mom" asks to send, as "remove" asks to delete.
_ASKS: dict[Sensitive, re.Pattern] = {
    Sensitive.SEND: re.compile(r"\b(send|text|message|email|e-mail|sms|tell|reply|call|dial|post)\b", re.I),
    Sensitive.PAY: re.compile(r"\b(pay|buy|purchase|order|checkout|transfer|subscribe)\b", re.I),
    Sensitive.DELETE: re.compile(r"\b(delete|remove|erase|clear|discard|trash|uninstall|wipe)\b", re.I),
    Sensitive.SHARE: re.compile(r"\b(share|forward|export|upload)\b", re.I),
    Sensitive.SECURITY: PATTERNS[Sensitive.SECURITY],
}


def categories(task_text: str) -> frozenset[Sensitive]:
    """Every sensitive category a task asks for (it may ask to delete and to send)."""
    return frozenset(c for c, pattern in _ASKS.items() if pattern.search(task_text.replace("_", " ")))


@dataclass(frozen=True)
class SensitivePolicy:
    """Which categories run without asking. ``allow_all`` is the user's ``--allow-sensitive``."""

    allow_all: bool = False
    allowed: frozenset[Sensitive] = field(default_factory=frozenset)

    def needs_confirmation(self, category: Sensitive | None) -> bool:
        return category is not None and not self.allow_all and category not in self.allowed

    def to_dict(self) -> dict:
        return {"allow_all": self.allow_all, "allowed": sorted(self.allowed)}

    @classmethod
    def from_dict(cls, data: dict) -> SensitivePolicy:
        return cls(bool(data.get("allow_all")), frozenset(Sensitive(c) for c in data.get("allowed", ())))
