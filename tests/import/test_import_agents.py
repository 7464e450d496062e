"""aac import of agents and vaults through the CLI against the sandbox: manifests that validate and compare
equal to what is live, credentials named by key, secrets named by variable and never written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from tests.cli_harness import Cli

from aac.identity import owner_of, tags
from aac.resources import TAG_SECRET_VERSION

from .conftest import read_json

IMPORTED = "assistants/imported"
TOKEN = "ghp_import-secret-bearer-0123456789"
KEY_VALUE = "search-import-secret-value-987654321"
WEATHER = {
    "type": "object",
    "properties": {"location": {"type": "string"}, "unit": {"type": ["string", "null"], "enum": ["c", "f", None]}},
    "required": ["location", "unit"],
    "additionalProperties": False,
}
FORECAST = {"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"]}


@dataclass
class Agents:
    agent: Any
    vault: Any
    bearer: Any
    search: Any


def _vault(client: openai.OpenAI, name: str, metadata: dict[str, str] | None = None) -> tuple[Any, Any, Any]:
    vaults = client.beta.agents.vaults
    vault = vaults.create(name=name, metadata=metadata or {"team": "platform"})
    bearer = vaults.credentials.create(vault.id, name="GitHub MCP", auth={  # type: ignore[arg-type]
        "type": "static_bearer", "token": TOKEN, "mcp_server_url": "https://api.githubcopilot.com/mcp/"})
    search = vaults.credentials.create(vault.id, name="search key", metadata={"rotated": "2026-11"}, auth={
        "type": "environment_variable", "secret_name": "SEARCH_API_KEY", "secret_value": KEY_VALUE,  # type: ignore[typeddict-item]
        "networking": {"type": "limited", "allowed_hosts": ["api.search.example.com"]}})
    return vault, bearer, search


def _agent(client: openai.OpenAI, credential_id: str, name: str = "Weather helper") -> Any:
    return client.beta.agents.create(
        model="gpt-5.1", name=name, instructions="Answer questions about the weather.\n",
        reasoning={"effort": "low"}, text={"format": {"type": "json_schema", "schema": FORECAST}},
        metadata={"owner": "weather-team"},
        tools=[  # type: ignore[list-item]
            {"type": "function", "name": "get_weather", "description": "The weather in a place",
             "parameters": WEATHER},
            {"type": "mcp", "server_label": "github", "credential_id": credential_id, "allowed_tools": ["search"],
             "transport": {"type": "http", "server_url": "https://api.githubcopilot.com/mcp/"}},
            {"type": "web_search", "context_size": "low"},
        ])


@pytest.fixture
def agents(client: openai.OpenAI) -> Agents:
    """What a team built by hand: an agent whose MCP tool uses a vault credential, and that vault."""
    vault, bearer, search = _vault(client, "GitHub tools")
    return Agents(_agent(client, bearer.id), vault, bearer, search)


def _manifest(root: Path, key: str) -> dict[str, Any]:
    return yaml.safe_load((root / IMPORTED / f"{key}.yaml").read_text(encoding="utf-8"))


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*")
            if p.is_file() and ".aac" not in p.parts and p.name != "aac.yaml"}


def test_an_agent_brings_its_vault_and_the_next_plan_is_empty(
        aac: Cli, client: openai.OpenAI, agents: Agents) -> None:
    result = aac("import", agents.agent.id, "--auto-approve")

    assert result.code == 0, result.err
    assert sorted(_files(aac.root)) == [f"{IMPORTED}/github-tools.yaml", f"{IMPORTED}/weather-helper.yaml",
                                        "schemas/functions/get_weather.json",
                                        "schemas/weather-helper.text-format.json"]
    assert "Adopted 4 objects." in result.err  # the agent, the vault and its two credentials
    assert aac("validate").code == 0
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0
    credential = client.beta.agents.vaults.credentials.retrieve(agents.bearer.id, vault_id=agents.vault.id)
    assert owner_of(credential.metadata) is not None and credential.metadata[TAG_SECRET_VERSION] == "1"
    assert owner_of(client.beta.agents.retrieve(agents.agent.id).metadata) is not None


def test_the_manifests_name_credentials_by_key_and_secrets_by_variable(
        aac: Cli, client: openai.OpenAI, agents: Agents) -> None:
    result = aac("--debug", "import", "--all", "--auto-approve")
    assert result.code == 0, result.err
    assert TOKEN not in result.out + result.err and KEY_VALUE not in result.out + result.err

    agent = _manifest(aac.root, "weather-helper")
    function, mcp, search = agent["tools"]
    assert function["parameters"] == {"$ref": "../../schemas/functions/get_weather.json"}
    assert read_json(aac.root / "schemas/functions/get_weather.json") == WEATHER
    assert agent["text"]["format"] == {"type": "json_schema",
                                       "schema": {"$ref": "../../schemas/weather-helper.text-format.json"}}
    assert read_json(aac.root / "schemas/weather-helper.text-format.json") == FORECAST
    assert mcp["credential"] == "github-tools/github-mcp" and "credential_id" not in mcp
    assert search["context_size"] == "low"
    # The settings the server resolved are pinned as it shows them.
    assert agent["reasoning"] == {"effort": "low"} and agent["service_tier"] == "auto"
    assert agent["metadata"] == {"owner": "weather-team"}
    vault = _manifest(aac.root, "github-tools")
    assert vault["display_name"] == "GitHub tools" and vault["metadata"] == {"team": "platform"}
    bearer, key = vault["credentials"]
    assert bearer == {"name": "github-mcp", "display_name": "GitHub MCP", "version": 1,
                      "auth": {"type": "static_bearer", "mcp_server_url": "https://api.githubcopilot.com/mcp/",
                               "token_env": "GITHUB_TOOLS_GITHUB_MCP_TOKEN"}}
    assert key["auth"]["secret_value_env"] == "GITHUB_TOOLS_SEARCH_KEY_SECRET_VALUE"
    assert key["metadata"] == {"rotated": "2026-11"}
    text = (aac.root / IMPORTED / "github-tools.yaml").read_text(encoding="utf-8")
    assert "#   GITHUB_TOOLS_GITHUB_MCP_TOKEN  (token of credential github-mcp)" in text
    assert "export each one before the next rotation" in text
    for body in _files(aac.root).values():
        assert TOKEN not in body and KEY_VALUE not in body


def test_a_second_run_adopts_what_the_first_wrote_and_a_third_is_a_no_op(
        aac: Cli, client: openai.OpenAI, agents: Agents) -> None:
    first = aac("import", "--all")  # no terminal: the manifests are written, nothing is adopted
    assert first.code == 1 and "nothing was adopted" in first.err
    written = _files(aac.root)
    assert owner_of(client.beta.agents.retrieve(agents.agent.id).metadata) is None

    second = aac("import", "--all", "--auto-approve")
    assert second.code == 0, second.err
    assert "Adopted 4 objects." in second.err and _files(aac.root) == written
    third = aac("import", "--all", "--auto-approve")
    assert third.code == 0 and "Nothing to import" in third.out and _files(aac.root) == written
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_vault_imported_alone_needs_no_secret(aac: Cli, client: openai.OpenAI, agents: Agents) -> None:
    alone = aac("import", agents.bearer.id, "--auto-approve")
    assert alone.code == 1 and "import the vault that holds it" in alone.err
    result = aac("import", "GitHub tools", "--auto-approve")

    assert result.code == 0, result.err
    assert "+ tags.aac-secret-version" in result.out  # the plan shows the version adoption records
    assert aac("plan", "--detailed-exitcode").code == 0
    assert owner_of(client.beta.agents.retrieve(agents.agent.id).metadata) is None  # the agent was not asked for
    # Then the agent: its credential is this stack's now.
    assert aac("import", agents.agent.id, "--auto-approve").code == 0
    assert _manifest(aac.root, "weather-helper")["tools"][1]["credential"] == "github-tools/github-mcp"
    assert aac("plan", "--detailed-exitcode").code == 0


def test_an_agent_using_another_stacks_credential_is_refused_before_any_write(
        aac: Cli, client: openai.OpenAI) -> None:
    _, theirs, _ = _vault(client, "Their tools", tags("other", "theirs", "sha256:0"))
    agent = _agent(client, theirs.id)

    result = aac("import", agent.id, "--auto-approve")

    assert result.code == 1
    assert f"uses credential {theirs.id} in vault 'Their tools'" in result.err
    assert "belongs to stack 'other'" in result.err
    assert _files(aac.root) == {} and owner_of(client.beta.agents.retrieve(agent.id).metadata) is None
    everything = aac("import", "--all", "--auto-approve")  # the same refusal: nothing half-imported
    assert everything.code == 1 and _files(aac.root) == {}


def test_an_agent_whose_credential_is_gone_or_whose_token_is_a_header_is_refused(
        aac: Cli, client: openai.OpenAI) -> None:
    vault, bearer, _ = _vault(client, "Old tools")
    orphan = _agent(client, bearer.id, name="Orphan")
    client.beta.agents.vaults.delete(vault.id)
    header = client.beta.agents.create(model="gpt-5.1", name="Plain", tools=[{  # type: ignore[list-item]
        "type": "mcp", "server_label": "gh", "transport": {"type": "http", "server_url": "https://mcp.example.com/",
                                                          "headers": {"Authorization": f"Bearer {TOKEN}"}}}])

    gone = aac("import", orphan.id, "--auto-approve")
    assert gone.code == 1 and f"names credential {bearer.id}, which no vault on the target holds" in gone.err
    plain = aac("import", header.id, "--auto-approve")
    assert plain.code == 1
    assert "sends a token in its Authorization header, which a manifest would keep in git" in plain.err
    assert TOKEN not in plain.err + plain.out
    assert _files(aac.root) == {}


def test_an_agent_or_credential_with_a_token_in_its_url_is_refused_before_any_write(
        aac: Cli, client: openai.OpenAI) -> None:
    url = f"https://x-access-token:{TOKEN}@mcp.example.com/"
    agent = client.beta.agents.create(model="gpt-5.1", tools=[
        {"type": "mcp", "server_label": "docs", "transport": {"type": "http", "server_url": url}}])
    vault = client.beta.agents.vaults.create(name="urls")
    client.beta.agents.vaults.credentials.create(vault.id, name="c", auth={
        "type": "static_bearer", "token": KEY_VALUE, "mcp_server_url": url})

    for wanted in (agent.id, vault.id):
        result = aac("import", wanted, "--auto-approve")
        assert result.code == 1 and "has a token in its URL, which a manifest would keep in git" in result.err
        assert TOKEN not in result.err + result.out
        assert _files(aac.root) == {}


def test_every_tool_type_and_an_oauth_credential_import_to_an_empty_plan(aac: Cli, client: openai.OpenAI) -> None:
    from tests.sandbox.test_sandbox_agents import EVERY_TOOL

    vault = client.beta.agents.vaults.create(name="oauth")
    oauth = client.beta.agents.vaults.credentials.create(vault.id, name="docs", auth={  # type: ignore[arg-type]
        "type": "mcp_oauth", "mcp_server_url": "https://mcp.example/", "access_token": TOKEN,
        "expires_at": "2026-12-31T00:00:00Z", "refresh": {
            "client_id": "aac", "refresh_token": KEY_VALUE, "token_endpoint": "https://auth.example/token",
            "scope": "repo", "token_endpoint_auth": {"type": "client_secret_post", "client_secret": KEY_VALUE}}})
    tools = [{**t, "credential_id": oauth.id} if t.get("server_label") == "docs" else t for t in EVERY_TOOL]
    tools.append({"type": "function", "name": "ping", "description": "Is it up?", "parameters": {}})
    client.beta.agents.create(model="gpt-5", tools=tools, multi_agent={"enabled": True},  # type: ignore[arg-type]
                              name="Everything")

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 0, result.err
    assert aac("plan", "--detailed-exitcode").code == 0
    refresh = _manifest(aac.root, "oauth")["credentials"][0]["auth"]["refresh"]
    assert refresh["refresh_token_env"] == "OAUTH_DOCS_REFRESH_TOKEN"
    assert refresh["token_endpoint_auth"] == {"type": "client_secret_post",
                                             "client_secret_env": "OAUTH_DOCS_CLIENT_SECRET"}
    everything = _manifest(aac.root, "everything")
    assert everything["multi_agent"] == {"enabled": True, "max_concurrent_subagents": 6}
    assert everything["tools"][-1]["parameters"] == {}  # nothing to put in a file
    assert all(TOKEN not in body and KEY_VALUE not in body for body in _files(aac.root).values())


def test_an_adoption_cut_short_after_the_vault_resumes_with_its_credentials_and_agent(
        aac: Cli, client: openai.OpenAI, agents: Agents) -> None:
    assert aac("import", agents.agent.id, "--auto-approve").code == 0
    written = _files(aac.root)
    # As if the connection dropped once the vault was tagged: the credentials and the agent lost their tags.
    for credential in (agents.bearer, agents.search):
        client.beta.agents.vaults.credentials.update(credential.id, vault_id=agents.vault.id,
                                                     metadata=credential.metadata)
    client.beta.agents.update(agents.agent.id, metadata={"owner": "weather-team"})
    assert aac("plan", "--detailed-exitcode").code == 2

    again = aac("import", "--all", "--auto-approve")

    assert again.code == 0, again.err
    assert "Adopted 3 objects." in again.err and _files(aac.root) == written
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_target_without_the_agents_api_imports_the_rest_and_says_so_for_an_agent(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from aac.sandbox.server import serve_in_background

    from .conftest import KEY_ENV
    from .test_import_cli import _stack_on

    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(no_agents=True) as sandbox, openai.OpenAI(base_url=sandbox.base_url,
                                                                       api_key="k") as client:
        client.vector_stores.create(name="Docs")
        aac = _stack_on(tmp_path / "stack", sandbox.base_url, capsys)
        agent = aac("import", "agent_abc", "--auto-approve")
        assert agent.code == 1 and "has no Agents API" in agent.err and _files(aac.root) == {}
        everything = aac("import", "--all", "--auto-approve")
        assert everything.code == 0, everything.err
        assert sorted(_files(aac.root)) == [f"{IMPORTED}/docs.yaml"]


def test_a_nameless_agent_is_named_after_its_key_by_the_next_apply(aac: Cli, client: openai.OpenAI) -> None:
    agent = client.beta.agents.create(model="gpt-5")

    result = aac("import", agent.id, "--auto-approve")

    assert result.code == 0, result.err
    assert "`aac apply` then makes the other changes shown" in result.out
    assert '+ display_name    = "agent"' in result.out
    assert "# The agent has no name on the API" in (aac.root / IMPORTED / "agent.yaml").read_text(encoding="utf-8")
    assert aac("apply", "--auto-approve").code == 0
    assert client.beta.agents.retrieve(agent.id).name == "agent"
    assert aac("plan", "--detailed-exitcode").code == 0
