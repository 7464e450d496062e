"""The Writer's calls to the Agents API (beta): agents, vaults and a vault's credentials.

Each has the writer's guarantees (aac.api.writer): a create is sent once and, after a lost
answer, found by this stack's `aac-key` tag before it is sent again (a credential in its own
vault's list); a delete is done when the object is gone; keys the server adds to an object
just created are learned. Lookups read whole lists, not `metadata[...]` filters, which the
API calls eventually consistent. A credential's secrets are registered with the run's
`Secrets` before they are sent, and no error raised here carries them, even from a server
that echoes the request: a failed write that carried a secret says what failed, the status and
the request id, never the server's words (its SDK exception, which holds the echo, is not chained).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import openai
from openai.types.beta import Agent
from openai.types.beta.agents import Vault
from openai.types.beta.agents.vaults import Credential

from aac.api.agents import secret_values
from aac.api.reader import PAGE
from aac.errors import AacError
from aac.identity import owner_of
from aac.secrets import REDACTED, forms

if TYPE_CHECKING:
    from aac.api.connect import Api

T = TypeVar("T")
JSON = dict[str, Any]


class WriterCore(Protocol):
    """What these calls need of the Writer."""

    api: Api
    sdk: openai.OpenAI
    stack: str

    def call(self, what: str, send: Callable[[], T], recover: Callable[[], T | None] | None = None) -> T: ...

    def delete(self, what: str, send: Callable[[], Any]) -> None: ...

    def learn_server_keys(self, address: str, params: JSON, metadata: Mapping[str, Any] | None) -> JSON | None: ...


class AgentWrites:
    """Mixed into aac.api.writer.Writer."""

    # -- agents ----------------------------------------------------------------------------

    def create_agent(self: WriterCore, key: str, body: JSON) -> Agent:
        return _create_tagged(self, "agent", key, body, self.sdk.beta.agents)

    def list_agents(self: WriterCore) -> list[Agent]:
        """This stack's agents, oldest first (to settle two applies' creates: aac.apply.converge)."""
        return self.call("listing agents", lambda: _mine(self, self.sdk.beta.agents.list(limit=PAGE, order="asc")))

    def update_agent(self: WriterCore, agent_id: str, body: JSON) -> Agent:
        return self.call(f"updating agent {agent_id}", lambda: self.sdk.beta.agents.update(agent_id, **body))

    def delete_agent(self: WriterCore, agent_id: str) -> None:
        self.delete(f"deleting agent {agent_id}", lambda: self.sdk.beta.agents.delete(agent_id))

    # -- vaults ----------------------------------------------------------------------------

    def create_vault(self: WriterCore, key: str, body: JSON) -> Vault:
        return _create_tagged(self, "vault", key, body, self.sdk.beta.agents.vaults)

    def list_vaults(self: WriterCore) -> list[Vault]:
        """This stack's vaults, oldest first."""
        return self.call("listing vaults",
                         lambda: _mine(self, self.sdk.beta.agents.vaults.list(limit=PAGE, order="asc")))

    def update_vault(self: WriterCore, vault_id: str, body: JSON) -> Vault:
        return self.call(f"updating vault {vault_id}", lambda: self.sdk.beta.agents.vaults.update(vault_id, **body))

    def delete_vault(self: WriterCore, vault_id: str) -> None:
        """Deletes the vault's credentials with it (the API's own cascade)."""
        self.delete(f"deleting vault {vault_id}", lambda: self.sdk.beta.agents.vaults.delete(vault_id))

    # -- a vault's credentials -------------------------------------------------------------

    def create_credential(self: WriterCore, vault_id: str, key: str, body: JSON) -> Credential:
        """Create with `body["auth"]` holding the secrets (aac.api.agents.credential_auth)."""
        credentials = self.sdk.beta.agents.vaults.credentials
        made = _with_secrets(self, f"creating credential {key} in vault {vault_id}", body,
                             lambda: credentials.create(vault_id, **body),
                             lambda: _owned(self, credentials.list(vault_id, limit=PAGE, order="asc"), key))
        record = self.learn_server_keys(f"credential.{key}", body, made.metadata)
        if not record:
            return made
        return self.call(f"updating credential {made.id} in vault {vault_id}",
                         lambda: credentials.update(made.id, vault_id=vault_id, metadata=record))

    def list_credentials(self: WriterCore, vault_id: str) -> list[Credential]:
        """This stack's credentials in a vault, oldest first."""
        credentials = self.sdk.beta.agents.vaults.credentials
        return self.call(f"listing the credentials of vault {vault_id}",
                         lambda: _mine(self, credentials.list(vault_id, limit=PAGE, order="asc")))

    def update_credential(self: WriterCore, vault_id: str, credential_id: str, body: JSON) -> Credential:
        """Replace its metadata, or rotate its secrets with `body["auth"]` (aac.api.agents.credential_rotation)."""
        credentials = self.sdk.beta.agents.vaults.credentials
        return _with_secrets(self, f"updating credential {credential_id} in vault {vault_id}", body,
                             lambda: credentials.update(credential_id, vault_id=vault_id, **body))

    def delete_credential(self: WriterCore, vault_id: str, credential_id: str) -> None:
        credentials = self.sdk.beta.agents.vaults.credentials
        self.delete(f"deleting credential {credential_id} in vault {vault_id}",
                     lambda: credentials.delete(credential_id, vault_id=vault_id))


def _create_tagged(writer: WriterCore, kind: str, key: str, body: JSON, resource: Any) -> Any:
    """Create an agent or a vault (`resource`, its SDK resource) with this stack's tags in `body["metadata"]`."""
    made = writer.call(f"creating {kind} {key}", lambda: resource.create(**body),
                       lambda: _owned(writer, resource.list(limit=PAGE, order="asc"), key))
    record = writer.learn_server_keys(f"{kind}.{key}", body, made.metadata)
    if not record:
        return made
    return writer.call(f"updating {kind} {made.id}", lambda: resource.update(made.id, metadata=record))


def _mine(writer: WriterCore, objects: Iterable[T]) -> list[T]:
    """The objects of an `order=asc` list that carry this stack's tags, in the list's order."""
    return [obj for obj in objects if (owner_of(getattr(obj, "metadata", None)) or ("",))[0] == writer.stack]


def _owned(writer: WriterCore, objects: Iterable[T], key: str) -> T | None:
    """The oldest object of an `order=asc` list that this stack owns under `key` (as writer.first does)."""
    for obj in objects:
        owner = owner_of(getattr(obj, "metadata", None))
        if owner is not None and owner[:2] == (writer.stack, key):
            return obj
    return None


def _with_secrets(writer: WriterCore, what: str, body: JSON, send: Callable[[], T],
                  recover: Callable[[], T | None] | None = None) -> T:
    """Send a request whose `auth` may hold secrets: known to the run's Secrets first, then kept out of errors.

    A server's answer to such a request is not shown at all: it may quote the secret in a form no redaction
    foresaw (truncated, re-encoded, hashed with a short salt). What failed, the status and the request id are."""
    secrets = list(secret_values(body.get("auth")))
    for value in secrets:
        writer.api.log.out.secrets.add(value)
    try:
        return writer.call(what, send, recover)
    except AacError as exc:
        if not secrets:
            raise
        cause = exc.__cause__
        if isinstance(cause, openai.APIStatusError) and type(exc) is AacError:
            raise _withheld(what, cause, exc.hint) from None  # the SDK's exception holds the server's echo
        _scrub(exc, sorted({form for value in secrets for form in forms(value)}, key=len, reverse=True))
        exc.__cause__, exc.__suppress_context__ = None, True
        raise


def _withheld(what: str, cause: openai.APIStatusError, hint: str | None) -> AacError:
    status = cause.status_code
    request = f", request id {cause.request_id}" if cause.request_id else ""
    if status not in (401, 403, 404, 429) and status < 500:  # the other hints point at the server's words
        hint = ("check the credential's auth in its manifest (type, URLs, expires_at) and the secrets its variables "
                "hold; the server's operator can look the request id up")
    return AacError(f"{what} failed with HTTP {status}{request}; the server's message is not shown, as the "
                    "request carried a secret it may quote", hint)


def _scrub(exc: AacError, values: list[str]) -> None:
    """Every secret (of any length: these are known exactly) replaced in the error's message and hint."""
    def clean(text: str) -> str:
        for value in values:
            text = text.replace(value, REDACTED)
        return text

    exc.message = clean(exc.message)
    exc.hint = clean(exc.hint) if exc.hint is not None else None
    exc.args = (exc.message, *exc.args[1:])
