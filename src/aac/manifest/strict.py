"""Function parameters: a valid JSON Schema, and under `strict: true` OpenAI's structured-outputs rules.

The rules (OpenAI "Structured Outputs" guide, "Supported schemas"): the root is an object;
every object sets `additionalProperties: false` and lists every property in `required`
(an optional field is written as a union with null); some keywords are not supported.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

# Keywords structured outputs rejects under strict mode.
UNSUPPORTED_STRICT = frozenset({
    "allOf", "oneOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas", "dependencies",
    "patternProperties", "unevaluatedProperties", "propertyNames", "minProperties", "maxProperties",
    "unevaluatedItems", "contains", "minContains", "maxContains", "uniqueItems", "minLength", "maxLength",
})
_HINTS = {"oneOf": "use anyOf", "allOf": "merge the schemas into one"}


def schema_errors(schema: Any, root: str = "parameters") -> list[str]:
    """Why `schema` is not a valid JSON Schema (checked against its own metaschema)."""
    if not isinstance(schema, dict):
        return [f"{root} must be a JSON Schema object (a mapping)"]
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return [f"{root} holds values JSON cannot represent (dates, non-string keys)"]
    problem = _metaschema_problem(key)
    return [f"{root} is not a valid JSON Schema {problem}"] if problem else []


@functools.lru_cache(maxsize=1024)
def _metaschema_problem(schema_json: str) -> str | None:
    """Where and why the schema breaks its metaschema; cached, as many functions share one schema."""
    schema = json.loads(schema_json)
    cls = validator_for(schema, default=Draft202012Validator)
    error = best_match(_metaschema_validator(cls).iter_errors(schema))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "the root"
    return f"at {where}: {error.message[:200]}"


@functools.cache
def _metaschema_validator(cls: Any) -> Any:
    """One validator per draft: building one per check (as check_schema does) costs milliseconds."""
    return validator_for(cls.META_SCHEMA, default=cls)(cls.META_SCHEMA)


def strict_errors(schema: dict[str, Any], root: str = "parameters") -> list[tuple[str, str]]:
    """(message, hint) for every rule of strict mode the schema breaks; `root` names it in messages."""
    found: list[tuple[str, str]] = []
    if schema.get("type") != "object":
        found.append((f"with strict: true the root of {root} must be `type: object`", "wrap it in an object"))
    found.extend(_walk(schema, root))
    return found


def _walk(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if not isinstance(node, dict):
        return
    for keyword in sorted(UNSUPPORTED_STRICT & set(node)):
        yield (f"{where} uses `{keyword}`, which strict mode does not support",
               _HINTS.get(keyword, "remove it, or set strict: false"))
    if node.get("type") == "object" or "properties" in node:
        yield from _object_rules(node, where)
    for child, child_where in _children(node, where):
        yield from _walk(child, child_where)


def _object_rules(node: dict[str, Any], where: str) -> Iterator[tuple[str, str]]:
    if node.get("additionalProperties") is not False:
        yield (f"{where} needs `additionalProperties: false` under strict mode",
               "add `additionalProperties: false` to every object")
    properties = node.get("properties") or {}
    required = set(node.get("required") or ())
    for name in properties:
        if name not in required:
            yield (f"{where}.{name} is optional, but strict mode requires every property",
                   f"add {name!r} to `required`; make it nullable (type: [..., 'null']) if it may be absent")


def _children(node: dict[str, Any], where: str) -> Iterator[tuple[Any, str]]:
    for name, child in (node.get("properties") or {}).items():
        yield child, f"{where}.{name}"
    items = node.get("items")
    if isinstance(items, dict):
        yield items, f"{where}[]"
    for keyword in ("anyOf", "prefixItems", "oneOf", "allOf"):
        for index, child in enumerate(node.get(keyword) or ()):
            yield child, f"{where}.{keyword}[{index}]"
    for keyword in ("$defs", "definitions"):
        for name, child in (node.get(keyword) or {}).items():
            yield child, f"{where}.{keyword}.{name}"
