"""A live vector store: the store with its files as the snapshot lists them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aac.resources import LiveVectorStore, LiveVectorStoreFile


def live_store(key: str, raw: Mapping[str, Any], snapshot: Mapping[str, Any]) -> LiveVectorStore:
    """A vector store with its files as the snapshot lists them, and how many its listing fell short by."""
    files = (snapshot.get("vector_store_files") or {}).get(raw["id"], [])
    unread = int((snapshot.get("unread") or {}).get(raw["id"], 0))
    return LiveVectorStore(id=raw["id"], key=key, raw=raw, files=_attachments(files), unread=unread)



def _attachments(objects: list[Mapping[str, Any]]) -> tuple[LiveVectorStoreFile, ...]:
    return tuple(
        LiveVectorStoreFile(
            file_id=raw["id"],
            status=str(raw.get("status") or ""),
            usage_bytes=int(raw.get("usage_bytes") or 0),
            attributes=raw.get("attributes") or {},
            last_error=raw.get("last_error"),
            chunking=raw.get("chunking_strategy"),
            raw=raw,
        )
        for raw in sorted(objects, key=lambda r: str(r["id"]))
    )
