"""Agents and vaults keep every guarantee the other kinds have: protection, drift's categories, stale plans."""

from __future__ import annotations

import openai

from cli_harness import Cli

from .conftest import edit, the_agent


def _drop_vault_and_agent(aac: Cli) -> None:
    (aac.root / "agents" / "github.yaml").unlink()
    (aac.root / "agents" / "weather-agent.yaml").unlink()


def test_a_protected_vault_is_kept_with_its_credentials(aac: Cli, client: openai.OpenAI) -> None:
    vault = aac.root / "agents" / "github.yaml"
    vault.write_text(vault.read_text() + "protect: true\n")
    assert aac("apply", "--auto-approve").code == 0
    _drop_vault_and_agent(aac)
    plan = aac("plan", "--format", "json").json()
    actions = {c["address"]: c["action"] for c in plan["changes"]}
    assert actions["agent.weather-agent"] == "delete"
    assert actions["vault.github"] == "no-op" and actions["credential.github/github-mcp"] == "no-op"
    assert any("vault.github is protected" in w for w in plan["warnings"])
    assert aac("destroy", "--auto-approve").code == 0
    (kept,) = list(client.beta.agents.vaults.list())
    assert len(list(client.beta.agents.vaults.credentials.list(kept.id))) == 3
    assert list(client.beta.agents.list()) == []


def test_drift_tells_missing_unmanaged_and_drifted_agents(aac: Cli, client: openai.OpenAI) -> None:
    agent = the_agent(client)
    client.beta.agents.update(agent.id, instructions="Answer in French.", metadata={**agent.metadata, "team": "x"})
    edit(aac, {"name": "second-agent"})  # the manifest now declares another key: the first is unmanaged
    (vault,) = list(client.beta.agents.vaults.list())
    search = {c.name: c for c in client.beta.agents.vaults.credentials.list(vault.id)}["search-key"]
    client.beta.agents.vaults.credentials.delete(search.id, vault_id=vault.id)
    report = aac("drift", "--format", "json")
    assert report.code == 2
    found = {i["address"]: i["category"] for i in report.json()["items"] if i["category"] != "in_sync"}
    assert found == {"agent.weather-agent": "unmanaged", "agent.second-agent": "missing",
                     "credential.github/search-key": "missing"}


def test_an_agent_changed_by_hand_refuses_the_saved_plan(aac: Cli, client: openai.OpenAI) -> None:
    edit(aac, {"instructions": "Answer briefly.", "instructions_file": None})
    path = aac.root / "agents" / "weather-agent.yaml"
    path.write_text(path.read_text().replace("instructions_file: null\n", ""))
    assert aac("plan", "--out", "plan.json").code == 0
    client.beta.agents.update(the_agent(client).id, model="gpt-4.1")
    result = aac("apply", "plan.json")
    assert result.code == 1 and "the saved plan is stale: agent.weather-agent" in result.err
    assert the_agent(client).model == "gpt-4.1"  # nothing written
