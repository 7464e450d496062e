"""A vector store's side of the attachment diff: what its manifest wants and what it holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.resources import LiveVectorStoreFile


@dataclass(frozen=True)
class StoreFiles:
    """One store's side of the attachment diff."""

    key: str
    wanted: tuple[str, ...]  # desired paths
    attached: tuple[LiveVectorStoreFile, ...]  # live attachments to reuse (none for a new or replaced store)
    wanted_ids: tuple[str, ...] = ()  # existing uploads attached by id: never uploaded, never deleted
    usage_bytes: int = 0  # what the live store reports, when it is kept
    chunking: Mapping[str, Any] | None = None  # how the store chunks a file it is given, for new attachments
    attributes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # path -> the manifest's attributes
    # The store is a llama-stack-family one (its metadata has the server's own keys): its search filters on the
    # attributes a file had when attached, whatever a later update says (llama-stack 0.7.3, ogx 1.5.0).
    attributes_frozen: bool = False
