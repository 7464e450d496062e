"""Helpers for the planner's tests: what live state looks like right after an apply.

`applied_snapshot` is pure: the raw API objects a faithful server returns after the
desired state was applied (defaults filled in, tags written), in the `live.json`
format. `apply_with_sdk` writes the desired state through the real SDK to a server,
the way apply does, so a test can plan against what the server actually stores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openai

from aac.identity import file_attributes, spec_hash, tags, upload_filename
from aac.kinds.assistant.canonical import canonical_assistant
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.vector_store.canonical import canonical_chunking, canonical_vector_store
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.resources import DesiredState, LocalFile


def first_paths(paths: list[str], hashes: Mapping[str, str]) -> dict[str, str]:
    """sha -> the first path (sorted) holding those bytes."""
    result: dict[str, str] = {}
    for path in sorted(paths):
        result.setdefault(hashes[path], path)
    return result


def file_id(sha: str) -> str:
    return f"file-{sha[:12]}"


def _metadata(stack: str, key: str, user: Mapping[str, str], canonical: dict[str, Any], protect: bool) -> dict:
    return {**user, **tags(stack, key, spec_hash(canonical), protect=protect)}


def _tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """A tool as the server returns it: file_search defaults filled in."""
    if tool.get("type") != "file_search":
        return dict(tool)
    search = dict(tool.get("file_search") or {})
    search.setdefault("max_num_results", 20)
    search.setdefault("ranking_options", {"ranker": "auto", "score_threshold": 0.0})
    return {"type": "file_search", "file_search": search}


def assistant_raw(spec: AssistantSpec, desired: DesiredState, hashes: Mapping[str, str]) -> dict[str, Any]:
    files = [file_id(sha) for sha in first_paths(list(spec.code_interpreter_files), hashes)]
    stores = [f"vs_{spec.vector_store}"] if spec.vector_store else []
    return {
        "id": f"asst_{spec.name}", "object": "assistant", "created_at": 1700000000,
        "name": spec.display_name, "description": spec.description, "model": spec.model,
        "instructions": spec.instructions, "tools": [_tool(t) for t in spec.tools],
        "tool_resources": {"code_interpreter": {"file_ids": files}, "file_search": {"vector_store_ids": stores}},
        "temperature": 1.0 if spec.temperature is None else spec.temperature,
        "top_p": 1.0 if spec.top_p is None else spec.top_p,
        "response_format": spec.response_format or "auto",
        "metadata": _metadata(desired.stack, spec.name, spec.metadata, canonical_assistant(spec, hashes),
                              spec.protect),
    }


def store_raw(spec: VectorStoreSpec, desired: DesiredState, hashes: Mapping[str, str]) -> dict[str, Any]:
    usage = sum(desired.files[p].size for p in first_paths(list(spec.files), hashes).values())
    return {
        "id": f"vs_{spec.name}", "object": "vector_store", "created_at": 1700000000, "name": spec.display_name,
        "usage_bytes": usage, "status": "completed", "last_active_at": 1700000000,
        "file_counts": {"in_progress": 0, "completed": len(spec.files), "failed": 0, "cancelled": 0,
                        "total": len(spec.files)},
        "expires_after": spec.expires_after, "expires_at": None,
        "metadata": _metadata(desired.stack, spec.name, spec.metadata, canonical_vector_store(spec), spec.protect),
    }


def attachment_raw(spec: VectorStoreSpec, sha: str, path: str, size: int) -> dict[str, Any]:
    return {
        "id": file_id(sha), "object": "vector_store.file", "created_at": 1700000000,
        "vector_store_id": f"vs_{spec.name}", "status": "completed", "usage_bytes": size, "last_error": None,
        "attributes": {**spec.attributes.get(path, {}), **file_attributes(sha, path)},
        "chunking_strategy": canonical_chunking(spec.chunking_strategy),
    }


def applied_snapshot(desired: DesiredState, hashes: Mapping[str, str]) -> dict[str, Any]:
    """The live.json a faithful server holds right after `desired` was applied."""
    wanted = first_paths(list(desired.files), hashes)
    files = [
        {"id": file_id(sha), "object": "file", "bytes": desired.files[path].size, "created_at": 1700000000,
         "filename": upload_filename(desired.stack, sha, path), "purpose": "assistants", "status": "processed"}
        for sha, path in sorted(wanted.items())
    ]
    vs_files: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for spec in desired.vector_stores.values():
        for sha, path in first_paths(list(spec.files), hashes).items():
            vs_files[f"vs_{spec.name}"].append(attachment_raw(spec, sha, path, desired.files[path].size))
    return {
        "assistants": [assistant_raw(s, desired, hashes) for _, s in sorted(desired.assistants.items())],
        "vector_stores": [store_raw(s, desired, hashes) for _, s in sorted(desired.vector_stores.items())],
        "vector_store_files": dict(sorted(vs_files.items())),
        "files": files,
    }


def apply_with_sdk(sdk: openai.OpenAI, desired: DesiredState, hashes: Mapping[str, str]) -> None:
    """Create everything in `desired` on an empty server through the SDK, tagged as apply tags it."""
    ids = {}
    for sha, path in first_paths(list(desired.files), hashes).items():
        local: LocalFile = desired.files[path]
        name = upload_filename(desired.stack, sha, path)
        ids[sha] = sdk.files.create(file=(name, Path(local.abspath).read_bytes()), purpose="assistants").id
    stores = {}
    for key, spec in sorted(desired.vector_stores.items()):
        canonical = canonical_vector_store(spec)
        extra: dict[str, Any] = {"expires_after": spec.expires_after} if spec.expires_after else {}
        if spec.description:
            extra["description"] = spec.description
        store = sdk.vector_stores.create(
            name=spec.display_name, metadata=_metadata(desired.stack, key, spec.metadata, canonical, spec.protect),
            **extra,
        )
        stores[key] = store.id
        for sha, path in first_paths(list(spec.files), hashes).items():
            strategy = {"chunking_strategy": spec.chunking_strategy} if spec.chunking_strategy else {}
            attributes = {**spec.attributes.get(path, {}), **file_attributes(sha, path)}  # as apply writes them
            sdk.vector_stores.files.create(store.id, file_id=ids[sha], attributes=attributes, **strategy)
    for _, spec in sorted(desired.assistants.items()):
        _create_assistant(sdk, desired, hashes, spec, ids, stores)


def _create_assistant(sdk: openai.OpenAI, desired: DesiredState, hashes: Mapping[str, str], spec: AssistantSpec,
                      ids: Mapping[str, str], stores: Mapping[str, str]) -> None:
    optional = {
        "description": spec.description, "instructions": spec.instructions, "temperature": spec.temperature,
        "top_p": spec.top_p, "response_format": spec.response_format, "reasoning_effort": spec.reasoning_effort,
    }
    resources: dict[str, Any] = {}
    files = sorted({ids[hashes[p]] for p in spec.code_interpreter_files})
    if files:
        resources["code_interpreter"] = {"file_ids": files}
    if spec.vector_store:
        resources["file_search"] = {"vector_store_ids": [stores[spec.vector_store]]}
    sdk.beta.assistants.create(
        model=spec.model, name=spec.display_name, tools=list(spec.tools),  # type: ignore[arg-type]
        tool_resources=resources,  # type: ignore[arg-type]
        metadata=_metadata(desired.stack, spec.name, spec.metadata, canonical_assistant(spec, hashes), spec.protect),
        **{k: v for k, v in optional.items() if v is not None},
    )
