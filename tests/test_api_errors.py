"""SDK exceptions become one clear AacError each; the key never appears in one."""

from __future__ import annotations

import openai
import pytest
from tests.sdk_http import http as httpx

from aac.api.errors import AgentsUnavailable, AssistantsUnavailable, translate

BASE = "https://api.example.com/v1"


def status_error(status: int, path: str, message: str = "nope") -> openai.APIStatusError:
    request = httpx.Request("GET", f"{BASE}{path}?limit=100", headers={"Authorization": "Bearer sk-secret"})
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}
    response = httpx.Response(status, json=body, request=request)
    return openai.OpenAI(api_key="sk-secret", base_url=BASE)._make_status_error(
        f"Error code: {status} - {message}", body=body["error"], response=response)


def test_401_names_the_variable_never_the_key() -> None:
    error = translate(status_error(401, "/files"), "listing files", key_env="OPENAI_API_KEY")
    assert error.message == "the target rejected the API key in $OPENAI_API_KEY (listing files)"
    assert "sk-secret" not in error.message + (error.hint or "")


def test_404_on_the_assistants_collection_is_the_sunset_message() -> None:
    error = translate(status_error(404, "/assistants"), "listing assistants")
    assert isinstance(error, AssistantsUnavailable)
    assert error.message.startswith(f"the Assistants API is gone on {BASE} (OpenAI shut it down on 2026-08-26)")
    assert "assistant manifests are Responses API configuration" in (error.hint or "")
    other = translate(status_error(404, "/vector_stores/vs_1"), "reading vs_1", key_env="K")
    assert not isinstance(other, AssistantsUnavailable) and "nope" in other.message


def test_404_on_search_says_what_aac_check_needs() -> None:
    invalid = "Invalid URL (POST /v1/vector_stores/vs_1/search)"
    error = translate(status_error(404, "/vector_stores/vs_1/search", invalid), "searching vector store vs_1")
    assert error.message == f"{BASE} answered 404 searching vector store vs_1: {invalid}"
    assert "does not serve vector store search, which `aac check` needs" in (error.hint or "")


@pytest.mark.parametrize(("status", "words"), [(429, "rate limiting"), (500, "HTTP 500"), (400, "HTTP 400: bad")])
def test_other_statuses_say_what_happened(status: int, words: str) -> None:
    error = translate(status_error(status, "/vector_stores", "bad"), "listing vector stores")
    assert words in error.message and error.hint


def test_a_connection_error_names_the_server() -> None:
    request = httpx.Request("GET", f"{BASE}/files")
    error = translate(openai.APIConnectionError(request=request), "listing files")
    assert error.message == f"cannot reach {BASE} (listing files)"


def test_a_400_that_says_not_found_reads_as_gone() -> None:
    error = translate(status_error(400, "/vector_stores/vs_1", "Vector_store 'vs_1' not found"), "reading vs_1")
    assert error.message == "reading vs_1 failed: Vector_store 'vs_1' not found (HTTP 400: not found)"
    assert "run `aac plan`" in (error.hint or "")


def test_a_bare_error_body_still_gives_the_servers_words() -> None:
    request = httpx.Request("POST", f"{BASE}/vector_stores/vs_1/file_batches")
    response = httpx.Response(400, json={"detail": "body.file_ids: Field required"}, request=request)
    exc = openai.OpenAI(api_key="k", base_url=BASE)._make_status_error(
        "Error code: 400", body={"detail": "body.file_ids: Field required"}, response=response)
    error = translate(exc, "attaching 2 files")
    assert error.message == "attaching 2 files failed with HTTP 400: body.file_ids: Field required"


def bare_404(path: str, body: object) -> openai.APIStatusError:
    """A 404 as a web framework answers a route it does not have (FastAPI: `{"detail": "Not Found"}`)."""
    request = httpx.Request("GET", f"{BASE}{path}")
    response = httpx.Response(404, json=body, request=request)
    return openai.OpenAI(api_key="k", base_url=BASE)._make_status_error("Error code: 404", body=body,
                                                                         response=response)


@pytest.mark.parametrize(("error", "unavailable"), [
    (status_error(404, "/agents", "Invalid URL (GET /v1/agents)"), True),
    (status_error(404, "/vaults/"), True),  # a create or list on a collection cannot miss an object
    (status_error(404, "/vaults/vault_1/credentials", "Invalid URL (GET /v1/vaults/vault_1/credentials)"), True),
    (bare_404("/vaults/vault_1/credentials", {"detail": "Not Found"}), True),
    (status_error(404, "/vaults/vault_1/credentials", "No vault found with id 'vault_1'."), False),
    (status_error(404, "/agents/agent_1", "No agent found with id 'agent_1'."), False),
    (status_error(404, "/vaults/vault_1"), False),
])
def test_404_on_an_agents_api_collection_is_one_clear_error(error: openai.APIStatusError, unavailable: bool) -> None:
    translated = translate(error, "reading")
    assert isinstance(translated, AgentsUnavailable) is unavailable
    if unavailable:
        assert translated.message.startswith(f"{BASE} has no Agents API")
    else:
        assert "not found" in translated.message
