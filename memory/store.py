"""The ``MemoryStore`` seam the planner and runtime use, and the optional ``Embedder`` it accepts.

``GraphMemory`` is the one implementation (pass ``":memory:"`` for a throwaway store in tests).
The embedder is injected by the caller (the runtime's local model), so memory never imports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from pocketpilot.devices.screen import Screen
from pocketpilot.memory.model import Edge, Hints, Locator, MemoryStats, Page, PageHit, Source


@runtime_checkable
class Embedder(Protocol):
    """Text to a fixed-length vector; similar meanings give a high cosine similarity."""

    def __call__(self, text: str) -> Sequence[float]: ...


@runtime_checkable
class MemoryStore(Protocol):
    def record_step(
        self,
        run_id: str,
        before: Screen,
        action: dict,
        after: Screen,
        ok: bool,
        seconds: float,
        *,
        locator: Locator | None = None,
        source: Source = Source.RUN,
    ) -> Edge:
        """Persist one executed step (one transaction) and return the edge it updated."""
        ...

    def end_run(self, run_id: str, success: bool) -> None:
        """Tag a run's outcome once it is over (its steps stay either way)."""
        ...

    def record_task(self, task_text: str, subtask_text: str, path_edge_ids: Sequence[str],
                    success: bool) -> int:
        """Link a (sub)task text to the edges that attempted it; returns the task record id."""
        ...

    def relevant_pages(self, text: str, k: int = 5, *, app: str | None = None) -> list[PageHit]:
        """Pages whose description, labels or past task texts match ``text``, best first."""
        ...

    def path(self, from_signature: str, to_signature: str) -> list[Edge]:
        """The most reliable known path (empty when already there); raises if none is known."""
        ...

    def hints(self, subtask_text: str, screen: Screen, k: int = 3, *, walked: Sequence[str] = ()) -> Hints:
        """Relevant pages and the next action on the best path, bound to ``screen``'s ids.

        ``walked``: edge ids this attempt already took, so a recorded path resumes where it is.
        """
        ...

    def page(self, signature: str) -> Page: ...

    def app_pages(self, app: str) -> Iterator[Page]:
        """Every page memory holds for the package ``app``, as explored or walked."""
        ...

    def app_edges(self, app: str) -> Iterator[Edge]:
        """Every action edge leaving a page of the package ``app``."""
        ...

    def stats(self) -> MemoryStats: ...

    def export_json(self, path: str | Path) -> None: ...

    def import_json(self, path: str | Path) -> None: ...

    def export_graphml(self, path: str | Path) -> None: ...

    def merge(self, other: MemoryStore) -> None:
        """Add another memory's pages, edges (counts summed) and tasks to this one."""
        ...

    def to_dict(self) -> dict:
        """Pages, edges and tasks as plain data (the JSON export's content)."""
        ...

    def close(self) -> None: ...
