"""From a ``Screen`` to memory records, and back: page snapshots, descriptions and locators.

Everything here is generic (package, activity, element roles and labels); no app knowledge.
``resolve`` re-finds a learned element on a new dump of the page, so a remembered action can be
expressed against the element ids the executor sees now.
"""

from __future__ import annotations

import re
from collections import Counter

from pocketpilot.devices.screen import Element, Screen
from pocketpilot.memory.model import Locator, Page, PageElement, normalize_text

_WORD = re.compile(r"[^\W_]+")
_MAX_SNAPSHOT = 60
_MAX_DESCRIPTION = 240


def _rel(element: Element, screen: Screen) -> tuple[float, float]:
    width, height = screen.size
    x, y = element.bounds.center
    return (round(x / width, 4) if width else 0.5, round(y / height, 4) if height else 0.5)


def _flags(element: Element) -> str:
    return "".join(letter for letter, on in (
        ("c", element.clickable), ("l", element.long_clickable), ("s", element.scrollable),
        ("e", element.editable), ("k", element.checkable)) if on)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1].split(":id/", 1)[-1]


def snapshot(screen: Screen) -> tuple[PageElement, ...]:
    """The compact element list kept per page (capped: long lists say nothing more)."""
    out = []
    for element in screen.elements[:_MAX_SNAPSHOT]:
        rel_x, rel_y = _rel(element, screen)
        label = element.desc if element.editable else element.label
        out.append(PageElement(label[:60], _short(element.resource_id), _short(element.class_name),
                               _flags(element), rel_x, rel_y))
    return tuple(out)


def describe(screen: Screen) -> str:
    """A short functional description: app, activity, title-like texts, fields, buttons."""
    parts = [screen.package.rsplit(".", 1)[-1]]
    if screen.activity:
        parts[0] += " / " + screen.activity.rsplit(".", 1)[-1]
    height = screen.size[1] or 1
    titles = [e.label for e in screen.elements
              if not e.actionable and e.label and e.bounds.top < height * 0.2][:2]
    fields = [e.desc or _short(e.resource_id) for e in screen.elements if e.editable]
    buttons = [e.label for e in screen.elements
               if (e.clickable or e.checkable) and not e.editable and e.label]
    if titles:
        parts.append("title: " + ", ".join(titles))
    if fields:
        parts.append("fields: " + ", ".join(f for f in fields if f)[:80])
    if buttons:
        parts.append("actions: " + ", ".join(buttons[:8]))
    text = "; ".join(p for p in parts if p)
    return text[:_MAX_DESCRIPTION]


def page_from_screen(screen: Screen) -> Page:
    return Page(signature=screen.signature, app=screen.package, activity=screen.activity,
                description=describe(screen), elements=snapshot(screen))


def search_text(page: Page) -> str:
    """What the lexical index sees of a page: description, labels and resource-id words."""
    words = [page.description]
    for element in page.elements:
        words.append(element.label)
        if element.resource_id:
            words.append(element.resource_id.replace("_", " "))
    return " ".join(w for w in words if w)


def locator_for(screen: Screen, element_id: int | None, point: tuple[int, int] | None = None,
                ) -> Locator | None:
    """The locator of the element an action targeted (by id, or the element under a point)."""
    element = None
    if element_id is not None:
        try:
            element = screen.element(element_id)
        except KeyError:
            return None
    elif point is not None:
        hits = [e for e in screen.elements if e.bounds.contains(*point)]
        element = min(hits, key=lambda e: e.bounds.area) if hits else None
        if element is None:
            width, height = screen.size
            return Locator(rel_x=point[0] / (width or 1), rel_y=point[1] / (height or 1))
    if element is None:
        return None
    rel_x, rel_y = _rel(element, screen)
    text = element.label if not element.editable else ""
    return Locator(resource_id=element.resource_id, text=text, desc=element.desc,
                   class_name=element.class_name, rel_x=rel_x, rel_y=rel_y)


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(normalize_text(text)))


def _score(locator: Locator, element: Element, screen: Screen, shared: frozenset[str]) -> float:
    """Match score of one element: identity features first, position breaks ties.

    A resource id held by several elements of the screen (every row of a list) names a kind of
    control, not a control: it only nudges, so a row scrolled out of view is not mistaken for
    the row that took its place.
    """
    score = 0.0
    if locator.resource_id:
        same = element.resource_id == locator.resource_id
        score += (0.5 if locator.resource_id in shared else 3.0) if same else -1.0
    if locator.text:
        # Token overlap, not equality: a row's label also carries dynamic parts ("Wi-Fi · On").
        have, wanted = _tokens(element.label), _tokens(locator.text)
        overlap = len(have & wanted) / len(have | wanted) if have and wanted else 0.0
        score += 3.0 * overlap if overlap else -1.0
    if locator.desc:
        score += 2.0 if element.desc == locator.desc else 0.0
    if locator.class_name:
        score += 1.0 if element.class_name == locator.class_name else -0.5
    rel_x, rel_y = _rel(element, screen)
    distance = abs(rel_x - locator.rel_x) + abs(rel_y - locator.rel_y)
    return score + max(0.0, 1.0 - 2.0 * distance)


def _best_possible(locator: Locator, shared: frozenset[str]) -> float:
    by_id = (0.5 if locator.resource_id in shared else 3.0) if locator.resource_id else 0.0
    return (by_id + 3.0 * bool(locator.text) + 2.0 * bool(locator.desc)
            + 1.0 * bool(locator.class_name) + 1.0)


def resolve(locator: Locator, screen: Screen) -> tuple[Element | None, float]:
    """The element of ``screen`` the locator most likely means, and a 0..1 match quality.

    Returns ``(None, 0.0)`` when nothing matches its identity features (a resource id or a label
    that is not there); position alone never picks an element for a non-positional locator.
    """
    counts = Counter(e.resource_id for e in screen.elements if e.resource_id)
    shared = frozenset(rid for rid, n in counts.items() if n > 1)
    best, best_score = None, float("-inf")
    for element in screen.elements:
        score = _score(locator, element, screen, shared)
        if score > best_score:
            best, best_score = element, score
    if best is None:
        return None, 0.0
    identity = best_score - max(0.0, 1.0 - 2.0 * (abs(_rel(best, screen)[0] - locator.rel_x)
                                                  + abs(_rel(best, screen)[1] - locator.rel_y)))
    if not locator.is_positional and identity < 2.0:
        return None, 0.0
    if locator.is_positional and best_score < 0.5:
        return None, 0.0
    return best, max(0.0, min(1.0, best_score / _best_possible(locator, shared)))


def bind_action(template: dict, locator: Locator | None, screen: Screen) -> tuple[dict, str, float] | None:
    """A remembered action template re-expressed on ``screen``: (action dict, label, match).

    Actions without a target (back, launch, a plain scroll) bind as they are; a targeted action
    whose element cannot be found returns None rather than a guess.
    """
    action = {k: v for k, v in template.items() if k != "element"}
    if locator is None:
        return action, "", 1.0
    element, match = resolve(locator, screen)
    if element is None:
        if locator.is_positional and template.get("kind") in {"tap", "long_press"}:
            width, height = screen.size
            action.update(x=int(locator.rel_x * width), y=int(locator.rel_y * height))
            return action, "", 0.3
        return None
    action["element"] = element.id
    return action, element.label or element.desc or _short(element.resource_id), match
