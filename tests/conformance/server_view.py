"""What the server itself says a stack has, read through the official SDK: the lifecycle's end-state checks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import openai


@dataclass(frozen=True)
class Attachment:
    file_id: str
    path: str | None  # the `aac-path` attribute; None on a file attached by hand
    status: str


@dataclass(frozen=True)
class Store:
    id: str
    attachments: tuple[Attachment, ...]
    counted: int  # file_counts.total

    def paths(self) -> set[str | None]:
        return {a.path for a in self.attachments}


def stores(sdk: openai.OpenAI, stack: str) -> dict[str, Store]:
    """This stack's vector stores by their `aac-key` tag, each with the files the server lists in it."""
    found = {}
    for store in sdk.vector_stores.list(limit=100):
        metadata = store.metadata or {}
        if metadata.get("aac-stack") != stack:
            continue
        attachments = tuple(
            Attachment(f.id, str((f.attributes or {}).get("aac-path")) if f.attributes else None, f.status)
            for f in sdk.vector_stores.files.list(vector_store_id=store.id, limit=100)
        )
        found[metadata["aac-key"]] = Store(store.id, attachments, store.file_counts.total)
    return found


def uploads(sdk: openai.OpenAI, stack: str) -> dict[str, str]:
    """This stack's uploads, file id to the SHA-256 of their bytes: aac names them `aac.STACK.SHA256.BASENAME`."""
    prefix = f"aac.{stack}."
    listed = sdk.files.list(purpose="assistants", limit=10_000)  # one page: llama-stack's `after` cursor is lossy
    return {f.id: f.filename[len(prefix):].split(".")[0] for f in listed if f.filename.startswith(prefix)}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
