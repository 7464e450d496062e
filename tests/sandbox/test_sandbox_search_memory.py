"""Search within a memory bound: the same results whatever the bound, the memory held within it, and the
sandbox answering other requests while a search indexes or scans."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest

from aac.sandbox import search_index
from aac.sandbox.server import RunningSandbox, serve_in_background

SMALL = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50}}
PROSE = (b"The warranty covers repair of defects for two years. Shipping takes three days; returns take "
         b"thirty. ")
# Each text is one way words reach the index: cut by chunk edges, other scripts and case rules, other
# line breaks, bytes that are not UTF-8, a run no whitespace breaks, one long line.
TEXTS: dict[str, tuple[bytes, dict[str, Any] | None]] = {
    "prose.md": (b"".join(PROSE + b"Note %d of the warranty.\n" % i for i in range(300)), None),
    "cuts.txt": (b" ".join(b"word%04d" % i for i in range(3000)), SMALL),
    "unicode.txt": ("Straße İstanbul ĲSSELMEER naïve CAFÉ café Ωmega σς ٣٤ 東京 repair\r\n".encode() * 400, SMALL),
    "breaks.txt": ("alpha\rbeta\x0bgamma\x0cdelta\x1cepsilon\x85repair\u2028zeta\t".encode() * 600, SMALL),
    "latin1.txt": ("caf\u00e9 na\u00efve repair shipping ".encode("latin-1") * 800, None),
    "unbroken.txt": (b"x" * 5000 + b" word0042 " + b"y" * 5000 + b" repair", SMALL),
    "oneline.json": (b",".join(b"id%d,warranty,%d" % (i, i % 7) for i in range(4000)), SMALL),
}
QUERIES: list[str | list[str]] = [
    "warranty repair", "word0042 word1500", "straße istanbul", "İSTANBUL ĳsselmeer", ["naïve café", "ωmega"],
    "σς 東京 ٣٤", "gamma epsilon zeta", "caf na ve", "id3999 warranty", "the of", "absent nowhere", "REPAIR",
]
FILTER = {"type": "eq", "key": "kind", "value": "small"}
# Every file indexed; none (each search scans every text in full); outlines only (each search looks for
# the query's words alone); some files indexed and the rest scanned.
BUDGETS = [search_index.DEFAULT_BUDGET, 0, 4_000, 400_000]

Results = list[list[tuple[str, float, str]]]


def _searches(client: openai.OpenAI, store_id: str) -> Results:
    pages = [client.vector_stores.search(store_id, query=q, max_num_results=50) for q in QUERIES]
    pages.append(client.vector_stores.search(store_id, query="repair word0042", filters=FILTER,  # type: ignore[arg-type]
                                             max_num_results=50))
    return [[(r.filename, r.score, r.content[0].text) for r in page] for page in pages]


def _store(client: openai.OpenAI) -> str:
    store = client.vector_stores.create(name="kb")
    for name, (text, chunking) in TEXTS.items():
        file_id = client.files.create(file=(name, text), purpose="assistants").id
        extra = {"chunking_strategy": chunking} if chunking else {}
        client.vector_stores.files.create_and_poll(
            file_id, vector_store_id=store.id, attributes={"kind": "small" if chunking else "auto"},
            **extra,  # type: ignore[arg-type]
        )
    return store.id


def _search_twice(budget: int) -> tuple[Results, Results, int]:
    """A store of TEXTS searched with every query, then again; and the memory its indexes held."""
    with serve_in_background(index_memory_bytes=budget) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="sk-test", max_retries=0
    ) as client:
        store_id = _store(client)
        first = _searches(client, store_id)
        return first, _searches(client, store_id), sandbox.store.indexes.used


def test_a_search_finds_the_same_chunks_and_scores_whatever_the_memory_bound() -> None:
    expected, again, _ = _search_twice(BUDGETS[0])
    assert again == expected
    assert all(expected[:10]) and not expected[10]  # each query finds something, but the absent words
    assert {name for page in expected for name, _, _ in page} == set(TEXTS)
    for budget in BUDGETS[1:]:
        first, second, used = _search_twice(budget)
        assert (first, second) == (expected, expected), f"budget {budget}"
        assert used <= budget


@pytest.fixture
def bounded() -> Iterator[tuple[RunningSandbox, openai.OpenAI]]:
    with serve_in_background(index_memory_bytes=256 * 1024) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="sk-test", max_retries=0
    ) as client:
        yield sandbox, client


@pytest.mark.parametrize("shape", ["distinct", "prose"])
def test_a_large_store_is_searched_within_the_memory_bound(
        bounded: tuple[RunningSandbox, openai.OpenAI], shape: str) -> None:
    """A text of distinct words costs 40 bytes of index a byte; searching it never holds more than the bound."""
    sandbox, client = bounded
    texts = {
        "distinct": [b" ".join(b"w%07d" % (n * 60_000 + i) for i in range(60_000)) for n in range(3)],
        "prose": [PROSE * 4000 for _ in range(3)],
    }[shape]
    store = client.vector_stores.create(name="big")
    ids = [client.files.create(file=(f"t{n}.txt", text), purpose="assistants").id for n, text in enumerate(texts)]
    client.vector_stores.file_batches.create_and_poll(store.id, file_ids=ids)
    tracemalloc.start()
    try:
        for query in ("w0000042 w0123456 repair", "warranty defects w0179999"):
            baseline = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            found = list(client.vector_stores.search(store.id, query=query, max_num_results=50))
            peak = tracemalloc.get_traced_memory()[1] - baseline
            assert found
            assert peak < sandbox.store.indexes.budget + 2 * 1024 * 1024  # the bound, and one chunk at a time
            assert sandbox.store.indexes.used <= sandbox.store.indexes.budget
    finally:
        tracemalloc.stop()


def _hold(monkeypatch: pytest.MonkeyPatch, name: str) -> tuple[threading.Event, threading.Event]:
    """Stop the search's pass over a text after its first chunk until the test lets go."""
    reading, finish = threading.Event(), threading.Event()
    real: Callable[..., Iterator[Any]] = getattr(search_index, name)

    def held(*args: Any) -> Iterator[Any]:
        for number, chunk in enumerate(real(*args)):
            if number == 1:
                reading.set()
                finish.wait(30)
            yield chunk

    monkeypatch.setattr(search_index, name, held)
    return reading, finish


@pytest.mark.parametrize(("budget", "held", "searches"), [
    (search_index.DEFAULT_BUDGET, "_chunk_texts", 1),  # the first search, indexing
    (0, "_chunk_texts", 2),  # a search past the bound, scanning every word
    (4_000, "_span_texts", 2),  # a later one, looking for the query's words only
])
def test_a_search_indexing_or_scanning_does_not_stop_the_sandbox_answering(
        monkeypatch: pytest.MonkeyPatch, budget: int, held: str, searches: int) -> None:
    with serve_in_background(index_memory_bytes=budget) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="sk-test", max_retries=0, timeout=30
    ) as client:
        store_id = _store(client)
        for _ in range(searches - 1):
            client.vector_stores.search(store_id, query="repair")
        reading, finish = _hold(monkeypatch, held)
        answers: list[list[str]] = []
        searching = threading.Thread(
            target=lambda: answers.append([r.filename for r in client.vector_stores.search(store_id, query="defects")]))
        searching.start()
        try:
            assert reading.wait(30)
            with openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test", max_retries=0, timeout=10) as other:
                assert [m.id for m in other.models.list()]  # answered while the search is held mid-text
                assert other.vector_stores.retrieve(store_id).status == "completed"
            assert not answers  # the search was still held
        finally:
            finish.set()
            searching.join()
        assert answers and set(answers[0]) == {"prose.md"}
