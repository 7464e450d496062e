"""A vector store as its manifest declares it (or an assistant's `files.file_search` does)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.resources import JSON, RetrievalCheck, Source


@dataclass(frozen=True)
class VectorStoreSpec:
    name: str  # the stack-unique key
    display_name: str  # the API's `name`
    files: tuple[str, ...]  # repository-relative paths, sorted, unique
    chunking_strategy: JSON | None = None
    expires_after: JSON | None = None
    description: str | None = None  # write-only on the API
    metadata: Mapping[str, str] = field(default_factory=dict)  # the user's keys; tags are added on write
    protect: bool = False
    owner: str | None = None  # the assistant whose `files.file_search` this store holds; None for a manifest
    source: Source | None = None
    file_ids: tuple[str, ...] = ()  # existing uploads attached by id (bytes not in the repository), sorted, unique
    checks: tuple[RetrievalCheck, ...] = ()  # run by `aac check`, never part of the diff
    thresholds: Mapping[str, float] = field(default_factory=dict)  # metric -> least value `aac check` accepts
    attributes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # path -> the user's file attributes

    @property
    def key(self) -> str:
        """Its stack-unique key: the manifest's `name`."""
        return self.name
