"""An assistant's comparable forms, and how its live side is aligned with the manifest."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from aac.canonical import UNKNOWN_ID, drop_none, normalise, user_metadata
from aac.identity import is_protected
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.base import (
    JSON,
)
from aac.limits import REASONING_EFFORTS
from aac.resources import LiveObject, LiveState

DEFAULT_SAMPLING = 1  # temperature and top_p


def canonical_tool(tool: Mapping[str, Any]) -> JSON:
    kind = str(tool.get("type"))
    if kind == "code_interpreter":
        return {"type": kind}
    if kind == "file_search":
        search = drop_none(tool.get("file_search"))
        if isinstance(search.get("ranking_options"), Mapping):
            search["ranking_options"] = drop_none(search["ranking_options"])
        return {"type": kind, "file_search": search}
    if kind == "function":
        function = drop_none(tool.get("function"))
        function["strict"] = bool(function.get("strict") or False)
        return {"type": kind, "function": function}
    return drop_none(tool)


def _tool_key(tool: Mapping[str, Any]) -> tuple[str, str]:
    return str(tool.get("type")), str((tool.get("function") or {}).get("name", ""))


def canonical_tools(tools: Any) -> list[JSON]:
    return sorted((canonical_tool(t) for t in tools or () if isinstance(t, Mapping)), key=_tool_key)


def canonical_response_format(value: Any) -> Any:
    if value is None or value == "auto" or value == {"type": "auto"}:
        return "auto"
    if isinstance(value, Mapping):
        result = drop_none(value)
        if isinstance(result.get("json_schema"), Mapping):
            schema = drop_none(result["json_schema"])
            schema["strict"] = bool(schema.get("strict") or False)
            result["json_schema"] = schema
        return result
    return value


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


def canonical_live_assistant(live: LiveObject, state: LiveState) -> JSON:
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


def canonical(spec: AssistantSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
    """A code-interpreter file named by id that is this stack's own upload compares by content, as live does."""
    after = canonical_assistant(spec, hashes)
    shas = {f.id: f.sha256 for f in live.files.values() if f.sha256}
    files = after.get("code_interpreter_files") or []
    resolved = sorted({shas.get(f.removeprefix(UNKNOWN_ID), f) if f.startswith(UNKNOWN_ID) else f for f in files})
    return {**after, "code_interpreter_files": resolved} if resolved != files else after


def align(desired: JSON, live: JSON) -> JSON:
    """file_search options the manifest leaves unset are the API's defaults: not compared."""
    if "tools" not in live:
        return live
    wanted = {t["type"]: t for t in desired.get("tools", []) if t["type"] == "file_search"}
    return {**live, "tools": [_align_search(t, wanted.get(t["type"])) for t in live["tools"]]}


def _align_search(tool: JSON, wanted: JSON | None) -> JSON:
    if tool["type"] != "file_search" or wanted is None:
        return tool
    want, have = wanted.get("file_search", {}), dict(tool.get("file_search", {}))
    have = {k: v for k, v in have.items() if k in want}  # max_num_results, ranking_options: API defaults
    if isinstance(have.get("ranking_options"), dict) and isinstance(want.get("ranking_options"), dict):
        have["ranking_options"] = {k: v for k, v in have["ranking_options"].items() if k in want["ranking_options"]}
    return {"type": "file_search", "file_search": have}


def applied_variants(as_applied: JSON, live: JSON) -> Iterator[JSON]:
    """The server fills in file_search defaults the manifest may have left unset, so when the
    tools changed, each way of leaving them unset is a candidate (at most 8 per tool)."""
    yield as_applied
    tools = live.get("tools")
    if "tools" not in as_applied or not isinstance(tools, list):
        return
    variants = [_search_variants(t) if t.get("type") == "file_search" else [t] for t in tools]
    for combination in itertools.islice(itertools.product(*variants), 64):
        yield {**as_applied, "tools": list(combination)}


def _search_variants(tool: JSON) -> list[JSON]:
    search = tool.get("file_search", {})
    ranking = search.get("ranking_options")
    rankings: list[Any] = [ranking, None]
    if isinstance(ranking, dict):
        rankings += [{k: v} for k, v in ranking.items()]
    result = []
    for max_results in (search.get("max_num_results"), None):
        for option in rankings:
            fields = {"max_num_results": max_results, "ranking_options": option}
            result.append({"type": "file_search", "file_search": {k: v for k, v in fields.items() if v is not None}})
    return result


def write_only_candidates(want: JSON) -> Iterator[JSON]:
    for effort in (None, *REASONING_EFFORTS):  # exact: every value the field can have
        if effort != want.get("reasoning_effort"):
            yield {"reasoning_effort": effort}


def readable(form: JSON, labels: Mapping[str, str]) -> JSON:
    """Code-interpreter files by path (or upload name) rather than by hash, for the reader."""
    files = form.get("code_interpreter_files")
    if not isinstance(files, list):
        return form
    return {**form, "code_interpreter_files": sorted(labels.get(f, f) for f in files)}


def _raw_ids(raw: Mapping[str, Any], tool: str, field_name: str) -> list[str]:
    section = (raw.get("tool_resources") or {}).get(tool) or {}
    return [str(i) for i in section.get(field_name) or []]


def store_ids_of(raw: Mapping[str, Any]) -> list[str]:
    """The vector stores a live assistant searches."""
    return _raw_ids(raw, "file_search", "vector_store_ids")


def code_file_ids_of(raw: Mapping[str, Any]) -> list[str]:
    """The files a live assistant's code interpreter holds."""
    return _raw_ids(raw, "code_interpreter", "file_ids")
