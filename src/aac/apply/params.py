"""Request bodies for writes: a desired spec, its tags and the live ids it refers to.

The tags go into `metadata` in the create call itself (DESIGN section 5), so an object
is never live without them. `aac-spec` holds the hash of the change's `after` (the
canonical spec, write-only fields included) exactly as the diff computed it, so the next
plan compares equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aac.identity import file_attributes, spec_hash, tags
from aac.plan.model import Change
from aac.resources import ATTR_PATH, AssistantSpec, VectorStoreSpec

JSON = dict[str, Any]


def spec_tag(change: Change) -> str:
    return spec_hash(change.after or {})


def metadata(stack: str, key: str, user: Mapping[str, str], change: Change, *, protect: bool,
             kept: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole metadata: the server's own keys (`kept`, sent back as they are), the user's, aac's tags."""
    return {**(kept or {}), **user, **tags(stack, key, spec_tag(change), protect=protect)}


def vector_store_create(stack: str, spec: VectorStoreSpec, change: Change) -> JSON:
    body: JSON = {
        "name": spec.display_name,
        "metadata": metadata(stack, spec.name, spec.metadata, change, protect=spec.protect),
    }
    if spec.expires_after is not None:
        body["expires_after"] = dict(spec.expires_after)
    if spec.description is not None:
        body["description"] = spec.description
    return body


def vector_store_update(stack: str, spec: VectorStoreSpec, change: Change, kept: Mapping[str, str]) -> JSON:
    """The modify body: name, expiry and metadata (description and chunking are create-only)."""
    body: JSON = {
        "name": spec.display_name,
        "expires_after": dict(spec.expires_after) if spec.expires_after is not None else None,
        "metadata": metadata(stack, spec.name, spec.metadata, change, protect=spec.protect, kept=kept),
    }
    return _cleared_only_if_changed(body, change)


def _cleared_only_if_changed(body: JSON, change: Change) -> JSON:
    """Drop unset fields, except an explicit null that clears one the manifest no longer sets."""
    changed = set(change.changed_fields) | {"display_name"}
    renamed = {"name": "display_name"}
    return {k: v for k, v in body.items() if v is not None or renamed.get(k, k) in changed}


def attachment(sha256: str, path: str, file_id: str, spec: VectorStoreSpec) -> JSON:
    """One entry of a file batch: the file, its identity attributes, the store's chunking."""
    entry: JSON = {"file_id": file_id, "attributes": {**spec.attributes.get(path, {}), **file_attributes(sha256, path)}}
    if spec.chunking_strategy is not None:
        entry["chunking_strategy"] = dict(spec.chunking_strategy)
    return entry


def attachment_by_id(file_id: str, spec: VectorStoreSpec) -> JSON:
    """An existing upload the manifest names by id (`file_ids`): its bytes are unknown, so no aac-sha256."""
    entry: JSON = {"file_id": file_id, "attributes": {ATTR_PATH: file_id}}
    if spec.chunking_strategy is not None:
        entry["chunking_strategy"] = dict(spec.chunking_strategy)
    return entry


def assistant_body(
    stack: str,
    spec: AssistantSpec,
    change: Change,
    *,
    code_file_ids: Sequence[str],
    vector_store_id: str | None,
    update: bool,
    kept: Mapping[str, str] | None = None,
) -> JSON:
    """Create or modify body; a modify sends every set field (lists replace wholesale, so they converge)
    and an explicit null for a field the manifest dropped."""
    body: JSON = {
        "model": spec.model,
        "name": spec.display_name,
        "description": spec.description,
        "instructions": spec.instructions,
        "tools": [dict(tool) for tool in spec.tools],
        "temperature": spec.temperature,
        "top_p": spec.top_p,
        "response_format": spec.response_format,
        "reasoning_effort": spec.reasoning_effort,
        "metadata": metadata(stack, spec.name, spec.metadata, change, protect=spec.protect, kept=kept),
    }
    resources: JSON = {}
    if code_file_ids or update:
        resources["code_interpreter"] = {"file_ids": list(code_file_ids)}
    if vector_store_id or update:
        resources["file_search"] = {"vector_store_ids": [vector_store_id] if vector_store_id else []}
    if resources:
        body["tool_resources"] = resources
    if update:
        return _cleared_only_if_changed(body, change)
    return {k: v for k, v in body.items() if v is not None}
