"""``pocketpilot bench memory``: app-memory speed at scale on a synthetic graph, as JSON.

The graph imitates many apps (500 pages each): a navigation tree, back edges, and cross-links,
~5 edges per page, labels drawn from a Zipf-like vocabulary so common words ("settings") hit
many pages as they do on phones. Bulk-built through ``GraphMemory.ingest``; ``record_step`` is
timed separately with real parsed screens. Targets (N=100000): retrieve/path p95 <= 20 ms, load <= 5 s.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from pocketpilot.devices.screen import Screen
from pocketpilot.memory.errors import NoKnownPath
from pocketpilot.memory.graph import GraphMemory, edge_id
from pocketpilot.memory.model import Edge, Locator, Page, PageElement

PAGES_PER_APP = 500
_SYLLABLES = ["ba", "ke", "lo", "mi", "nu", "ra", "se", "ti", "vo", "za", "pe", "do", "gi", "fu",
              "sha", "tro", "qui", "len", "mar", "dor"]


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(words)


class _Words:
    """Zipf-like sampling (weight 1/rank): a few words are everywhere, most are rare."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = _vocabulary(rng)
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(self.words))))

    def take(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)


def synthetic(pages: int, seed: int = 0) -> tuple[list[Page], list[Edge]]:
    rng = random.Random(seed)
    words = _Words(rng)
    out_pages: list[Page] = []
    out_edges: list[Edge] = []
    for start in range(0, pages, PAGES_PER_APP):
        count = min(PAGES_PER_APP, pages - start)
        app = f"com.synthetic.app{start // PAGES_PER_APP}"
        sigs = [f"{start + i:016x}" for i in range(count)]
        for i, sig in enumerate(sigs):
            elements = tuple(
                PageElement(" ".join(words.take(rng.randint(1, 3))), f"id_{j}", "TextView", "c",
                            0.5, round(0.1 + 0.08 * j, 3)) for j in range(8))
            title = " ".join(words.take(2))
            description = f"{app.rsplit('.', 1)[-1]}; title: {title}; actions: " + ", ".join(
                e.label for e in elements[:5])
            out_pages.append(Page(sig, app, f"{app}.Activity{i % 7}", description, elements))

        def add(u: int, v: int, action: dict, locator: Locator | None, sigs: list[str] = sigs) -> None:
            eid = edge_id(sigs[u], action, locator, sigs[v])
            ok, bad = rng.randint(0, 6), rng.choice((0, 0, 0, 1, 2))
            out_edges.append(Edge(eid, sigs[u], sigs[v], action, locator, ok, bad,
                                  round(rng.uniform(0.2, 2.0), 3)))

        def tap(u: int, j: int, start: int = start) -> Locator:
            return Locator(f"id_{j}", out_pages[start + u].elements[j].label, "", "TextView", 0.5,
                           0.1 + 0.08 * j)

        for child in range(1, count):
            parent = rng.randrange(max(1, child // 2), child) if child > 4 else 0
            add(parent, child, {"kind": "tap"}, tap(parent, child % 8))
            add(child, parent, {"kind": "back"}, None)
        for _ in range(max(0, 5 * count - 2 * (count - 1))):
            u, v = rng.randrange(count), rng.randrange(count)
            add(u, v, {"kind": "tap"}, tap(u, rng.randrange(8)))
    return out_pages, out_edges


def _screen(rng: random.Random, words: _Words, n: int) -> Screen:
    rows = "".join(
        f'<node index="{j}" text="{" ".join(words.take(2))}" resource-id="com.bench:id/row{j}" '
        f'class="android.widget.Button" package="com.bench" content-desc="" clickable="true" '
        f'bounds="[0,{300 + 150 * j}][1080,{440 + 150 * j}]" />' for j in range(10))
    xml = (f'<hierarchy rotation="0"><node index="0" text="" resource-id="" '
           f'class="android.widget.FrameLayout" package="com.bench" content-desc="" '
           f'bounds="[0,0][1080,2400]"><node index="0" text="Bench page {_letters(n)}" '
           f'resource-id="com.bench:id/title" class="android.widget.TextView" package="com.bench" '
           f'content-desc="" bounds="[40,100][900,250]" />{rows}</node></hierarchy>')
    return Screen.from_xml(xml, size=(1080, 2400))


def _letters(n: int) -> str:
    # Page titles without digits: digits are folded away by page_signature.
    return "".join(chr(ord("a") + int(d)) for d in str(n))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(pages: int, db: Path, seed: int = 0, queries: int = 300) -> dict:
    rng = random.Random(seed + 1)
    built = time.perf_counter()
    page_records, edge_records = synthetic(pages, seed)
    with GraphMemory(db) as memory:
        memory.ingest(page_records, edge_records)
    build_s = time.perf_counter() - built

    opened = time.perf_counter()
    memory = GraphMemory(db)
    load_s = time.perf_counter() - opened
    words = _Words(random.Random(seed))
    try:
        screens = [_screen(rng, words, n) for n in range(200)]
        insert_us = []
        for n in range(1000):
            before, after = rng.choice(screens), rng.choice(screens)
            element = rng.choice(before.elements[1:])
            t0 = time.perf_counter()
            memory.record_step(f"bench-{n // 20}", before, {"kind": "tap", "element": element.id},
                               after, rng.random() > 0.1, 0.5)
            insert_us.append((time.perf_counter() - t0) * 1e6)

        retrieve_ms = []
        for _ in range(queries):
            text = " ".join(words.take(rng.randint(3, 6)))
            t0 = time.perf_counter()
            memory.relevant_pages(text, 5)
            retrieve_ms.append((time.perf_counter() - t0) * 1e3)

        path_ms, found = [], 0
        for _ in range(queries):
            app = rng.randrange(max(1, pages // PAGES_PER_APP))
            size = min(PAGES_PER_APP, pages - app * PAGES_PER_APP)
            a, b = (app * PAGES_PER_APP + rng.randrange(size) for _ in range(2))
            t0 = time.perf_counter()
            try:
                memory.path(f"{a:016x}", f"{b:016x}")
                found += 1
            except NoKnownPath:  # counts as a (timed) answer
                pass
            path_ms.append((time.perf_counter() - t0) * 1e3)
        stats = memory.stats()
    finally:
        memory.close()
    return {
        "pages": stats.pages,
        "edges": stats.edges,
        "build_s": round(build_s, 2),
        "insert_us_p50": round(_pct(insert_us, 0.5), 1),
        "retrieve_ms_p50": round(_pct(retrieve_ms, 0.5), 3),
        "retrieve_ms_p95": round(_pct(retrieve_ms, 0.95), 3),
        "path_ms_p50": round(_pct(path_ms, 0.5), 3),
        "path_ms_p95": round(_pct(path_ms, 0.95), 3),
        "paths_found": found,
        "queries": queries,
        "load_s": round(load_s, 3),
        "db_bytes": stats.db_bytes,
        "targets": {"retrieve_ms_p95": 20, "path_ms_p95": 20, "load_s": 5},
    }


def _handle(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="pocketpilot-bench-") as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "memory.sqlite"
        if db.exists():
            print(f"pocketpilot: error: {db} exists; the bench builds a fresh memory", file=sys.stderr)
            return 2
        result = run(args.pages, db, seed=args.seed, queries=args.queries)
    text = json.dumps(result, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("memory", help="app memory: insert, retrieve, path, load times")
    parser.add_argument("--pages", type=int, default=10_000, help="synthetic pages (edges ~5x)")
    parser.add_argument("--json", metavar="FILE", help="also write the result here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--queries", type=int, default=300, help="retrieval and path queries")
    parser.add_argument("--db", metavar="PATH", help="build here instead of a temp dir (must not exist)")
    parser.set_defaults(handler=_handle)
