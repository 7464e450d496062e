"""The chunk model the sandbox indexes with and the planner estimates with (aac.chunks)."""

from __future__ import annotations

import pytest

from aac import chunks
from aac.chunks import Chunking


def test_auto_and_no_strategy_are_800_tokens_overlapping_by_400() -> None:
    assert Chunking.of(None) == Chunking.of({"type": "auto"}) == Chunking(800, 400)
    static = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 20}}
    assert Chunking.of(static) == Chunking(100, 20)


@pytest.mark.parametrize("chunking", [Chunking(800, 400), Chunking(100, 0), Chunking(4096, 2048), Chunking(101, 50)])
@pytest.mark.parametrize("length", [0, 1, 399, 400, 401, 3200, 3201, 12_345, 1_000_003])
def test_spans_cover_the_text_and_usage_counts_them(chunking: Chunking, length: int) -> None:
    spans = list(chunks.spans(length, chunking))
    assert len(spans) == chunks.chunk_count(length, chunking)
    if length:
        assert spans[0][0] == 0 and spans[-1][1] == length
        assert all(end - start <= chunking.size for start, end in spans)
        assert all(b[0] <= a[1] for a, b in zip(spans, spans[1:], strict=False))  # no gap between neighbours
        assert all(b[0] - a[0] == chunking.step for a, b in zip(spans, spans[1:], strict=False))
        assert spans[-1][0] < length and (len(spans) == 1 or spans[-2][1] < length)  # no chunk is redundant
    text = sum(end - start for start, end in spans)
    assert chunks.usage_bytes(length, chunking) == text + len(spans) * chunks.EMBEDDING_BYTES
