"""An assistant manifest as Responses API request fields: what an application sends on every request.

Pure: the spec plus the live ids of what apply provisioned (vector stores by key, uploads by
content). The shapes are the SDK's `types/responses/` (ResponseCreateParams, ToolParam,
FileSearchToolParam, ResponseFormatTextConfigParam); an application does
`client.responses.create(**config["assistants"][KEY], input=...)`. What the Responses API has
no field for is named under `not_sent`, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aac.errors import AacError
from aac.kinds.assistant.spec import AssistantSpec
from aac.resources import JSON

# The Responses file_search tool's rankers (FileSearchToolParam.RankingOptions.ranker).
RESPONSES_RANKERS = ("auto", "default-2024-11-15")
NO_ARGUMENTS = {"type": "object", "properties": {}, "additionalProperties": False}
APPLY_HINT = "run `aac apply` on this target first, then `aac output --format responses` again"


@dataclass(frozen=True)
class LiveIds:
    stores: Mapping[str, str]  # vector store key -> live id
    files: Mapping[str, str]  # sha256 -> live upload id
    hashes: Mapping[str, str]  # repository path -> sha256


@dataclass
class _Config:
    spec: AssistantSpec
    ids: LiveIds
    not_sent: list[str]

    def store_ids(self) -> list[str]:
        key = self.spec.vector_store
        if key is None:
            return []
        if key not in self.ids.stores:
            raise AacError(f"assistant.{self.spec.name} searches vector_store.{key}, which is not on the target",
                           APPLY_HINT)
        return [self.ids.stores[key]]

    def file_ids(self) -> list[str]:
        result = []
        for path in self.spec.code_interpreter_files:
            file_id = self.ids.files.get(self.ids.hashes[path])
            if file_id is None:
                raise AacError(f"assistant.{self.spec.name}'s code-interpreter file {path} is not uploaded",
                               APPLY_HINT)
            result.append(file_id)
        return list(dict.fromkeys([*result, *self.spec.code_interpreter_ids]))  # paths with the same bytes: one id

    def tool(self, tool: JSON) -> JSON:
        kind = tool["type"]
        if kind == "function":
            return _function(tool["function"])
        if kind == "code_interpreter":
            return {"type": kind, "container": {"type": "auto", "file_ids": self.file_ids()}}
        return {"type": kind, "vector_store_ids": self.store_ids(), **self.search_options(tool)}  # file_search

    def search_options(self, tool: JSON) -> JSON:
        options = dict(tool.get("file_search") or {})
        ranking = dict(options.get("ranking_options") or {})
        if ranking.get("ranker") is not None and ranking["ranker"] not in RESPONSES_RANKERS:
            self.not_sent.append(f"tools.file_search.ranking_options.ranker ({ranking.pop('ranker')})")
        if ranking:
            options["ranking_options"] = ranking
        else:
            options.pop("ranking_options", None)
        return options


def _function(function: Mapping[str, Any]) -> JSON:
    """Assistants nest a function under `function`; Responses flattens it, `parameters` and `strict` required."""
    result: JSON = {"type": "function", "name": function["name"]}
    if function.get("description"):
        result["description"] = function["description"]
    # No parameters: a function of no arguments, in the form strict mode accepts too (it demands
    # `additionalProperties: false`, which `aac validate` checks only on parameters that are written).
    result["parameters"] = function.get("parameters") or dict(NO_ARGUMENTS)
    result["strict"] = bool(function.get("strict") or False)
    return result


def text_format(response_format: Any) -> JSON | None:
    """Assistants' `response_format` as Responses' `text.format` (json_schema flattened); `auto` is no field."""
    if response_format in (None, "auto") or response_format == {"type": "auto"}:
        return None
    if response_format.get("type") != "json_schema":
        return {"type": response_format["type"]}
    schema = dict(response_format.get("json_schema") or {})
    return {"type": "json_schema", **schema}


def responses_config(spec: AssistantSpec, ids: LiveIds) -> tuple[JSON, list[str]]:
    """The request fields for one assistant, and the manifest fields the Responses API has no place for."""
    build = _Config(spec, ids, [])
    config: JSON = {"model": spec.model}
    if spec.instructions:
        config["instructions"] = spec.instructions
    if spec.tools:
        config["tools"] = [build.tool(tool) for tool in spec.tools]
    for name in ("temperature", "top_p"):
        if getattr(spec, name) is not None:
            config[name] = getattr(spec, name)
    response_format = text_format(spec.response_format)
    if response_format:
        config["text"] = {"format": response_format}
    if spec.reasoning_effort:
        config["reasoning"] = {"effort": spec.reasoning_effort}
    return config, sorted([*build.not_sent, *_unsendable(spec)])


def _unsendable(spec: AssistantSpec) -> list[str]:
    types = {t["type"] for t in spec.tools}
    fields = {
        "display_name": spec.display_name != spec.name,
        "description": bool(spec.description),
        "metadata": bool(spec.metadata),
        "vector_store (no file_search tool)": spec.vector_store is not None and "file_search" not in types,
        "files.code_interpreter (no code_interpreter tool)":
            bool(spec.code_interpreter_files or spec.code_interpreter_ids) and "code_interpreter" not in types,
    }
    return [name for name, present in fields.items() if present]


def responses_document(assistants: Mapping[str, AssistantSpec], ids: LiveIds) -> JSON:
    """`{"assistants": {KEY: request fields}, "not_sent": {KEY: [manifest fields]}}`, keys sorted."""
    configs: JSON = {}
    not_sent: JSON = {}
    for key in sorted(assistants):
        configs[key], skipped = responses_config(assistants[key], ids)
        if skipped:
            not_sent[key] = skipped
    return {"assistants": configs, "not_sent": not_sent}
