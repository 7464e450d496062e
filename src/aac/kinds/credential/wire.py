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
from typing import Any, TypeVar

import openai
from openai.types.beta.agents.vaults import Credential

from aac.api.reader import PAGE, Reader
from aac.api.writer import Writer, mine, owned
from aac.errors import AacError
from aac.kinds.credential.secrets import secret_values
from aac.secrets import REDACTED, forms

T = TypeVar("T")
JSON = dict[str, Any]


def read(reader: Reader, vault_id: str) -> list[JSON]:
    """A vault's credentials: their public configuration, never a secret (the API returns none)."""
    pages = reader.sdk.beta.agents.vaults.credentials.with_raw_response
    return reader.all_pages(f"listing the credentials of vault {vault_id}",
                            lambda after: pages.list(vault_id, limit=PAGE, after=after))


def create(writer: Writer, vault_id: str, key: str, body: JSON) -> Credential:
    """Create with `body["auth"]` holding the secrets (aac.kinds.credential.secrets.credential_auth)."""
    credentials = writer.sdk.beta.agents.vaults.credentials
    made = _with_secrets(writer, f"creating credential {key} in vault {vault_id}", body,
                         lambda: credentials.create(vault_id, **body),
                         lambda: owned(credentials.list(vault_id, limit=PAGE, order="asc"), writer.stack, key))
    record = writer.learn_server_keys(f"credential.{key}", body, made.metadata)
    if not record:
        return made
    return writer.call(f"updating credential {made.id} in vault {vault_id}",
                       lambda: credentials.update(made.id, vault_id=vault_id, metadata=record))


def listed(writer: Writer, vault_id: str) -> list[Credential]:
    """This stack's credentials in a vault, oldest first."""
    credentials = writer.sdk.beta.agents.vaults.credentials
    return writer.call(f"listing the credentials of vault {vault_id}",
                       lambda: mine(credentials.list(vault_id, limit=PAGE, order="asc"), writer.stack))


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
