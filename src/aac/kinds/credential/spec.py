"""What a vault manifest declares of one credential."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aac.resources import JSON, Source


@dataclass(frozen=True)
class CredentialSpec:
    """A credential inside a vault manifest. Its secrets are write-only on the API, so a rotation is declared:
    `version` is bumped, and the next apply sends the secret again (see docs/manifests.md, "Secrets")."""

    vault: str  # the vault's key
    name: str  # the credential's key within the vault
    display_name: str  # the API's `name`
    # The API's create `auth` without secret values: `type`, its public fields, and for each secret field
    # `<field>_env: VARIABLE` instead (nested too: refresh.refresh_token_env, token_endpoint_auth.client_secret_env).
    auth: JSON
    version: int = 1  # bumped by the user to rotate the secret
    metadata: Mapping[str, str] = field(default_factory=dict)
    source: Source | None = None
    protect: bool = False  # its vault's `protect`

    @property
    def key(self) -> str:
        return f"{self.vault}/{self.name}"
