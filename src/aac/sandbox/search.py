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

import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
from aac.sandbox.search_index import FileIndex, words
from aac.sandbox.store import JSON, Store
from aac.sandbox.vector_stores import get_vector_store

K1 = 1.2
B = 0.75
DEFAULT_MAX_RESULTS = 10


@dataclass(frozen=True)
class Hit:
    score: float
    vs_file: JSON
    filename: str
    index: FileIndex
    chunk: int


Candidate = tuple[JSON, str, FileIndex]  # attachment, filename, its chunks


def _candidates(store: Store, vector_store_id: str, flt: Mapping[str, Any] | None,
                query: Sequence[str]) -> list[Candidate]:
    """The completed files the filter keeps, in attachment order, with the query's postings (hold the
    store's index lock while using them)."""
    kept, keys = [], []
    for vs_file in store.all(VS_FILE, vector_store_id, {"status": "completed"}):
        file = store.get(FILE, vs_file["id"])
        if file is None or not matches(flt, searched_attributes(store, vs_file)):
            continue
        path = text_path(store, file)
        stat = path.stat()
        kept.append((vs_file, file["filename"]))
        keys.append((str(path), stat.st_size, stat.st_mtime_ns, chunks.Chunking.of(vs_file["chunking_strategy"])))
    indexes = store.indexes.indexes(keys, query)
    return [(vs_file, filename, index) for (vs_file, filename), index in zip(kept, indexes, strict=True)]


def terms(queries: Iterable[str]) -> list[str]:
    """The distinct words of a query (or a list of them), in a fixed order."""
    return sorted({term for q in queries for term in words(q)})


def rank(candidates: list[Candidate], query: Sequence[str]) -> list[Hit]:
    """Chunks with at least one of the query's words, best first (ties in attachment and chunk order)."""
    total = sum(len(index.lengths) for _, _, index in candidates)
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
    start, end = hit.index.starts[hit.chunk], hit.index.ends[hit.chunk]
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
    query = terms(queries)
    hits: list[Hit] = []
    if query:  # no word to look for: no chunk can score, so nothing is indexed
        with store.indexes.lock:
            found = rank(_candidates(store, vector_store_id, body.get("filters"), query), query)
        hits = [hit for hit in found if hit.score >= threshold]
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
    # Indexing or scanning a large store takes seconds: off the event loop, so other requests are served
    # meanwhile (and a search waiting for another's index lock waits in its worker thread, not the loop).
    return JSONResponse(await run_in_threadpool(_page, store, vector_store_id, body))


routes = [Route("/v1/vector_stores/{vector_store_id}/search", search, methods=["POST"])]
