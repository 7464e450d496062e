"""The model of how a vector store chunks a file and what it bills, shared like `aac.limits`.

The sandbox indexes with it (its search ranks these chunks, its `usage_bytes` counts them) and
the planner estimates storage with it, so a plan's estimate and the sandbox agree by
construction. A token is 4 bytes of UTF-8 text, OpenAI's own rule of thumb, so a plan prices a
file from its size without reading it (tiktoken fetches its encodings at run time; an offline
tokenizer would read every byte; cl100k_base measures 3.8-4.1 bytes a token on English and
Python). A store bills "the sum of all the
parsed chunks from your files and their corresponding embeddings" (API_FACTS 3.7): every
chunk's text, overlaps included, plus one 256-dimension float32 embedding per chunk. The text
is what aac.parsing extracts from a file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

BYTES_PER_TOKEN = 4
EMBEDDING_BYTES = 256 * 4  # text-embedding-3-large at 256 dimensions
AUTO_TOKENS = (800, 400)  # `auto` chunking: 800-token chunks overlapping by 400 (API_FACTS 3.7)


@dataclass(frozen=True)
class Chunking:
    """A static chunking strategy in tokens."""

    max_tokens: int
    overlap_tokens: int

    @classmethod
    def of(cls, strategy: Mapping[str, Any] | None) -> Chunking:
        """From the strategy the API reports (`auto`, `static`, or none, which means auto)."""
        static = (strategy or {}).get("static") if (strategy or {}).get("type") == "static" else None
        if not static:
            return cls(*AUTO_TOKENS)
        return cls(int(static["max_chunk_size_tokens"]), int(static["chunk_overlap_tokens"]))

    @property
    def size(self) -> int:
        return self.max_tokens * BYTES_PER_TOKEN

    @property
    def step(self) -> int:
        return max(1, self.max_tokens - self.overlap_tokens) * BYTES_PER_TOKEN


def chunk_count(text_bytes: int, chunking: Chunking) -> int:
    if text_bytes <= 0:
        return 0
    if text_bytes <= chunking.size:
        return 1
    return 1 + -(-(text_bytes - chunking.size) // chunking.step)


def spans(text_bytes: int, chunking: Chunking) -> Iterator[tuple[int, int]]:
    """The `[start, end)` byte range of each chunk of a text of `text_bytes` bytes, one at a time (a
    large text has hundreds of thousands)."""
    for i in range(chunk_count(text_bytes, chunking)):
        yield i * chunking.step, min(i * chunking.step + chunking.size, text_bytes)


def usage_bytes(text_bytes: int, chunking: Chunking) -> int:
    """What a file of `text_bytes` parsed bytes costs in a store: its chunks' text and embeddings."""
    count = chunk_count(text_bytes, chunking)
    if count == 0:
        return 0
    chunk_text = (count - 1) * chunking.size + text_bytes - (count - 1) * chunking.step
    return chunk_text + count * EMBEDDING_BYTES
