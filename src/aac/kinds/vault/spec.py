"""What a `kind: vault` manifest declares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aac.resources import Source


@dataclass(frozen=True)
class VaultSpec:
    name: str  # the stack-unique key
    display_name: str  # the API's `name`
    metadata: Mapping[str, str] = field(default_factory=dict)
    protect: bool = False
    source: Source | None = None
    credentials: tuple[str, ...] = ()  # keys (VAULT/CREDENTIAL) of the credentials it declares, sorted

    @property
    def key(self) -> str:
        """Its stack-unique key: the manifest's `name`."""
        return self.name
