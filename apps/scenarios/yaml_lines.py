"""A YAML loader that remembers where every mapping key is, so errors can name the line.

Mappings load as ``LineDict`` (a plain ``dict`` plus each key's 1-based line); ``line_of`` walks a
validation error's location (keys and list indexes) down the loaded tree to the nearest line.
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


class _Loader(yaml.SafeLoader):
    pass


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
    """Parse one YAML document; raises ``yaml.YAMLError`` (with ``problem_mark``) on bad syntax."""
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
