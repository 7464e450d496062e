"""The plan's storage estimate: what a vector store will bill once the plan is applied.

A store that exists starts from the `usage_bytes` it reports; each attachment the plan adds
(or re-indexes) adds what `aac.chunks` says its text costs with the store's chunking, and each
it removes takes off the `usage_bytes` it reports. The text is the file's bytes, or the text
aac.parsing extracts (PDF, Word, PowerPoint), read only for a file the plan attaches anew.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from aac import chunks, parsing
from aac.resources import LiveVectorStoreFile, LocalFile


class TextSizes(Mapping[str, int]):
    """Bytes of text a store indexes from each local file, by path; a parsed type is read when first asked.

    A document that cannot be read, or is past a parsing limit (aac.parsing.Limits), is estimated
    from its size, and `unreadable` says why, for the plan to warn: the server will likely refuse it.
    """

    def __init__(self, files: Mapping[str, LocalFile]) -> None:
        self._files = files
        self._parsed: dict[str, int] = {}
        self.unreadable: dict[str, str] = {}  # path -> why its text could not be extracted

    def __getitem__(self, path: str) -> int:
        local = self._files[path]
        if not parsing.is_parsed(path):
            return local.size
        if path not in self._parsed:
            self._parsed[path] = self._parsed_size(path, local.abspath, local.size)
        return self._parsed[path]

    def _parsed_size(self, path: str, abspath: Path, size: int) -> int:
        try:
            return len(parsing.parsed_text(abspath.name, abspath.read_bytes()))
        except (OSError, ValueError) as exc:
            self.unreadable[path] = " ".join(str(exc).split())  # one line, whatever a parser quoted
            return size

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def attachment_usage(text_bytes: int, strategy: Mapping[str, Any] | None) -> int:
    return chunks.usage_bytes(text_bytes, chunks.Chunking.of(strategy))


def path_usage(text_sizes: Mapping[str, int], path: str, strategy: Mapping[str, Any] | None) -> int:
    return attachment_usage(text_sizes[path], strategy)


def change_in_usage(attachment: LiveVectorStoreFile | None, estimate: Callable[[], int], *, reindexed: bool) -> int:
    """How an attachment the manifest wants changes its store's usage: new, re-indexed, or still indexing.

    `estimate` is called only then, so a plan with nothing new parses no document.
    """
    if attachment is None:
        return estimate()
    if reindexed or attachment.status == "in_progress":
        return estimate() - attachment.usage_bytes
    return 0
