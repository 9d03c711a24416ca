"""Success predicates: a small declarative language over a final state made of dicts and lists.

It knows no app: paths and field names come from the scenario files. A predicate is a mapping
with one key; ``check`` validates one (naming the location of what is wrong), ``holds`` evaluates
it against a state, ``reads`` lists the top-level paths it looks at (what a run may change).

    {all: [P, ...]}  {any: [P, ...]}  {not: P}
    {equals: {path: settings.wifi, value: true}}
    {value: {path: settings.brightness, ge: 80}}                 # any tests, see TESTS
    {exists: {in: alarms, where: {time: "07:00", enabled: true}}}
    {count: {in: notes, where: {...}, op: ">=", value: 2}}
    {last: {in: messages, where: {outgoing: true}, field: body, contains: "12 Oak St"}}   # also first

``where`` maps a field path to a plain value (equality), a mapping of tests (``{contains: x}``),
or a nested predicate evaluated on that field's value (e.g. a thread's ``messages`` list).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from pocketpilot.devices.errors import PocketpilotError

Location = tuple[Any, ...]
_MISSING = object()

COMBINATORS = ("all", "any", "not")
PREDICATES = (*COMBINATORS, "equals", "value", "exists", "count", "last", "first")
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
TESTS = ("eq", "ne", "lt", "le", "gt", "ge", "contains", "not_contains", "matches", "one_of")
_SELECT_KEYS = {"in", "where"}
_SPEC_KEYS = {
    "equals": ({"path", "value"}, {"path", "value"}),
    "value": ({"path"}, {"path", *TESTS}),
    "exists": (set(), _SELECT_KEYS),
    "count": ({"op", "value"}, {*_SELECT_KEYS, "op", "value"}),
    "last": (set(), {*_SELECT_KEYS, "field", *TESTS}),
    "first": (set(), {*_SELECT_KEYS, "field", *TESTS}),
}


class PredicateError(PocketpilotError):
    """A predicate that does not fit the language; ``location`` is the key path inside it."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(message)
        self.location = location


# -- validation ---------------------------------------------------------------------------------
def check(predicate: Any, location: Location = ()) -> None:
    """Raise ``PredicateError`` at the first thing wrong with ``predicate``; return None if valid."""
    if not isinstance(predicate, Mapping) or len(predicate) != 1:
        raise PredicateError(location, f"a predicate is a mapping with exactly one of {list(PREDICATES)}")
    (name, spec), = predicate.items()
    here = (*location, name)
    if name not in PREDICATES:
        raise PredicateError(location, f"unknown predicate {name!r}; expected one of {list(PREDICATES)}")
    if name in ("all", "any"):
        if not isinstance(spec, list) or not spec:
            raise PredicateError(here, f"{name} takes a non-empty list of predicates")
        for position, item in enumerate(spec):
            check(item, (*here, position))
        return
    if name == "not":
        check(spec, here)
        return
    required, allowed = _SPEC_KEYS[name]
    if not isinstance(spec, Mapping):
        raise PredicateError(here, f"{name} takes a mapping with keys {sorted(allowed)}")
    if missing := sorted(required - set(spec)):
        raise PredicateError(here, f"{name} needs {', '.join(missing)}")
    if extra := sorted(set(spec) - allowed):
        raise PredicateError((*here, extra[0]), f"{name} does not take {', '.join(extra)}; it takes {sorted(allowed)}")
    for key in ("path", "in", "field"):
        if key in spec and not isinstance(spec[key], str):
            raise PredicateError((*here, key), f"{key} must be a dotted path string, got {spec[key]!r}")
    if name == "count" and spec["op"] not in COMPARE:
        raise PredicateError((*here, "op"), f"op must be one of {list(COMPARE)}, got {spec['op']!r}")
    if "where" in spec:
        _check_where(spec["where"], (*here, "where"))
    _check_tests(spec, here)


def _check_where(where: Any, location: Location) -> None:
    if not isinstance(where, Mapping):
        raise PredicateError(location, "where maps field paths to values, tests or predicates")
    for key, matcher in where.items():
        if not isinstance(key, str):
            raise PredicateError(location, f"where keys are field paths, got {key!r}")
        if isinstance(matcher, Mapping):
            if len(matcher) == 1 and next(iter(matcher)) in PREDICATES:
                check(matcher, (*location, key))
            elif not matcher or set(matcher) - set(TESTS):
                raise PredicateError((*location, key), f"{key}: a mapping here holds tests {list(TESTS)} "
                                     f"or one predicate {list(PREDICATES)}, got keys {sorted(matcher)}")
            else:
                _check_tests(matcher, (*location, key))


def _check_tests(spec: Mapping, location: Location) -> None:
    if "matches" in spec:
        try:
            re.compile(str(spec["matches"]))
        except re.error as exc:
            raise PredicateError((*location, "matches"), f"matches is not a regular expression: {exc}") from exc
    if "one_of" in spec and not isinstance(spec["one_of"], list):
        raise PredicateError((*location, "one_of"), "one_of takes a list of values")


# -- evaluation ---------------------------------------------------------------------------------
def holds(predicate: Mapping, scope: Any) -> bool:
    """Evaluate a checked predicate on ``scope`` (the final state at the top level)."""
    (name, spec), = predicate.items()
    if name == "all":
        return all(holds(p, scope) for p in spec)
    if name == "any":
        return any(holds(p, scope) for p in spec)
    if name == "not":
        return not holds(spec, scope)
    if name == "equals":
        return resolve(scope, spec["path"]) == spec["value"]
    if name == "value":
        return passes(resolve(scope, spec["path"]), spec)
    items = select(scope, spec)
    if name == "exists":
        return bool(items)
    if name == "count":
        return COMPARE[spec["op"]](len(items), spec["value"])
    if not items:
        return False
    item = items[-1] if name == "last" else items[0]
    if "field" in spec:
        item = resolve(item, spec["field"])
    return passes(item, spec)


def select(scope: Any, spec: Mapping) -> list[Any]:
    """The items of the list at ``spec['in']`` (the scope itself when absent) that match ``where``."""
    items = resolve(scope, spec["in"]) if "in" in spec else scope
    if not isinstance(items, list):
        return []
    where = spec.get("where") or {}
    return [item for item in items if all(_matches(resolve(item, key), m) for key, m in where.items())]


def _matches(value: Any, matcher: Any) -> bool:
    if isinstance(matcher, Mapping):
        if len(matcher) == 1 and next(iter(matcher)) in PREDICATES:
            return value is not _MISSING and holds(matcher, value)
        return passes(value, matcher)
    return value == matcher


def passes(value: Any, tests: Mapping) -> bool:
    """Whether ``value`` passes every test in ``tests`` (keys outside TESTS are ignored)."""
    return value is not _MISSING and all(_test(name, value, tests[name]) for name in TESTS if name in tests)


def _test(name: str, value: Any, expected: Any) -> bool:
    if name in ("contains", "not_contains"):
        if isinstance(value, str):
            found = str(expected).lower() in value.lower()
        else:
            found = isinstance(value, list) and expected in value
        return found if name == "contains" else not found
    if name == "matches":
        return isinstance(value, str) and re.search(str(expected), value, re.I) is not None
    if name == "one_of":
        return value in expected
    compare = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[name]
    try:
        return COMPARE[compare](value, expected)
    except TypeError:
        return False


def resolve(scope: Any, path: str) -> Any:
    """Follow a dotted path of keys and list indexes (``threads.-1.body``); ``_MISSING`` if absent."""
    node = scope
    for part in (p for p in path.split(".") if p):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and re.fullmatch(r"-?\d+", part) and -len(node) <= int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


# -- what a predicate looks at --------------------------------------------------------------------
def reads(predicate: Mapping) -> set[str]:
    """Top-level paths (list indexes dropped) the predicate reads; ``""`` means the whole state."""
    (name, spec), = predicate.items()
    if name in ("all", "any"):
        return set().union(*(reads(p) for p in spec))
    if name == "not":
        return reads(spec)
    path = spec.get("path", "") if name in ("equals", "value") else spec.get("in", "")
    return {normalize(path)}


def normalize(path: str) -> str:
    """A path without list indexes: ``threads.3.messages`` -> ``threads.messages``."""
    return ".".join(p for p in path.split(".") if p and not re.fullmatch(r"-?\d+", p))


def covers(prefixes: set[str] | list[str] | tuple[str, ...], path: str) -> bool:
    """Whether ``path`` lies at or under one of ``prefixes`` (``""`` covers everything)."""
    return any(p == "" or path == p or path.startswith(p + ".") for p in prefixes)
