"""Loading a vector store's manifest: its files by glob, their attributes, chunking, retrieval checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aac import limits
from aac.kinds.vector_store.retrieval import normalize_checks
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.manifest.context import LoadContext
from aac.manifest.files import expand_globs
from aac.manifest.normalize import as_list, folder_of, upload_ids
from aac.manifest.yaml_load import Document
from aac.resources import ATTR_PATH, ATTR_SHA256, Source

ATTRS = (ATTR_SHA256, ATTR_PATH)  # aac's own, on every attachment


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
        file_ids=upload_ids(data.get("file_ids")),
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


def _check_chunking(ctx: LoadContext, doc: Document, chunking: Any) -> None:
    static = (chunking or {}).get("static") or {}
    size, overlap = static.get("max_chunk_size_tokens"), static.get("chunk_overlap_tokens")
    if isinstance(size, int) and isinstance(overlap, int) and overlap > size // 2:
        ctx.error(doc.path, doc.line_of("chunking_strategy", "static", "chunk_overlap_tokens"),
                  f"chunk_overlap_tokens ({overlap}) is over half of max_chunk_size_tokens ({size})",
                  f"use at most {size // 2}")
