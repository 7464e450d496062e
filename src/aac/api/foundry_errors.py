"""A Foundry project's failures, from either SDK, as AacErrors that say what to check.

Both clients meet the same four causes: an endpoint that cannot be reached, a credential refused (401: the key
variable, or `az login`), a permission missing (403: a role on the project), and an endpoint with no project
behind it (404 on a collection, which exists in every project). The server's own words are kept, since
Azure's say which role or which field; the key and every token are registered secrets, so a body that echoes
one is redacted on output.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import openai
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)

from aac.api.errors import api_message, translate
from aac.errors import AacError

# A collection every project has: its 404 means the endpoint names no project (or no Foundry at all).
# (The OpenAI Agents and Assistants collections under /openai/v1 answer 404 too: Foundry has neither API, which
# `translate` words as such.)
_PROJECT_COLLECTION = re.compile(r"/api/projects/[^/]+/(agents|openai/v1/files|openai/v1/vector_stores)/?$")
_ROLE = "Azure AI User"  # the built-in role that lets a principal use a project's agents, files and stores


def translate_foundry(exc: Exception, what: str, *, endpoint: str, key_env: str | None) -> AacError:
    """One AacError for a failure of either client while doing `what` (e.g. "listing agents")."""
    if isinstance(exc, ClientAuthenticationError) and exc.response is None:
        return _no_token(exc, what, endpoint)
    if isinstance(exc, (ServiceRequestError, openai.APIConnectionError)) and not isinstance(
            exc, openai.APITimeoutError):
        return AacError(f"cannot reach {endpoint} ({what})",
                        "check the target's endpoint in aac.yaml (the account name in its host), the network, and, "
                        "for a sandbox, that `aac sandbox serve --profile foundry` is running")
    if isinstance(exc, (ServiceResponseError, openai.APITimeoutError)):
        return AacError(f"{endpoint} did not answer in time ({what})", "check the project, then run again")
    status, path, message = _answer(exc)
    if status is None:
        return translate(exc, what, key_env=key_env)
    if status == 401:
        return _refused(what, endpoint, key_env)
    if status == 403:
        return AacError(f"{endpoint} denied {what}: {message}",
                        f"the signed-in identity needs a role on the project, such as {_ROLE!r} (the key's resource "
                        "must allow key access when `api_key_env` is set)")
    if status == 404 and _PROJECT_COLLECTION.search(path):
        return AacError(f"{endpoint} has no Foundry project ({what}: HTTP 404 at {path})",
                        "check the target's endpoint in aac.yaml: https://ACCOUNT.services.ai.azure.com/api/projects/"
                        "PROJECT, with the project's name as the portal shows it")
    if isinstance(exc, openai.APIError):
        return translate(exc, what, key_env=key_env)
    if status == 404:
        return AacError(f"{what} failed: {message} (HTTP 404: not found)",
                        "it is gone from the project (deleted outside aac?); run `aac plan` to see what is live")
    if status == 429 or status >= 500:
        return AacError(f"{endpoint} failed {what} with HTTP {status}, still after retries: {message}",
                        "wait a minute and run again")
    return AacError(f"{what} failed with HTTP {status}: {message}", "check the request the error names")


def _answer(exc: Exception) -> tuple[int | None, str, str]:
    """(status, URL path, the server's message) of an HTTP error answer; status None for anything else."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code, exc.request.url.path, api_message(exc)
    if isinstance(exc, HttpResponseError) and exc.response is not None:
        error = getattr(exc, "model", None)
        error = getattr(error, "error", None) or exc.error
        message = getattr(error, "message", None) or exc.reason or ""
        path = urlsplit(str(getattr(exc.response.request, "url", ""))).path
        return exc.status_code, path, str(message)
    return None, "", ""


def _refused(what: str, endpoint: str, key_env: str | None) -> AacError:
    if key_env is not None:
        return AacError(f"{endpoint} rejected the key in ${key_env} ({what})",
                        f"check that ${key_env} holds a key of this project's Foundry resource, and that the resource "
                        "allows key access; or remove `api_key_env` to sign in with Entra ID")
    return AacError(f"{endpoint} rejected the Entra ID token ({what})",
                    "run `az login` with an account of the project's tenant (`az login --tenant TENANT`), or set "
                    "AZURE_TENANT_ID for a service principal")


def _no_token(exc: ClientAuthenticationError, what: str, endpoint: str) -> AacError:
    # DefaultAzureCredential's message lists every source it tried, one a line: the first line says it all.
    first = (exc.message or str(exc)).strip().splitlines()[0] if (exc.message or str(exc)).strip() else ""
    return AacError(f"cannot get an Entra ID token for {endpoint} ({what}): {first}",
                    "run `az login` (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET), or name a "
                    "key variable with `api_key_env` in the target")
