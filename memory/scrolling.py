"""Lists while exploring: which containers scroll and which way, and what a screenful shows.

A list scrolled is the same page (its signature ignores list contents), so exploration tells
screenfuls apart by ``in_view``: the labels inside scrolling containers, with their places. Two
equal views mean the list stopped moving (its end), or that a position was restored.
"""

from __future__ import annotations

from pocketpilot.devices.actions import Direction
from pocketpilot.devices.screen import Element, Screen
from pocketpilot.memory.model import normalize_text

MAX_SCROLLS = 12  # screenfuls per container: a bound, for feeds that never end


def containers(screen: Screen, within: frozenset[int] | None = None) -> list[Element]:
    """Scrollable elements of the page (or of ``within``, element ids of a dialog), largest first."""
    found = [e for e in screen.elements if e.scrollable and e.enabled and not screen.is_chrome(e)
             and (within is None or e.id in within)]
    return sorted(found, key=lambda e: -e.bounds.area)


def direction(container: Element) -> Direction:
    """Which way the container's content runs: sideways for carousels and tab strips."""
    wide = container.bounds.width > 2 * container.bounds.height
    return Direction.RIGHT if "Horizontal" in container.class_name or wide else Direction.DOWN


def in_view(screen: Screen) -> tuple[tuple[str, int], ...]:
    """What the scrolling containers show now: each item's label (digits folded) and its top."""
    return tuple((normalize_text(e.label or e.desc), e.bounds.top)
                 for e in screen.elements if screen.in_list(e))
