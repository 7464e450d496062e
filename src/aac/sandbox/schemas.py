"""Request-body schemas for the checker in validation.py (limits from aac.limits, API_FACTS section 4)."""

from __future__ import annotations

from typing import Any

from aac import limits
from aac.sandbox.apierror import invalid

Schema = dict[str, Any]

METADATA: Schema = {
    "type": "object",
    "nullable": True,
    "maxProperties": limits.METADATA_PAIRS_MAX,
    "maxKeyLength": limits.METADATA_KEY_MAX,
    "additional": {"type": "string", "maxLength": limits.METADATA_VALUE_MAX},
}
ATTRIBUTES: Schema = {
    "type": "object",
    "nullable": True,
    "maxProperties": limits.ATTRIBUTES_MAX,
    "maxKeyLength": 64,
    "additional": {
        "anyOf": [{"type": "string", "maxLength": 512}, {"type": "boolean"}, {"type": "number"}],
    },
}
def _overlap_at_most_half(static: dict[str, Any], path: str) -> None:
    if static["chunk_overlap_tokens"] * 2 > static["max_chunk_size_tokens"]:
        where = f"{path}.chunk_overlap_tokens"
        raise invalid(
            where,
            f"Invalid '{where}': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens "
            f"({static['max_chunk_size_tokens']}), but got {static['chunk_overlap_tokens']} instead.",
        )


STATIC_CHUNKING: Schema = {
    "rule": _overlap_at_most_half,
    "type": "object",
    "required": ["max_chunk_size_tokens", "chunk_overlap_tokens"],
    "properties": {
        "max_chunk_size_tokens": {
            "type": "integer",
            "minimum": limits.CHUNK_TOKENS[0],
            "maximum": limits.CHUNK_TOKENS[1],
        },
        "chunk_overlap_tokens": {"type": "integer", "minimum": 0},
    },
}
CHUNKING: Schema = {
    "type": "object",
    "tagged": {"auto": {}, "static": {"required": ["static"], "properties": {"static": STATIC_CHUNKING}}},
}
_RANKING: Schema = {
    "type": "object",
    "required": ["score_threshold"],
    "properties": {
        "ranker": {"type": "string", "enum": ["auto", "default_2024_08_21"]},
        "score_threshold": {"type": "number", "minimum": 0, "maximum": 1},
    },
}
_FUNCTION: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": limits.FUNCTION_NAME_MAX, "pattern": "^[a-zA-Z0-9_-]+$"},
        "description": {"type": "string"},
        "parameters": {"type": "object", "additional": {}},
        "strict": {"type": "boolean", "nullable": True},
    },
}
TOOL: Schema = {
    "type": "object",
    "tagged": {
        "code_interpreter": {},
        "file_search": {
            "properties": {
                "file_search": {
                    "type": "object",
                    "properties": {
                        "max_num_results": {
                            "type": "integer",
                            "minimum": limits.MAX_NUM_RESULTS[0],
                            "maximum": limits.MAX_NUM_RESULTS[1],
                        },
                        "ranking_options": _RANKING,
                    },
                }
            }
        },
        "function": {"required": ["function"], "properties": {"function": _FUNCTION}},
    },
}
_JSON_SCHEMA_FORMAT: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 64, "pattern": "^[a-zA-Z0-9_-]+$"},
        "description": {"type": "string"},
        "schema": {"type": "object", "additional": {}},
        "strict": {"type": "boolean", "nullable": True},
    },
}
RESPONSE_FORMAT: Schema = {
    "nullable": True,
    "anyOf": [
        {"type": "string", "enum": ["auto"]},
        {
            "type": "object",
            "tagged": {
                "text": {},
                "json_object": {},
                "json_schema": {"required": ["json_schema"], "properties": {"json_schema": _JSON_SCHEMA_FORMAT}},
            },
        },
    ],
}
_FILE_IDS: Schema = {"type": "array", "items": {"type": "string"}}


def _tool_resources(create: bool) -> Schema:
    file_search: Schema = {
        "type": "object",
        "properties": {
            "vector_store_ids": {**_FILE_IDS, "maxItems": limits.VECTOR_STORES_PER_ASSISTANT},
        },
    }
    if create:
        helper: Schema = {
            "type": "object",
            "properties": {
                "file_ids": {**_FILE_IDS, "maxItems": 100_000_000},
                "chunking_strategy": CHUNKING,
                "metadata": METADATA,
            },
        }
        file_search["properties"]["vector_stores"] = {
            "type": "array",
            "maxItems": limits.VECTOR_STORES_PER_ASSISTANT,
            "items": helper,
        }
    return {
        "type": "object",
        "nullable": True,
        "properties": {
            "code_interpreter": {
                "type": "object",
                "properties": {"file_ids": {**_FILE_IDS, "maxItems": limits.CODE_INTERPRETER_FILES_MAX}},
            },
            "file_search": file_search,
        },
    }


def _assistant(create: bool) -> Schema:
    properties: Schema = {
        "model": {"type": "string"},
        "name": {"type": "string", "nullable": True, "maxLength": limits.NAME_MAX},
        "description": {"type": "string", "nullable": True, "maxLength": limits.DESCRIPTION_MAX},
        "instructions": {"type": "string", "nullable": True, "maxLength": limits.INSTRUCTIONS_MAX},
        "reasoning_effort": {"type": "string", "nullable": True, "enum": list(limits.REASONING_EFFORTS)},
        "tools": {"type": "array", "maxItems": limits.TOOLS_MAX, "items": TOOL},
        "tool_resources": _tool_resources(create),
        "metadata": METADATA,
        "temperature": {"type": "number", "nullable": True, "minimum": 0, "maximum": 2},
        "top_p": {"type": "number", "nullable": True, "minimum": 0, "maximum": 1},
        "response_format": RESPONSE_FORMAT,
    }
    return {"type": "object", "required": ["model"] if create else [], "properties": properties}


ASSISTANT_CREATE = _assistant(create=True)
ASSISTANT_MODIFY = _assistant(create=False)

EXPIRES_AFTER: Schema = {
    "type": "object",
    "nullable": True,
    "required": ["anchor", "days"],
    "properties": {
        "anchor": {"type": "string", "enum": ["last_active_at"]},
        "days": {"type": "integer", "minimum": limits.EXPIRES_AFTER_DAYS[0], "maximum": limits.EXPIRES_AFTER_DAYS[1]},
    },
}
VECTOR_STORE_CREATE: Schema = {
    "type": "object",
    "properties": {
        "file_ids": {**_FILE_IDS, "maxItems": limits.VECTOR_STORE_CREATE_FILE_IDS_MAX},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "expires_after": EXPIRES_AFTER,
        "chunking_strategy": CHUNKING,
        "metadata": METADATA,
    },
}
VECTOR_STORE_MODIFY: Schema = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "nullable": True},
        "expires_after": EXPIRES_AFTER,
        "metadata": METADATA,
    },
}
VECTOR_STORE_FILE_CREATE: Schema = {
    "type": "object",
    "required": ["file_id"],
    "properties": {"file_id": {"type": "string"}, "chunking_strategy": CHUNKING, "attributes": ATTRIBUTES},
}
VECTOR_STORE_FILE_UPDATE: Schema = {
    "type": "object",
    "required": ["attributes"],
    "properties": {"attributes": ATTRIBUTES},
}
_BATCH_FILE = VECTOR_STORE_FILE_CREATE  # an item of a batch's `files` is the body of one attach
FILE_BATCH_CREATE: Schema = {
    "type": "object",
    "properties": {
        "file_ids": {**_FILE_IDS, "minItems": 1, "maxItems": limits.FILE_BATCH_MAX},
        "files": {"type": "array", "minItems": 1, "maxItems": limits.FILE_BATCH_MAX, "items": _BATCH_FILE},
        "chunking_strategy": CHUNKING,
        "attributes": ATTRIBUTES,
    },
}


def _value_fits_operator(comparison: dict[str, Any], path: str) -> None:
    listed = isinstance(comparison["value"], list)
    if listed != (comparison["type"] in ("in", "nin")):
        where = f"{path}.value" if path else "value"
        expected = "an array" if not listed else "a string, number or boolean"
        raise invalid(
            where,
            f"Invalid '{where}': the '{comparison['type']}' operator expects {expected}.",
            "invalid_type",
        )


_COMPARISON: Schema = {
    "rule": _value_fits_operator,
    "required": ["key", "value"],
    "properties": {
        "key": {"type": "string"},
        "value": {
            "anyOf": [
                {"type": "string"},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "number"}]}},
            ]
        },
    },
}
COMPARISON_OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin")
FILTER: Schema = {"type": "object", "tagged": {op: _COMPARISON for op in COMPARISON_OPERATORS}}
_COMPOUND: Schema = {"required": ["filters"], "properties": {"filters": {"type": "array", "items": FILTER}}}
FILTER["tagged"].update({"and": _COMPOUND, "or": _COMPOUND})  # compound filters nest (spec: $recursiveRef)

VECTOR_STORE_SEARCH: Schema = {
    "type": "object",
    "required": ["query"],
    "properties": {
        "query": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "rewrite_query": {"type": "boolean"},
        "max_num_results": {
            "type": "integer",
            "minimum": limits.MAX_NUM_RESULTS[0],
            "maximum": limits.MAX_NUM_RESULTS[1],
        },
        "filters": FILTER,
        "ranking_options": {
            "type": "object",
            "properties": {
                "ranker": {"type": "string", "enum": ["none", "auto", "default-2024-11-15"]},
                "score_threshold": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
    },
}
