"""How related each control on a screen is to a goal: by what it says, and by what exploration
saw behind it.

A control is related when its own label means something the goal asks ('Dark theme' for 'switch
on dark mode'), or when memory knows it leads to a page that offers it ('Network & internet'
leads to 'Airplane mode'): a few levels deep, each level trusted a little less.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pocketpilot.devices.screen import Element, Screen
from pocketpilot.memory.describe import resolve
from pocketpilot.memory.store import MemoryStore
from pocketpilot.planner.meaning import Meaning
from pocketpilot.planner.route import topic_of

DEPTH = 3  # pages looked ahead through remembered edges
DECAY = 0.75  # a page one step further counts this much of what it offers
MATCH = 0.8  # how surely a remembered control must be the one on screen


@dataclass(frozen=True)
class Relevance:
    score: float  # relatedness of the control, or of the best thing it leads to
    because: str  # what matched: its own label, or a label on a page it leads to

    @property
    def via_memory(self) -> bool:
        return self.because.startswith("leads to ")


def control_text(element: Element) -> str:
    return " ".join(part for part in (element.label, element.desc) if part).strip()


def relevance(goal: str, screen: Screen, elements: Sequence[Element], meaning: Meaning,
              memory: MemoryStore | None = None) -> dict[int, Relevance]:
    """Per element id: how related it is to ``goal``, itself or through what lies behind it.
    What the goal does counts, not the values it carries (a time is no sign of a time setting)."""
    goal = topic_of(goal)
    texts = [control_text(e) for e in elements]
    own = dict(zip((e.id for e in elements), meaning.cosines(goal, texts), strict=True))
    out = {e.id: Relevance(own[e.id], text) for e, text in zip(elements, texts, strict=True)}
    if memory is None:
        return out
    here = {control_text(e) for e in screen.elements} | {e.label for e in screen.elements}
    ahead = _page_offers(goal, memory, meaning, screen.package, exclude=here, current=screen.signature)
    for edge in _edges_from(memory, screen):
        if edge.locator is None or edge.kind not in {"tap", "long_press"}:
            continue
        element, match = resolve(edge.locator, screen)
        if element is None or match < MATCH or element.id not in out:
            continue
        offered = ahead.get(edge.target)
        if offered is not None and DECAY * offered.score > out[element.id].score:
            out[element.id] = Relevance(DECAY * offered.score, f"leads to {offered.because!r}")
    return out


def _edges_from(memory: MemoryStore, screen: Screen):
    return [e for e in memory.app_edges(screen.package) if e.source == screen.signature]


def _page_offers(goal: str, memory: MemoryStore, meaning: Meaning, app: str,
                 exclude: set[str], current: str) -> dict[str, Relevance]:
    """Per page of ``app``: the best relatedness of a control on it or a few pages behind it,
    among controls not on the current screen (a tab bar every page shows leads nowhere new),
    never through the current page (every page's 'Navigate up' leads back to it)."""
    pages = {p.signature: p for p in memory.app_pages(app)}
    best: dict[str, Relevance] = {}
    for signature, page in pages.items():
        labels = [e.label for e in page.elements if e.label and e.label not in exclude]
        if labels:
            scores = meaning.cosines(goal, labels)
            i = max(range(len(labels)), key=scores.__getitem__)
            best[signature] = Relevance(scores[i], labels[i])
    edges = [e for e in memory.app_edges(app) if e.target in pages and e.source != e.target
             and current not in {e.source, e.target}]
    for _ in range(DEPTH - 1):
        for edge in edges:
            behind = best.get(edge.target)
            here = best.get(edge.source)
            if behind is not None and (here is None or DECAY * behind.score > here.score):
                best[edge.source] = Relevance(DECAY * behind.score, behind.because)
    return best
