"""An assistant's tools into the API's shape: shorthand expanded, v1 retrieval renamed, function parameters
resolved and checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aac.manifest.context import LoadContext
from aac.manifest.json_schemas import check_unique_functions, checked_schema
from aac.manifest.schema import RENAMED
from aac.manifest.yaml_load import Document
from aac.resources import JSON


def normalize_tools(ctx: LoadContext, doc: Document, folder: Path) -> tuple[JSON, ...]:
    tools = [_tool(ctx, doc, folder, index, tool) for index, tool in enumerate(doc.data.get("tools") or ())]
    check_unique_functions(ctx, doc, [t.get("function", {}).get("name") if t["type"] == "function" else None
                                      for t in tools])
    return tuple(tools)


def _tool(ctx: LoadContext, doc: Document, folder: Path, index: int, tool: Any) -> JSON:
    if isinstance(tool, str):
        tool = {"type": tool}
    renamed = RENAMED.get(tool["type"])
    if renamed is not None:
        ctx.warn(doc.path, doc.line_of("tools", index), f"tool type `{tool['type']}` was renamed `{renamed}` in "
                 f"Assistants v2; loading it as `{renamed}`", f"write `{renamed}` instead")
        return {"type": renamed}
    if tool["type"] != "function":
        return dict(tool)
    function = dict(tool["function"])
    if "parameters" in function:
        function["parameters"] = _parameters(ctx, doc, folder, index, function)
    return {"type": "function", "function": function}


def _parameters(ctx: LoadContext, doc: Document, folder: Path, index: int, function: JSON) -> Any:
    line = doc.line_of("tools", index, "function", "parameters")
    where = f"function {function['name']!r}: "
    return checked_schema(ctx, doc, folder, function["parameters"], line, where, strict=bool(function.get("strict")))
