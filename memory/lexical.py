"""Text to ranked pages: FTS5 BM25 first, then an optional re-rank by embedding similarity.

BM25 over page descriptions, element labels and the texts of tasks that ended on the page; the
index is FTS5 so it persists with the memory and ranks in C. Embeddings (when the caller passes an
``Embedder``) re-rank the lexical candidates; vectors are cached per page in ``page_vectors``.
"""

from __future__ import annotations

import re
from array import array
from math import sqrt

from pocketpilot.memory.db import Database
from pocketpilot.memory.model import PageHit
from pocketpilot.memory.store import Embedder

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that match nearly every page or task text; left in, they only cost time.
_STOP = frozenset({
    "a", "an", "and", "app", "at", "by", "for", "from", "go", "i", "in", "into", "is", "it",
    "me", "my", "of", "on", "open", "or", "please", "the", "then", "to", "up", "use", "using",
    "with",
})
_CANDIDATES = 32
_POSTINGS_BUDGET = 4000
_DF_REFRESH = 500  # page writes between refreshes of the cached document counts
_DF_CACHE = 50_000


def query_words(text: str) -> list[str]:
    """The distinct searchable words of ``text``, stop words dropped unless nothing else is left."""
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 1]
    kept = [w for w in words if w not in _STOP] or words
    return list(dict.fromkeys(kept))


def fts_query(text: str) -> str:
    """An FTS5 OR-query of the text's words (quoted, so no word is read as syntax)."""
    return " OR ".join(f'"{w}"' for w in query_words(text))


class PageIndex:
    """BM25 page search whose cost stays bounded as the memory grows.

    FTS5 scores every document any query word matches, so one word found on most pages
    ("settings", "more options") costs milliseconds per thousand pages while adding almost
    nothing to the ranking (its IDF is near zero). Words are therefore taken rarest first until
    their documents add up to ``postings_budget``; the rarest word is always kept.
    """

    def __init__(self, db: Database, postings_budget: int = _POSTINGS_BUDGET) -> None:
        self.db = db
        self.postings_budget = postings_budget
        self._df: dict[str, int] = {}
        self._writes = 0

    def invalidate(self, writes: int = 1) -> None:
        """Note page writes; document counts are refreshed after enough of them to matter."""
        self._writes += writes
        if self._writes >= _DF_REFRESH:
            self._df.clear()
            self._writes = 0

    def _doc_count(self, word: str) -> int:
        if word not in self._df:
            if len(self._df) > _DF_CACHE:
                self._df.clear()
            self._df[word] = self.db.query("SELECT count(*) FROM page_fts WHERE page_fts MATCH ?",
                                           (f'"{word}"',))[0][0]
        return self._df[word]

    def select_words(self, text: str) -> list[str]:
        counted = sorted((self._doc_count(w), w) for w in query_words(text))
        chosen, total = [], 0
        for count, word in counted:
            if count == 0:
                continue
            if chosen and total + count > self.postings_budget:
                break
            chosen.append(word)
            total += count
        return chosen

    def search(self, text: str, k: int, app: str | None = None) -> list[PageHit]:
        words = self.select_words(text)
        if not words or k <= 0:
            return []
        query = " OR ".join(f'"{w}"' for w in words)
        if app:
            rows = self.db.query(
                "SELECT f.rowid, bm25(page_fts) AS s FROM page_fts f JOIN pages p ON p.rowid = "
                "f.rowid WHERE page_fts MATCH ? AND p.app = ? ORDER BY s LIMIT ?", (query, app, k))
        else:
            rows = self.db.query("SELECT rowid, bm25(page_fts) FROM page_fts WHERE page_fts MATCH ? "
                                 "ORDER BY rank LIMIT ?", (query, k))
        if not rows:
            return []
        scores = dict(rows)
        pages = self.db.query(
            f"SELECT rowid, signature, app, description FROM pages WHERE rowid IN "
            f"({','.join('?' * len(scores))})", list(scores))
        hits = [PageHit(sig, pkg, desc, -scores[rowid]) for rowid, sig, pkg, desc in pages]
        return sorted(hits, key=lambda h: h.score, reverse=True)


def search_tasks(db: Database, text: str, k: int) -> list[int]:
    """Ids of the task records whose texts best match ``text``."""
    query = fts_query(text)
    if not query:
        return []
    rows = db.query("SELECT rowid FROM task_fts WHERE task_fts MATCH ? ORDER BY rank LIMIT ?",
                    (query, k))
    return [row[0] for row in rows]


def _cosine(a: list[float] | array, b: list[float] | array) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    norm = sqrt(sum(x * x for x in a)) * sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def page_vector(db: Database, embedder: Embedder, hit: PageHit) -> array:
    """The cached embedding of a page's description, computed (and stored) on first use."""
    row = db.query("SELECT vector FROM page_vectors WHERE signature = ?", (hit.signature,))
    if row:
        return array("f", row[0][0])
    vector = array("f", embedder(hit.description))
    with db.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO page_vectors VALUES (?, ?)",
                     (hit.signature, vector.tobytes()))
    return vector


def rerank(db: Database, embedder: Embedder, text: str, hits: list[PageHit], k: int,
           ) -> list[PageHit]:
    """Blend BM25 (scaled to 0..1 within the candidates) with cosine similarity, half each."""
    if not hits:
        return []
    wanted = list(embedder(text))
    top = max(h.score for h in hits) or 1.0
    scored = [
        PageHit(h.signature, h.app, h.description,
                0.5 * (h.score / top) + 0.5 * _cosine(wanted, page_vector(db, embedder, h)))
        for h in hits
    ]
    return sorted(scored, key=lambda h: h.score, reverse=True)[:k]


def candidate_count(k: int) -> int:
    return max(_CANDIDATES, 4 * k)
