"""The foundry profile: a Microsoft Foundry project, driven by `azure-ai-projects`' own `AIProjectClient` and
by the `openai` SDK it hands out (`get_openai_client()`), every response read into the SDKs' own models.

Transport: the client is given a credential object whose `get_token` returns a fixed token (the interface
`azure-core` calls), and one per-call policy that lets `BearerTokenCredentialPolicy` send that token over
loopback http (it refuses non-https URLs unless the request's context says `enforce_https: False`).
`retry_total=0`, so an error is one request.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import openai
import pytest
from azure.ai.projects import AIProjectClient
from azure.ai.projects.models import (
    AgentDetails,
    AgentVersionDetails,
    ApiErrorResponse,
    AutoCodeInterpreterToolParam,
    CodeInterpreterTool,
    DeleteAgentResponse,
    DeleteAgentVersionResponse,
    FileSearchTool,
    FunctionTool,
    MCPTool,
    PromptAgentDefinition,
)
from azure.core.credentials import AccessToken, AzureKeyCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import AzureKeyCredentialPolicy, SansIOHTTPPolicy
from tests.sandbox.serving import serve_process

from aac.sandbox.server import RunningSandbox, serve_in_background

TOKEN = "entra-token-for-tests"


class FixedToken:
    """A `TokenCredential`: the one method azure-core's bearer policy calls."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


class AllowLoopbackHttp(SansIOHTTPPolicy):
    """Lets the bearer policy send a token to an http URL (azure-core reads `enforce_https` from the context)."""

    def on_request(self, request: PipelineRequest) -> None:
        request.context["enforce_https"] = False


def project_client(endpoint: str, credential: Any = None, **options: Any) -> AIProjectClient:
    return AIProjectClient(endpoint, credential or FixedToken(), per_call_policies=[AllowLoopbackHttp()],
                           retry_total=0, **options)


@pytest.fixture
def foundry() -> Iterator[RunningSandbox]:
    with serve_in_background(":memory:", index_delay_ms=0, profile="foundry") as running:
        yield running


@pytest.fixture
def project(foundry: RunningSandbox) -> Iterator[AIProjectClient]:
    with project_client(foundry.endpoint) as client:
        yield client


@pytest.fixture
def oai(project: AIProjectClient) -> Iterator[openai.OpenAI]:
    with project.get_openai_client(max_retries=0) as client:
        yield client


def prompt(instructions: str = "Be brief.", **fields: Any) -> PromptAgentDefinition:
    return PromptAgentDefinition(model="gpt-4o-mini", instructions=instructions, **fields)


# --- versions ---------------------------------------------------------------------------------------------


def test_the_first_version_creates_the_agent_and_the_server_numbers_the_next(project: AIProjectClient) -> None:
    made = [project.agents.create_version("support", definition=prompt(f"v{n}"), metadata={"aac_stack": "demo"},
                                          description=f"version {n}") for n in (1, 2, 3)]
    for number, version in enumerate(made, 1):
        assert isinstance(version, AgentVersionDetails)
        assert (version.object, version.id, version.name) == ("agent.version", f"support:{number}", "support")
        assert version.version == str(number)
        assert version.metadata == {"aac_stack": "demo"}
        assert version.description == f"version {number}"
        assert isinstance(version.created_at, datetime)
        assert version.status == "active" and version.draft is False
        assert isinstance(version.definition, PromptAgentDefinition)
        assert version.definition.instructions == f"v{number}"
    agent = project.agents.get("support")
    assert isinstance(agent, AgentDetails)
    assert (agent.object, agent.id, agent.name, agent.state) == ("agent", "support", "support", "enabled")
    assert agent.versions.latest.version == "3"
    assert agent.versions.latest.definition.instructions == "v3"


def test_a_version_keeps_its_definition_once_newer_ones_exist(project: AIProjectClient) -> None:
    project.agents.create_version("kept", definition=prompt("first", temperature=0.2))
    project.agents.create_version("kept", definition=prompt("second"), metadata={"k": "v"})
    first = project.agents.get_version("kept", "1")
    assert isinstance(first, AgentVersionDetails)
    assert (first.definition.instructions, first.definition.temperature, first.metadata) == ("first", 0.2, {})
    assert project.agents.get_version("kept", "2").metadata == {"k": "v"}


def test_a_definition_reads_back_as_it_was_written(project: AIProjectClient, oai: openai.OpenAI) -> None:
    store = oai.vector_stores.create(name="kb")
    written = prompt(
        "Answer from the knowledge base.",
        temperature=0.3,
        top_p=0.9,
        tools=[
            FileSearchTool(vector_store_ids=[store.id], max_num_results=5),
            CodeInterpreterTool(container=AutoCodeInterpreterToolParam(file_ids=[])),
            FunctionTool(name="lookup", strict=True,
                         parameters={"type": "object", "properties": {"q": {"type": ["string", "null"]}}}),
            MCPTool(server_label="github", project_connection_id="conn-1", require_approval="never"),
        ],
    )
    project.agents.create_version("full", definition=written)
    read = project.agents.get("full").versions.latest.definition
    assert read.as_dict() == written.as_dict()
    assert [type(tool) for tool in read.tools] == [FileSearchTool, CodeInterpreterTool, FunctionTool, MCPTool]
    assert read.tools[2].parameters["properties"]["q"]["type"] == ["string", "null"]  # the user's JSON, nulls kept


def test_concurrent_first_versions_of_one_name_make_one_agent(project: AIProjectClient) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(pool.map(lambda n: project.agents.create_version("raced", definition=prompt(f"{n}")), range(8)))
    assert sorted(int(v.version) for v in made) == list(range(1, 9))
    assert [a.name for a in project.agents.list()] == ["raced"]


# --- lists ------------------------------------------------------------------------------------------------


def test_agents_list_through_every_page_newest_first(project: AIProjectClient, foundry: RunningSandbox) -> None:
    names = [f"agent-{n}" for n in range(7)]
    for name in names:
        project.agents.create_version(name, definition=prompt())
    foundry.reset_counts()
    listed = list(project.agents.list(limit=3))
    assert all(isinstance(agent, AgentDetails) for agent in listed)
    assert [agent.name for agent in listed] == names[::-1]
    assert foundry.requests == 4  # pages of 3, 3 and 1, then the empty page after `last_id` that ends the SDK's walk
    assert [a.name for a in project.agents.list(limit=2, order="asc")] == names
    assert [a.versions.latest.version for a in project.agents.list()] == ["1"] * 7


def test_an_agents_versions_list_through_every_page(project: AIProjectClient) -> None:
    for n in range(5):
        project.agents.create_version("paged", definition=prompt(f"v{n + 1}"))
    listed = list(project.agents.list_versions("paged", limit=2))
    assert all(isinstance(version, AgentVersionDetails) for version in listed)
    assert [v.version for v in listed] == ["5", "4", "3", "2", "1"]
    assert [v.definition.instructions for v in project.agents.list_versions("paged", order="asc")] == [
        "v1", "v2", "v3", "v4", "v5"]


def test_the_kind_filter_lists_prompt_agents_and_no_other_kind(project: AIProjectClient) -> None:
    project.agents.create_version("only", definition=prompt())
    assert [a.name for a in project.agents.list(kind="prompt")] == ["only"]
    assert list(project.agents.list(kind="hosted")) == []


def test_each_project_name_has_its_own_agents(foundry: RunningSandbox, project: AIProjectClient) -> None:
    project.agents.create_version("mine", definition=prompt())
    other_endpoint = foundry.endpoint.rsplit("/", 1)[0] + "/other-project"
    with project_client(other_endpoint) as other:
        assert list(other.agents.list()) == []
        with pytest.raises(ResourceNotFoundError):
            other.agents.get("mine")
        other.agents.create_version("mine", definition=prompt("theirs"))
        assert other.agents.get("mine").versions.latest.version == "1"
    assert project.agents.get("mine").versions.latest.definition.instructions == "Be brief."


# --- deletes ----------------------------------------------------------------------------------------------


def test_deleting_the_latest_version_moves_latest_back_and_numbers_are_not_reused(project: AIProjectClient) -> None:
    for n in (1, 2, 3):
        project.agents.create_version("shrink", definition=prompt(f"v{n}"))
    gone = project.agents.delete_version("shrink", "3")
    assert isinstance(gone, DeleteAgentVersionResponse)
    assert (gone.object, gone.name, gone.version, gone.deleted) == ("agent.version.deleted", "shrink", "3", True)
    assert project.agents.get("shrink").versions.latest.version == "2"
    with pytest.raises(ResourceNotFoundError):
        project.agents.get_version("shrink", "3")
    assert project.agents.create_version("shrink", definition=prompt()).version == "4"


def test_deleting_an_agent_deletes_every_version(project: AIProjectClient) -> None:
    for _ in range(3):
        project.agents.create_version("doomed", definition=prompt())
    gone = project.agents.delete("doomed")
    assert isinstance(gone, DeleteAgentResponse)
    assert (gone.object, gone.name, gone.deleted) == ("agent.deleted", "doomed", True)
    for call in (lambda: project.agents.get("doomed"), lambda: project.agents.get_version("doomed", "1"),
                 lambda: list(project.agents.list_versions("doomed")), lambda: project.agents.delete("doomed")):
        with pytest.raises(ResourceNotFoundError):
            call()
    assert list(project.agents.list()) == []
    assert project.agents.create_version("doomed", definition=prompt()).version == "1"  # a new agent


def test_deleting_the_only_version_deletes_the_agent(project: AIProjectClient) -> None:
    project.agents.create_version("single", definition=prompt())
    project.agents.delete_version("single", "1")
    with pytest.raises(ResourceNotFoundError):
        project.agents.get("single")


def test_agents_and_versions_persist_in_the_sandbox_database(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.db")
    for expected in ("1", "2"):
        with serve_in_background(db, profile="foundry") as running, project_client(running.endpoint) as client:
            assert client.agents.create_version("lasting", definition=prompt()).version == expected
    with serve_in_background(db, profile="foundry") as running, project_client(running.endpoint) as client:
        assert [v.version for v in client.agents.list_versions("lasting")] == ["2", "1"]


# --- files, vector stores and file_search -----------------------------------------------------------------


def test_file_search_over_a_vector_store_made_through_the_openai_client(
    project: AIProjectClient, oai: openai.OpenAI, foundry: RunningSandbox
) -> None:
    assert str(oai.base_url) == foundry.endpoint + "/openai/v1/"
    doc = oai.files.create(file=("refunds.md", b"Refunds are paid within 14 days of a return."),
                           purpose="assistants")
    code = oai.files.create(file=("sales.csv", b"month,total\n1,10\n"), purpose="assistants")
    store = oai.vector_stores.create(name="policies", file_ids=[doc.id])
    assert oai.vector_stores.retrieve(store.id).file_counts.completed == 1
    definition = prompt(tools=[FileSearchTool(vector_store_ids=[store.id]),
                               CodeInterpreterTool(container=AutoCodeInterpreterToolParam(file_ids=[code.id]))])
    project.agents.create_version("helpdesk", definition=definition)
    tools = project.agents.get("helpdesk").versions.latest.definition.tools
    assert isinstance(tools[0], FileSearchTool) and tools[0].vector_store_ids == [store.id]
    assert isinstance(tools[1], CodeInterpreterTool)
    assert isinstance(tools[1].container, AutoCodeInterpreterToolParam)
    assert tools[1].container.file_ids == [code.id]
    hits = oai.vector_stores.search(store.id, query="refunds days")
    assert [hit.file_id for hit in hits.data] == [doc.id]


def test_the_openai_surface_has_no_assistants_and_answers_openai_errors(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        oai.files.retrieve("file-missing")
    with pytest.raises(openai.NotFoundError):
        oai.beta.assistants.list()
    with pytest.raises(openai.BadRequestError, match="Unknown parameter"):
        oai.vector_stores.create(name="x", extra_body={"colour": "red"})


# --- errors -----------------------------------------------------------------------------------------------


def _error_of(raised: pytest.ExceptionInfo[HttpResponseError]) -> Any:
    """The error the SDK read from the body: an `ApiErrorResponse`'s where the operation deserialises one (any
    status it does not map to an exception of its own), else azure-core's OData reading of `{"error": ...}`."""
    if raised.value.model is not None:
        assert isinstance(raised.value.model, ApiErrorResponse)
        return raised.value.model.error
    assert raised.value.error is not None, raised.value
    return raised.value.error


def test_a_missing_agent_or_version_is_a_404_in_azures_shape(project: AIProjectClient) -> None:
    with pytest.raises(ResourceNotFoundError) as raised:
        project.agents.get("nobody")
    assert (_error_of(raised).code, _error_of(raised).message) == ("not_found", "Agent 'nobody' not found")
    project.agents.create_version("somebody", definition=prompt())
    with pytest.raises(ResourceNotFoundError) as raised:
        project.agents.get_version("somebody", "9")
    assert _error_of(raised).message == "Version '9' not found for agent 'somebody'"
    for call in (lambda: project.agents.delete_version("somebody", "2"), lambda: project.agents.delete("nobody"),
                 lambda: list(project.agents.list_versions("nobody"))):
        with pytest.raises(ResourceNotFoundError):
            call()


@pytest.mark.parametrize("name", ["a", "A1", "support-bot-2", "x" * 63, "0-0"])
def test_names_foundry_allows_are_served(project: AIProjectClient, name: str) -> None:
    assert project.agents.create_version(name, definition=prompt()).name == name
    assert project.agents.get(name).name == name


@pytest.mark.parametrize("name", ["-lead", "trail-", "under_score", "x" * 64, "two words", "ünïcode", "dot.ted",
                                  "tab\t", "new\nline", "cr\rlf"])
def test_names_foundry_refuses_are_a_400_and_create_nothing(project: AIProjectClient, name: str) -> None:
    with pytest.raises(HttpResponseError) as raised:
        project.agents.create_version(name, definition=prompt())
    assert raised.value.status_code == 400
    assert _error_of(raised).param == "agent_name"
    assert list(project.agents.list()) == []


_BAD_BODIES: dict[str, dict[str, Any]] = {
    "no definition": {},
    "no model": {"definition": {"kind": "prompt"}},
    "empty model": {"definition": {"kind": "prompt", "model": ""}},
    "no kind": {"definition": {"model": "m"}},
    "a kind the sandbox does not serve": {"definition": {"kind": "hosted", "model": "m"}},
    "an unknown kind": {"definition": {"kind": "robot", "model": "m"}},
    "temperature above 2": {"definition": {"kind": "prompt", "model": "m", "temperature": 2.5}},
    "instructions not a string": {"definition": {"kind": "prompt", "model": "m", "instructions": ["x"]}},
    "an unknown definition field": {"definition": {"kind": "prompt", "model": "m", "colour": "red"}},
    "an unknown tool": {"definition": {"kind": "prompt", "model": "m", "tools": [{"type": "teleport"}]}},
    "file_search without stores": {"definition": {"kind": "prompt", "model": "m", "tools": [{"type": "file_search"}]}},
    "a store that does not exist": {"definition": {"kind": "prompt", "model": "m", "tools": [
        {"type": "file_search", "vector_store_ids": ["vs_missing"]}]}},
    "a code_interpreter file that does not exist": {"definition": {"kind": "prompt", "model": "m", "tools": [
        {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-missing"]}}]}},
    "a function without a name": {"definition": {"kind": "prompt", "model": "m", "tools": [
        {"type": "function", "parameters": {}}]}},
    "17 metadata keys": {"definition": {"kind": "prompt", "model": "m"},
                         "metadata": {f"k{n}": "v" for n in range(17)}},
    "a 65-character metadata key": {"definition": {"kind": "prompt", "model": "m"}, "metadata": {"k" * 65: "v"}},
    "a 513-character metadata value": {"definition": {"kind": "prompt", "model": "m"}, "metadata": {"k": "v" * 513}},
    "a metadata value not a string": {"definition": {"kind": "prompt", "model": "m"}, "metadata": {"k": 1}},
    "a draft": {"definition": {"kind": "prompt", "model": "m"}, "draft": True},
    "an unknown body field": {"definition": {"kind": "prompt", "model": "m"}, "colour": "red"},
}


@pytest.mark.parametrize("case", list(_BAD_BODIES))
def test_a_bad_version_is_a_400_naming_its_field_and_creates_nothing(project: AIProjectClient, case: str) -> None:
    with pytest.raises(HttpResponseError) as raised:
        project.agents.create_version("refused", _BAD_BODIES[case])
    assert raised.value.status_code == 400
    error = _error_of(raised)
    assert error.code and error.message
    with pytest.raises(ResourceNotFoundError):
        project.agents.get("refused")


def test_a_bad_version_of_an_existing_agent_leaves_its_versions_alone(project: AIProjectClient) -> None:
    project.agents.create_version("steady", definition=prompt())
    with pytest.raises(HttpResponseError):
        project.agents.create_version("steady", _BAD_BODIES["temperature above 2"])
    assert [v.version for v in project.agents.list_versions("steady")] == ["1"]
    assert project.agents.create_version("steady", definition=prompt()).version == "2"


def test_metadata_at_its_limits_is_kept(project: AIProjectClient) -> None:
    metadata = {f"{n:02d}" + "k" * 62: "v" * 512 for n in range(16)}
    assert project.agents.create_version("full-tags", definition=prompt(), metadata=metadata).metadata == metadata


def test_another_api_version_is_refused(foundry: RunningSandbox) -> None:
    with project_client(foundry.endpoint, api_version="2025-05-15-preview") as client, \
            pytest.raises(HttpResponseError) as raised:
        client.agents.get("any")
    assert raised.value.status_code == 400
    assert _error_of(raised).code == "UnsupportedApiVersion"


# --- auth and the front door ------------------------------------------------------------------------------


def _send(url: str, headers: dict[str, str], method: str = "GET") -> tuple[int, Any]:
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Bearer  "},
                                     {"Authorization": "Basic dXNlcg=="}, {"api-key": ""}, {"api-key": "  "}])
@pytest.mark.parametrize("path", ["/agents?api-version=v1", "/openai/v1/vector_stores", "/openai/v1/files"])
def test_without_credentials_every_path_is_a_401_in_azures_shape(
    foundry: RunningSandbox, headers: dict[str, str], path: str
) -> None:
    status, body = _send(foundry.endpoint + path, headers)
    assert status == 401
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == "401"


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer anything"}, {"api-key": "any-key"}])
@pytest.mark.parametrize("path", ["/agents?api-version=v1", "/openai/v1/vector_stores"])
def test_a_bearer_token_or_an_api_key_is_accepted(foundry: RunningSandbox, headers: dict[str, str], path: str) -> None:
    status, body = _send(foundry.endpoint + path, headers)
    assert (status, body["object"]) == (200, "list")


def test_the_sdk_with_an_empty_token_gets_a_client_authentication_error(foundry: RunningSandbox) -> None:
    with project_client(foundry.endpoint, FixedToken("")) as client, \
            pytest.raises(ClientAuthenticationError) as raised:
        client.agents.get("any")
    assert _error_of(raised).code == "401"
    # The `openai` SDK cannot send an empty key (h11 refuses the header); other credentials stand in for none.
    basic = {"Authorization": "Basic dXNlcg=="}
    with openai.OpenAI(base_url=foundry.base_url, api_key="x", max_retries=0, default_headers=basic) as bare, \
            pytest.raises(openai.AuthenticationError) as refused:
        bare.files.list()
    assert isinstance(refused.value.body, dict) and refused.value.body["code"] == "401"


def test_the_sdk_with_an_api_key_policy_is_served(foundry: RunningSandbox) -> None:
    key_policy = AzureKeyCredentialPolicy(AzureKeyCredential("resource-key"), "api-key")
    with AIProjectClient(foundry.endpoint, FixedToken(), authentication_policy=key_policy, retry_total=0) as client:
        assert client.agents.create_version("keyed", definition=prompt()).version == "1"
        assert client.agents.get("keyed").versions.latest.version == "1"


@pytest.mark.parametrize("path", ["/v1/files", "/openai/v1/files", "/api/projects", "/api/projects/",
                                  "/api/other/p/agents?api-version=v1"])
def test_paths_outside_a_project_are_azures_404(foundry: RunningSandbox, path: str) -> None:
    root = foundry.endpoint.split("/api/projects/")[0]
    status, body = _send(root + path, {"Authorization": "Bearer t"})
    assert (status, body) == (404, {"error": {"code": "404", "message": "Resource not found"}})


@pytest.mark.parametrize("query", ["", "?api-version=", "?api-version=2024-10-21"])
def test_the_agents_paths_need_api_version_v1(foundry: RunningSandbox, query: str) -> None:
    status, body = _send(foundry.endpoint + "/agents" + query, {"Authorization": "Bearer t"})
    assert status == 400
    assert body["error"]["code"] in ("MissingApiVersionParameter", "UnsupportedApiVersion")


def test_serve_with_the_foundry_profile_announces_a_project_endpoint(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--db", ":memory:", "--profile", "foundry") as served:
        assert "answering as foundry does" in served.first
        match = re.search(r"sandbox serving at (http://127\.0\.0\.1:\d+/api/projects/\w+)/openai/v1", served.first)
        assert match, served.first
        with project_client(match.group(1)) as client:
            assert client.agents.create_version("served", definition=prompt()).version == "1"
    assert served.code == 0
