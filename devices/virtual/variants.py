"""Deterministic perturbations of the virtual apps, so nothing above the device can lean on exact
strings or pixel positions: label synonyms, icon-only buttons, menu order, layout offsets and
one-time dialogs, all derived from one number (0 = the canonical look).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

# key -> synonyms; variant 0 uses the first. Resource ids stay fixed, as across app versions.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "send": ("Send", "Send message", "Send SMS"),
    "new_chat": ("Start chat", "New message", "New conversation"),
    "to_hint": ("Type name, phone number, or email", "To", "Search contacts or number"),
    "message_hint": ("Text message", "Message", "Type a message"),
    "search_contacts": ("Search contacts", "Search", "Find contacts"),
    "create_contact": ("Create contact", "Add contact", "New contact"),
    "add_alarm": ("Add alarm", "New alarm", "Create alarm"),
    "save": ("Save", "Done", "OK"),
    "cancel": ("Cancel", "Discard", "Close"),
    "delete": ("Delete", "Remove", "Move to trash"),
    "new_note": ("Take a note", "New note", "Add note"),
    "search_notes": ("Search notes", "Search your notes", "Search"),
    "new_event": ("Create event", "New event", "Add event"),
    "add_item": ("Add item", "New item", "Add to list"),
    "share": ("Share", "Send to", "Share file"),
    "start": ("Start", "Start timer", "Go"),
    "message_action": ("Message", "Text", "Send message"),
    "call_action": ("Call", "Phone", "Voice call"),
    "got_it": ("Got it", "OK", "Dismiss"),
}
# Buttons some variants draw as an icon with only a content description.
_ICONABLE = ("send", "add_alarm", "new_note", "add_item", "share", "delete")
# App packages that may greet their first launch with a one-time tip.
_TIP_APPS = (
    "com.google.android.apps.messaging",
    "com.example.notes",
    "com.android.deskclock",
    "com.example.shopping",
)


@dataclass(frozen=True)
class Variant:
    """How variant ``number`` looks; build with ``Variant.of(number)``."""

    number: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    icon_only: frozenset[str] = frozenset()
    top_offset: int = 0  # extra px above app content (taller toolbars)
    row_height: int = 176  # px per list row at 1080 wide
    tips: frozenset[str] = frozenset()  # packages showing a one-time tip dialog
    contacts_permission_prompt: bool = False

    @classmethod
    def of(cls, number: int) -> Variant:
        if number == 0:
            return cls()
        rng = random.Random(f"pocketpilot-variant-{number}")
        labels = {key: rng.choice(words) for key, words in SYNONYMS.items()}
        return cls(
            number=number,
            labels=labels,
            icon_only=frozenset(k for k in _ICONABLE if rng.random() < 0.4),
            top_offset=rng.choice((0, 16, 32, 56)),
            row_height=rng.choice((160, 176, 192, 208)),
            tips=frozenset(p for p in _TIP_APPS if rng.random() < 0.5),
            contacts_permission_prompt=rng.random() < 0.5,
        )

    def label(self, key: str) -> str:
        return self.labels.get(key) or SYNONYMS[key][0]

    def order(self, items: Sequence[T], salt: str) -> list[T]:
        """``items`` in this variant's order for the menu named ``salt`` (unchanged in variant 0)."""
        out = list(items)
        if self.number:
            random.Random(f"{self.number}-{salt}").shuffle(out)
        return out
