"""A vault's credentials' calls to the Agents API (beta).

Each has the writer's guarantees (aac.api.writer): a create is sent once and, after a lost
answer, found by this stack's `aac-key` tag in its vault's list before it is sent again; a
delete is done when the credential is gone; keys the server adds to one just created are
learned. Lookups read whole lists, not `metadata[...]` filters, which the API calls eventually
consistent. A credential's secrets are registered with the run's
`Secrets` before they are sent, and no error raised here carries them, even from a server
that echoes the request: a failed write that carried a secret says what failed, the status and
the request id, never the server's words (its SDK exception, which holds the echo, is not chained).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aac.kinds.credential.secrets import secret_values
from aac.limits import LIST_LIMIT

if TYPE_CHECKING:
    from openai.types.beta.agents.vaults import Credential

    from aac.api.reader import Reader
    from aac.api.writer import Writer

T = TypeVar("T")
PAGE = LIST_LIMIT[1]
# When the server refuses a write that carried a secret, its words are not shown: where to look instead.
REFUSED_HINT = ("check the credential's auth in its manifest (type, URLs, expires_at) and the secrets its variables "
                "hold; the server's operator can look the request id up")
JSON = dict[str, Any]


def read(reader: Reader, vault_id: str) -> list[JSON]:
    """A vault's credentials: their public configuration, never a secret (the API returns none)."""
    return reader.list_all(f"listing the credentials of vault {vault_id}",
                           lambda sdk: sdk.beta.agents.vaults.credentials, vault_id)


def create(writer: Writer, vault_id: str, key: str, body: JSON) -> Credential:
    """Create with `body["auth"]` holding the secrets (aac.kinds.credential.secrets.credential_auth)."""
    credentials = writer.sdk.beta.agents.vaults.credentials
    made = _with_secrets(writer, f"creating credential {key} in vault {vault_id}", body,
                         lambda: credentials.create(vault_id, **body),
                         lambda: writer.owned(credentials.list(vault_id, limit=PAGE, order="asc"), key))
    record = writer.learn_server_keys(f"credential.{key}", body, made.metadata)
    if not record:
        return made
    return writer.call(f"updating credential {made.id} in vault {vault_id}",
                       lambda: credentials.update(made.id, vault_id=vault_id, metadata=record))


def listed(writer: Writer, vault_id: str) -> list[Credential]:
    """This stack's credentials in a vault, oldest first."""
    credentials = writer.sdk.beta.agents.vaults.credentials
    return writer.call(f"listing the credentials of vault {vault_id}",
                       lambda: writer.mine(credentials.list(vault_id, limit=PAGE, order="asc")))


def update(writer: Writer, vault_id: str, credential_id: str, body: JSON) -> Credential:
    """Replace its metadata, or rotate its secrets with `body["auth"]` (secrets.credential_rotation)."""
    credentials = writer.sdk.beta.agents.vaults.credentials
    return _with_secrets(writer, f"updating credential {credential_id} in vault {vault_id}", body,
                         lambda: credentials.update(credential_id, vault_id=vault_id, **body))


def delete(writer: Writer, vault_id: str, credential_id: str) -> None:
    credentials = writer.sdk.beta.agents.vaults.credentials
    writer.delete(f"deleting credential {credential_id} in vault {vault_id}",
                  lambda: credentials.delete(credential_id, vault_id=vault_id))


def _with_secrets(writer: Writer, what: str, body: JSON, send: Callable[[], T],
                  recover: Callable[[], T | None] | None = None) -> T:
    """Send a request whose `auth` may hold secrets (aac.api.writer.Writer.call_with_secrets)."""
    return writer.call_with_secrets(what, list(secret_values(body.get("auth"))), send, recover, REFUSED_HINT)
