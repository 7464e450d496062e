"""Checks across every manifest document, from each one's kind and name alone, before any is loaded: so a
schema error in one manifest hides none of them, and each points at the line that is wrong."""

from __future__ import annotations

from collections.abc import Iterable

from aac.errors import did_you_mean
from aac.manifest.context import LoadContext
from aac.manifest.schema import KINDS
from aac.manifest.yaml_load import Document


def check_documents(ctx: LoadContext, documents: Iterable[Document]) -> None:
    """Unique names and `vector_store:` references, from each document's kind and name alone.

    So a schema error in one manifest hides none of them, and each points at the line that is wrong.
    """
    docs = [doc for doc in documents if kind_name(doc) is not None]
    seen: dict[tuple[str, str], Document] = {}
    for doc in docs:
        kind, name = kind_name(doc) or ("", "")
        first = seen.setdefault((kind, name), doc)
        if first is not doc:
            ctx.error(doc.path, doc.line_of("name"),
                      f"another {kind} is already named {name!r} ({first.path}:{first.line_of('name')})",
                      "names are the stack-unique key: rename one of them")
    stores = sorted({name for kind, name in seen if kind == "vector_store"} |
                    {name for kind, name in seen if kind == "assistant" and _has_own_store(seen[(kind, name)])})
    for doc in docs:
        wanted = doc.data.get("vector_store")
        if doc.data["kind"] != "assistant" or not isinstance(wanted, str) or wanted in stores:
            continue
        ctx.error(doc.path, doc.line_of("vector_store"),
                  f"{doc.data['name']} names vector store {wanted!r}, and no vector_store manifest has that name",
                  did_you_mean(wanted, stores) or "add a `kind: vector_store` manifest with that name, or fix the name")


def kind_name(doc: Document) -> tuple[str, str] | None:
    data = doc.data
    if isinstance(data, dict) and data.get("kind") in KINDS and isinstance(data.get("name"), str):
        return str(data["kind"]), str(data["name"])
    return None


def _has_own_store(doc: Document) -> bool:
    files = doc.data.get("files")
    return isinstance(files, dict) and "file_search" in files
