"""`aac import` of an assistant: its manifest, function schemas written beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aac.canonical import normalise
from aac.kinds.assistant.canonical import code_file_ids_of, store_ids_of
from aac.kinds.assistant.foundry import is_view
from aac.manifest.writing import (
    JSON,
    Source,
    Written,
    comment_text,
    display_name,
    drop_none,
    dump,
    file_comment,
    function_name,
    header,
    instructions,
    put_metadata,
    schema_ref,
)

SEARCH_DEFAULTS: JSON = {"max_num_results": 20, "ranking_options": {"ranker": "auto", "score_threshold": 0}}


def render_assistant(src: Source, raw: Mapping[str, Any], key: str, written: Written, schemas: dict[str, Any],
                     store_keys: Mapping[str, str]) -> str:
    """`store_keys`: vector store id -> manifest key (imported now, or of this stack)."""
    data: JSON = {"kind": "assistant", "name": key}
    display_name(data, raw, key)
    if raw.get("description"):
        data["description"] = raw["description"]
    data["model"] = raw.get("model")
    instructions(src, data, raw, key, written)
    tools = [_tool(src, tool, key, written, schemas, f"assistant {raw['id']}") for tool in raw.get("tools") or []]
    if tools:
        data["tools"] = tools
    code_ids = sorted(code_file_ids_of(raw))
    if code_ids:
        data["files"] = {"code_interpreter_ids": code_ids}
    comments = [*header(src, "assistant", key, raw)]
    stores = store_ids_of(raw)
    if stores and stores[0] in store_keys:
        data["vector_store"] = store_keys[stores[0]]
    elif stores:
        comments.append(f"# It searches vector store {comment_text(stores[0])}, which another stack manages: "
                        "not imported.")
    for name in ("temperature", "top_p"):
        if raw.get(name) is not None and normalise(raw[name]) != 1:
            data[name] = raw[name]
    response_format = raw.get("response_format")
    if response_format not in (None, "auto", {"type": "auto"}):
        data["response_format"] = _response_format(response_format)
    if is_view(raw) and raw.get("reasoning_effort"):  # a prompt agent's definition says it
        data["reasoning_effort"] = raw["reasoning_effort"]
    put_metadata(data, raw, src.reserved)
    comments += file_comment(src, code_ids, "Code-interpreter files", "`files.code_interpreter`",
                             "`files.code_interpreter_ids`")
    if not is_view(raw):
        comments.append("# `reasoning_effort` is write-only on the API, so it could not be imported: set it if "
                        "needed.")
    return "\n".join(comments) + "\n" + dump(data)


def _tool(src: Source, tool: Mapping[str, Any], key: str, written: Written, schemas: dict[str, Any],
          owner: str) -> Any:
    kind = tool.get("type")
    if kind == "code_interpreter":
        return "code_interpreter"
    if kind == "file_search":
        search = {k: v for k, v in drop_none(tool.get("file_search") or {}).items()
                  if normalise(v) != SEARCH_DEFAULTS.get(k)}
        return {"type": "file_search", "file_search": search} if search else "file_search"
    function = drop_none(tool.get("function") or {})
    result: JSON = {"name": function_name(owner, function.get("name"))}
    if function.get("description") is not None:
        result["description"] = function["description"]
    parameters = function.get("parameters")
    if parameters:
        result["parameters"] = {"$ref": _schema_ref(src, function["name"], parameters, key, written, schemas)}
    elif parameters is not None:
        result["parameters"] = parameters
    if function.get("strict"):
        result["strict"] = True
    return {"type": "function", "function": result}


def _schema_ref(src: Source, name: str, parameters: Any, key: str, written: Written,
                schemas: dict[str, Any]) -> str:
    """schemas/functions/<name>.json; <name>.<key>.json when another schema has that name already."""
    return schema_ref(src, src.root / "schemas" / "functions", name, parameters, key, written, schemas,
                      f"function {name!r} of {key}")


def _response_format(value: Any) -> Any:
    result = drop_none(value)
    if isinstance(result, dict) and isinstance(result.get("json_schema"), Mapping):
        schema = drop_none(result["json_schema"])
        if not schema.get("strict"):
            schema.pop("strict", None)
        result["json_schema"] = schema
    return result


