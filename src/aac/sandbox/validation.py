"""A small JSON-Schema-like checker that fails the way OpenAI's validator does.

Schemas are plain dicts (see schemas.py). The first problem found raises an ApiError
whose `param` is the JSON path (`tools[3].function.name`) and whose message and code
copy the real server's wording (API_FACTS 5.1).
"""

from __future__ import annotations

import re
from typing import Any

from aac.sandbox.apierror import invalid

Schema = dict[str, Any]

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a decimal",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def _type_ok(value: Any, expected: str) -> bool:
    kind = _kind(value)
    return kind == expected or (expected == "number" and kind == "integer")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check(value: Any, schema: Schema, path: str = "") -> None:
    """Raise ApiError for the first way `value` breaks `schema`."""
    if value is None:
        if schema.get("nullable"):
            return
        if "type" in schema:
            _wrong_type(value, schema["type"], path)
    if "anyOf" in schema:
        _check_any_of(value, schema, path)
        return
    expected = schema.get("type")
    if expected and not _type_ok(value, expected):
        _wrong_type(value, expected, path)
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(f"'{v}'" for v in schema["enum"])
        raise invalid(path, f"Invalid value: '{value}'. Supported values are: {allowed}.")
    checker = _CHECKERS.get(expected or "")
    if checker:
        checker(value, schema, path)


def _wrong_type(value: Any, expected: str, path: str) -> None:
    got = "null" if value is None else _TYPE_NAMES.get(_kind(value), "an unknown type")
    raise invalid(
        path,
        f"Invalid type for '{path}': expected {_TYPE_NAMES.get(expected, expected)}, but got {got} instead.",
        "invalid_type",
    )


def _check_any_of(value: Any, schema: Schema, path: str) -> None:
    options: list[Schema] = schema["anyOf"]
    for option in options:
        if option.get("type") and not _type_ok(value, option["type"]):
            continue
        check(value, option, path)
        return
    _wrong_type(value, options[0].get("type", "object"), path)


def _check_string(value: str, schema: Schema, path: str) -> None:
    limit = schema.get("maxLength")
    if limit is not None and len(value) > limit:
        raise invalid(
            path,
            f"Invalid '{path}': string too long. Expected a string with maximum length {limit}, "
            f"but got a string with length {len(value)} instead.",
            "string_above_max_length",
        )
    if schema.get("minLength") and len(value) < schema["minLength"]:
        raise invalid(
            path,
            f"Invalid '{path}': string too short. Expected a string with minimum length "
            f"{schema['minLength']}, but got an empty string instead.",
            "string_below_min_length",
        )
    pattern = schema.get("pattern")
    if pattern and not re.fullmatch(pattern, value):  # search() lets "$" match before a final newline
        raise invalid(
            path,
            f"Invalid '{path}': string does not match pattern. Expected a string that matches the "
            f"pattern '{pattern}'.",
        )


def _check_number(value: float, schema: Schema, path: str) -> None:
    word = "integer" if schema.get("type") == "integer" else "decimal"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and value < low:
        raise invalid(
            path,
            f"Invalid '{path}': {word} below minimum value. Expected a value greater than or equal to "
            f"{low}, but got {value} instead.",
            f"{word}_below_min_value",
        )
    if high is not None and value > high:
        raise invalid(
            path,
            f"Invalid '{path}': {word} above maximum value. Expected a value less than or equal to "
            f"{high}, but got {value} instead.",
            f"{word}_above_max_value",
        )


def _check_array(value: list[Any], schema: Schema, path: str) -> None:
    high, low = schema.get("maxItems"), schema.get("minItems")
    if high is not None and len(value) > high:
        raise invalid(
            path,
            f"Invalid '{path}': array too long. Expected an array with maximum length {high}, "
            f"but got an array with length {len(value)} instead.",
            "array_above_max_length",
        )
    if low is not None and len(value) < low:
        raise invalid(
            path,
            f"Invalid '{path}': array too short. Expected an array with minimum length {low}, "
            f"but got an array with length {len(value)} instead.",
            "array_below_min_length",
        )
    items = schema.get("items")
    if items:
        for index, item in enumerate(value):
            check(item, items, f"{path}[{index}]")


def _check_object(value: dict[str, Any], schema: Schema, path: str) -> None:
    if "tagged" in schema:
        _check_tagged(value, schema, path)
        return
    high = schema.get("maxProperties")
    if high is not None and len(value) > high:
        raise invalid(
            path,
            f"Invalid '{path}': too many properties. Expected an object with at most {high} properties, "
            f"but got an object with {len(value)} properties instead.",
            "object_above_max_properties",
        )
    for name in schema.get("required", ()):
        if name not in value:
            where = _join(path, name)
            raise invalid(where, f"Missing required parameter: '{where}'.", "missing_required_parameter")
    properties: dict[str, Schema] = schema.get("properties", {})
    extra = schema.get("additional")
    for key, item in value.items():
        where = _join(path, key)
        if key in properties:
            check(item, properties[key], where)
        elif extra is not None:
            _check_extra_key(key, schema, where)
            check(item, extra, where)
        else:
            raise invalid(where, f"Unknown parameter: '{where}'.", "unknown_parameter")
    if "rule" in schema:  # a cross-field rule the schema language cannot say
        schema["rule"](value, path)


def _check_extra_key(key: str, schema: Schema, where: str) -> None:
    limit = schema.get("maxKeyLength")
    if limit is not None and len(key) > limit:
        raise invalid(
            where,
            f"Invalid '{where}': key too long. Expected a key with maximum length {limit}, "
            f"but got a key with length {len(key)} instead.",
            "string_above_max_length",
        )


def _check_tagged(value: dict[str, Any], schema: Schema, path: str) -> None:
    """A oneOf discriminated by its `type` field (tools, chunking strategies, response formats)."""
    variants: dict[str, Schema] = schema["tagged"]
    where = _join(path, "type")
    if "type" not in value:
        raise invalid(where, f"Missing required parameter: '{where}'.", "missing_required_parameter")
    tag = value["type"]
    check(tag, {"type": "string"}, where)
    if tag not in variants:
        allowed = ", ".join(f"'{v}'" for v in variants)
        raise invalid(where, f"Invalid value: '{tag}'. Supported values are: {allowed}.")
    variant = {"type": "object", **variants[tag]}
    variant["properties"] = {"type": {"type": "string"}, **variant.get("properties", {})}
    check(value, variant, path)


_CHECKERS: dict[str, Any] = {
    "string": _check_string,
    "integer": _check_number,
    "number": _check_number,
    "array": _check_array,
    "object": _check_object,
}
