"""Loading an assistant's manifest: its tools, code-interpreter files, response format, and its own store."""

from __future__ import annotations

from pathlib import Path

from aac import limits
from aac.kinds.assistant.foundry import FOUNDRY
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.assistant.tools import normalize_tools
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.manifest.context import LoadContext
from aac.manifest.files import expand_globs
from aac.manifest.normalize import as_list, folder_of, read_instructions, upload_ids
from aac.manifest.strict import schema_errors, strict_errors
from aac.manifest.yaml_load import Document
from aac.resources import Source


def normalize_assistant(ctx: LoadContext, doc: Document) -> tuple[AssistantSpec, VectorStoreSpec | None]:
    """The assistant, and its own vector store when it lists `files.file_search`."""
    data = doc.data
    name, folder = data["name"], folder_of(ctx, doc)
    display_name = data.get("display_name", name)
    files = data.get("files") or {}
    code_files: tuple[str, ...] = ()
    if "code_interpreter" in files:
        code_files = expand_globs(ctx, folder, as_list(files["code_interpreter"]),
                                  (doc.path, doc.line_of("files", "code_interpreter")), "code_interpreter",
                                  limits.CODE_INTERPRETER_EXTENSIONS)
    own_store = _own_store(ctx, doc, folder, display_name) if "file_search" in files else None
    _check_response_format(ctx, doc)
    temperature, top_p = data.get("temperature"), data.get("top_p")
    spec = AssistantSpec(
        name=name,
        display_name=display_name,
        model=data["model"],
        description=data.get("description"),
        instructions=read_instructions(ctx, doc, folder),
        tools=normalize_tools(ctx, doc, folder),
        code_interpreter_files=code_files,
        vector_store=name if own_store else data.get("vector_store"),
        temperature=None if temperature is None else float(temperature),
        top_p=None if top_p is None else float(top_p),
        response_format=data.get("response_format"),
        reasoning_effort=data.get("reasoning_effort"),
        metadata=dict(data.get("metadata") or {}),
        protect=bool(data.get("protect", False)),
        source=Source(doc.path, doc.line),
        code_interpreter_ids=upload_ids(files.get("code_interpreter_ids")),
        foundry=ctx.target_type == FOUNDRY,
    )
    return spec, own_store


def _own_store(ctx: LoadContext, doc: Document, folder: Path, display_name: str) -> VectorStoreSpec:
    name = doc.data["name"]
    files = expand_globs(ctx, folder, as_list(doc.data["files"]["file_search"]),
                         (doc.path, doc.line_of("files", "file_search")), "file_search",
                         limits.FILE_SEARCH_EXTENSIONS)
    return VectorStoreSpec(name=name, display_name=f"{display_name} files", files=files, owner=name,
                           source=Source(doc.path, doc.line_of("files", "file_search")))


def _check_response_format(ctx: LoadContext, doc: Document) -> None:
    """A json_schema response format is a JSON Schema, held to strict mode's rules when strict."""
    response_format = doc.data.get("response_format")
    if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
        return
    line = doc.line_of("response_format")
    json_schema = response_format.get("json_schema")
    if not isinstance(json_schema, dict) or "schema" not in json_schema:
        ctx.error(doc.path, line, "response_format of type json_schema needs `json_schema: {name, schema}`",
                  "add the schema the answers must follow")
        return
    errors = schema_errors(json_schema["schema"], "json_schema.schema")
    for message in errors:
        ctx.error(doc.path, line, "response_format: " + message, "fix the schema (https://json-schema.org)")
    if json_schema.get("strict") and not errors:
        for message, hint in strict_errors(json_schema["schema"], "json_schema.schema"):
            ctx.error(doc.path, line, "response_format: " + message, hint)
