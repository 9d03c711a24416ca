"""Action-level reflection: did the screen react to a step, and how (another page, or new content)?

Subtask and task verdicts come from evidence on screen (``planner.verdict``).
"""

from __future__ import annotations

from pocketpilot.devices.screen import Screen


def content_key(screen: Screen) -> str:
    """What the screen shows, beyond which page it is: labels, typed text, toggles, focus."""
    return repr([(e.label, e.text, e.checked, e.focused) for e in screen.elements])


def action_effect(before: Screen, after: Screen) -> str:
    """``page`` (another page), ``content`` (same page, different content) or ``none``."""
    if before.signature != after.signature:
        return "page"
    if content_key(before) != content_key(after):
        return "content"
    return "none"
