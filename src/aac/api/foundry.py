"""A Microsoft Foundry project as a target: the `openai` SDK for its files and vector stores, `AIProjectClient`
for its agents, one credential for both.

Files and vector stores are OpenAI-compatible at `{endpoint}/openai/v1`, so aac's engine reaches them through
the `openai` SDK with the request counting `connect` installs on every target. Agents are Foundry's own data
plane (`{endpoint}/agents?api-version=v1`), reached through `azure-ai-projects`, counted by a pipeline policy.

Auth: with `api_key_env`, the key in the `api-key` header (Azure's header for resource keys; the `openai` SDK's
`Authorization: Bearer` is left out, so a key is never read as an Entra token); without, Entra ID through
`azure-identity`'s `DefaultAzureCredential` (az login, environment, managed identity, ...).

This module imports the Azure packages: `connect` loads it only for a foundry target, and says which extra to
install when they are missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from azure.ai.projects import AIProjectClient
from azure.core.credentials import AccessToken, AzureKeyCredential, TokenCredential
from azure.core.exceptions import AzureError, ClientAuthenticationError
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import AzureKeyCredentialPolicy, SansIOHTTPPolicy
from azure.identity import DefaultAzureCredential, get_bearer_token_provider

from aac.api.foundry_errors import translate_foundry
from aac.errors import AacError
from aac.output import Output
from aac.stack import LOOPBACK_HOSTS, Target

SCOPE = "https://ai.azure.com/.default"  # the audience `AIProjectClient` asks tokens for (its configuration's scope)
KEY_HEADER = "api-key"
RETRIES = 2  # as the `openai` SDK's default: a dropped connection is tried again, a dead endpoint fails fast


@dataclass(frozen=True)
class FoundryProject:
    """The agents data plane of one project, and how its failures become AacErrors."""

    client: AIProjectClient
    endpoint: str
    key_env: str | None  # None: Entra ID

    # What the wire calls catch: every failure azure-core raises (HTTP errors, connection errors, token errors).
    errors = (AzureError,)

    def translate(self, exc: Exception, what: str) -> AacError:
        return translate_foundry(exc, what, endpoint=self.endpoint, key_env=self.key_env)


class _CountRequests(SansIOHTTPPolicy):
    """Each request the pipeline sends (retries included), counted and logged as the `openai` SDK's are."""

    def __init__(self, log: Any) -> None:
        self.log = log

    def on_request(self, request: PipelineRequest) -> None:
        request.context["aac_started"] = time.monotonic()
        self.log.started()

    def on_response(self, request: PipelineRequest, response: PipelineResponse) -> None:
        sent = request.http_request
        self.log.answered(sent.method, urlsplit(sent.url).path, response.http_response.status_code,
                          request.context.get("aac_started", time.monotonic()))


class _AllowLoopbackHttp(SansIOHTTPPolicy):
    """Lets the bearer policy send a token to the sandbox over loopback http (it refuses http otherwise)."""

    def on_request(self, request: PipelineRequest) -> None:
        request.context["enforce_https"] = False


class _RegisteredTokens:
    """A `TokenCredential` that registers every token it hands out as a secret, so no output ever shows one."""

    def __init__(self, credential: TokenCredential, out: Output) -> None:
        self.credential = credential
        self.out = out

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token = self.credential.get_token(*scopes, **kwargs)
        self.out.secrets.add(token.token)
        return token


@dataclass(frozen=True)
class Auth:
    """The key (from `api_key_env`) or, without one, the Entra ID credential."""

    key: str | None
    credential: TokenCredential | None


def auth_of(key: str | None, out: Output, credential: TokenCredential | None = None) -> Auth:
    """The key when the target names a variable, else `credential` (by default, `DefaultAzureCredential`)."""
    if key is not None:
        return Auth(key, None)
    return Auth(None, _RegisteredTokens(credential or DefaultAzureCredential(), out))


def project_client(target: Target, auth: Auth, log: Any, timeout_s: float) -> FoundryProject:
    endpoint = str(target.endpoint)
    options: dict[str, Any] = {
        "per_retry_policies": [_CountRequests(log)],
        "retry_total": RETRIES,
        "connection_timeout": 5.0,
        "read_timeout": timeout_s,
    }
    if (urlsplit(endpoint).hostname or "") in LOOPBACK_HOSTS:
        options["per_call_policies"] = [_AllowLoopbackHttp()]
    if auth.key is not None:
        options["authentication_policy"] = AzureKeyCredentialPolicy(AzureKeyCredential(auth.key), KEY_HEADER)
    # Without a key, the client's own BearerTokenCredentialPolicy asks the credential again shortly before the
    # token expires (Entra tokens live about an hour; an apply of many files can outlast one).
    credential = auth.credential or _NoToken()
    client = AIProjectClient(endpoint, credential, **options)
    return FoundryProject(client=client, endpoint=endpoint, key_env=target.api_key_env)


def openai_options(target: Target, auth: Auth) -> dict[str, Any]:
    """The `openai.OpenAI` arguments for the project's files and vector stores at `{endpoint}/openai/v1`."""
    base_url = f"{target.endpoint}/openai/v1"
    if auth.key is not None:
        return {"base_url": base_url, "api_key": auth.key, "default_headers": {KEY_HEADER: auth.key},
                "request_hooks": [_key_only]}
    # A provider, not a token: the SDK calls it before each request, and it answers from a cache that it
    # renews before the token expires, so a long apply never sends an expired token.
    assert auth.credential is not None
    return {"base_url": base_url, "api_key": _token_provider(auth.credential, str(target.endpoint))}


def _token_provider(credential: TokenCredential, endpoint: str) -> Callable[[], str]:
    """azure-identity's provider, its failure to get a token an AacError: the `openai` SDK calls it outside
    any `try` of aac's (before each request), so what it raises reaches the user as raised."""
    provide = get_bearer_token_provider(credential, SCOPE)

    def token() -> str:
        try:
            return provide()
        except ClientAuthenticationError as exc:
            raise translate_foundry(exc, "signing in", endpoint=endpoint, key_env=None) from exc

    return token


def _key_only(request: Any) -> None:
    """Drops the SDK's `Authorization: Bearer KEY` (it insists on one) beside `api-key`: Foundry reads a bearer
    header as an Entra token, and a key there is a malformed one."""
    request.headers.pop("Authorization", None)


class _NoToken:
    """The credential `AIProjectClient` requires even when a key policy replaces the bearer one: never called."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        raise AacError("no Entra ID token is used with an API key", "remove `api_key_env` to sign in with Entra ID")
