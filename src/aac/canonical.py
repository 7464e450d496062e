"""One comparable shape for each side of the diff: the desired spec and the live object.

Both sides go through the same normalisation, so what is not a change never shows as
one: numbers compare as numbers (1 == 1.0), JSON compares as data (key order and
whitespace are invisible), tools are sorted by (type, function name), API defaults
stand in for unset fields, files appear as SHA-256 lists and other objects by key.
Field names are the manifest's (`display_name`, not the API's `name`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from aac.identity import is_protected
from aac.resources import (
    ATTR_SHA256,
    SERVER_METADATA,
    TAG_SECRET_VERSION,
    TAG_SERVER_KEYS,
    TAGS,
    AssistantSpec,
    LiveAssistant,
    LiveState,
    LiveVectorStore,
    VectorStoreSpec,
)

JSON = dict[str, Any]
# Accepted on create/modify but never returned (API_FACTS 9.8): compared through the aac-spec tag.
WRITE_ONLY = {"assistant": ("reasoning_effort",), "vector_store": ("description",)}
# What the API reports per file for `auto` (API_FACTS 3.2: "Auto means 800/400").
AUTO_CHUNKING: JSON = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
DEFAULT_SAMPLING = 1  # temperature and top_p
UNKNOWN_ID = "id:"  # prefix for a live reference to an object this stack does not own


def normalise(value: Any) -> Any:
    """Integral floats become ints (YAML's 1.0 and the API's 1 are one value), recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    return value


def _drop_none(data: Mapping[str, Any] | None) -> JSON:
    return {k: v for k, v in (data or {}).items() if v is not None}


def canonical_tool(tool: Mapping[str, Any]) -> JSON:
    kind = str(tool.get("type"))
    if kind == "code_interpreter":
        return {"type": kind}
    if kind == "file_search":
        search = _drop_none(tool.get("file_search"))
        if isinstance(search.get("ranking_options"), Mapping):
            search["ranking_options"] = _drop_none(search["ranking_options"])
        return {"type": kind, "file_search": search}
    if kind == "function":
        function = _drop_none(tool.get("function"))
        function["strict"] = bool(function.get("strict") or False)
        return {"type": kind, "function": function}
    return _drop_none(tool)


def _tool_key(tool: Mapping[str, Any]) -> tuple[str, str]:
    return str(tool.get("type")), str((tool.get("function") or {}).get("name", ""))


def canonical_tools(tools: Any) -> list[JSON]:
    return sorted((canonical_tool(t) for t in tools or () if isinstance(t, Mapping)), key=_tool_key)


def canonical_response_format(value: Any) -> Any:
    if value is None or value == "auto" or value == {"type": "auto"}:
        return "auto"
    if isinstance(value, Mapping):
        result = _drop_none(value)
        if isinstance(result.get("json_schema"), Mapping):
            schema = _drop_none(result["json_schema"])
            schema["strict"] = bool(schema.get("strict") or False)
            result["json_schema"] = schema
        return result
    return value


def canonical_chunking(value: Any) -> Any:
    if value is None or (isinstance(value, Mapping) and value.get("type") == "auto"):
        return AUTO_CHUNKING
    return value


def recorded_server_keys(metadata: Mapping[str, Any] | None) -> set[str]:
    """The keys aac recorded as the server's on this object (TAG_SERVER_KEYS), and that tag itself."""
    recorded = str((metadata or {}).get(TAG_SERVER_KEYS) or "")
    return {TAG_SERVER_KEYS, *(k for k in recorded.split(",") if k)} if recorded else set()


def user_metadata(metadata: Mapping[str, Any] | None, reserved: Collection[str] = SERVER_METADATA) -> dict[str, str]:
    """The user's keys: neither aac's tags nor the server's own (`reserved`, and those recorded on it)."""
    server = set(reserved) | recorded_server_keys(metadata)
    ours = {*TAGS, TAG_SECRET_VERSION}
    return {k: str(v) for k, v in sorted((metadata or {}).items()) if k not in ours and k not in server}


def server_metadata(metadata: Mapping[str, Any] | None, reserved: Collection[str] = SERVER_METADATA) -> dict[str, str]:
    """The server's own keys of an object's metadata, which every update sends back unchanged."""
    server = set(reserved) | recorded_server_keys(metadata)
    return {k: str(v) for k, v in (metadata or {}).items() if k in server}


def _sampling(value: float | None) -> float:
    return DEFAULT_SAMPLING if value is None else value


def canonical_assistant(spec: AssistantSpec, hashes: Mapping[str, str]) -> JSON:
    return normalise({
        "display_name": spec.display_name,
        "description": spec.description or None,
        "model": spec.model,
        "instructions": spec.instructions or None,
        "tools": canonical_tools(spec.tools),
        # Files attached by id show as the live side shows an upload this stack did not make.
        "code_interpreter_files": sorted({hashes[path] for path in spec.code_interpreter_files}
                                         | {UNKNOWN_ID + file_id for file_id in spec.code_interpreter_ids}),
        "vector_store": spec.vector_store,
        "temperature": _sampling(spec.temperature),
        "top_p": _sampling(spec.top_p),
        "response_format": canonical_response_format(spec.response_format),
        "reasoning_effort": spec.reasoning_effort,
        "metadata": user_metadata(spec.metadata),
        "protect": spec.protect,
    })


def canonical_live_assistant(live: LiveAssistant, state: LiveState) -> JSON:
    raw = live.raw
    resources = raw.get("tool_resources") or {}
    file_ids = (resources.get("code_interpreter") or {}).get("file_ids") or []
    store_ids = (resources.get("file_search") or {}).get("vector_store_ids") or []
    shas = {f.id: f.sha256 for f in state.files.values()}
    stores = {vs.id: key for key, vs in state.vector_stores.items()}
    return normalise({
        "display_name": raw.get("name"),
        "description": raw.get("description") or None,
        "model": raw.get("model"),
        "instructions": raw.get("instructions") or None,
        "tools": canonical_tools(raw.get("tools")),
        "code_interpreter_files": sorted(shas.get(i) or UNKNOWN_ID + i for i in file_ids),
        "vector_store": stores.get(store_ids[0], UNKNOWN_ID + store_ids[0]) if store_ids else None,
        "temperature": _sampling(raw.get("temperature")),
        "top_p": _sampling(raw.get("top_p")),
        "response_format": canonical_response_format(raw.get("response_format")),
        "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata),
        "protect": is_protected(raw.get("metadata")),
    })


def canonical_vector_store(spec: VectorStoreSpec) -> JSON:
    return normalise({
        "display_name": spec.display_name,
        "chunking_strategy": canonical_chunking(spec.chunking_strategy),
        "expires_after": spec.expires_after or None,
        "description": spec.description or None,
        "metadata": user_metadata(spec.metadata),
        "protect": spec.protect,
    })


def canonical_live_vector_store(live: LiveVectorStore, state: LiveState | None = None) -> JSON:
    """The store as read; `chunking_strategy` comes from its files (None when it has none)."""
    raw = live.raw
    expires = raw.get("expires_after")
    return normalise({
        "display_name": raw.get("name"),
        "chunking_strategy": live_chunking(live),
        "expires_after": _drop_none(expires) if isinstance(expires, Mapping) else None,
        "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata if state else SERVER_METADATA),
        "protect": is_protected(raw.get("metadata")),
    })


def live_chunking(live: LiveVectorStore) -> Any:
    """The chunking the store's files were indexed with; None when no file tells."""
    seen = {}
    for attachment in live.files:
        strategy = attachment.chunking_strategy
        if isinstance(strategy, Mapping) and strategy.get("type") == "static":
            seen[repr(normalise(strategy))] = normalise(strategy)
    if len(seen) > 1:
        return {"type": "mixed", "strategies": [seen[k] for k in sorted(seen)]}
    return next(iter(seen.values()), None)


def attachment_sha(attributes: Mapping[str, Any], file_sha: str | None) -> str | None:
    """An attachment's content hash: the upload's own name first, else the attribute."""
    if file_sha:
        return file_sha
    value = attributes.get(ATTR_SHA256)
    return value if isinstance(value, str) else None
