"""The sensitive-action gate: send, pay, delete, share and security changes need confirmation.

Classification is lexical over what the action touches (the element's label, description and
resource id, and the text typed), so it works on apps never seen before. The user can allow
categories up front (``--allow-sensitive`` allows all); everything else is confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Sensitive(StrEnum):
    SEND = "send"
    PAY = "pay"
    DELETE = "delete"
    SHARE = "share"
    SECURITY = "security"


_PATTERNS: dict[Sensitive, re.Pattern] = {
    Sensitive.SEND: re.compile(r"\b(send|sms|post|reply|submit|call|dial)\b", re.I),
    Sensitive.PAY: re.compile(r"\b(pay|buy|purchase|checkout|order|transfer|subscribe)\b", re.I),
    Sensitive.DELETE: re.compile(
        # 'format' wipes only as a verb on storage: a '24-hour format' or 'date format' wipes nothing
        r"\b(delete|remove|erase|clear all|discard|uninstall|trash|reset|wipe|"
        r"format (?:the |this |your )?(?:phone|device|storage|sd card|card|disk|drive|usb))\b", re.I
    ),
    Sensitive.SHARE: re.compile(r"\b(share|export|forward|upload)\b", re.I),
    Sensitive.SECURITY: re.compile(
        # changing how the phone is secured; a note or file merely titled "Wi-Fi password" is not
        r"\b((?:change|set|reset|remove|disable|turn off) (?:the )?(?:password|pin)|screen lock|lock ?screen|"
        r"fingerprint|face unlock|security|permission|allow|grant|sign ?out|log ?out|developer options|"
        r"unknown sources)\b",
        re.I,
    ),
}


def classify(target_text: str) -> Sensitive | None:
    """The first sensitive category ``target_text`` falls into, or None."""
    for category, pattern in _PATTERNS.items():
        if pattern.search(target_text.replace("_", " ")):
            return category
    return None


# What a task says when it asks for a category: "text Mom" asks to send, as "remove" asks to delete.
_ASKS: dict[Sensitive, re.Pattern] = {
    Sensitive.SEND: re.compile(r"\b(send|text|message|email|e-mail|sms|tell|reply|call|dial|post)\b", re.I),
    Sensitive.PAY: re.compile(r"\b(pay|buy|purchase|order|checkout|transfer|subscribe)\b", re.I),
    Sensitive.DELETE: re.compile(r"\b(delete|remove|erase|clear|discard|trash|uninstall|wipe)\b", re.I),
    Sensitive.SHARE: re.compile(r"\b(share|forward|export|upload)\b", re.I),
    Sensitive.SECURITY: _PATTERNS[Sensitive.SECURITY],
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
