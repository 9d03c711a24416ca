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
# Labels of the deeper app features (stopwatch, timers set for later, gallery, file copy/move,
# contact numbers, event and item details). A second generator draws them, so the variants
# drawn before they existed keep every earlier label, icon and offset.
MORE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "sw_start": ("Start", "Play", "Begin"),
    "sw_stop": ("Stop", "Pause", "Hold"),
    "lap": ("Lap", "Add lap", "Split"),
    "reset": ("Reset", "Clear", "Reset stopwatch"),
    "set_timer": ("Add timer", "Save timer", "Set timer"),
    "add_phone": ("Add phone", "Add number", "Another number"),
    "copy_to": ("Copy to", "Copy to folder", "Duplicate to"),
    "move_to": ("Move to", "Move to folder", "Move"),
    "new_folder": ("New folder", "Create folder", "Add folder"),
    "create": ("Create", "OK", "Make folder"),
    "repeat": ("Repeat", "Repeats", "Recurrence"),
    "all_day": ("All-day", "All day", "Whole day"),
}
# Buttons some variants draw as an icon with only a content description.
_ICONABLE = ("send", "add_alarm", "new_note", "add_item", "share", "delete")
_MORE_ICONABLE = ("set_timer", "new_folder", "add_phone")
# App packages that may greet their first launch with a one-time tip.
_TIP_APPS = (
    "com.google.android.apps.messaging",
    "com.example.notes",
    "com.android.deskclock",
    "com.example.shopping",
)
_MORE_TIP_APPS = ("com.android.gallery3d",)


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
    one_letter_days: bool = False  # alarm day chips read "M T W ..." (each keeps its full name)
    gallery_columns: int = 3

    @classmethod
    def of(cls, number: int) -> Variant:
        if number == 0:
            return cls()
        rng = random.Random(f"pocketpilot-variant-{number}")
        more = random.Random(f"pocketpilot-variant-{number}-depth")  # for the later parts
        labels = {key: rng.choice(words) for key, words in SYNONYMS.items()}
        labels.update({key: more.choice(words) for key, words in MORE_SYNONYMS.items()})
        icon_only = frozenset(k for k in _ICONABLE if rng.random() < 0.4)
        top_offset = rng.choice((0, 16, 32, 56))
        row_height = rng.choice((160, 176, 192, 208))
        tips = frozenset(p for p in _TIP_APPS if rng.random() < 0.5)
        contacts_permission_prompt = rng.random() < 0.5
        return cls(
            number=number,
            labels=labels,
            icon_only=icon_only | {k for k in _MORE_ICONABLE if more.random() < 0.4},
            top_offset=top_offset,
            row_height=row_height,
            tips=tips | {p for p in _MORE_TIP_APPS if more.random() < 0.5},
            contacts_permission_prompt=contacts_permission_prompt,
            one_letter_days=more.random() < 0.5,
            gallery_columns=more.choice((2, 3, 4)),
        )

    def label(self, key: str) -> str:
        return self.labels.get(key) or {**SYNONYMS, **MORE_SYNONYMS}[key][0]

    def order(self, items: Sequence[T], salt: str) -> list[T]:
        """``items`` in this variant's order for the menu named ``salt`` (unchanged in variant 0)."""
        out = list(items)
        if self.number:
            random.Random(f"{self.number}-{salt}").shuffle(out)
        return out
