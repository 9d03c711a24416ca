"""The records app memory holds: pages, action edges, task records, and what retrieval returns.

All are frozen dataclasses with ``to_dict``/``from_dict`` (the JSON export uses them). An edge
stores its action as a *template*: the ``action_to_dict`` form without the element id, because
element ids belong to one screen; the ``Locator`` says how to find the element again.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum

_DIGITS = re.compile(r"\d+")


class Source(StrEnum):
    """Where a step came from: an executed run, a scenario's gold trace, or exploration."""

    RUN = "run"
    GOLD = "gold"
    EXPLORE = "explore"


def normalize_text(text: str) -> str:
    """Lower-case, digits folded to ``#``, whitespace squeezed: dynamic numbers do not split keys."""
    return " ".join(_DIGITS.sub("#", text).lower().split())


@dataclass(frozen=True, slots=True)
class Locator:
    """How to find an element again on another dump of the page: never raw coordinates alone."""

    resource_id: str = ""
    text: str = ""
    desc: str = ""
    class_name: str = ""
    rel_x: float = 0.5  # element centre as a fraction of the screen width/height
    rel_y: float = 0.5

    @property
    def is_positional(self) -> bool:
        return not (self.resource_id or self.text or self.desc)

    def key(self) -> str:
        """Identity for de-duplicating edges; position only counts when nothing else does."""
        base = f"{self.resource_id}|{normalize_text(self.text)}|{normalize_text(self.desc)}|"
        base += self.class_name.rsplit(".", 1)[-1]
        if self.is_positional:
            base += f"|{round(self.rel_x * 20)},{round(self.rel_y * 20)}"
        return base

    def to_dict(self) -> dict:
        return {
            "resource_id": self.resource_id,
            "text": self.text,
            "desc": self.desc,
            "class": self.class_name,
            "rel": [round(self.rel_x, 4), round(self.rel_y, 4)],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Locator:
        rel = data.get("rel", [0.5, 0.5])
        return cls(
            resource_id=data.get("resource_id", ""),
            text=data.get("text", ""),
            desc=data.get("desc", ""),
            class_name=data.get("class", ""),
            rel_x=float(rel[0]),
            rel_y=float(rel[1]),
        )


@dataclass(frozen=True, slots=True)
class PageElement:
    """One element of a page snapshot: enough to describe the page and search it, no more."""

    label: str
    resource_id: str
    class_name: str
    flags: str  # c=clickable l=long-clickable s=scrollable e=editable k=checkable
    rel_x: float
    rel_y: float

    def to_list(self) -> list:
        return [self.label, self.resource_id, self.class_name, self.flags, self.rel_x, self.rel_y]

    @classmethod
    def from_list(cls, row: list) -> PageElement:
        label, resource_id, class_name, flags, rel_x, rel_y = row
        return cls(label, resource_id, class_name, flags, float(rel_x), float(rel_y))


@dataclass(frozen=True)
class Page:
    """A page node: one screen signature, whatever dynamic text it showed."""

    signature: str
    app: str
    activity: str = ""
    description: str = ""
    elements: tuple[PageElement, ...] = ()
    visits: int = 1

    def to_dict(self) -> dict:
        return {
            "signature": self.signature,
            "app": self.app,
            "activity": self.activity,
            "description": self.description,
            "elements": [e.to_list() for e in self.elements],
            "visits": self.visits,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Page:
        return cls(
            signature=data["signature"],
            app=data.get("app", ""),
            activity=data.get("activity", ""),
            description=data.get("description", ""),
            elements=tuple(PageElement.from_list(e) for e in data.get("elements", ())),
            visits=int(data.get("visits", 1)),
        )


@dataclass(frozen=True)
class Edge:
    """An action from one page to the page it led to, with how reliably and quickly it did."""

    id: str
    source: str
    target: str
    action: dict  # action_to_dict form without "element"
    locator: Locator | None = None
    successes: int = 0
    failures: int = 0
    mean_seconds: float = 0.0

    @property
    def kind(self) -> str:
        return str(self.action.get("kind", ""))

    @property
    def success_probability(self) -> float:
        """Laplace-smoothed, so an edge seen once is trusted but not certain."""
        return (self.successes + 1) / (self.successes + self.failures + 2)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "target": self.target,
            "action": dict(self.action),
            "locator": self.locator.to_dict() if self.locator else None,
            "successes": self.successes,
            "failures": self.failures,
            "mean_seconds": self.mean_seconds,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Edge:
        locator = data.get("locator")
        return cls(
            id=data["id"],
            source=data["source"],
            target=data["target"],
            action=dict(data["action"]),
            locator=Locator.from_dict(locator) if locator else None,
            successes=int(data.get("successes", 0)),
            failures=int(data.get("failures", 0)),
            mean_seconds=float(data.get("mean_seconds", 0.0)),
        )


def edge_weight(successes: int, failures: int, step_cost: float = 0.05) -> float:
    """Path cost of one edge: -log(success probability) plus a small per-step cost."""
    return -math.log((successes + 1) / (successes + failures + 2)) + step_cost


@dataclass(frozen=True)
class TaskRecord:
    """A (sub)task and the edges, in order, of the attempt that tried it."""

    id: int
    task_text: str
    subtask_text: str
    edge_ids: tuple[str, ...]
    success: bool

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "task_text": self.task_text,
            "subtask_text": self.subtask_text,
            "edge_ids": list(self.edge_ids),
            "success": self.success,
        }

    @classmethod
    def from_dict(cls, data: dict) -> TaskRecord:
        return cls(
            id=int(data.get("id", 0)),
            task_text=data["task_text"],
            subtask_text=data.get("subtask_text", ""),
            edge_ids=tuple(data.get("edge_ids", ())),
            success=bool(data["success"]),
        )


@dataclass(frozen=True, slots=True)
class PageHit:
    """A page that retrieval found relevant to a text, with its score (higher is better)."""

    signature: str
    app: str
    description: str
    score: float

    def to_dict(self) -> dict:
        return {"signature": self.signature, "app": self.app, "description": self.description,
                "score": self.score}

    @classmethod
    def from_dict(cls, data: dict) -> PageHit:
        return cls(data["signature"], data["app"], data["description"], float(data["score"]))


@dataclass(frozen=True)
class SuggestedAction:
    """The next action on the best known path, re-bound to the *current* screen's element ids."""

    action: dict  # action_to_dict form; "element" is an id on the screen given to hints()
    label: str  # what the element showed when the edge was learned
    edge_id: str
    match: float  # 0..1: how well the locator matched an element of the current screen
    reliability: float  # success probability of the whole remaining path
    steps_left: int
    reason: str  # "task" (a recorded task path) or "path" (shortest reliable path to a hit)

    def to_dict(self) -> dict:
        return {
            "action": dict(self.action),
            "label": self.label,
            "edge_id": self.edge_id,
            "match": self.match,
            "reliability": self.reliability,
            "steps_left": self.steps_left,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict) -> SuggestedAction:
        return cls(
            action=dict(data["action"]),
            label=data.get("label", ""),
            edge_id=data["edge_id"],
            match=float(data["match"]),
            reliability=float(data["reliability"]),
            steps_left=int(data["steps_left"]),
            reason=data.get("reason", "path"),
        )


@dataclass(frozen=True)
class Hints:
    """What memory tells the executor about a subtask on the current screen."""

    pages: tuple[PageHit, ...] = ()
    next_action: SuggestedAction | None = None
    known_page: bool = False  # whether the current screen's page is in memory at all

    def render(self) -> str:
        """A few lines for the executor's prompt; empty when memory knows nothing useful."""
        lines: list[str] = []
        if self.pages:
            lines.append("Known relevant pages: " + "; ".join(
                f"{hit.description or hit.signature}" for hit in self.pages[:3]))
        if self.next_action is not None:
            act = self.next_action
            target = act.action.get("element")
            what = f"[{target}] {act.label!r}" if target is not None else act.label or ""
            extra = {k: v for k, v in act.action.items() if k not in {"kind", "element"}}
            lines.append(
                f"Memory suggests: {act.action['kind']} {what}".rstrip()
                + (f" {extra}" if extra else "")
                + f" ({act.steps_left} step(s) left on a known path, {act.reliability:.0%} reliable)"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "pages": [p.to_dict() for p in self.pages],
            "next_action": self.next_action.to_dict() if self.next_action else None,
            "known_page": self.known_page,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Hints:
        nxt = data.get("next_action")
        return cls(
            pages=tuple(PageHit.from_dict(p) for p in data.get("pages", ())),
            next_action=SuggestedAction.from_dict(nxt) if nxt else None,
            known_page=bool(data.get("known_page", False)),
        )


@dataclass(frozen=True)
class MemoryStats:
    pages: int
    edges: int
    tasks: int
    steps: int
    runs: int
    db_bytes: int
    apps: dict[str, int] = field(default_factory=dict)  # package -> page count

    def to_dict(self) -> dict:
        return {"pages": self.pages, "edges": self.edges, "tasks": self.tasks, "steps": self.steps,
                "runs": self.runs, "db_bytes": self.db_bytes, "apps": dict(self.apps)}

    @classmethod
    def from_dict(cls, data: dict) -> MemoryStats:
        return cls(**{k: data[k] for k in ("pages", "edges", "tasks", "steps", "runs", "db_bytes")},
                   apps=dict(data.get("apps", {})))
