"""A vector store's retrieval `checks` (and `checks_file`, a dataset of more): resolved and checked offline.

An expected or absent file the store does not hold is a warning, not an error: an expected one can only
fail then, and `aac check` failing (exit 2) is how a pull request that drops a key document is caught.
A dataset file is JSON Lines: one check object a line, the same fields as `checks`; blank lines are
skipped, and a bad line is an error with the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aac import jsonsafe
from aac.manifest.context import LoadContext
from aac.manifest.files import repo_path, resolve_reference
from aac.manifest.schema import definition_problems
from aac.manifest.yaml_load import Document, read_text
from aac.resources import RetrievalCheck

DEFAULT_WITHIN = 3
SEARCH_FIELDS = ("filters", "ranking_options", "rewrite_query", "max_num_results")  # sent as the search API takes them
CHECKS_FILE_MAX = 16 * 1024 * 1024


def normalize_checks(ctx: LoadContext, doc: Document, folder: Path,
                     files: tuple[str, ...]) -> tuple[RetrievalCheck, ...]:
    checks = []
    for index, check in enumerate(doc.data.get("checks") or ()):
        def line_of(*path: Any, index: int = index) -> int:
            return doc.line_of("checks", index, *path)
        checks.append(_check(ctx, doc, folder, files, check, (doc.path, line_of), ""))
    return (*checks, *_dataset(ctx, doc, folder, files))


def _check(ctx: LoadContext, doc: Document, folder: Path, files: tuple[str, ...], check: Mapping[str, Any],
           where: tuple[str, Any], path: str) -> RetrievalCheck:
    source, line_of = where

    def paths(field: str, wanted: bool) -> tuple[str, ...]:
        value = check.get(field)
        listed = value if isinstance(value, list) else ()  # else: a schema error already
        return tuple(_expected(ctx, doc, folder, files, p, (source, line_of(field, n)), wanted)
                     for n, p in enumerate(listed) if isinstance(p, str))

    if not check.get("expect") and not check.get("absent"):
        ctx.error(source, line_of(), "a check needs `expect` or `absent`",
                  "name the files that must be found (`expect`), or that must not (`absent`), or both")
    within = int(check.get("within", DEFAULT_WITHIN))
    most = check.get("max_num_results")
    if isinstance(most, int) and most < within:
        ctx.error(source, line_of("max_num_results"), f"within {within} is more than max_num_results {most}: "
                  "the search never returns that many", "lower `within`, or raise `max_num_results`")
    return RetrievalCheck(query=check["query"], expect=paths("expect", True), within=within, line=line_of(),
                          absent=paths("absent", False), search={k: check[k] for k in SEARCH_FIELDS if k in check},
                          path=path)


def _dataset(ctx: LoadContext, doc: Document, folder: Path, files: tuple[str, ...]) -> list[RetrievalCheck]:
    """The checks of `checks_file`, one JSON object a line."""
    name = doc.data.get("checks_file")
    if not isinstance(name, str):
        return []
    found = resolve_reference(ctx, folder, name, (doc.path, doc.line_of("checks_file")))
    text = read_text(found[0], found[1], ctx.problems, CHECKS_FILE_MAX) if found else None
    if found is None or text is None:
        return []
    rel = found[1]
    checks = []
    # A byte order mark, as Windows editors write, is no part of the first check (YAML manifests skip it too).
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):  # any line break: \n, \r\n, \r
        if not raw.strip():
            continue
        entry = _entry(ctx, rel, number, raw)
        if entry is not None:
            checks.append(_check(ctx, doc, folder, files, entry, (rel, lambda *_, n=number: n), rel))
    return checks


def _entry(ctx: LoadContext, rel: str, number: int, raw: str) -> dict[str, Any] | None:
    """One line as a check, or None with its problems recorded."""
    try:
        entry = jsonsafe.loads(raw, unique_keys=True)  # no NaN, no bomb of nesting, no lone surrogate
    except ValueError as exc:
        ctx.error(rel, number, f"not a JSON object: {exc}",
                  'write one check a line, such as {"query": "...", "expect": ["knowledge/faq.md"]}')
        return None
    problems = definition_problems(Document(rel, 0, number, entry), "check")
    ctx.problems.extend(problems)
    return None if problems else entry


def _expected(ctx: LoadContext, doc: Document, folder: Path, files: tuple[str, ...], path: str,
              at: tuple[str, int], wanted: bool) -> str:
    """The repository path a check names: relative to the manifest's folder like `files`, or from the root."""
    source, line = at
    if os.path.isabs(path):
        ctx.error(source, line, f"{path!r} is an absolute path",
                  "write a repository path, or one relative to the manifest's folder")
        return path
    candidates = [c for c in (repo_path(ctx, folder / path), repo_path(ctx, ctx.root / path)) if c is not None]
    if not candidates:
        ctx.error(source, line, f"{path!r} leaves the repository", "name a file of this store")
        return path
    for candidate in candidates:
        if candidate in files:
            return candidate
    named = _likely(ctx, path, candidates)
    if wanted:
        ctx.warn(source, line, f"a check of vector_store {doc.data['name']!r} expects {named}, which is not "
                 "among its files: the check will fail",
                 "add the file to the store's `files`, or fix the path (a repository path, or one relative to the "
                 "manifest's folder)")
    return named


def _likely(ctx: LoadContext, path: str, candidates: list[str]) -> str:
    """The reading the author meant: a file that exists, else relative to the folder when it starts with `.`."""
    existing = [c for c in candidates if (ctx.root / c).is_file()]
    if existing:
        return existing[0]
    return candidates[0] if path.startswith(".") or len(candidates) == 1 else candidates[-1]
