"""What a `kind: agent` manifest declares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.resources import JSON, Source


@dataclass(frozen=True)
class AgentSpec:
    name: str  # the stack-unique key
    display_name: str  # the API's `name`
    model: str
    instructions: str | None = None  # instructions_file already read
    # The API's persisted tool shape, $ref resolved; an mcp tool names its credential by key
    # (`credential: VAULT/CREDENTIAL`), resolved to `credential_id` only in the request body.
    tools: tuple[JSON, ...] = ()
    # Only the optional settings the manifest sets (reasoning, service_tier, text, multi_agent, compaction,
    # experimental): what it leaves out is the server's to resolve, and never compared.
    settings: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)
    protect: bool = False
    source: Source | None = None

    @property
    def credentials(self) -> tuple[str, ...]:
        """Keys (VAULT/CREDENTIAL) of the credentials its mcp tools name, sorted."""
        return tuple(sorted({str(t["credential"]) for t in self.tools if t.get("credential")}))

    @property
    def key(self) -> str:
        """Its stack-unique key: the manifest's `name`."""
        return self.name
