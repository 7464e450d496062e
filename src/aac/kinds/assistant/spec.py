"""An assistant as its manifest declares it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.resources import JSON, Source


@dataclass(frozen=True)
class AssistantSpec:
    name: str  # the stack-unique key
    display_name: str  # the API's `name`
    model: str
    description: str | None = None
    instructions: str | None = None  # instructions_file already read
    tools: tuple[JSON, ...] = ()  # API shape: shorthand expanded, $ref resolved, retrieval -> file_search
    code_interpreter_files: tuple[str, ...] = ()  # repository-relative paths, sorted, unique
    vector_store: str | None = None  # key of the store it searches (its own store is keyed by its name)
    temperature: float | None = None
    top_p: float | None = None
    response_format: Any = None  # "auto" or the API's object
    reasoning_effort: str | None = None  # write-only on the API
    metadata: Mapping[str, str] = field(default_factory=dict)
    protect: bool = False
    source: Source | None = None
    code_interpreter_ids: tuple[str, ...] = ()  # existing uploads by id (bytes not in the repository), sorted, unique
    foundry: bool = False  # loaded for a foundry target: a prompt agent there (aac.kinds.assistant.foundry)

    @property
    def key(self) -> str:
        """Its stack-unique key: the manifest's `name`."""
        return self.name
