"""The embedding model the real servers index with in CI: deterministic, unit length, alike for alike texts."""

from __future__ import annotations

import math

from servers.llama_stack.aac_hash_embedding.hashing import embed


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_same_text_same_unit_vector() -> None:
    first, again = embed("Returns within 30 days.", 384), embed("Returns within 30 days.", 384)
    assert first == again and len(first) == 384
    assert math.isclose(math.sqrt(cosine(first, first)), 1.0)


def test_texts_sharing_words_are_closer_than_unrelated_ones() -> None:
    query = embed("warranty period", 384)
    assert cosine(query, embed("The warranty period is two years.", 384)) > cosine(
        query, embed("Shipping takes five days.", 384)
    )


def test_a_chunk_without_words_still_has_unit_length() -> None:
    vector = embed("---", 64)
    assert math.isclose(math.sqrt(cosine(vector, vector)), 1.0)
