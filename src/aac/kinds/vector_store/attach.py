"""Attaching files where the server does not take `files: [...]` file batches.

OpenAI takes a batch of `{file_id, attributes, chunking_strategy}` entries. llama-stack
0.7.3 refuses it (400 `body.file_ids: Field required`) and ogx 1.5.0 answers `completed`
with `file_counts.total: 0`, attaching nothing. Both take `file_ids` batches (one set of
attributes for all) and single attaches. The first answer decides for the rest of the run.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import openai

from aac.api.errors import api_message, is_not_found
from aac.errors import AacError
from aac.output import Output

if TYPE_CHECKING:
    from aac.api.writer import Writer

JSON = dict[str, Any]


class BatchSupport:
    """Whether this server takes `files` batches: unknown (None) until its first answer."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.works: bool | None = None
        self._lock = threading.Lock()

    def learn(self, works: bool, why: str) -> bool:
        with self._lock:
            if self.works is None and not works:
                self.out.log(f"detected: the server {why} for a `files` file batch; attaching in `file_ids` "
                             "batches where files share their attributes, else one request per file")
            self.works = works if self.works is None else self.works and works
        return works

    def send(self, writer: Writer, store_id: str, chunk: list[JSON]) -> bool:
        """One `files` batch; False when the server turned out not to take them."""
        what = f"attaching {len(chunk)} files to vector store {store_id}"
        try:
            batch = writer.call(what, lambda: writer.sdk.vector_stores.file_batches.create(store_id, files=chunk))  # type: ignore[arg-type]
        except AacError as exc:
            refused = exc.__cause__
            # llama-stack says 400; FastAPI's own validation error, which such servers may send instead, is 422.
            if not isinstance(refused, (openai.BadRequestError, openai.UnprocessableEntityError)) \
                    or is_not_found(refused):
                raise
            return self.learn(False, f"refused with HTTP {refused.status_code} ({api_message(refused)})")
        if batch.file_counts.total == 0:  # OpenAI counts every file of a batch from its first answer on
            return self.learn(False, f"answered `{batch.status}` with file_counts.total 0, attaching nothing")
        return self.learn(True, "")

    def attach_without(self, writer: Writer, store_id: str, entries: list[JSON]) -> None:
        """`file_ids` batches for entries with the same attributes and chunking, one request for the rest."""
        groups: dict[str, list[JSON]] = {}
        for entry in entries:
            shared = {k: v for k, v in entry.items() if k != "file_id"}
            groups.setdefault(json.dumps(shared, sort_keys=True), []).append(entry)
        singles = [group[0] for group in groups.values() if len(group) == 1]
        for group in (g for g in groups.values() if len(g) > 1):
            shared = {k: v for k, v in group[0].items() if k != "file_id"}
            ids = [e["file_id"] for e in group]
            writer.call(f"attaching {len(ids)} files to vector store {store_id}",
                        lambda ids=ids, shared=shared: writer.sdk.vector_stores.file_batches.create(  # type: ignore[misc]
                            store_id, file_ids=ids, **shared))

        def attach_one(entry: JSON) -> None:
            writer.call(f"attaching {entry['file_id']} to vector store {store_id}",
                        lambda: writer.sdk.vector_stores.files.create(vector_store_id=store_id, **entry))

        with ThreadPoolExecutor(max_workers=max(1, writer.parallelism), thread_name_prefix="aac-attach") as pool:
            list(pool.map(attach_one, singles))
