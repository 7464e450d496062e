"""Agents as code end to end: the repository's example stack (its agent, vault and credential beside the
assistants) through the CLI against the sandbox, checked with the `openai` SDK against what the server holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from tests.apply.helpers import KEY_ENV, STACK, write_stack
from tests.cli_harness import Cli

from aac.sandbox.credentials import fingerprint
from aac.sandbox.server import RunningSandbox

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants
VAULT_MANIFEST = "assistants/agents/github-vault.yaml"


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    return Cli(write_stack(tmp_path / "stack", sandbox.base_url), capsys)


def _owned(objects: Any, key: str) -> list[Any]:
    return [o for o in objects if (o.metadata or {}).get("aac-stack") == STACK
            and (o.metadata or {}).get("aac-key") == key]


def _agent(client: openai.OpenAI) -> Any:
    [agent] = _owned(client.beta.agents.list(limit=100), "weather-agent")
    return agent


def _vault_and_credential(client: openai.OpenAI) -> tuple[Any, Any]:
    [vault] = _owned(client.beta.agents.vaults.list(limit=100), "github")
    [credential] = _owned(client.beta.agents.vaults.credentials.list(vault.id, limit=100), "github/github-mcp")
    return vault, credential


def test_the_example_applies_its_agent_vault_and_credential_and_the_next_plan_is_empty(
        aac: Cli, client: openai.OpenAI) -> None:
    applied = aac("apply", "--auto-approve")

    assert applied.code == 0, applied.err
    assert "Apply complete: 16 created, 0 updated, 0 replaced, 0 deleted." in applied.out
    agent = _agent(client)
    vault, credential = _vault_and_credential(client)
    assert (vault.name, credential.name, credential.auth.type) == ("GitHub tools", "github-mcp", "static_bearer")
    assert credential.auth.mcp_server_url == "https://api.githubcopilot.com/mcp/"
    assert (credential.metadata or {})["aac-secret-version"] == "1"
    tools = {getattr(t, "name", None) or getattr(t, "server_label", None): t for t in agent.tools}
    assert sorted(tools) == ["get_current_weather", "get_nickname", "github"]
    assert tools["github"].credential_id == credential.id  # named by key in git, by id on the server
    assert tools["get_nickname"].parameters["additionalProperties"] is False  # the $ref'd schema, shared
    assert agent.reasoning.effort == "low" and agent.model == "gpt-5.1"
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0


def _edit_by_hand(client: openai.OpenAI) -> None:
    """The agent's instructions, one tool (a function's description) and its metadata, through the SDK."""
    agent = _agent(client)
    tools = [t.model_dump(exclude_none=True) for t in agent.tools]
    for tool in tools:
        if tool.get("name") == "get_nickname":
            tool["description"] = "Get what locals call a city"
    client.beta.agents.update(agent.id, instructions="Answer in French.", tools=tools,
                              metadata={**(agent.metadata or {}), "team": "hand"})


def test_a_hand_edit_of_instructions_a_tool_and_metadata_is_drift_naming_those_fields(
        aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    _edit_by_hand(client)

    report = aac("drift", "--format", "json")

    assert report.code == 2, report.err
    drifted = {i["address"]: (i["category"], i["changed_fields"]) for i in report.json()["items"]
               if i["category"] != "in_sync"}
    assert drifted == {"agent.weather-agent": ("drifted", ["instructions", "tools", "metadata"])}
    text = aac("drift")
    assert text.code == 2
    assert 'tools[function get_nickname].description = "Get the nickname of a city" -> ' \
           '"Get what locals call a city"' in text.out
    assert 'metadata.team = "weather" -> "hand"' in text.out
    restored = aac("apply", "--auto-approve")
    assert restored.code == 0 and "Apply complete: 0 created, 1 updated" in restored.out
    assert _agent(client).instructions.startswith("You are a weather agent.")
    assert aac("drift").code == 0


def _held(sandbox: RunningSandbox, credential: Any) -> set[str]:
    """What the sandbox keeps of the secrets it was last sent: their fingerprints."""
    stored = sandbox.store.get("credential", credential.id, credential.vault_id)
    assert stored is not None
    return set(stored["_secrets"].values())


def test_a_bumped_version_rotates_the_credential_in_the_plan_and_on_the_server(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    assert aac("apply", "--auto-approve").code == 0
    _, before = _vault_and_credential(client)
    assert _held(sandbox, before) == {fingerprint("sandbox-demo-token")}
    monkeypatch.setenv("GITHUB_MCP_TOKEN", "rotated-demo-token")
    assert aac("plan", "--detailed-exitcode").code == 0  # a new value alone cannot be seen: nothing to do
    vault_manifest = aac.root / VAULT_MANIFEST
    vault_manifest.write_text(vault_manifest.read_text().replace("version: 1", "version: 2"))

    planned = aac("plan", "--detailed-exitcode")

    assert planned.code == 2
    assert "~ credential \"github/github-mcp\" {" in planned.out and "~ version = 1 -> 2" in planned.out
    assert "Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy." in planned.out
    applied = aac("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    _, after = _vault_and_credential(client)
    assert after.id == before.id and (after.metadata or {})["aac-secret-version"] == "2"
    assert _held(sandbox, after) == {fingerprint("rotated-demo-token")}  # the new secret was sent
    assert after.updated_at >= before.updated_at
    assert aac("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize("value", [None, "short"], ids=["unset", "short"])
@pytest.mark.parametrize("command", [("apply", "--auto-approve"), ("plan", "--out", "plan.json")])
def test_a_missing_variable_is_one_error_naming_it_before_any_write(
        aac: Cli, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...],
        value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("GITHUB_MCP_TOKEN")
    else:
        monkeypatch.setenv("GITHUB_MCP_TOKEN", value)
    sandbox.reset_counts()
    if command[0] == "plan":  # a plan needs no secret; applying the saved plan does
        assert aac(*command).code == 0
        command = ("apply", "plan.json")

    result = aac(*command)

    assert result.code == 1
    problem = "is not set" if value is None else "holds fewer than 8 characters"
    assert f"error: credential github/github-mcp: $GITHUB_MCP_TOKEN (auth.token_env) {problem}" in result.err
    assert "hint: " in result.err and "short" not in result.err.replace("too short", "")  # never the value
    assert sandbox.writes == 0 and sandbox.requests > 0  # it read the target, and wrote nothing


def test_destroy_removes_the_agent_its_credential_and_the_vault(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    vault, _ = _vault_and_credential(client)

    destroyed = aac("destroy", "--auto-approve")

    assert destroyed.code == 0, destroyed.err
    for address in ("agent.weather-agent", "credential.github/github-mcp", "vault.github"):
        assert f"deleted   {address}" in destroyed.out
    assert list(client.beta.agents.list()) == [] and list(client.beta.agents.vaults.list()) == []
    with pytest.raises(openai.NotFoundError):
        client.beta.agents.vaults.credentials.list(vault.id)


def test_a_renamed_variable_sends_the_secret_again(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    assert aac("apply", "--auto-approve").code == 0
    vault_manifest = aac.root / VAULT_MANIFEST
    vault_manifest.write_text(vault_manifest.read_text().replace("token_env: GITHUB_MCP_TOKEN",
                                                                 "token_env: GITHUB_MCP_TOKEN_NEXT"))
    monkeypatch.setenv("GITHUB_MCP_TOKEN_NEXT", "the-next-demo-token")

    planned = aac("plan")

    assert '+ secrets.token = "GITHUB_MCP_TOKEN_NEXT"' in planned.out  # write-only: the old name is not live
    assert aac("apply", "--auto-approve").code == 0
    _, credential = _vault_and_credential(client)
    assert _held(sandbox, credential) == {fingerprint("the-next-demo-token")}
    assert aac("plan", "--detailed-exitcode").code == 0
