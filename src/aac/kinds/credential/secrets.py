"""A credential's secrets, from the environment into the Agents API's request bodies, and nowhere else.

A manifest names the variable that holds each secret (`token_env: GITHUB_MCP_TOKEN`, aac.resources
SECRET_SUFFIX); the value is read only to build the body apply sends. The API never returns a
secret (SDK `types/beta/agents/vaults/credential.py`), so nothing read back can hold one either.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aac.errors import AacError
from aac.resources import SECRET_SUFFIX
from aac.secrets import MIN_LENGTH, SECRET_FIELDS, token_kind

JSON = dict[str, Any]
_FORBIDDEN = ("\r", "\n", "\0")  # "must not contain carriage returns, newlines, or NUL bytes" (SDK docstring)


def credential_auth(auth: Mapping[str, Any], environ: Mapping[str, str],
                    credential: str) -> tuple[JSON, tuple[str, ...]]:
    """The API's create `auth` for a manifest's (secrets named `<field>_env: VARIABLE`), and the secrets in it.

    `credential` (VAULT/CREDENTIAL) is only for messages. A variable unset, empty or unfit to be a secret
    raises AacError naming the variable and the credential, never a value. The caller registers the
    secrets returned with the run's `Secrets` (the writer does too, as it sends them).
    """
    values: list[str] = []
    return _filled(auth, environ, credential, "auth", values), tuple(values)


def credential_rotation(auth: Mapping[str, Any], environ: Mapping[str, str],
                        credential: str) -> tuple[JSON, tuple[str, ...]]:
    """The API's update `auth` that sends a credential's secrets again (SDK credential_auth_rotate_param.py).

    A rotation keeps the method and its public configuration; what it can restate besides the secrets
    (an OAuth token's `expires_at`, the refresh `scope`) is restated as the manifest says, absent as null.
    """
    create, values = credential_auth(auth, environ, credential)
    kind = create.get("type")
    if kind == "static_bearer":
        return {"type": kind, "token": create["token"]}, values
    if kind == "environment_variable":
        return {"type": kind, "secret_value": create["secret_value"]}, values
    if kind == "mcp_oauth":
        return _oauth_rotation(create), values
    raise AacError(f"credential {credential}: auth type {kind!r} is not one the Agents API knows",
                   "use static_bearer, mcp_oauth or environment_variable")


def _oauth_rotation(create: JSON) -> JSON:
    body: JSON = {"type": "mcp_oauth", "access_token": create["access_token"],
                  "expires_at": create.get("expires_at")}
    refresh = create.get("refresh")
    if refresh:
        rotated: JSON = {"refresh_token": refresh["refresh_token"], "scope": refresh.get("scope")}
        endpoint = refresh.get("token_endpoint_auth") or {}
        if endpoint.get("type") in ("client_secret_basic", "client_secret_post"):  # "none" has no secret
            rotated["token_endpoint_auth"] = {"type": endpoint["type"], "client_secret": endpoint["client_secret"]}
        body["refresh"] = rotated
    return body


def secret_values(auth: Any) -> Iterator[str]:
    """Every secret in a request's `auth` (create or rotation), however deep."""
    if isinstance(auth, Mapping):
        for key, value in auth.items():
            if key in SECRET_FIELDS and isinstance(value, str):
                yield value
            else:
                yield from secret_values(value)
    elif isinstance(auth, list):
        for item in auth:
            yield from secret_values(item)


def _filled(spec: Mapping[str, Any], environ: Mapping[str, str], credential: str, path: str,
            values: list[str]) -> JSON:
    body: JSON = {}
    for key, value in spec.items():
        if key.endswith(SECRET_SUFFIX):
            field = key[: -len(SECRET_SUFFIX)]
            body[field] = _secret(environ, value, credential, f"{path}.{key}")
            values.append(body[field])
        elif key in SECRET_FIELDS:  # a secret written into the manifest itself: never sent from there
            raise AacError(f"credential {credential}: {path}.{key} holds a secret in the manifest",
                           f"remove it from the manifest (and from git's history), and write `{key}{SECRET_SUFFIX}: "
                           "VARIABLE`, naming the environment variable that holds it")
        elif isinstance(value, Mapping):
            body[key] = _filled(value, environ, credential, f"{path}.{key}", values)
        else:
            body[key] = list(value) if isinstance(value, (list, tuple)) else value
    return body


def _secret(environ: Mapping[str, str], variable: Any, credential: str, where: str) -> str:
    if not isinstance(variable, str) or not variable or token_kind(variable):  # validate refuses it too: never quoted
        raise AacError(f"credential {credential}: {where} must name an environment variable",
                       f"write `{where.rsplit('.', 1)[-1]}: VARIABLE`, the name of the variable that holds the secret")
    value = environ.get(variable, "")
    export = f"export {variable}=... (the secret itself, never in a manifest), or set it in the CI job's secrets"
    if not value.strip():
        state = "is empty" if variable in environ else "is not set"
        raise AacError(f"credential {credential}: ${variable} ({where}) {state}", export)
    if any(c in value for c in _FORBIDDEN):
        raise AacError(f"credential {credential}: ${variable} ({where}) holds a line break or NUL byte, "
                       "which no secret of the Agents API may contain", f"set {variable} to the secret alone")
    if len(value.strip()) < MIN_LENGTH:
        raise AacError(f"credential {credential}: ${variable} ({where}) holds fewer than {MIN_LENGTH} characters: "
                       "too short to be a real secret, or for aac to keep it out of what it prints",
                       f"check that {variable} holds the whole secret")
    return value
