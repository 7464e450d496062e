"""A vault's calls to the Agents API (beta), through the writer's guarantees (aac.api.writer), as an agent's
(aac.kinds.agent.wire). Vaults list archived ones too."""

from __future__ import annotations

from typing import Any

from openai.types.beta.agents import Vault

from aac.api.reader import PAGE, Reader
from aac.api.writer import Writer, mine

JSON = dict[str, Any]


def read(reader: Reader) -> list[JSON]:
    pages = reader.sdk.beta.agents.vaults.with_raw_response
    return reader.all_pages("listing vaults", lambda after: pages.list(limit=PAGE, after=after))


def create(writer: Writer, key: str, body: JSON) -> Vault:
    return writer.create_tagged("vault", key, body, writer.sdk.beta.agents.vaults)


def listed(writer: Writer) -> list[Vault]:
    """This stack's vaults, oldest first."""
    return writer.call("listing vaults",
                       lambda: mine(writer.sdk.beta.agents.vaults.list(limit=PAGE, order="asc"), writer.stack))


def update(writer: Writer, vault_id: str, body: JSON) -> Vault:
    return writer.call(f"updating vault {vault_id}", lambda: writer.sdk.beta.agents.vaults.update(vault_id, **body))


def delete(writer: Writer, vault_id: str) -> None:
    """Deletes the vault's credentials with it (the API's own cascade)."""
    writer.delete(f"deleting vault {vault_id}", lambda: writer.sdk.beta.agents.vaults.delete(vault_id))
