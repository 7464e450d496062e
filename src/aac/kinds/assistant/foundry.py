"""An assistant manifest on a Microsoft Foundry target: a prompt agent, its definition stored as versions.

Pure: the agent's name, the definition a spec becomes, what a manifest has that a prompt agent cannot say,
and a version read back as the assistant the comparable forms (aac.kinds.assistant.canonical) already know,
so one comparison serves both targets.

- Name: `STACK-KEY`, lowercased, every run of characters other than a-z and 0-9 one `-`, no `-` at either
  end; longer than 63 characters, the first 54 and `-` and 8 hex digits of sha256("STACK/KEY"). Two keys of a
  stack with one name are refused by `aac validate`.
- Tags: aac's tags go in each version's `metadata`. A version made outside aac (no tags of this stack) is
  drift: the comparable form's `latest_version` says who made the latest version.
- Definition: the Responses shapes (`FileSearchTool`, `CodeInterpreterTool` with an `auto` container,
  `FunctionTool` flat), `text.format` for `response_format`, `reasoning.effort` for `reasoning_effort`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from aac.errors import AacError
from aac.identity import owner_of
from aac.kinds.assistant.responses import RESPONSES_RANKERS, text_format
from aac.kinds.assistant.spec import AssistantSpec
from aac.manifest.context import LoadContext
from aac.resources import JSON, TAG_MANAGED_BY

FOUNDRY = "foundry"  # the target type
NAME_MAX = 63  # azure-ai-projects' AgentsOperations.create_version: at most 63 characters
_HASHED = 8
_NOT_NAME = re.compile(r"[^a-z0-9]+")
BY_AAC = "made by aac"  # the comparable form's `latest_version` when aac made the latest version
VIEW = "foundry"  # the key of a live view that holds what Foundry says beside the assistant's fields


def agent_name(stack: str, key: str) -> str:
    """The prompt agent's name for `key` of `stack` (see the module's docstring)."""
    name = _NOT_NAME.sub("-", f"{stack}-{key}".lower()).strip("-") or "aac"
    if len(name) <= NAME_MAX:
        return name
    digest = hashlib.sha256(f"{stack}/{key}".encode()).hexdigest()[:_HASHED]
    return f"{name[:NAME_MAX - _HASHED - 1].rstrip('-')}-{digest}"


def name_taken(name: str, key: str, whose: str) -> AacError:
    """The error for a create whose agent name an agent this stack does not own holds: never written over."""
    return AacError(f"the name {name!r} of assistant.{key}'s prompt agent is taken by an agent {whose}",
                    "aac never writes over an agent it did not make: rename the assistant's key, or delete or "
                    "rename that agent in the Foundry portal")


def latest_version_by(made_by_aac: bool, version: str) -> str:
    return BY_AAC if made_by_aac else f"made outside aac (version {version})"


# -- validation --------------------------------------------------------------------------------


def check_spec(ctx: LoadContext, spec: AssistantSpec, data: Mapping[str, Any], line_of: Any) -> None:
    """What the manifest has that a prompt agent cannot express: one error each, at its line."""
    path = spec.source.path if spec.source else ""
    types = {tool["type"] for tool in spec.tools}
    if "display_name" in data and spec.display_name != spec.name:
        ctx.error(path, line_of("display_name"), f"display_name: a prompt agent has no display name ({spec.name} is "
                  "named from the stack and its key on a foundry target)",
                  "remove display_name, or set it in an `overrides:` entry for the other targets only")
    if spec.vector_store and "file_search" not in types:
        ctx.error(path, line_of("vector_store") if "vector_store" in data else line_of("files", "file_search"),
                  f"{spec.name} has a vector store but no file_search tool: a prompt agent names its stores only "
                  "in that tool", "add `- file_search` to tools")
    if (spec.code_interpreter_files or spec.code_interpreter_ids) and "code_interpreter" not in types:
        ctx.error(path, line_of("files", "code_interpreter"), f"{spec.name} attaches code_interpreter files but has "
                  "no code_interpreter tool: a prompt agent holds them only in that tool",
                  "add `- code_interpreter` to tools")
    for index, tool in enumerate(spec.tools):
        ranker = ((tool.get("file_search") or {}).get("ranking_options") or {}).get("ranker")
        if tool["type"] == "file_search" and ranker is not None and ranker not in RESPONSES_RANKERS:
            ctx.error(path, line_of("tools", index, "file_search", "ranking_options", "ranker"),
                      f"tools.file_search.ranking_options.ranker {ranker!r}: a prompt agent's file_search takes "
                      f"{' or '.join(RESPONSES_RANKERS)}", "use one of those, or leave the ranker unset")


def check_names(ctx: LoadContext, stack: str, specs: Iterable[AssistantSpec]) -> None:
    """Two keys of the stack whose agent names are one: refused, as they would be one agent."""
    seen: dict[str, AssistantSpec] = {}
    for spec in sorted(specs, key=lambda s: s.name):
        name = agent_name(stack, spec.name)
        other = seen.setdefault(name, spec)
        if other is not spec:
            where = spec.source
            ctx.error(where.path if where else "", where.line if where else 0,
                      f"assistants {other.name!r} and {spec.name!r} are both the prompt agent {name!r} on a "
                      "foundry target (names keep letters, digits and hyphens)", "rename one of them")


# -- the definition sent ---------------------------------------------------------------------


def definition(spec: AssistantSpec, store_ids: list[str], file_ids: list[str]) -> JSON:
    """The `PromptAgentDefinition` for a spec, given the live ids of its store and code-interpreter files."""
    result: JSON = {"kind": "prompt", "model": spec.model}
    if spec.instructions:
        result["instructions"] = spec.instructions
    for name in ("temperature", "top_p"):
        if getattr(spec, name) is not None:
            result[name] = getattr(spec, name)
    if spec.tools:
        result["tools"] = [_tool(tool, store_ids, file_ids) for tool in spec.tools]
    response_format = text_format(spec.response_format)
    if response_format:
        result["text"] = {"format": response_format}
    if spec.reasoning_effort:
        result["reasoning"] = {"effort": spec.reasoning_effort}
    return result


def _tool(tool: JSON, store_ids: list[str], file_ids: list[str]) -> JSON:
    kind = tool["type"]
    if kind == "function":
        return {"type": "function", **tool["function"]}
    if kind == "code_interpreter":
        return {"type": kind, "container": {"type": "auto", "file_ids": file_ids}}
    if kind == "file_search":
        return {"type": kind, "vector_store_ids": store_ids, **(tool.get("file_search") or {})}
    return dict(tool)


# -- a version read back -----------------------------------------------------------------------


def assistant_view(agent: Mapping[str, Any], latest: Mapping[str, Any], tagged: Mapping[str, Any] | None) -> JSON:
    """A prompt agent's latest version as the Assistants API would show the assistant: what the comparable
    forms, live references, outputs and import read. `tagged`: the newest version with aac's tags (the latest
    one, or an older one when the latest was made outside aac)."""
    spec = latest.get("definition") or {}
    ours = tagged if tagged is not None else latest
    by_aac = tagged is latest or (tagged is not None and tagged.get("version") == latest.get("version"))
    owner = owner_of(ours.get("metadata"))
    tools, stores, files = _tools_back(spec.get("tools") or [])
    view: JSON = {
        "id": agent["name"],
        "object": "assistant",
        "name": owner[1] if owner else agent["name"],
        "description": latest.get("description"),
        "model": spec.get("model"),
        "instructions": spec.get("instructions"),
        "tools": tools,
        "tool_resources": {"code_interpreter": {"file_ids": files}, "file_search": {"vector_store_ids": stores}},
        "temperature": spec.get("temperature"),
        "top_p": spec.get("top_p"),
        "response_format": _response_format_back((spec.get("text") or {}).get("format")),
        "reasoning_effort": (spec.get("reasoning") or {}).get("effort"),
        # The latest version's own keys, with the tags of the version aac made last: who owns it.
        "metadata": {**dict(latest.get("metadata") or {}), **_tags_only(ours.get("metadata"))},
        "created_at": latest.get("created_at"),
        # What a new version made from this one keeps (a retag, a repoint), and who made it.
        VIEW: {"agent": agent["name"], "version": str(latest.get("version")), "by_aac": by_aac,
               "definition": dict(spec), "description": latest.get("description")},
    }
    return view


def _tags_only(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (metadata or {}).items() if k.startswith("aac-") or k == TAG_MANAGED_BY}


def _tools_back(tools: list[Any]) -> tuple[list[JSON], list[str], list[str]]:
    """The definition's tools in the Assistants shape, and the store and file ids they name."""
    result: list[JSON] = []
    stores: list[str] = []
    files: list[str] = []
    for tool in tools:
        if not isinstance(tool, Mapping):
            continue
        kind = tool.get("type")
        if kind == "function":
            result.append({"type": "function", "function": {k: v for k, v in tool.items() if k != "type"}})
        elif kind == "file_search":
            stores += [str(i) for i in tool.get("vector_store_ids") or []]
            options = {k: v for k, v in tool.items() if k in ("max_num_results", "ranking_options")}
            result.append({"type": "file_search", "file_search": options})
        elif kind == "code_interpreter":
            container = tool.get("container")
            files += [str(i) for i in (container.get("file_ids") or [])] if isinstance(container, Mapping) else []
            result.append({"type": "code_interpreter"})
        else:
            result.append(dict(tool))
    return result, stores, files


def _response_format_back(text_format: Any) -> Any:
    """`text.format` as the Assistants API's `response_format` (the inverse of responses.text_format)."""
    if not isinstance(text_format, Mapping):
        return "auto"
    if text_format.get("type") != "json_schema":
        return {"type": text_format.get("type")}
    return {"type": "json_schema", "json_schema": {k: v for k, v in text_format.items() if k != "type"}}


def not_found(exc: Exception) -> bool:
    """An AacError caused by a 404 answer (either SDK's exception has `status_code`)."""
    return getattr(exc.__cause__, "status_code", None) == 404


def is_view(raw: Mapping[str, Any]) -> bool:
    return isinstance(raw.get(VIEW), Mapping)


def version_of(raw: Mapping[str, Any]) -> str:
    return str(raw[VIEW]["version"])
