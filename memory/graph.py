"""``GraphMemory``: the app memory as a networkx MultiDiGraph in RAM, written through to SQLite.

The graph holds topology and edge statistics (what path search needs); page snapshots, edge
locators and actions stay in SQLite and are read on demand, which keeps opening a 100k-page
memory to a couple of seconds. Every write is one SQLite transaction, and the in-RAM graph is
updated only after it commits, so RAM never shows what the disk does not have.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import networkx as nx

from pocketpilot.devices.screen import Screen
from pocketpilot.memory import interchange, lexical
from pocketpilot.memory.db import Database
from pocketpilot.memory.describe import bind_action, locator_for, page_from_screen, search_text
from pocketpilot.memory.errors import MemoryFormatError, NoKnownPath, UnknownEdge, UnknownPage
from pocketpilot.memory.model import (
    Edge,
    Hints,
    Locator,
    MemoryStats,
    Page,
    PageHit,
    Source,
    SuggestedAction,
    TaskRecord,
    edge_weight,
)
from pocketpilot.memory.paths import reliable_path
from pocketpilot.memory.store import Embedder, MemoryStore

_TARGETED = frozenset({"tap", "long_press", "type_text", "clear_text", "scroll"})
_EDGE_COLUMNS = "id, source, target, action, locator, successes, failures, mean_seconds"
_COMPACT = {"separators": (",", ":"), "ensure_ascii": False}


def edge_id(source: str, template: dict, locator: Locator | None, target: str) -> str:
    """Stable id of "this action, on this element, from this page, led to that page"."""
    key = json.dumps([source, template, locator.key() if locator else "", target], sort_keys=True)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=8192)
def _weight(successes: int, failures: int) -> float:
    return edge_weight(successes, failures)


def _fill_edges(graph: nx.MultiDiGraph, rows: Iterable[tuple]) -> None:
    """Add edges ``(id, source, target, successes, failures)`` whose pages are already nodes.

    Fills the adjacency dicts exactly as ``MultiDiGraph.add_edge`` does (``_succ[u][v]`` and
    ``_pred[v][u]`` share one key dict); ``add_edges_from`` is ~2x slower at 500k edges, and
    opening a 100k-page memory must stay within seconds.
    """
    succ, pred = graph._succ, graph._pred
    for eid, source, target, successes, failures in rows:
        keys = succ[source].get(target)
        if keys is None:
            keys = succ[source][target] = pred[target][source] = {}
        keys[eid] = {"w": _weight(successes, failures)}
    nx._clear_cache(graph)


def _edge_from_row(row: tuple) -> Edge:
    eid, source, target, action, locator, ok, failed, mean = row
    return Edge(eid, source, target, json.loads(action),
                Locator.from_dict(json.loads(locator)) if locator else None, ok, failed, mean)


class GraphMemory(MemoryStore):
    """The app memory at ``path`` (created if missing); ``None`` or ``":memory:"`` for tests."""

    def __init__(self, path: str | Path | None = None, *, embedder: Embedder | None = None) -> None:
        self._db = Database(path)
        self.db_path = self._db.path
        self.embedder = embedder
        self.graph = nx.MultiDiGraph()
        self._index = lexical.PageIndex(self._db)
        self._load()

    def _load(self) -> None:
        self.graph.add_nodes_from(
            (sig, {"app": app}) for sig, app in self._db.iterate("SELECT signature, app FROM pages"))
        _fill_edges(self.graph, self._db.iterate(
            "SELECT id, source, target, successes, failures FROM edges"))

    def _set_weight(self, source: str, target: str, eid: str, successes: int, failures: int) -> None:
        self.graph.add_edge(source, target, key=eid, w=_weight(successes, failures))

    # --- writing -----------------------------------------------------------------------------

    def record_step(self, run_id: str, before: Screen, action: dict, after: Screen, ok: bool,
                    seconds: float, *, locator: Locator | None = None,
                    source: Source = Source.RUN) -> Edge:
        kind = action.get("kind")
        if locator is None and kind in _TARGETED:
            point = (action["x"], action["y"]) if "x" in action and "y" in action else None
            locator = locator_for(before, action.get("element"), point)
        drop = {"element", "x", "y"} if locator is not None else {"element"}
        template = {k: v for k, v in action.items() if k not in drop}
        src, dst = page_from_screen(before), page_from_screen(after)
        eid = edge_id(src.signature, template, locator, dst.signature)
        with self._db.transaction() as conn:
            self._upsert_page(conn, src)
            if dst.signature != src.signature:
                self._upsert_page(conn, dst)
            ok_count, bad_count, mean = conn.execute(
                f"INSERT INTO edges({_EDGE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET successes = successes + excluded.successes, "
                "failures = failures + excluded.failures, mean_seconds = (mean_seconds * "
                "(successes + failures) + excluded.mean_seconds) / (successes + failures + 1) "
                "RETURNING successes, failures, mean_seconds",
                (eid, src.signature, dst.signature, json.dumps(template, **_COMPACT),
                 json.dumps(locator.to_dict(), **_COMPACT) if locator else None,
                 int(ok), int(not ok), float(seconds)),
            ).fetchone()
            conn.execute("INSERT OR IGNORE INTO runs VALUES (?, ?, NULL, ?)",
                         (run_id, str(source), time.time()))
            conn.execute("INSERT INTO steps(run_id, edge_id, ok, seconds, ts) VALUES (?,?,?,?,?)",
                         (run_id, eid, int(ok), float(seconds), time.time()))
        for page in (src, dst):
            self.graph.add_node(page.signature, app=page.app)
        self._set_weight(src.signature, dst.signature, eid, ok_count, bad_count)
        return Edge(eid, src.signature, dst.signature, template, locator, ok_count, bad_count, mean)

    def _upsert_page(self, conn, page: Page) -> None:
        # Insert-or-count in one statement: another process may have written this page since our
        # in-RAM graph was loaded, so the graph cannot say whether the row exists.
        inserted = conn.execute(
            "INSERT INTO pages(signature, app, activity, description, elements) VALUES (?,?,?,?,?) "
            "ON CONFLICT(signature) DO NOTHING RETURNING rowid",
            (page.signature, page.app, page.activity, page.description,
             json.dumps([e.to_list() for e in page.elements], **_COMPACT)),
        ).fetchone()
        if inserted is None:
            conn.execute("UPDATE pages SET visits = visits + 1 WHERE signature = ?", (page.signature,))
            return
        conn.execute("INSERT INTO page_fts(rowid, text) VALUES (?, ?)", (inserted[0], search_text(page)))
        self._index.invalidate()

    def end_run(self, run_id: str, success: bool) -> None:
        with self._db.transaction() as conn:
            conn.execute("INSERT INTO runs VALUES (?, ?, ?, ?) ON CONFLICT(run_id) DO UPDATE "
                         "SET outcome = excluded.outcome",
                         (run_id, str(Source.RUN), "success" if success else "failure", time.time()))

    def record_task(self, task_text: str, subtask_text: str, path_edge_ids: Sequence[str],
                    success: bool) -> int:
        with self._db.transaction() as conn:
            return self._insert_task(conn, task_text, subtask_text, list(path_edge_ids), success)

    def _insert_task(self, conn, task_text: str, subtask_text: str, edge_ids: list[str],
                     success: bool) -> int:
        task_id = conn.execute(
            "INSERT INTO tasks(task_text, subtask_text, edge_ids, success, ts) VALUES (?,?,?,?,?) "
            "RETURNING id", (task_text, subtask_text, json.dumps(edge_ids), int(success), time.time()),
        ).fetchone()[0]
        conn.execute("INSERT INTO task_fts(rowid, text) VALUES (?, ?)",
                     (task_id, f"{subtask_text} {task_text}"))
        if success and edge_ids:
            # The page a successful path ends on becomes findable by the task's words.
            conn.execute(
                "UPDATE page_fts SET text = text || ' ' || ? WHERE rowid = (SELECT p.rowid FROM "
                "pages p JOIN edges e ON e.target = p.signature WHERE e.id = ?)",
                (subtask_text or task_text, edge_ids[-1]))
        return task_id

    # --- reading -----------------------------------------------------------------------------

    def page(self, signature: str) -> Page:
        rows = self._db.query("SELECT signature, app, activity, description, elements, visits "
                              "FROM pages WHERE signature = ?", (signature,))
        if not rows:
            raise UnknownPage(signature)
        sig, app, activity, description, elements, visits = rows[0]
        return Page.from_dict({"signature": sig, "app": app, "activity": activity, "visits": visits,
                               "description": description, "elements": json.loads(elements)})

    def edges(self, ids: Sequence[str]) -> list[Edge]:
        """Edges by id, in the order asked; raises ``UnknownEdge`` for an id not held."""
        if not ids:
            return []
        marks = ",".join("?" * len(set(ids)))
        rows = self._db.query(f"SELECT {_EDGE_COLUMNS} FROM edges WHERE id IN ({marks})",
                              list(set(ids)))
        found = {row[0]: _edge_from_row(row) for row in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            raise UnknownEdge(missing[0])
        return [found[i] for i in ids]

    def tasks(self, ids: Sequence[int] | None = None) -> list[TaskRecord]:
        sql = "SELECT id, task_text, subtask_text, edge_ids, success FROM tasks"
        rows = self._db.query(sql + (f" WHERE id IN ({','.join('?' * len(ids))})" if ids else ""),
                              list(ids or ()))
        by_id = {r[0]: TaskRecord(r[0], r[1], r[2], tuple(json.loads(r[3])), bool(r[4]))
                 for r in rows}
        return [by_id[i] for i in ids if i in by_id] if ids else list(by_id.values())

    def app_pages(self, app: str) -> Iterator[Page]:
        for (sig,) in self._db.query("SELECT signature FROM pages WHERE app = ? ORDER BY rowid",
                                     (app,)):
            yield self.page(sig)

    def app_edges(self, app: str) -> Iterator[Edge]:
        rows = self._db.query(f"SELECT {', '.join('e.' + c.strip() for c in _EDGE_COLUMNS.split(','))}"
                              " FROM edges e JOIN pages p ON p.signature = e.source "
                              "WHERE p.app = ? ORDER BY e.rowid", (app,))
        yield from (_edge_from_row(r) for r in rows)

    def relevant_pages(self, text: str, k: int = 5, *, app: str | None = None) -> list[PageHit]:
        if self.embedder is None:
            return self._index.search(text, k, app)
        hits = self._index.search(text, lexical.candidate_count(k), app)
        return lexical.rerank(self._db, self.embedder, text, hits, k)

    def path(self, from_signature: str, to_signature: str) -> list[Edge]:
        for sig in (from_signature, to_signature):
            if sig not in self.graph:
                raise UnknownPage(sig)
        triples = reliable_path(self.graph, from_signature, to_signature)
        if triples is None:
            raise NoKnownPath(from_signature, to_signature)
        return self.edges([key for _, _, key in triples])

    def hints(self, subtask_text: str, screen: Screen, k: int = 3, *, walked: Sequence[str] = ()) -> Hints:
        current = screen.signature
        pages = self.relevant_pages(subtask_text, k)
        if current not in self.graph:
            return Hints(tuple(pages), None, known_page=False)
        suggestion = self._from_tasks(subtask_text, screen, frozenset(walked)) or self._from_pages(pages, screen)
        return Hints(tuple(pages), suggestion, known_page=True)

    def _from_tasks(self, text: str, screen: Screen, walked: frozenset[str] = frozenset()) -> SuggestedAction | None:
        """Follow a successful recorded path for a closely matching task through this page."""
        wanted = set(lexical.fts_query(text).replace('"', "").split(" OR "))
        for task in self.tasks(lexical.search_tasks(self._db, text, 5)):
            # the subtask's own words: the whole task also names its other subtasks' targets
            words = set(lexical.fts_query(task.subtask_text or task.task_text).replace('"', "").split(" OR "))
            if not task.success or len(wanted & words) < 0.6 * len(wanted):
                continue
            edges = self.edges(task.edge_ids)
            # The first step from this page not yet walked in this attempt: a path can stay on one
            # page for several steps (type, then press), and those must come in their order.
            starts = [i for i, e in enumerate(edges) if e.source == screen.signature and e.id not in walked]
            if starts:
                suggestion = self._suggest(edges[starts[0]:], screen, "task")
                if suggestion is not None:
                    return suggestion
        return None

    def _from_pages(self, pages: list[PageHit], screen: Screen) -> SuggestedAction | None:
        for hit in pages:
            if hit.signature == screen.signature:
                return None  # already on the most relevant page reachable: nothing to move to
            triples = reliable_path(self.graph, screen.signature, hit.signature)
            if triples:
                suggestion = self._suggest(self.edges([key for _, _, key in triples]), screen,
                                           "path")
                if suggestion is not None:
                    return suggestion
        return None

    def _suggest(self, edges: list[Edge], screen: Screen, reason: str) -> SuggestedAction | None:
        bound = bind_action(edges[0].action, edges[0].locator, screen)
        if bound is None:
            scroll = self._scroll_here(screen) if edges[0].source == screen.signature else None
            if scroll is None:
                return None
            edges, bound = [scroll, *edges], bind_action(scroll.action, scroll.locator, screen)
            if bound is None:
                return None
        action, label, match = bound
        reliability = math.prod(e.success_probability for e in edges)
        return SuggestedAction(action, label or (edges[0].locator.text if edges[0].locator else ""),
                               edges[0].id, round(match, 3), round(reliability, 3), len(edges),
                               reason)

    def _scroll_here(self, screen: Screen) -> Edge | None:
        """A scroll learnt on this page: the next step toward a control that is out of view (a
        list scrolled is the same page, so such a step is an edge from the page to itself)."""
        signature = screen.signature
        loops = list(self.graph[signature].get(signature, {})) if signature in self.graph else []
        scrolls = [e for e in self.edges(loops) if e.kind == "scroll"]
        downward = [e for e in scrolls if e.action.get("direction", "down") == "down"]
        return (downward or scrolls or [None])[0]

    def stats(self) -> MemoryStats:
        counts = {name: self._db.query(f"SELECT count(*) FROM {name}")[0][0]
                  for name in ("tasks", "steps", "runs")}
        apps = dict(self._db.query("SELECT app, count(*) FROM pages GROUP BY app ORDER BY 2 DESC"))
        return MemoryStats(self.graph.number_of_nodes(), self.graph.number_of_edges(),
                           counts["tasks"], counts["steps"], counts["runs"], self._db.size_bytes(),
                           apps)

    def integrity(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` verdict: ``"ok"`` when the file is sound."""
        return self._db.integrity()

    # --- interchange -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        pages = [self.page(sig).to_dict() for (sig,) in
                 self._db.query("SELECT signature FROM pages ORDER BY rowid")]
        edges = [_edge_from_row(r).to_dict() for r in
                 self._db.query(f"SELECT {_EDGE_COLUMNS} FROM edges ORDER BY rowid")]
        return interchange.document(pages, edges, [t.to_dict() for t in self.tasks()])

    def ingest(self, pages: Iterable[Page], edges: Iterable[Edge],
               tasks: Iterable[TaskRecord] = ()) -> None:
        """Add records in one transaction: new pages inserted, known ones' visits and edge counts
        summed (mean latency weighted by attempts), tasks appended. Import and merge use this."""
        pages, edges = list(pages), list(edges)
        imported = {p.signature for p in pages}
        for e in edges:
            for end in (e.source, e.target):
                if end not in imported and end not in self.graph:
                    raise MemoryFormatError(f"edge {e.id} names page {end}, which is neither "
                                            "in the memory nor among the imported pages")
        fresh: dict[str, Page] = {}
        with self._db.transaction() as conn:
            for p in {p.signature: p for p in pages}.values():
                # Insert or sum, row by row: the file (shared with other processes) decides what is new.
                inserted = conn.execute(
                    "INSERT INTO pages(signature, app, activity, description, elements, visits) "
                    "VALUES (?,?,?,?,?,?) ON CONFLICT(signature) DO NOTHING RETURNING rowid",
                    (p.signature, p.app, p.activity, p.description,
                     json.dumps([e.to_list() for e in p.elements], **_COMPACT), p.visits)).fetchone()
                if inserted is None:
                    conn.execute("UPDATE pages SET visits = visits + ? WHERE signature = ?", (p.visits, p.signature))
                else:
                    fresh[p.signature] = p
                    conn.execute("INSERT INTO page_fts(rowid, text) VALUES (?, ?)", (inserted[0], search_text(p)))
            conn.executemany(
                f"INSERT INTO edges({_EDGE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO "
                "UPDATE SET mean_seconds = (mean_seconds * (successes + failures) + "
                "excluded.mean_seconds * (excluded.successes + excluded.failures)) / "
                "max(1, successes + failures + excluded.successes + excluded.failures), "
                "successes = successes + excluded.successes, "
                "failures = failures + excluded.failures",
                [(e.id, e.source, e.target, json.dumps(e.action, **_COMPACT),
                  json.dumps(e.locator.to_dict(), **_COMPACT) if e.locator else None,
                  e.successes, e.failures, e.mean_seconds) for e in edges])
            tasks = list(tasks)
            for task in tasks:
                self._insert_task(conn, task.task_text, task.subtask_text, list(task.edge_ids),
                                  task.success)
        self.graph.add_nodes_from((p.signature, {"app": p.app}) for p in fresh.values())
        self._index.invalidate(len(fresh) + len(tasks))
        seen: set[str] = set()
        summed: list[str] = []  # edges whose stored counts are now sums: read them back
        for e in edges:
            if e.id in seen or self.graph.has_edge(e.source, e.target, e.id):
                summed.append(e.id)
            else:
                self._set_weight(e.source, e.target, e.id, e.successes, e.failures)
            seen.add(e.id)
        for start in range(0, len(summed), 500):
            for e in self.edges(summed[start:start + 500]):
                self._set_weight(e.source, e.target, e.id, e.successes, e.failures)

    def merge(self, other: MemoryStore) -> None:
        self.import_dict(other.to_dict())

    def import_dict(self, data: dict) -> None:
        self.ingest(*interchange.parse_document(data))

    def export_json(self, path: str | Path) -> None:
        interchange.write_json(self.to_dict(), path)

    def import_json(self, path: str | Path) -> None:
        self.import_dict(interchange.read_json(path))

    def export_graphml(self, path: str | Path) -> None:
        interchange.write_graphml(self.to_dict(), path)

    def import_graphml(self, path: str | Path) -> None:
        self.import_dict(interchange.read_graphml(path))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> GraphMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
