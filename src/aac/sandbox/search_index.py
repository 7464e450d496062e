"""A store's search index within a memory bound: every word's chunks while they fit, else only the query's.

A file's index is its chunks (`aac.chunks`, each widened to whole words) as an inverted index. Each
store keeps its files' indexes in an `IndexCache` of at most `budget` bytes of memory, the least
recently used dropped first. A search uses the indexes cached, builds those that fit beside the ones
it uses, and scans the rest: one pass over the file's text, a chunk at a time, counting only the
query's words. A scanned file's outline (each chunk's bytes and word count) is cached when it fits,
so its next scan only looks for the query's words. Every way gives the same postings for the query's
words, so the same BM25 ranking.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from aac import chunks

# 64 MiB: the sandbox's whole footprint stays near 100 MiB however large its stores, while a knowledge
# base of about 4 MiB stays wholly indexed and searched in milliseconds (the index costs 14.5 bytes of
# memory a byte of aac's own docs and sources, chunks overlapping by half; 40 for distinct words).
DEFAULT_BUDGET = 64 * 1024 * 1024
# What the index costs in memory (CPython 3.11-3.13, measured with tracemalloc): a word's first chunk
# adds its dict entry, a tuple and two arrays besides the word itself; each chunk after it, two array
# items; each chunk, its span and word count.
_NEW_WORD_BYTES = 300
_POSTING_BYTES = 9
_CHUNK_BYTES = 21
_WORD = re.compile(r"\w+")
_SPACE = re.compile(rb"\s")
_LONGEST_WORD = 64  # bytes a chunk's last word may run past its end

Postings = dict[str, tuple["array[int]", "array[int]"]]  # word -> (chunk numbers, counts)
Key = tuple[str, int, int, chunks.Chunking]  # text path, size, mtime (a reused path is a new text), chunking


@dataclass(frozen=True)
class FileIndex:
    """One indexed text's chunks: their bytes and word counts, and the postings of some of their words.

    `complete`: every word's postings, for any query; otherwise only one query's (or none: an outline).
    `cost` is the estimated memory it holds.
    """

    path: str
    starts: array[int]
    ends: array[int]
    lengths: array[int]
    postings: Postings
    complete: bool
    cost: int


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


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


def _chunk_texts(path: str, chunking: chunks.Chunking) -> Iterator[tuple[int, int, str]]:
    """Each chunk's bytes widened to whole words and its lower-cased text, reading one chunk at a time.

    The window read is the byte before the chunk to the longest word past it: all `_whole_words` looks
    at, so the spans are those of the whole text read at once.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        for start, end in chunks.spans(size, chunking):
            low = start - 1 if start else 0
            handle.seek(low)
            window = handle.read(min(size, end + _LONGEST_WORD) - low)
            first, last = _whole_words(window, start - low, end - low)
            yield low + first, low + last, window[first:last].decode("utf-8", "replace").lower()


def _span_texts(index: FileIndex) -> Iterator[str]:
    """The lower-cased text of each chunk of an outline."""
    with open(index.path, "rb") as handle:
        for start, end in zip(index.starts, index.ends, strict=True):
            handle.seek(start)
            yield handle.read(end - start).decode("utf-8", "replace").lower()


def _post(postings: Postings, term: str, number: int, count: int) -> int:
    """Add one chunk's count of a word; the memory it adds."""
    posting = postings.get(term)
    added = _POSTING_BYTES
    if posting is None:  # not setdefault: it would build two arrays for every word of every chunk
        posting = postings[term] = (array("I"), array("I"))
        added = _NEW_WORD_BYTES + sys.getsizeof(term)
    posting[0].append(number)
    posting[1].append(count)
    return added


def _post_all(postings: Postings, number: int, counts: Counter[str]) -> int:
    """Add one chunk's count of every word; the memory it adds (inline: this runs for every word of a text)."""
    added = len(counts) * _POSTING_BYTES
    for term, count in counts.items():
        posting = postings.get(term)
        if posting is None:
            posting = postings[term] = (array("I"), array("I"))
            added += _NEW_WORD_BYTES + sys.getsizeof(term)
        posting[0].append(number)
        posting[1].append(count)
    return added


def build(path: str, chunking: chunks.Chunking, query: Sequence[str], room: int) -> FileIndex:
    """One pass over a text: every word's postings while the index fits in `room` bytes, then only the query's."""
    starts, ends, lengths = array("Q"), array("Q"), array("I")
    postings: Postings = {}
    cost, complete = 0, True
    for number, (start, end, text) in enumerate(_chunk_texts(path, chunking)):
        found = _WORD.findall(text)
        starts.append(start)
        ends.append(end)
        lengths.append(len(found))
        cost += _CHUNK_BYTES
        if complete:
            cost += _post_all(postings, number, Counter(found))
            if cost > room:  # past the room: keep what the query needs, then count only its words
                complete = False
                postings = {term: postings[term] for term in query if term in postings}
        else:
            for term in query:
                if term in text and (count := found.count(term)):
                    _post(postings, term, number, count)
    chunk_cost = len(starts) * _CHUNK_BYTES
    return FileIndex(path, starts, ends, lengths, postings, complete, cost if complete else chunk_cost)


def scan(outline: FileIndex, query: Sequence[str]) -> FileIndex:
    """The query's postings of an outlined text: only its words are looked for, never every word."""
    # `\b` on both sides of a run of word characters: exactly the `\w+` words equal to the term.
    patterns = [(term, re.compile(rf"\b{re.escape(term)}\b")) for term in query]
    postings: Postings = {}
    for number, text in enumerate(_span_texts(outline)):
        for term, pattern in patterns:
            if term in text and (count := len(pattern.findall(text))):
                _post(postings, term, number, count)
    return replace(outline, postings=postings)


def outline_of(index: FileIndex) -> FileIndex:
    return replace(index, postings={}, complete=False, cost=len(index.starts) * _CHUNK_BYTES)


class IndexCache:
    """The indexes of one store's texts, least recently used first, within `budget` bytes of memory.

    One search at a time indexes and ranks (`lock`), so only its own indexes are held beyond the cache:
    building is CPU work under the GIL, so queueing searches costs no throughput.
    """

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self.budget = budget
        self.lock = threading.Lock()
        self.used = 0  # estimated bytes of memory the cached indexes hold
        self._entries: OrderedDict[Key, FileIndex] = OrderedDict()

    def clear(self) -> None:
        self._entries.clear()
        self.used = 0

    def indexes(self, keys: Sequence[Key], query: Sequence[str]) -> list[FileIndex]:
        """Each text's postings for the query, in order (hold `lock` while using them)."""
        found: list[FileIndex] = []
        held: set[Key] = set()
        held_cost = 0
        for key in keys:
            index = self._entries.get(key)
            if index is None:
                index = build(key[0], key[3], query, self.budget - held_cost)
                self._admit(key, index if index.complete else outline_of(index), held, held_cost)
            elif not index.complete:
                index = scan(index, query)
            if key in self._entries and key not in held:
                self._entries.move_to_end(key)
                held.add(key)
                held_cost += self._entries[key].cost
            found.append(index)
        return found

    def _admit(self, key: Key, index: FileIndex, held: set[Key], held_cost: int) -> None:
        """Cache an index if it fits beside the ones this search holds, dropping others, oldest first."""
        if index.cost + held_cost > self.budget:
            return
        self._entries[key] = index
        self.used += index.cost
        for old in [k for k in self._entries if k not in held and k != key]:
            if self.used <= self.budget:
                break
            self.used -= self._entries.pop(old).cost
