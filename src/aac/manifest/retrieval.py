"""A vector store's retrieval `checks`: each expected file resolved to a repository path, offline.

An expected file the store does not hold is a warning, not an error: the check can only fail then,
and `aac check` failing (exit 2) is how a pull request that drops a key document is caught.
"""

from __future__ import annotations

import os
from pathlib import Path

from aac.manifest.context import LoadContext
from aac.manifest.files import repo_path
from aac.manifest.yaml_load import Document
from aac.resources import RetrievalCheck

DEFAULT_WITHIN = 3


def normalize_checks(ctx: LoadContext, doc: Document, folder: Path,
                     files: tuple[str, ...]) -> tuple[RetrievalCheck, ...]:
    checks = []
    for index, check in enumerate(doc.data.get("checks") or ()):
        line = doc.line_of("checks", index)
        paths = check["expect"] if isinstance(check["expect"], list) else ()  # else: a schema error already
        expect = tuple(_expected(ctx, doc, folder, files, path, doc.line_of("checks", index, "expect", n))
                       for n, path in enumerate(paths) if isinstance(path, str))
        checks.append(RetrievalCheck(query=check["query"], expect=expect,
                                     within=int(check.get("within", DEFAULT_WITHIN)), line=line))
    return tuple(checks)


def _expected(ctx: LoadContext, doc: Document, folder: Path, files: tuple[str, ...], path: str, line: int) -> str:
    """The repository path a check expects: relative to the manifest's folder like `files`, or from the root."""
    if os.path.isabs(path):
        ctx.error(doc.path, line, f"{path!r} is an absolute path",
                  "write a repository path, or one relative to the manifest's folder")
        return path
    candidates = [c for c in (repo_path(ctx, folder / path), repo_path(ctx, ctx.root / path)) if c is not None]
    if not candidates:
        ctx.error(doc.path, line, f"{path!r} leaves the repository", "expect a file of this store")
        return path
    for candidate in candidates:
        if candidate in files:
            return candidate
    expected = _likely(ctx, path, candidates)
    ctx.warn(doc.path, line, f"a check of vector_store {doc.data['name']!r} expects {expected}, which is not "
             "among its files: the check will fail",
             "add the file to the store's `files`, or fix the path (a repository path, or one relative to the "
             "manifest's folder)")
    return expected


def _likely(ctx: LoadContext, path: str, candidates: list[str]) -> str:
    """The reading the author meant: a file that exists, else relative to the folder when it starts with `.`."""
    existing = [c for c in candidates if (ctx.root / c).is_file()]
    if existing:
        return existing[0]
    return candidates[0] if path.startswith(".") or len(candidates) == 1 else candidates[-1]
