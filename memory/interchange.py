"""Memory as files: the JSON document (lossless) and GraphML (for graph tools such as Gephi).

Both carry the same content, ``{"format", "version", "pages", "edges", "tasks"}``; GraphML
flattens nested fields (element snapshots, actions, locators, task paths) into JSON strings,
because GraphML attributes are scalars.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from pocketpilot.memory.errors import MemoryFormatError, MemoryStoreError
from pocketpilot.memory.model import Edge, Page, TaskRecord

FORMAT = "pocketpilot-memory"
VERSION = 1


def document(pages: list[dict], edges: list[dict], tasks: list[dict]) -> dict:
    return {"format": FORMAT, "version": VERSION, "pages": pages, "edges": edges, "tasks": tasks}


def parse_document(data: dict) -> tuple[list[Page], list[Edge], list[TaskRecord]]:
    """Typed records from a document; ``MemoryFormatError`` says which part is malformed."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise MemoryFormatError(f"not a pocketpilot memory export (format {found!r}, "
                                f"expected {FORMAT!r})")
    if data.get("version") != VERSION:
        raise MemoryFormatError(f"memory export version {data.get('version')!r} is not "
                                f"supported (this pocketpilot reads version {VERSION})")
    out: list[list] = []
    for name, cls in (("pages", Page), ("edges", Edge), ("tasks", TaskRecord)):
        items = data.get(name, [])
        try:
            out.append([cls.from_dict(item) for item in items])
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise MemoryFormatError(f"memory export has a malformed entry in {name!r}: "
                                    f"{exc!r}") from exc
    pages, edges, tasks = out
    return pages, edges, tasks


def write_json(data: dict, path: str | Path) -> None:
    try:
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        raise MemoryStoreError(f"cannot write memory export {path}: {exc.strerror}; pick a writable path") from exc


def read_json(path: str | Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MemoryFormatError(f"{path} is not JSON: {exc}") from exc
    except OSError as exc:
        raise MemoryFormatError(f"cannot read memory export {path}: {exc.strerror}") from exc


def write_graphml(data: dict, path: str | Path) -> None:
    graph = nx.MultiDiGraph(format=FORMAT, version=VERSION, tasks=json.dumps(data["tasks"]))
    for page in data["pages"]:
        graph.add_node(page["signature"], app=page["app"], activity=page["activity"],
                       description=page["description"], visits=page["visits"],
                       elements=json.dumps(page["elements"], ensure_ascii=False))
    for edge in data["edges"]:
        graph.add_edge(edge["source"], edge["target"], key=edge["id"],
                       action=json.dumps(edge["action"]), locator=json.dumps(edge["locator"]),
                       successes=edge["successes"], failures=edge["failures"],
                       mean_seconds=edge["mean_seconds"])
    try:
        nx.write_graphml(graph, str(path))
    except OSError as exc:
        raise MemoryStoreError(f"cannot write memory export {path}: {exc.strerror}; pick a writable path") from exc


def read_graphml(path: str | Path) -> dict:
    try:
        graph = nx.read_graphml(str(path), force_multigraph=True)
        pages = [{"signature": sig, "app": d["app"], "activity": d.get("activity", ""),
                  "description": d.get("description", ""), "visits": int(d.get("visits", 1)),
                  "elements": json.loads(d.get("elements", "[]"))}
                 for sig, d in graph.nodes(data=True)]
        edges = [{"id": key, "source": u, "target": v, "action": json.loads(d["action"]),
                  "locator": json.loads(d.get("locator", "null")),
                  "successes": int(d["successes"]), "failures": int(d["failures"]),
                  "mean_seconds": float(d["mean_seconds"])}
                 for u, v, key, d in graph.edges(keys=True, data=True)]
        meta = graph.graph
        return {"format": meta.get("format"), "version": meta.get("version"), "pages": pages,
                "edges": edges, "tasks": json.loads(meta.get("tasks", "[]"))}
    except (KeyError, ValueError, TypeError) as exc:  # ElementTree's ParseError is a SyntaxError
        raise MemoryFormatError(f"{path} is not a pocketpilot GraphML export: {exc!r}") from exc
    except SyntaxError as exc:
        raise MemoryFormatError(f"{path} is not XML: {exc}") from exc
    except OSError as exc:
        raise MemoryFormatError(f"cannot read GraphML {path}: {exc.strerror}") from exc
