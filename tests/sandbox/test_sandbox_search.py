"""Vector-store search and parsed content, through the official SDK against the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from tests.sandbox.conftest import Raw, Upload
from tests.test_parsing import damaged, docx

from aac import chunks
from aac.sandbox.server import RunningSandbox

REPO = Path(__file__).resolve().parents[2]
DOCS = {
    "warranty.md": b"# Warranty\nEvery widget carries a two-year limited warranty covering defects and repair.\n",
    "shipping.md": b"# Shipping\nStandard shipping takes three to five business days; express takes one.\n",
    "returns.md": b"# Returns\nReturn an unused widget within thirty days for a full refund of the price.\n",
}
ATTRIBUTES = {
    "warranty.md": {"team": "support", "year": 2024, "public": True},
    "shipping.md": {"team": "logistics", "year": 2023, "public": True},
    "returns.md": {"team": "support", "year": 2022, "public": False},
}


def _store(client: openai.OpenAI, upload: Upload, docs: dict[str, bytes] = DOCS,
           chunking: dict[str, Any] | None = None) -> tuple[str, dict[str, str]]:
    """A store holding `docs` (with ATTRIBUTES), indexed; its id and the file id of each name."""
    ids = {name: upload(name, content) for name, content in docs.items()}
    store = client.vector_stores.create(name="kb")
    extra = {"chunking_strategy": chunking} if chunking else {}
    for name, file_id in ids.items():
        client.vector_stores.files.create_and_poll(
            file_id, vector_store_id=store.id, attributes=ATTRIBUTES.get(name, {}), **extra  # type: ignore[arg-type]
        )
    return store.id, ids


def test_the_document_holding_the_query_words_ranks_first(client: openai.OpenAI, upload: Upload) -> None:
    store_id, ids = _store(client, upload)
    page = client.vector_stores.search(store_id, query="how long is the warranty on repair of defects?")
    results = list(page)
    assert results[0].file_id == ids["warranty.md"]
    assert results[0].filename == "warranty.md"
    assert results[0].attributes == ATTRIBUTES["warranty.md"]
    assert "two-year limited warranty" in results[0].content[0].text
    assert all(0 <= r.score <= 1 for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert list(client.vector_stores.search(store_id, query="refund unused"))[0].file_id == ids["returns.md"]


def test_a_query_with_no_word_of_any_document_finds_nothing(client: openai.OpenAI, upload: Upload) -> None:
    store_id, _ = _store(client, upload)
    assert list(client.vector_stores.search(store_id, query="zebra quantum")) == []


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"type": "eq", "key": "team", "value": "support"}, {"warranty.md", "returns.md"}),
        ({"type": "ne", "key": "team", "value": "support"}, {"shipping.md"}),
        ({"type": "gt", "key": "year", "value": 2022}, {"warranty.md", "shipping.md"}),
        ({"type": "lte", "key": "year", "value": 2022.5}, {"returns.md"}),
        ({"type": "in", "key": "team", "value": ["logistics", "sales"]}, {"shipping.md"}),
        ({"type": "nin", "key": "year", "value": [2022, 2023]}, {"warranty.md"}),
        ({"type": "eq", "key": "public", "value": False}, {"returns.md"}),
        ({"type": "eq", "key": "missing", "value": "x"}, set()),
        ({"type": "and", "filters": [{"type": "eq", "key": "team", "value": "support"},
                                     {"type": "eq", "key": "public", "value": True}]}, {"warranty.md"}),
        ({"type": "or", "filters": [{"type": "eq", "key": "team", "value": "logistics"},
                                    {"type": "and", "filters": [{"type": "lt", "key": "year", "value": 2023}]}]},
         {"shipping.md", "returns.md"}),
    ],
)
def test_filters_keep_only_the_files_whose_attributes_match(client: openai.OpenAI, upload: Upload,
                                                            flt: dict[str, Any], expected: set[str]) -> None:
    store_id, ids = _store(client, upload)
    names = {file_id: name for name, file_id in ids.items()}
    results = client.vector_stores.search(store_id, query="widget shipping warranty refund", filters=flt)  # type: ignore[arg-type]
    assert {names[r.file_id] for r in results} == expected


def test_max_num_results_and_score_threshold_cut_the_results(client: openai.OpenAI, upload: Upload) -> None:
    docs = {f"note-{i:02}.md": f"widget note {i} ".encode() + b"filler " * (i * 3) for i in range(30)}
    store_id, _ = _store(client, upload, docs)
    assert len(list(client.vector_stores.search(store_id, query="widget"))) == 10  # the default
    assert len(list(client.vector_stores.search(store_id, query="widget", max_num_results=25))) == 25
    scores = [r.score for r in client.vector_stores.search(store_id, query="widget", max_num_results=50)]
    assert len(scores) == 30
    cut = sorted(scores)[15]
    kept = client.vector_stores.search(store_id, query="widget", max_num_results=50,
                                       ranking_options={"score_threshold": cut})
    assert [r.score for r in kept] == [s for s in scores if s >= cut]


def test_a_query_list_is_searched_as_one_and_echoed(client: openai.OpenAI, upload: Upload, raw: Raw) -> None:
    store_id, ids = _store(client, upload)
    found = {r.file_id for r in client.vector_stores.search(store_id, query=["warranty", "express shipping"])}
    assert found == {ids["warranty.md"], ids["shipping.md"]}
    answer = raw("POST", f"/vector_stores/{store_id}/search", headers={"Authorization": "Bearer k"},
                 body={"query": "warranty", "rewrite_query": True})
    assert answer.status == 200
    assert answer.body["object"] == "vector_store.search_results.page"
    assert answer.body["search_query"] == ["warranty"]
    assert (answer.body["has_more"], answer.body["next_page"]) == (False, None)


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({}, "query", "missing_required_parameter"),
        ({"query": 3}, "query", "invalid_type"),
        ({"query": "q", "max_num_results": 51}, "max_num_results", "integer_above_max_value"),
        ({"query": "q", "max_num_results": 0}, "max_num_results", "integer_below_min_value"),
        ({"query": "q", "ranking_options": {"score_threshold": 1.5}}, "ranking_options.score_threshold",
         "decimal_above_max_value"),
        ({"query": "q", "ranking_options": {"ranker": "fast"}}, "ranking_options.ranker", "invalid_value"),
        ({"query": "q", "filters": {"type": "like", "key": "a", "value": "b"}}, "filters.type", "invalid_value"),
        ({"query": "q", "filters": {"type": "in", "key": "a", "value": "b"}}, "filters.value", "invalid_type"),
        ({"query": "q", "filters": {"type": "and", "filters": [{"type": "eq", "key": "a"}]}},
         "filters.filters[0].value", "missing_required_parameter"),
        ({"query": "q", "top_k": 3}, "top_k", "unknown_parameter"),
    ],
)
def test_a_bad_search_is_refused_as_openai_does(client: openai.OpenAI, upload: Upload, body: dict[str, Any],
                                                param: str, code: str) -> None:
    store_id, _ = _store(client, upload, {"a.md": b"alpha"})
    with pytest.raises(openai.BadRequestError) as caught:
        client.post(f"/vector_stores/{store_id}/search", body=body, cast_to=object)
    assert (caught.value.param, caught.value.code) == (param, code)


def test_searching_a_missing_store_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="vs_missing"):
        list(client.vector_stores.search("vs_missing", query="x"))


def test_the_chunking_strategy_decides_the_chunks_search_and_usage_see(client: openai.OpenAI, upload: Upload) -> None:
    text = b"alpha beta gamma delta. " * 500  # 12,000 bytes: 3,000 tokens of 4 bytes
    small = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 0}}
    counts = {}
    for label, strategy in (("auto", None), ("small", small)):
        store_id, ids = _store(client, upload, {"a.txt": text}, chunking=strategy)
        results = list(client.vector_stores.search(store_id, query="gamma", max_num_results=50))
        counts[label] = len(results)
        vs_file = client.vector_stores.files.retrieve(ids["a.txt"], vector_store_id=store_id)
        assert vs_file.usage_bytes == chunks.usage_bytes(len(text), chunks.Chunking.of(strategy))
        assert client.vector_stores.retrieve(store_id).usage_bytes == vs_file.usage_bytes
    assert counts == {"auto": 7, "small": 30}  # 3,000 tokens: 800-token chunks every 400; 100-token chunks


def test_a_pdf_is_indexed_and_read_as_its_text(client: openai.OpenAI, upload: Upload) -> None:
    pdf = (REPO / "knowledge/policies/warranty.pdf").read_bytes()
    store_id, ids = _store(client, upload, {"warranty.pdf": pdf, **DOCS})
    content = client.vector_stores.files.content(ids["warranty.pdf"], vector_store_id=store_id)
    text = "".join(part.text or "" for part in content)
    assert "two-year limited warranty" in text
    assert "%PDF" not in text and "endobj" not in text
    vs_file = client.vector_stores.files.retrieve(ids["warranty.pdf"], vector_store_id=store_id)
    assert vs_file.usage_bytes == chunks.usage_bytes(len(text.encode()), chunks.Chunking.of(None))
    top = list(client.vector_stores.search(store_id, query="unauthorised repairs drops water"))[0]
    assert (top.file_id, top.filename) == (ids["warranty.pdf"], "warranty.pdf")


@pytest.mark.parametrize(("name", "data"), [
    ("broken.pdf", b"%PDF-1.4\nthis is not a pdf body"),
    ("locked.docx", damaged(docx(["pdf body"]), "encrypted")),
    ("garbled.docx", damaged(docx(["pdf body"]), "deflate")),
])
def test_an_unreadable_document_fails_indexing_as_invalid(
        client: openai.OpenAI, upload: Upload, name: str, data: bytes) -> None:
    file_id = upload(name, data)
    store = client.vector_stores.create(name="kb")
    vs_file = client.vector_stores.files.create_and_poll(file_id, vector_store_id=store.id)
    assert vs_file.status == "failed"
    assert vs_file.last_error is not None and vs_file.last_error.code == "invalid_file"
    assert list(client.vector_stores.search(store.id, query="pdf body")) == []


def test_a_removed_or_deleted_file_is_no_longer_found(client: openai.OpenAI, upload: Upload) -> None:
    store_id, ids = _store(client, upload)
    client.vector_stores.files.delete(ids["warranty.md"], vector_store_id=store_id)
    client.files.delete(ids["shipping.md"])
    found = {r.file_id for r in client.vector_stores.search(store_id, query="warranty shipping refund")}
    assert found == {ids["returns.md"]}


def test_a_pdf_indexed_before_the_sandbox_kept_its_text_is_parsed_when_read(
        client: openai.OpenAI, upload: Upload, sandbox: RunningSandbox) -> None:
    pdf = (REPO / "knowledge/policies/shipping-and-returns.pdf").read_bytes()
    store_id, ids = _store(client, upload, {"returns.pdf": pdf})
    sandbox.store.text_path(ids["returns.pdf"]).unlink()  # as in a database written by an older sandbox
    top = list(client.vector_stores.search(store_id, query="refund"))[0]
    assert top.file_id == ids["returns.pdf"] and "full refund" in top.content[0].text


def test_a_chunk_shows_whole_words_where_its_bytes_cut_one(client: openai.OpenAI, upload: Upload) -> None:
    text = b" ".join(b"word%04d" % i for i in range(1000))  # 9 bytes a word: 400-byte chunks cut words
    small = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 0}}
    store_id, _ = _store(client, upload, {"words.txt": text}, chunking=small)
    results = list(client.vector_stores.search(store_id, query="word0500", max_num_results=50))
    assert len(results) == 1
    shown = results[0].content[0].text.split()
    assert "word0500" in shown and all(len(word) == 8 for word in shown)


def test_a_word_document_is_indexed_and_read_as_its_text(client: openai.OpenAI, upload: Upload) -> None:
    data = docx(["Claims need the order number"], ["and a photo of the damage."])
    store_id, ids = _store(client, upload, {"claims.docx": data, **DOCS})
    content = client.vector_stores.files.content(ids["claims.docx"], vector_store_id=store_id)
    text = "".join(part.text or "" for part in content)
    assert text == "Claims need the order number\nand a photo of the damage."
    vs_file = client.vector_stores.files.retrieve(ids["claims.docx"], vector_store_id=store_id)
    assert vs_file.usage_bytes == chunks.usage_bytes(len(text), chunks.Chunking.of(None))
    assert list(client.vector_stores.search(store_id, query="photo of damage"))[0].filename == "claims.docx"
