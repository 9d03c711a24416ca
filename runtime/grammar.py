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


def schema_to_gbnf(schema: dict[str, Any]) -> str:
    """The GBNF text for ``schema``; raises SchemaError naming what failed."""
    if not isinstance(schema, dict):
        raise SchemaError(f"schema must be a JSON object (dict), got {type(schema).__name__}")
    try:
        text = json.dumps(schema, sort_keys=True)
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
