"""`/v1/vaults/{vault_id}/credentials`: create, list, retrieve, update (rotate), delete.

Secrets are write-only (SDK `types/beta/agents/vaults/credential.py`: "Secret values are
never returned"). The sandbox keeps not even the secret itself: only an HMAC of it under a
key that lives in this process alone, so the database file (`.aac/sandbox.db`) never holds
a secret, and a test can still tell which secret arrived (`fingerprint`).
"""

from __future__ import annotations

import hmac
import secrets
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac.sandbox import agent_schemas
from aac.sandbox.apierror import invalid, no_credential
from aac.sandbox.common import deleted, ok, page_response, read_body, store_of, touched
from aac.sandbox.store import JSON, Store, new_id
from aac.sandbox.vaults import CREDENTIAL, filtered_page, get_vault, trimmed

_KEY = secrets.token_bytes(32)
SECRET_FIELDS = frozenset({"token", "access_token", "refresh_token", "client_secret", "secret_value"})


def fingerprint(secret: str) -> str:
    """What the sandbox keeps of a secret."""
    return hmac.new(_KEY, secret.encode("utf-8"), "sha256").hexdigest()


def _split(auth: JSON, prefix: str = "") -> tuple[JSON, dict[str, str]]:
    """`auth` without its secrets, and the secrets' fingerprints by dotted path."""
    public: JSON = {}
    held: dict[str, str] = {}
    for key, value in auth.items():
        if key in SECRET_FIELDS:
            if value is not None:
                held[prefix + key] = fingerprint(value)
        elif isinstance(value, dict):
            public[key], inner = _split(value, f"{prefix}{key}.")
            held.update(inner)
        else:
            public[key] = value
    return public, held


def _public_auth(auth: JSON) -> JSON:
    """The `auth` a read returns: non-secret configuration, optional fields as null."""
    public, _ = _split(auth)
    if public["type"] == "mcp_oauth":
        public.setdefault("expires_at", None)
        refresh = public.get("refresh")
        public["refresh"] = None if refresh is None else {"resource": None, "scope": None, **refresh}
    networking = public.get("networking") or {}
    if "allowed_hosts" in networking:
        networking["allowed_hosts"] = [host.lower() for host in networking["allowed_hosts"]]
    return public


def _rotate_oauth(stored: JSON, auth: JSON) -> None:
    """An OAuth rotation: a new access token clears an expiry it does not restate (SDK docstring)."""
    if "expires_at" in auth:
        stored["expires_at"] = auth["expires_at"]
    elif auth.get("access_token") is not None:
        stored["expires_at"] = None
    refresh = auth.get("refresh")
    if refresh is None:
        return
    current = stored.get("refresh")
    if current is None:
        raise invalid("auth.refresh", "Invalid 'auth.refresh': this credential has no refresh configuration.")
    if "scope" in refresh:
        current["scope"] = refresh["scope"]
    endpoint = refresh.get("token_endpoint_auth")
    if endpoint is not None and endpoint["type"] != current["token_endpoint_auth"]["type"]:
        raise invalid(
            "auth.refresh.token_endpoint_auth.type",
            "Invalid 'auth.refresh.token_endpoint_auth.type': a rotation keeps the method "
            f"'{current['token_endpoint_auth']['type']}'.",
        )


def _rotate(credential: JSON, auth: JSON) -> None:
    stored = credential["auth"]
    if auth["type"] != stored["type"]:
        raise invalid(
            "auth.type",
            f"Invalid 'auth.type': this credential authenticates with '{stored['type']}'; a rotation replaces "
            "the values of that method and cannot change it.",
        )
    if stored["type"] == "mcp_oauth":
        _rotate_oauth(stored, auth)
    credential["_secrets"] = {**credential["_secrets"], **_split(auth)[1]}


def _get(store: Store, vault_id: str, credential_id: str) -> JSON:
    get_vault(store, vault_id)
    credential = store.get(CREDENTIAL, credential_id, vault_id)
    if credential is None:
        raise no_credential(vault_id, credential_id)
    return credential


async def create(request: Request) -> JSONResponse:
    store = store_of(request)
    vault_id = get_vault(store, request.path_params["vault_id"])["id"]
    body = await read_body(request, agent_schemas.CREDENTIAL_CREATE)
    now = int(time.time())
    credential: JSON = {
        "id": new_id("cred_"),
        "object": "vault.credential",
        "vault_id": vault_id,
        "name": trimmed(body["name"]),
        "metadata": body.get("metadata") or {},
        "auth": _public_auth(body["auth"]),
        "created_at": now,
        "updated_at": now,
        "_secrets": _split(body["auth"])[1],
    }
    store.insert(CREDENTIAL, credential, vault_id)
    return ok(credential)


async def retrieve(request: Request) -> JSONResponse:
    params = request.path_params
    return ok(_get(store_of(request), params["vault_id"], params["credential_id"]))


async def update(request: Request) -> JSONResponse:
    store = store_of(request)
    params = request.path_params
    credential = _get(store, params["vault_id"], params["credential_id"])
    body = await read_body(request, agent_schemas.CREDENTIAL_UPDATE)
    if "auth" in body:
        _rotate(credential, body["auth"])
    if "metadata" in body:
        credential["metadata"] = body["metadata"]
    credential["updated_at"] = touched(credential["updated_at"])
    store.put(CREDENTIAL, credential, params["vault_id"])
    return ok(credential)


async def list_credentials(request: Request) -> JSONResponse:
    store = store_of(request)
    vault_id = get_vault(store, request.path_params["vault_id"])["id"]
    return page_response(filtered_page(request, CREDENTIAL, parent=vault_id))


async def delete(request: Request) -> JSONResponse:
    store = store_of(request)
    params = request.path_params
    credential = _get(store, params["vault_id"], params["credential_id"])
    store.delete(CREDENTIAL, credential["id"], params["vault_id"])
    return deleted(credential["id"], "vault.credential.deleted")


_ONE = "/v1/vaults/{vault_id}/credentials/{credential_id}"
routes = [
    Route("/v1/vaults/{vault_id}/credentials", create, methods=["POST"]),
    Route("/v1/vaults/{vault_id}/credentials", list_credentials, methods=["GET"]),
    Route(_ONE, retrieve, methods=["GET"]),
    Route(_ONE, update, methods=["POST"]),
    Route(_ONE, delete, methods=["DELETE"]),
]
