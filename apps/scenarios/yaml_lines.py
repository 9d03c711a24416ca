"""A YAML loader that remembers where every mapping key is, so errors can name the line.

Mappings load as ``LineDict`` (a plain ``dict`` plus each key's 1-based line); ``line_of`` walks a
validation error's location (keys and list indexes) down the loaded tree to the nearest line.

It also refuses documents that are small on disk but huge once aliases are expanded (a
"billion laughs": nine levels of ``*alias`` lists in 484 bytes are 10^8 nodes to validate), too
deeply nested, or that refer to themselves; it checks the composed node graph before anything
is constructed, so such a file costs milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml


class LineDict(dict):
    """A dict that also knows the line of itself (``line``) and of each key (``lines``)."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list):
    """A list that knows its line and the line of each item."""

    line: int = 0
    lines: list[int]


MAX_NODES = 20_000  # after alias expansion; the largest shipped scenario has a few hundred
MAX_DEPTH = 64  # nested collections; predicates and seeds need fewer than 15
MAX_ALIASES = 500


class TooLarge(yaml.YAMLError):
    """A document over one of the limits; ``line`` is 1-based, ``reason`` says what to change."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise TooLarge(event.start_mark.line + 1, f"more than {MAX_ALIASES} alias uses (*name); "
                                                          "write the repeated parts out")
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise TooLarge(event.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep; "
                                                          "flatten the predicate or the state")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> yaml.Node:
        node = super().compose_document()
        _expanded_size(node, {}, set())
        return node


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """Nodes in ``node`` once every alias is copied out, memoised per node, so a DAG costs its
    own size to measure; raises ``TooLarge`` past ``MAX_NODES`` or on a node that contains itself."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise TooLarge(node.start_mark.line + 1, "an alias refers to a collection that contains it")
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    open_nodes.add(key)
    total = 1
    for child in children:
        total += _expanded_size(child, sizes, open_nodes)
        if total > MAX_NODES:
            raise TooLarge(child.start_mark.line + 1, f"aliases expand this document past {MAX_NODES} "
                                                      "nodes; write the repeated parts out or reuse less")
    open_nodes.discard(key)
    sizes[key] = total
    return total


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line, out.lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line, out.lines = node.start_mark.line + 1, [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load(text: str) -> Any:
    """Parse one YAML document; raises ``TooLarge`` past the limits above, else ``yaml.YAMLError``
    (with ``problem_mark``) on bad syntax."""
    return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects


def line_of(data: Any, location: Sequence[Any]) -> int:
    """The line of the deepest key or item along ``location`` that exists in ``data`` (1 if none)."""
    line = getattr(data, "line", 1) or 1
    node = data
    for part in location:
        in_dict = isinstance(node, LineDict) and part in node
        in_list = isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            line, node = node.lines[part], node[part]
        else:
            break
    return line
