"""A vault's calls to the Agents API (beta), through the writer's guarantees (aac.api.writer), as an agent's
(aac.kinds.agent.wire). Vaults list archived ones too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aac.limits import LIST_LIMIT

if TYPE_CHECKING:
    from openai.types.beta.agents import Vault

    from aac.api.reader import Reader
    from aac.api.writer import Writer

JSON = dict[str, Any]
PAGE = LIST_LIMIT[1]


def read(reader: Reader) -> list[JSON]:
    return reader.list_all("listing vaults", lambda sdk: sdk.beta.agents.vaults)


def create(writer: Writer, key: str, body: JSON) -> Vault:
    return writer.create_tagged("vault", key, body, writer.sdk.beta.agents.vaults)


def listed(writer: Writer) -> list[Vault]:
    """This stack's vaults, oldest first."""
    return writer.call("listing vaults",
                       lambda: writer.mine(writer.sdk.beta.agents.vaults.list(limit=PAGE, order="asc")))


def update(writer: Writer, vault_id: str, body: JSON) -> Vault:
    return writer.call(f"updating vault {vault_id}", lambda: writer.sdk.beta.agents.vaults.update(vault_id, **body))


def delete(writer: Writer, vault_id: str) -> None:
    """Deletes the vault's credentials with it (the API's own cascade)."""
    writer.delete(f"deleting vault {vault_id}", lambda: writer.sdk.beta.agents.vaults.delete(vault_id))
