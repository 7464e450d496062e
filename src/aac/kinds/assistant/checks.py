"""Checks across documents: unique names, references that resolve, limits that need the globs expanded."""

from __future__ import annotations

from collections.abc import Iterable

from aac import limits
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.manifest.context import LoadContext


def check_assistant(ctx: LoadContext, spec: AssistantSpec, data: dict[str, object], line_of_files: int) -> None:
    """Checks of one assistant that need its files expanded and its tools normalised."""
    path = spec.source.path if spec.source else ""
    line = spec.source.line if spec.source else 0
    code_files = len(spec.code_interpreter_files) + len(spec.code_interpreter_ids)
    if code_files > limits.CODE_INTERPRETER_FILES_MAX:
        ctx.error(path, line_of_files,
                  f"{spec.name} attaches {code_files} files to code_interpreter"
                  f"{' (by path and by id)' if spec.code_interpreter_ids else ''}; "
                  f"the API allows at most {limits.CODE_INTERPRETER_FILES_MAX}",
                  "narrow the globs, or put the files in an archive (.zip, .tar)")
    files = data.get("files") or {}
    if "vector_store" in data and isinstance(files, dict) and "file_search" in files:
        ctx.error(path, line, f"{spec.name} sets both `vector_store` and `files.file_search`",
                  "an assistant searches one vector store: use a shared vector_store manifest or its own files")
    types = {tool["type"] for tool in spec.tools}
    if spec.foundry:
        return  # there, both are errors (aac.kinds.assistant.foundry.check_spec)
    if (spec.code_interpreter_files or spec.code_interpreter_ids) and "code_interpreter" not in types:
        ctx.warn(path, line_of_files, f"{spec.name} attaches code_interpreter files but has no code_interpreter tool",
                 "add `- code_interpreter` to tools")
    if spec.vector_store and "file_search" not in types:
        ctx.warn(path, line, f"{spec.name} has a vector store but no file_search tool", "add `- file_search` to tools")


def check_names(ctx: LoadContext, stores: Iterable[VectorStoreSpec]) -> None:
    """An assistant's own store may not take a vector_store manifest's name (duplicates: check_documents)."""
    seen_stores: dict[str, VectorStoreSpec] = {}
    for store in sorted(stores, key=lambda s: s.owner is not None):
        first_store = seen_stores.setdefault(store.name, store)
        if first_store is not store and store.owner is not None and first_store.owner is None:
            where = store.source
            ctx.error(where.path if where else "", where.line if where else 0,
                      f"assistant {store.name!r} has its own files.file_search store, and a vector_store manifest "
                      f"has the same name ({first_store.source})",
                      "rename one, or point the assistant at the shared store with `vector_store:`")


def check_references(ctx: LoadContext, assistants: Iterable[AssistantSpec], stores: dict[str, VectorStoreSpec]) -> None:
    """`vector_store:` may not name another assistant's own store (missing names: check_documents)."""
    for spec in assistants:
        wanted = spec.vector_store
        store = stores.get(wanted) if wanted else None
        if store is None or store.owner is None or store.owner == spec.name:
            continue
        where = spec.source
        ctx.error(where.path if where else "", where.line if where else 0,
                  f"{spec.name} names vector store {wanted!r}, which is another assistant's own store",
                  "add a `kind: vector_store` manifest with that name, or fix the name")
