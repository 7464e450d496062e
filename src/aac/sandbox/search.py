"""`POST /v1/vector_stores/{id}/search`: a lexical ranking of the chunks of a store's files.

No model runs here, so the ranking is BM25 (k1 1.2, b 0.75) over lower-cased words, across the
chunks of the store's completed files that pass `filters`; the chunks are those `aac.chunks`
makes from the text indexed when the file was attached, with the attachment's own chunking.
A `score` is the chunk's BM25 divided by the most any chunk could reach for this query (every
query word, infinitely often): in [0, 1), and the same for the same store and query. A chunk
with no query word scores 0 and is not a result. `rewrite_query` has no model to rewrite with,
so `search_query` echoes the query; both rankers rank the same way.
"""

from __future__ import annotations

import functools
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac import chunks
from aac.sandbox import schemas
from aac.sandbox.common import read_body, store_of
from aac.sandbox.filters import matches
from aac.sandbox.indexing import FILE, VS_FILE, searched_attributes, text_path
from aac.sandbox.store import JSON, Store
from aac.sandbox.vector_stores import get_vector_store

K1 = 1.2
B = 0.75
DEFAULT_MAX_RESULTS = 10
_WORD = re.compile(r"\w+")
_SPACE = re.compile(rb"\s")
_LONGEST_WORD = 64  # bytes a chunk's last word may run past its end


@dataclass(frozen=True)
class FileIndex:
    """One indexed text's chunks, as an inverted index: what a query needs, not every chunk's words.

    Per word, the chunks holding it and how often (two int arrays): a few bytes per distinct word of
    a chunk, against a dict per chunk; a chunk's text is read back from the file only to show it.
    """

    path: str
    spans: list[tuple[int, int]]  # each chunk's bytes, widened to whole words
    lengths: array[int]  # words in each chunk
    postings: dict[str, tuple[array[int], array[int]]]  # word -> (chunk numbers, counts)


@dataclass(frozen=True)
class Hit:
    score: float
    vs_file: JSON
    filename: str
    index: FileIndex
    chunk: int


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@functools.lru_cache(maxsize=1024)
def _index_of(path: str, stamp: tuple[int, int], max_tokens: int, overlap_tokens: int) -> FileIndex:
    """The chunks of one indexed text (cached: uploads never change, `stamp` guards a reused path)."""
    with open(path, "rb") as handle:
        data = handle.read()
    index = FileIndex(path, [], array("I"), {})
    for number, span in enumerate(chunks.spans(len(data), chunks.Chunking(max_tokens, overlap_tokens))):
        start, end = _whole_words(data, *span)
        terms = Counter(words(data[start:end].decode("utf-8", "replace")))
        index.spans.append((start, end))
        index.lengths.append(sum(terms.values()))
        for term, count in terms.items():
            posting = index.postings.get(term)
            if posting is None:  # not setdefault: it would build two arrays for every word of every chunk
                posting = index.postings[term] = (array("I"), array("I"))
            posting[0].append(number)
            posting[1].append(count)
    return index


def _whole_words(data: bytes, start: int, end: int) -> tuple[int, int]:
    """A chunk's bytes without the word cut at its start and with the one cut at its end made whole.

    Only the text searched and shown moves; the chunk's size (and so `usage_bytes`) does not.
    """
    if start > 0 and not data[start - 1:start].isspace():
        cut = _SPACE.search(data, start, end)
        start = cut.start() if cut else start
    if end < len(data) and not data[end - 1:end].isspace() and not data[end:end + 1].isspace():
        cut = _SPACE.search(data, end, end + _LONGEST_WORD)
        end = cut.start() if cut else end
    return start, end


Candidate = tuple[JSON, str, FileIndex]  # attachment, filename, its chunks


def _candidates(store: Store, vector_store_id: str, flt: Mapping[str, Any] | None) -> list[Candidate]:
    """The completed files the filter keeps, in attachment order."""
    found = []
    for vs_file in store.all(VS_FILE, vector_store_id, {"status": "completed"}):
        file = store.get(FILE, vs_file["id"])
        if file is None or not matches(flt, searched_attributes(store, vs_file)):
            continue
        path = text_path(store, file)
        stat = path.stat()
        chunking = chunks.Chunking.of(vs_file["chunking_strategy"])
        index = _index_of(str(path), (stat.st_size, stat.st_mtime_ns), chunking.max_tokens, chunking.overlap_tokens)
        found.append((vs_file, file["filename"], index))
    return found


def rank(candidates: list[Candidate], queries: Iterable[str]) -> list[Hit]:
    """Chunks with at least one query word, best first (ties in attachment and chunk order)."""
    query = sorted({term for q in queries for term in words(q)})
    total = sum(len(index.spans) for _, _, index in candidates)
    if not total or not query:
        return []
    average = sum(sum(index.lengths) for _, _, index in candidates) / total or 1.0
    idf = {}
    for term in query:
        having = sum(len(index.postings[term][0]) for _, _, index in candidates if term in index.postings)
        idf[term] = math.log(1 + (total - having + 0.5) / (having + 0.5))
    best = sum(idf.values()) * (K1 + 1)
    scores: dict[tuple[int, int], float] = defaultdict(float)
    for position, (_, _, index) in enumerate(candidates):
        for term in query:
            numbers, counts = index.postings.get(term, (array("I"), array("I")))
            for number, count in zip(numbers, counts, strict=True):
                norm = K1 * (1 - B + B * index.lengths[number] / average)
                scores[position, number] += idf[term] * count * (K1 + 1) / (count + norm)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [Hit(round(score / best, 6), *candidates[position], number) for (position, number), score in ranked]


def _text(hit: Hit) -> str:
    start, end = hit.index.spans[hit.chunk]
    with open(hit.index.path, "rb") as handle:
        handle.seek(start)
        return handle.read(end - start).decode("utf-8", "replace")


def _result(store: Store, hit: Hit) -> JSON:
    return {
        "file_id": hit.vs_file["id"],
        "filename": hit.filename,
        "score": hit.score,
        "attributes": searched_attributes(store, hit.vs_file),
        "content": [{"type": "text", "text": _text(hit)}],
    }


def _page(store: Store, vector_store_id: str, body: JSON) -> JSON:
    queries = body["query"] if isinstance(body["query"], list) else [body["query"]]
    threshold = (body.get("ranking_options") or {}).get("score_threshold", 0.0)
    hits = [h for h in rank(_candidates(store, vector_store_id, body.get("filters")), queries) if h.score >= threshold]
    return {
        "object": "vector_store.search_results.page",
        "search_query": queries,
        "data": [_result(store, hit) for hit in hits[: body.get("max_num_results", DEFAULT_MAX_RESULTS)]],
        "has_more": False,
        "next_page": None,
    }


async def search(request: Request) -> JSONResponse:
    store = store_of(request)
    vector_store_id = request.path_params["vector_store_id"]
    get_vector_store(store, vector_store_id)  # 404 for an unknown store; settles its files
    body = await read_body(request, schemas.VECTOR_STORE_SEARCH)
    # Chunking a large store takes seconds: off the event loop, so other requests are served meanwhile.
    return JSONResponse(await run_in_threadpool(_page, store, vector_store_id, body))


routes = [Route("/v1/vector_stores/{vector_store_id}/search", search, methods=["POST"])]
