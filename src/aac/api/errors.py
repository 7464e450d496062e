"""SDK exceptions become AacErrors with a remedy, at the edge where the cause is known.

The key never appears in a message: only the name of the variable that holds it.
"""

from __future__ import annotations

import re

import openai

# The two capability errors are foundation (aac.errors): the kinds raise them without loading the SDK.
from aac.errors import AacError, AgentsUnavailable, AssistantsUnavailable

__all__ = ["AgentsUnavailable", "AssistantsUnavailable", "api_message", "is_not_found", "translate"]


def _base_url(exc: openai.APIError) -> str:
    """The scheme, host and path up to /v1 of the request that failed (no query, no credentials)."""
    url = exc.request.url
    path = url.path
    cut = path.find("/v1")
    prefix = path[: cut + 3] if cut >= 0 else ""
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}{prefix}"


def api_message(exc: openai.APIError) -> str:
    """The server's own words: OpenAI's `error.message`, or a bare `message` / `detail` (FastAPI servers)."""
    body = exc.body
    if isinstance(body, dict):
        for key in ("message", "detail"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return exc.message


def is_not_found(exc: BaseException | None) -> bool:
    """A 404, or a 400 that says "not found": llama-stack and ogx answer a missing object so."""
    if isinstance(exc, openai.NotFoundError):
        return True
    return isinstance(exc, openai.BadRequestError) and "not found" in api_message(exc).lower()


def is_assistants_collection(exc: openai.APIError) -> bool:
    return exc.request.url.path.rstrip("/").endswith("/assistants")


_AGENTS_COLLECTION = re.compile(r"/(agents|vaults)/?$")
_CREDENTIALS_COLLECTION = re.compile(r"/vaults/[^/]+/credentials/?$")


def is_agents_collection(exc: openai.APIError) -> bool:
    """A request to a collection of the Agents API, whose 404 means the API itself is missing.

    A vault's credentials answer 404 for a missing vault too; only a route the server does not know
    ("Invalid URL", as OpenAI words it, or a framework's bare "Not Found") means no API.
    """
    path = exc.request.url.path
    if _AGENTS_COLLECTION.search(path):
        return True
    message = api_message(exc)
    return bool(_CREDENTIALS_COLLECTION.search(path)) and (
        message.startswith("Invalid URL") or message == "Not Found" or not isinstance(exc.body, dict))


def not_the_api(base_url: str, what: str) -> AacError:
    """The server answered, but not with the OpenAI wire API's shapes."""
    return AacError(f"{base_url} did not answer like the OpenAI API ({what})",
                    "check the target's base_url in aac.yaml; OpenAI's is https://api.openai.com/v1")


def translate(exc: Exception, what: str, *, key_env: str | None = None) -> AacError:
    """One AacError for an SDK failure while doing `what` (e.g. "listing vector stores")."""
    if not isinstance(exc, openai.APIError):
        return AacError(f"{what} failed: {exc}", "run again with --debug for details")
    if isinstance(exc, openai.APIResponseValidationError):
        return not_the_api(_base_url(exc), what)
    base = _base_url(exc)
    if isinstance(exc, openai.APITimeoutError):
        return AacError(f"{base} did not answer in time ({what})", "check the server, then run again")
    if isinstance(exc, openai.APIConnectionError):
        return AacError(
            f"cannot reach {base} ({what})",
            "check the target's base_url in aac.yaml, the network and that the server is running",
        )
    if not isinstance(exc, openai.APIStatusError):
        return AacError(f"{what}: unexpected answer from {base}: {exc.message}", "run again with --debug")
    return _status_error(exc, what, base, key_env)


def _status_error(exc: openai.APIStatusError, what: str, base: str, key_env: str | None) -> AacError:
    status = exc.status_code
    message = api_message(exc)
    if status == 401:
        var = f"${key_env}" if key_env else "the target's key variable"
        return AacError(
            f"the target rejected the API key in {var} ({what})",
            f"check that {var} holds a valid key for {base}, and the target's organization and project",
        )
    if status == 403:
        return AacError(f"permission denied {what}: {message}", "check the key's project and permissions")
    if status == 404 and is_assistants_collection(exc):
        return AssistantsUnavailable(base)
    if status == 404 and is_agents_collection(exc):
        return AgentsUnavailable(base)
    if status == 404 and exc.request.url.path.endswith("/search"):
        return AacError(f"{base} answered 404 {what}: {message}",
                        "if the store exists, this server does not serve vector store search, which `aac check` "
                        "needs: use OpenAI, or the sandbox")
    if status == 404 and not isinstance(exc.body, dict):  # no API error body: not an OpenAI-style server
        return AacError(f"{base} has no {exc.request.url.path} ({what}: HTTP 404)",
                        "check the target's base_url in aac.yaml; OpenAI's is https://api.openai.com/v1")
    if is_not_found(exc):  # a 404, or llama-stack and ogx's 400 "... not found"
        return AacError(f"{what} failed: {message} (HTTP {status}: not found)",
                        "it is gone from the target (deleted outside aac?); run `aac plan` to see what is live")
    if status == 429:
        return AacError(
            f"{base} is rate limiting {what}, still after retries: {message}",
            "wait a minute and run again, or lower --parallelism",
        )
    if status >= 500:
        return AacError(
            f"{base} failed {what} with HTTP {status}, still after retries: {message}",
            "the server had a problem; run again later",
        )
    return AacError(f"{what} failed with HTTP {status}: {message}", "check the request the error names")
