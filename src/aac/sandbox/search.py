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
from collections import Counter
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
from aac.sandbox.indexing import FILE, VS_FILE, text_path
from aac.sandbox.store import JSON, Store
from aac.sandbox.vector_stores import get_vector_store

K1 = 1.2
B = 0.75
DEFAULT_MAX_RESULTS = 10
_WORD = re.compile(r"\w+")
_SPACE = re.compile(rb"\s")
_LONGEST_WORD = 64  # bytes a chunk's last word may run past its end


@dataclass(frozen=True)
class Chunk:
    text: str
    terms: Counter[str]
    length: int  # words


@dataclass(frozen=True)
class Hit:
    score: float
    vs_file: JSON
    filename: str
    chunk: Chunk


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@functools.lru_cache(maxsize=1024)
def _chunks_of(path: str, stamp: tuple[int, int], max_tokens: int, overlap_tokens: int) -> tuple[Chunk, ...]:
    """The chunks of one indexed text (cached: uploads never change, `stamp` guards a reused path)."""
    with open(path, "rb") as handle:
        data = handle.read()
    result = []
    for start, end in chunks.spans(len(data), chunks.Chunking(max_tokens, overlap_tokens)):
        text = _whole_words(data, start, end).decode("utf-8", "replace")
        terms = words(text)
        result.append(Chunk(text, Counter(terms), len(terms)))
    return tuple(result)


def _whole_words(data: bytes, start: int, end: int) -> bytes:
    """A chunk's bytes without the word cut at its start and with the one cut at its end made whole.

    Only the text searched and shown moves; the chunk's size (and so `usage_bytes`) does not.
    """
    if start > 0 and not data[start - 1:start].isspace():
        cut = _SPACE.search(data, start, end)
        start = cut.start() if cut else start
    if end < len(data) and not data[end - 1:end].isspace() and not data[end:end + 1].isspace():
        cut = _SPACE.search(data, end, end + _LONGEST_WORD)
        end = cut.start() if cut else end
    return data[start:end]


def _candidates(store: Store, vector_store_id: str, flt: Mapping[str, Any] | None) -> list[tuple[JSON, str, Chunk]]:
    """(attachment, filename, chunk) for every chunk of the completed files the filter keeps."""
    found = []
    for vs_file in store.all(VS_FILE, vector_store_id, {"status": "completed"}):
        file = store.get(FILE, vs_file["id"])
        if file is None or not matches(flt, vs_file.get("attributes") or {}):
            continue
        path = text_path(store, file)
        stat = path.stat()
        chunking = chunks.Chunking.of(vs_file["chunking_strategy"])
        for chunk in _chunks_of(str(path), (stat.st_size, stat.st_mtime_ns), chunking.max_tokens,
                                chunking.overlap_tokens):
            found.append((vs_file, file["filename"], chunk))
    return found


def rank(candidates: list[tuple[JSON, str, Chunk]], queries: Iterable[str]) -> list[Hit]:
    """Chunks with at least one query word, best first (ties in attachment and chunk order)."""
    query = sorted({term for q in queries for term in words(q)})
    if not candidates or not query:
        return []
    total = len(candidates)
    average = sum(c.length for _, _, c in candidates) / total or 1.0
    idf = {}
    for term in query:
        having = sum(1 for _, _, c in candidates if term in c.terms)
        idf[term] = math.log(1 + (total - having + 0.5) / (having + 0.5))
    best = sum(idf.values()) * (K1 + 1)
    hits = []
    for vs_file, filename, chunk in candidates:
        norm = K1 * (1 - B + B * chunk.length / average)
        score = sum(idf[t] * chunk.terms[t] * (K1 + 1) / (chunk.terms[t] + norm) for t in query if t in chunk.terms)
        if score > 0:
            hits.append(Hit(round(score / best, 6), vs_file, filename, chunk))
    hits.sort(key=lambda hit: -hit.score)  # stable: equal scores keep attachment and chunk order
    return hits


def _result(hit: Hit) -> JSON:
    return {
        "file_id": hit.vs_file["id"],
        "filename": hit.filename,
        "score": hit.score,
        "attributes": hit.vs_file.get("attributes") or {},
        "content": [{"type": "text", "text": hit.chunk.text}],
    }


def _page(store: Store, vector_store_id: str, body: JSON) -> JSON:
    queries = body["query"] if isinstance(body["query"], list) else [body["query"]]
    threshold = (body.get("ranking_options") or {}).get("score_threshold", 0.0)
    hits = [h for h in rank(_candidates(store, vector_store_id, body.get("filters")), queries) if h.score >= threshold]
    return {
        "object": "vector_store.search_results.page",
        "search_query": queries,
        "data": [_result(hit) for hit in hits[: body.get("max_num_results", DEFAULT_MAX_RESULTS)]],
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
