"""What an agent manifest leaves out is the server's; what it sets is compared; a rebuilt credential is let go of.

Through the CLI against the sandbox, with hand edits made through the SDK as a person would make them.
"""

from __future__ import annotations

import openai

from cli_harness import Cli

from .conftest import edit, the_agent


def test_a_setting_dropped_from_the_manifest_goes_back_to_the_servers_default(aac: Cli, client: openai.OpenAI) -> None:
    edit(aac, {}, drop=("compaction", "experimental", "text"))
    plan = aac("plan", "--format", "json", "--detailed-exitcode")
    assert plan.code == 2
    (change,) = [c for c in plan.json()["changes"] if c["action"] != "no-op"]
    assert change["address"] == "agent.weather-agent"
    assert sorted(change["changed_fields"]) == ["compaction", "experimental", "text"]
    assert change["before"]["text"]["verbosity"] == "low" and change["after"]["text"] is None
    assert aac("apply", "--auto-approve").code == 0
    agent = the_agent(client)
    assert agent.text.verbosity == "medium" and agent.text.format.type == "text"  # the sandbox's defaults
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0


def test_a_setting_the_manifest_leaves_out_is_not_compared(aac: Cli, client: openai.OpenAI) -> None:
    edit(aac, {}, drop=("service_tier",))
    assert aac("apply", "--auto-approve").code == 0
    client.beta.agents.update(the_agent(client).id, service_tier="flex", multi_agent={"enabled": True})
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0


def test_a_set_value_changed_by_hand_is_drift_and_is_put_back(aac: Cli, client: openai.OpenAI) -> None:
    client.beta.agents.update(the_agent(client).id, reasoning={"effort": "high"})
    drift = aac("drift", "--format", "json")
    assert drift.code == 2
    (item,) = [i for i in drift.json()["items"] if i["category"] != "in_sync"]
    assert (item["address"], item["category"], item["changed_fields"]) == ("agent.weather-agent", "drifted",
                                                                           ["reasoning"])
    assert aac("apply", "--auto-approve").code == 0
    assert the_agent(client).reasoning.effort == "low"
    assert aac("drift").code == 0


def test_a_credential_rebuilt_is_let_go_of_by_its_agent_before_it_is_deleted(aac: Cli, client: openai.OpenAI) -> None:
    vault = aac.root / "agents" / "github.yaml"
    vault.write_text(vault.read_text().replace("https://api.githubcopilot.com/mcp/", "https://mcp.example.org/"))
    agent = aac.root / "agents" / "weather-agent.yaml"
    agent.write_text(agent.read_text().replace("https://api.githubcopilot.com/mcp/", "https://mcp.example.org/"))
    plan = aac("plan", "--format", "json").json()
    actions = {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "no-op"}
    assert actions == {"credential.github/github-mcp": "replace", "agent.weather-agent": "update"}
    (vault_obj,) = list(client.beta.agents.vaults.list())
    old = {c.name: c.id for c in client.beta.agents.vaults.credentials.list(vault_obj.id)}["github-mcp"]
    assert aac("apply", "--auto-approve").code == 0
    now = {c.name: c for c in client.beta.agents.vaults.credentials.list(vault_obj.id)}
    assert now["github-mcp"].id != old and now["github-mcp"].auth.mcp_server_url == "https://mcp.example.org/"
    mcp = [t for t in the_agent(client).tools if t.type == "mcp"]
    assert [t.credential_id for t in mcp] == [now["github-mcp"].id]
    assert aac("plan", "--detailed-exitcode").code == 0


def test_an_agent_the_manifests_leave_alone_is_pointed_at_its_rebuilt_credential(aac: Cli,
                                                                                  client: openai.OpenAI) -> None:
    """A credential's name cannot change in place: it is rebuilt, and the agent naming it is updated (the
    agent kind's refs) before the old one is deleted, though the agent's own manifest did not change."""
    vault = aac.root / "agents" / "github.yaml"
    renamed = vault.read_text().replace("  - name: github-mcp\n", "  - name: github-mcp\n    display_name: MCP\n")
    vault.write_text(renamed)
    plan = aac("plan", "--format", "json").json()
    changes = {c["address"]: c for c in plan["changes"] if c["action"] != "no-op"}
    assert {a: c["action"] for a, c in changes.items()} == {"credential.github/github-mcp": "replace",
                                                            "agent.weather-agent": "update"}
    assert changes["agent.weather-agent"]["reason"] == "its credential credential.github/github-mcp is rebuilt"
    (vault_obj,) = list(client.beta.agents.vaults.list())
    old = {c.name: c.id for c in client.beta.agents.vaults.credentials.list(vault_obj.id)}["github-mcp"]
    agent_id = the_agent(client).id

    applied = aac("--debug", "apply", "--auto-approve", "--parallelism", "1")

    assert applied.code == 0, applied.err
    now = {c.name: c.id for c in client.beta.agents.vaults.credentials.list(vault_obj.id)}
    assert [t.credential_id for t in the_agent(client).tools if t.type == "mcp"] == [now["MCP"]]
    requests = [line.split()[:2] for line in applied.err.splitlines() if line.split()[:1] in (["POST"], ["DELETE"])]
    # The agent lets go of the old credential before it is deleted (the agent kind's live_refs).
    assert requests.index(["POST", f"/v1/agents/{agent_id}"]) < requests.index(
        ["DELETE", f"/v1/vaults/{vault_obj.id}/credentials/{old}"])
    assert aac("plan", "--detailed-exitcode").code == 0
