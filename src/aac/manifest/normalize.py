"""Manifest documents (already shape-checked) into the data model of aac.resources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aac import limits
from aac.manifest.context import LoadContext
from aac.manifest.files import expand_globs, resolve_reference
from aac.manifest.retrieval import normalize_checks
from aac.manifest.strict import schema_errors, strict_errors
from aac.manifest.tools import normalize_tools
from aac.manifest.yaml_load import Document, read_text
from aac.resources import ATTR_PATH, ATTR_SHA256, AssistantSpec, Source, VectorStoreSpec

ATTRS = (ATTR_SHA256, ATTR_PATH)  # aac's own, on every attachment


def folder_of(ctx: LoadContext, doc: Document) -> Path:
    return (ctx.root / doc.path).parent


def as_list(value: Any) -> list[str]:
    """A glob field: one pattern or a list of them."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def normalize_vector_store(ctx: LoadContext, doc: Document) -> VectorStoreSpec:
    data = doc.data
    where = (doc.path, doc.line_of("files"))
    folder = folder_of(ctx, doc)
    entries = as_list(data.get("files"))
    files = expand_globs(ctx, folder, [e for e in entries if isinstance(e, str)], where, "file_search",
                         limits.FILE_SEARCH_EXTENSIONS)
    attributes = _attributes(ctx, doc, folder, entries)
    files = tuple(sorted({*files, *attributes}))
    chunking = data.get("chunking_strategy")
    _check_chunking(ctx, doc, chunking)
    return VectorStoreSpec(
        name=data["name"],
        display_name=data.get("display_name", data["name"]),
        files=files,
        chunking_strategy=chunking,
        expires_after=data.get("expires_after"),
        description=data.get("description"),
        metadata=dict(data.get("metadata") or {}),
        protect=bool(data.get("protect", False)),
        source=Source(doc.path, doc.line),
        file_ids=_ids(data.get("file_ids")),
        checks=normalize_checks(ctx, doc, folder, files),
        thresholds={k: float(v) for k, v in (data.get("thresholds") or {}).items()},
        attributes=attributes,
    )


def _attributes(ctx: LoadContext, doc: Document, folder: Path, entries: list[Any]) -> dict[str, dict[str, Any]]:
    """path -> the attributes its `{path, attributes}` entries give it (a later entry's key wins), each checked."""
    result: dict[str, dict[str, Any]] = {}
    most = limits.ATTRIBUTES_MAX - len(ATTRS)
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("attributes"), dict):
            continue  # a plain glob, or a schema error already
        if len(entry["attributes"]) > most:
            return {}  # the schema's error says so, for this entry
        where = (doc.path, doc.line_of("files", index, "path"))
        for path in expand_globs(ctx, folder, [str(entry["path"])], where, "file_search",
                                 limits.FILE_SEARCH_EXTENSIONS):
            result.setdefault(path, {}).update(entry["attributes"])
    for path, given in sorted(result.items()):
        if len(given) > most:
            ctx.error(doc.path, doc.line_of("files"), f"{path} gets {len(given)} attributes from the `files` "
                      f"entries that match it, over the {most} a file may carry",
                      f"the API takes {limits.ATTRIBUTES_MAX} a file, and aac writes {' and '.join(ATTRS)}: "
                      "drop some, or make the globs match fewer entries")
    return result


def _ids(value: Any) -> tuple[str, ...]:
    """`file_ids` / `code_interpreter_ids`: existing uploads by id, sorted and unique."""
    return tuple(sorted({str(i) for i in value or ()}))


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
        code_interpreter_ids=_ids(files.get("code_interpreter_ids")),
    )
    return spec, own_store


def _own_store(ctx: LoadContext, doc: Document, folder: Path, display_name: str) -> VectorStoreSpec:
    name = doc.data["name"]
    files = expand_globs(ctx, folder, as_list(doc.data["files"]["file_search"]),
                         (doc.path, doc.line_of("files", "file_search")), "file_search",
                         limits.FILE_SEARCH_EXTENSIONS)
    return VectorStoreSpec(name=name, display_name=f"{display_name} files", files=files, owner=name,
                           source=Source(doc.path, doc.line_of("files", "file_search")))


def read_instructions(ctx: LoadContext, doc: Document, folder: Path,
                      limit: int = limits.INSTRUCTIONS_MAX) -> str | None:
    """`instructions`, or the text of `instructions_file` (at most `limit` characters); never both."""
    data = doc.data
    if "instructions" in data and "instructions_file" in data:
        ctx.error(doc.path, doc.line_of("instructions_file"), "both `instructions` and `instructions_file` are set",
                  "keep exactly one of them")
        return None
    text: str | None = data.get("instructions")
    if "instructions_file" in data:
        line = doc.line_of("instructions_file")
        found = resolve_reference(ctx, folder, data["instructions_file"], (doc.path, line))
        if found is None:
            return None
        text = read_text(found[0], found[1], ctx.problems)
        if text is None:
            return None
        ctx.digest_inputs[found[1]] = text.encode("utf-8")
        if len(text) > limit:
            ctx.error(doc.path, line, f"{found[1]} holds {len(text):,} characters of instructions; the API allows "
                      f"at most {limit:,}", "shorten the instructions")
    return text


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


def _check_chunking(ctx: LoadContext, doc: Document, chunking: Any) -> None:
    static = (chunking or {}).get("static") or {}
    size, overlap = static.get("max_chunk_size_tokens"), static.get("chunk_overlap_tokens")
    if isinstance(size, int) and isinstance(overlap, int) and overlap > size // 2:
        ctx.error(doc.path, doc.line_of("chunking_strategy", "static", "chunk_overlap_tokens"),
                  f"chunk_overlap_tokens ({overlap}) is over half of max_chunk_size_tokens ({size})",
                  f"use at most {size // 2}")
