"""What an action on a control may do that the user must confirm: the one list of sensitive words.

Matched on what a control says (label, description, id words) and on the text typed, so it
holds in apps never seen before. The run's gate asks before any category below. Exploration,
which only looks, stays off the same categories but security, whose words name pages as much as
acts (opening 'Security & privacy' or answering a permission prompt's 'Allow' changes nothing),
and off ``EXPLORATION_AVOIDS`` as well: controls that commit on the user's behalf (confirm,
accept, install, sign out).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Sensitive(StrEnum):
    SEND = "send"
    PAY = "pay"
    DELETE = "delete"
    SHARE = "share"
    SECURITY = "security"


PATTERNS: dict[Sensitive, re.Pattern] = {
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

# Not a category the run asks about, but more than looking: exploration never taps these.
EXPLORATION_AVOIDS = (
    "factory", "confirm", "forget", "block", "report", "publish", "accept", "install",
    "unsubscribe", "clear", "archive", "logout", "log out", "sign out",
)
_AVOIDED = re.compile(r"\b(" + "|".join(re.escape(w) for w in EXPLORATION_AVOIDS) + r")\b", re.I)


def classify(target_text: str) -> Sensitive | None:
    """The first sensitive category ``target_text`` falls into, or None."""
    for category, pattern in PATTERNS.items():
        if pattern.search(target_text.replace("_", " ")):
            return category
    return None


# Security names places as much as acts ('Security & privacy', 'Screen lock'): looking there
# changes nothing, so exploration may open them; what signs the user out it never taps.
_LOOKING_IS_SAFE = frozenset({Sensitive.SECURITY})


def beyond_looking(target_text: str) -> bool:
    """Tapping a control that says this may do something the user would have to confirm, beyond
    opening a page or letting the app use the phone's own data (a permission prompt's 'Allow')."""
    text = target_text.replace("_", " ")
    acts = any(pattern.search(text) for category, pattern in PATTERNS.items() if category not in _LOOKING_IS_SAFE)
    return acts or _AVOIDED.search(text) is not None
