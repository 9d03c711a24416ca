"""JSON schema → GBNF grammar, failing loudly.

llama-cpp-python's ``response_format`` silently falls back to the generic JSON grammar when the
conversion fails, and runs its OpenAI ``json_schema`` shape unconstrained; we build the grammar
ourselves so an action either matches the schema or the call fails.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pocketpilot.runtime.errors import SchemaError

PRIOR_KEY = "x-prior"  # on an enum property: one log-weight per value, added to the model's preference


def enum_priors(schema: dict[str, Any] | None) -> dict[str, float]:
    """``value -> log-weight`` from every enum property carrying ``x-prior`` (a caller's belief
    about the choices, e.g. how well each option matches the goal); empty when there is none."""
    priors: dict[str, float] = {}
    for spec in (schema or {}).get("properties", {}).values():
        if isinstance(spec, dict) and PRIOR_KEY in spec:
            values, weights = spec.get("enum", []), spec[PRIOR_KEY]
            if not isinstance(weights, list) or len(weights) != len(values):
                raise SchemaError(f"{PRIOR_KEY} must list one number per enum value ({len(values)})")
            priors.update({str(v): float(w) for v, w in zip(values, weights, strict=True)})
    return priors


def without_priors(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as a grammar sees it: priors weigh choices, they do not change what is valid."""
    props = schema.get("properties")
    if not isinstance(props, dict) or not any(isinstance(s, dict) and PRIOR_KEY in s for s in props.values()):
        return schema
    clean = {k: ({n: v for n, v in s.items() if n != PRIOR_KEY} if isinstance(s, dict) else s)
             for k, s in props.items()}
    return {**schema, "properties": clean}


def schema_to_gbnf(schema: dict[str, Any]) -> str:
    """The GBNF text for ``schema``; raises SchemaError naming what failed."""
    if not isinstance(schema, dict):
        raise SchemaError(f"schema must be a JSON object (dict), got {type(schema).__name__}")
    try:
        text = json.dumps(without_priors(schema), sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"schema is not JSON-serialisable: {exc}") from exc
    return _convert(text)


@lru_cache(maxsize=64)
def _convert(schema_json: str) -> str:
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        gbnf = json_schema_to_gbnf(schema_json)
    except Exception as exc:  # the converter raises bare Exception/ValueError/KeyError
        raise SchemaError(
            f"cannot convert JSON schema to a grammar ({type(exc).__name__}: {exc}); "
            "simplify the schema (no remote $ref, supported formats only)"
        ) from exc
    if "root ::=" not in gbnf:
        raise SchemaError("schema produced a grammar without a root rule; check the schema")
    return gbnf
