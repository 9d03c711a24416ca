"""Most reliable path between two pages: bidirectional Dijkstra with a work budget.

Edge weight is ``-log(success probability) + step cost`` (stored as ``w`` on each graph edge), so
the cheapest path is the likeliest to work end to end, with shorter paths preferred among equals.
networkx's own bidirectional Dijkstra has no budget: when the target is unreachable it settles
the whole component, which at 100k pages is far too slow for the executor's loop. This one stops
after ``max_settled`` nodes and reports "no path".
"""

from __future__ import annotations

import heapq
import math

import networkx as nx

MAX_SETTLED = 20_000


def _best_key(adjacent: dict) -> tuple[float, str]:
    """The cheapest of the parallel edges between two pages."""
    best_key, best_w = "", math.inf
    for key, data in adjacent.items():
        if data["w"] < best_w:
            best_key, best_w = key, data["w"]
    return best_w, best_key


def reliable_path(
    graph: nx.MultiDiGraph, source: str, target: str, *, max_settled: int = MAX_SETTLED
) -> list[tuple[str, str, str]] | None:
    """Edges ``(u, v, key)`` of the cheapest path, ``[]`` when source is target, None if unknown."""
    if source not in graph or target not in graph:
        return None
    if source == target:
        return []
    succ, pred = graph._succ, graph._pred  # adjacency dicts: avoids view overhead in the hot loop
    dist = ({source: 0.0}, {target: 0.0})
    parent: tuple[dict, dict] = ({source: None}, {target: None})
    settled: tuple[set, set] = (set(), set())
    heaps: tuple[list, list] = ([(0.0, source)], [(0.0, target)])
    best, meet = math.inf, None
    work = 0
    while heaps[0] and heaps[1] and work < max_settled:
        if heaps[0][0][0] + heaps[1][0][0] >= best:
            break
        side = 0 if heaps[0][0][0] <= heaps[1][0][0] else 1
        d, node = heapq.heappop(heaps[side])
        if node in settled[side]:
            continue
        settled[side].add(node)
        work += 1
        neighbours = succ[node] if side == 0 else pred[node]
        for other, adjacent in neighbours.items():
            w, key = _best_key(adjacent)
            nd = d + w
            if nd < dist[side].get(other, math.inf):
                dist[side][other] = nd
                parent[side][other] = (node, key)
                heapq.heappush(heaps[side], (nd, other))
            through = nd + dist[1 - side].get(other, math.inf)
            if through < best:
                best, meet = through, other
    if meet is None:
        return None
    return _stitch(parent, meet)


def _stitch(parent: tuple[dict, dict], meet: str) -> list[tuple[str, str, str]]:
    forward: list[tuple[str, str, str]] = []
    node = meet
    while parent[0][node] is not None:
        prev, key = parent[0][node]
        forward.append((prev, node, key))
        node = prev
    forward.reverse()
    node = meet
    while parent[1][node] is not None:
        nxt, key = parent[1][node]
        forward.append((node, nxt, key))
        node = nxt
    return forward

