"""`kind: agent` and `kind: vault` through load_desired: what the manifests turn into, for plan and apply."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from aac import limits
from aac.cli import main
from aac.desired import load_desired, schema_text
from aac.errors import Problem
from aac.kinds.agent.spec import AgentSpec
from aac.kinds.credential.spec import CredentialSpec
from aac.kinds.vault.spec import VaultSpec
from aac.manifest.secrets import ENV_NAME, redact, secret_values
from aac.manifest.yaml_load import parse_documents
from aac.resources import TAG_SECRET_VERSION, TAGS, DesiredState, Source
from aac.stack import load_stack

FIXTURE = Path(__file__).parent / "agent_stack"
WEATHER_PARAMETERS = json.loads((FIXTURE / "schemas/functions/get_current_weather.json").read_text())
FORECAST = json.loads((FIXTURE / "schemas/forecast.json").read_text())


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    root = tmp_path / "stack"
    shutil.copytree(FIXTURE, root)
    return root


def load(root: Path) -> tuple[DesiredState, list[Problem]]:
    return load_desired(load_stack(root))


def test_the_agent_loads_in_the_apis_shape(stack: Path) -> None:
    desired, problems = load(stack)
    assert problems == []
    assert desired.of("agent") == {"weather-agent": AgentSpec(
        name="weather-agent",
        display_name="Weather agent",
        model="gpt-5.1",
        instructions="Answer questions about the weather.\n",
        tools=(
            {"type": "function", "name": "get_current_weather", "description": "Get the weather in a location",
             "parameters": WEATHER_PARAMETERS, "defer_loading": False},
            {"type": "mcp", "server_label": "github",
             "transport": {"type": "http", "server_url": "https://api.githubcopilot.com/mcp/"},
             "credential": "github/github-mcp", "allowed_tools": ["search_issues"]},
            {"type": "web_search"},
        ),
        # text.format's `strict` is aac's own switch: it is not part of what the API is sent.
        settings={"reasoning": {"effort": "low", "summary": "auto"}, "service_tier": "auto",
                  "text": {"format": {"type": "json_schema", "schema": FORECAST}, "verbosity": "low"},
                  "compaction": {"async": False}, "experimental": {"time_awareness": False}},
        metadata={"owner": "weather-team"},
        source=Source("agents/weather-agent.yaml", 2),
    )}
    assert desired.of("agent")["weather-agent"].credentials == ("github/github-mcp",)


def test_the_vault_and_its_credentials_load_keyed_vault_slash_credential(stack: Path) -> None:
    desired, _ = load(stack)
    keys = ("github/github-mcp", "github/oauth", "github/search-key")
    assert desired.of("vault") == {"github": VaultSpec(
        name="github", display_name="GitHub tools", metadata={"team": "platform"},
        source=Source("agents/github.yaml", 2), credentials=keys)}
    assert tuple(desired.of("credential")) == keys
    assert desired.of("credential")["github/github-mcp"] == CredentialSpec(
        vault="github", name="github-mcp", display_name="github-mcp", version=2,
        auth={"type": "static_bearer", "mcp_server_url": "https://api.githubcopilot.com/mcp/",
              "token_env": "GITHUB_MCP_TOKEN"},
        source=Source("agents/github.yaml", 7))
    oauth = desired.of("credential")["github/oauth"]
    assert (oauth.display_name, oauth.version) == ("GitHub OAuth", 1)
    assert oauth.auth["refresh"]["token_endpoint_auth"] == {"type": "client_secret_basic",
                                                           "client_secret_env": "OAUTH_CLIENT_SECRET"}


def test_loading_reads_no_environment_variable(stack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_MCP_TOKEN", "ghp_value-of-the-variable-0123456789")
    desired, _ = load(stack)
    assert "ghp_value" not in repr(desired)  # the engine reads it when it applies, and only then


def test_only_the_settings_a_manifest_sets_are_in_the_spec(stack: Path) -> None:
    (stack / "agents/weather-agent.yaml").write_text("kind: agent\nname: weather-agent\nmodel: gpt-5.1\n")
    desired, problems = load(stack)
    assert problems == []
    spec = desired.of("agent")["weather-agent"]
    assert (spec.settings, spec.tools, spec.instructions, spec.display_name) == ({}, (), None, "weather-agent")


def test_a_vault_name_is_trimmed_as_the_api_stores_it(stack: Path) -> None:
    text = (stack / "agents/github.yaml").read_text().replace("GitHub tools", "'  GitHub tools '")
    (stack / "agents/github.yaml").write_text(text)
    desired, problems = load(stack)
    assert problems == []
    assert desired.of("vault")["github"].display_name == "GitHub tools"


def test_allowed_hosts_are_lowercase_as_the_api_stores_them(stack: Path) -> None:
    text = (stack / "agents/github.yaml").read_text().replace("api.search.example.com", "API.Search.example.com")
    (stack / "agents/github.yaml").write_text(text)
    desired, problems = load(stack)
    assert problems == []
    networking = desired.of("credential")["github/search-key"].auth["networking"]
    assert networking == {"type": "limited", "allowed_hosts": ["api.search.example.com", "10.0.0.7"]}


def test_a_referenced_schema_is_part_of_the_manifest_digest(stack: Path) -> None:
    before = load(stack)[0].manifest_digest
    (stack / "schemas/forecast.json").write_text(json.dumps({**FORECAST, "title": "Forecast"}))
    desired, problems = load(stack)
    assert problems == []
    assert desired.manifest_digest != before  # a saved plan made before the edit is stale
    assert desired.of("agent")["weather-agent"].settings["text"]["format"]["schema"]["title"] == "Forecast"


def test_an_agent_a_vault_and_an_assistant_may_share_a_name(stack: Path) -> None:
    (stack / "agents/more.yaml").write_text(
        "kind: vault\nname: weather-agent\n---\nkind: assistant\nname: weather-agent\nmodel: gpt-4o\n")
    desired, problems = load(stack)
    assert problems == []  # names are unique per kind, as assistants and vector stores already are
    assert "weather-agent" in desired.of("vault") and "weather-agent" in desired.assistants


def test_a_vault_named_twice_keeps_the_first_ones_credentials(stack: Path) -> None:
    (stack / "agents/twice.yaml").write_text(
        "kind: vault\nname: github\ncredentials:\n  - name: other\n    auth: {type: static_bearer, "
        "mcp_server_url: 'https://x.example.com', token_env: X}\n")
    desired, problems = load(stack)
    assert [p.message for p in problems] == [
        "another vault is already named 'github' (agents/github.yaml:3)"]
    assert "github/other" not in desired.of("credential")


def test_validate_passes_on_the_fixture(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-color", "--chdir", str(stack), "validate"]) == 0
    assert "valid: stack 'agents'" in capsys.readouterr().err


def test_aac_schema_declares_both_kinds_and_editors_check_them(stack: Path) -> None:
    schema = json.loads(schema_text())
    kinds = ["assistant", "vector_store", "agent", "vault", "environment_template"]
    assert schema["properties"]["kind"]["enum"] == kinds
    validator = Draft202012Validator(schema)  # the whole document, as an editor reads it
    for manifest in sorted((stack / "agents").glob("*.yaml")):
        for doc in parse_documents(manifest.read_text(), manifest.name)[0]:
            assert list(validator.iter_errors(doc.data)) == [], manifest.name
    bad_vault = {"kind": "vault", "name": "v", "credentials": [{"name": "c", "auth": {"type": "static_bearer"}}]}
    assert list(validator.iter_errors(bad_vault))
    assert list(validator.iter_errors({"kind": "agent", "name": "a"}))  # no model


def test_redact_scrubs_every_literal_secret_from_any_message() -> None:
    text = "kind: vault\nname: v\ncredentials:\n  - auth: {token: ghp_literal-secret-123, x_env: 'sk pasted 123'}\n"
    docs, _ = parse_documents(text, "v.yaml")
    secrets = secret_values(docs)
    assert secrets == {"ghp_literal-secret-123", "sk pasted 123"}
    problems = redact([Problem("v.yaml", 4, "saw ghp_literal-secret-123 and 'sk pasted 123'", "not ghp_literal")],
                      secrets)
    assert problems == [Problem("v.yaml", 4, "saw [REDACTED] and '[REDACTED]'", "not ghp_literal")]


def test_the_schema_states_the_same_limits_as_limits_py() -> None:
    defs = json.loads(schema_text())["$defs"]
    agent = defs["agent"]["properties"]
    assert agent["display_name"]["maxLength"] == limits.AGENT_NAME_MAX
    assert agent["instructions"]["maxLength"] == limits.AGENT_INSTRUCTIONS_MAX
    assert agent["model"]["maxLength"] == limits.AGENT_INSTRUCTIONS_MAX
    assert agent["reasoning"]["properties"]["effort"]["enum"] == list(limits.REASONING_EFFORTS)
    function = defs["agent_tool"]["then"]["properties"]  # function: the first type of the union
    assert function["name"]["pattern"] == limits.FUNCTION_NAME_PATTERN
    hosts = defs["credential_networking"]["else"]["then"]["properties"]["allowed_hosts"]  # limited: the second
    assert hosts["maxItems"] == limits.CREDENTIAL_HOSTS_MAX
    assert defs["env_name"]["pattern"] == ENV_NAME.pattern
    for kind in ("agent", "vault"):
        assert defs[kind]["properties"]["metadata"] == {"$ref": "#/$defs/metadata"}
    # A credential carries a sixth tag, the version of the secret last sent.
    credential = defs["credential_metadata"]
    assert defs["credential"]["properties"]["metadata"] == {"$ref": "#/$defs/credential_metadata"}
    assert credential["maxProperties"] == limits.USER_METADATA_PAIRS_MAX - 1
    assert credential["propertyNames"]["not"]["enum"] == [*TAGS, TAG_SECRET_VERSION]


def test_a_shape_error_does_not_hide_the_deeper_problems_of_the_same_agent(stack: Path) -> None:
    path = stack / "agents/weather-agent.yaml"
    path.write_text(path.read_text().replace("service_tier: auto", "service_tier: turbo"))
    (stack / "schemas/forecast.json").write_text(json.dumps({"type": "object", "properties": {"a": {}}}))
    _, problems = load(stack)
    messages = [p.message for p in problems]
    assert "`service_tier` is 'turbo'; expected one of 'auto', 'default', 'flex', 'priority', 'fast', " \
           "'ultrafast'" in messages
    assert "text.format: schema needs `additionalProperties: false` under strict mode" in messages
