"""A vault this stack owns may hold a credential someone added by hand, which another agent uses. Deleting the
vault deletes its credentials on the API, so aac keeps such a vault (and says why) rather than delete an object
it does not own; its own credentials in it are deleted as usual. The same holds for a credential a hand-made
agent uses and a vector store a hand-made assistant searches. (And, on the same small stack: `aac output --format
env` names each key's variable once.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli

from aac.sandbox.server import RunningSandbox

KEY_ENV = "AAC_FOREIGN_TEST_KEY"
VAULT = """\
kind: vault
name: tools
credentials:
  - name: mcp
    auth: {type: static_bearer, mcp_server_url: 'https://mcp.example.com/', token_env: FOREIGN_TEST_TOKEN}
"""


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    monkeypatch.setenv("FOREIGN_TEST_TOKEN", "foreign-test-token-0123456789")
    root = tmp_path / "stack"
    (root / "m").mkdir(parents=True)
    (root / "aac.yaml").write_text(f"stack: owner\nmanifests: m\ndefault_target: t\ntargets:\n  t:\n    type: openai\n"
                                   f"    base_url: {sandbox.base_url}\n    api_key_env: {KEY_ENV}\n")
    (root / "m/tools.yaml").write_text(VAULT)
    return Cli(root, capsys)


def _hand_made_credential(client: openai.OpenAI) -> tuple[Any, Any]:
    """A credential added by hand to the stack's vault, and a hand-made agent that uses it."""
    [vault] = list(client.beta.agents.vaults.list())
    credential = client.beta.agents.vaults.credentials.create(vault.id, name="hand", auth={
        "type": "static_bearer", "token": "hand-made-token-0123456789", "mcp_server_url": "https://hand.example.com/"})
    client.beta.agents.create(model="gpt-5.1", name="Hand agent", tools=[{
        "type": "mcp", "server_label": "hand", "credential_id": credential.id,
        "transport": {"type": "http", "server_url": "https://hand.example.com/"}}])
    return vault, credential


@pytest.mark.parametrize("command", [("apply", "--auto-approve"), ("destroy", "--auto-approve")])
def test_a_vault_holding_a_credential_the_stack_does_not_own_is_kept(
        aac: Cli, client: openai.OpenAI, command: tuple[str, ...]) -> None:
    assert aac("apply", "--auto-approve").code == 0
    vault, credential = _hand_made_credential(client)
    if command[0] == "apply":
        (aac.root / "m/tools.yaml").unlink()

    result = aac(*command)

    assert result.code == 0, result.err
    assert "deleted   credential.tools/mcp" in result.out and "deleted   vault.tools" not in result.out
    assert f"vault.tools is used by credential {credential.id}, which this stack does not own: {command[0]} keeps " \
        "it" in result.out
    kept = client.beta.agents.vaults.credentials.list(vault.id)
    assert [c.id for c in kept] == [credential.id]  # the hand-made one, still there for its agent
    assert aac("plan", "--destroy" if command[0] == "destroy" else "--detailed-exitcode").code == 0


def _foreign_agent(client: openai.OpenAI) -> Any:
    """An agent made by hand that uses the stack's own credential (by its id, as a hand-made one does)."""
    [vault] = list(client.beta.agents.vaults.list())
    [credential] = list(client.beta.agents.vaults.credentials.list(vault.id))
    return client.beta.agents.create(model="gpt-5.1", name="Hand agent", tools=[{
        "type": "mcp", "server_label": "tools", "credential_id": credential.id,
        "transport": {"type": "http", "server_url": "https://mcp.example.com/"}}]), credential


@pytest.mark.parametrize("command", [("apply", "--auto-approve"), ("destroy", "--auto-approve")])
def test_a_credential_an_agent_not_of_this_stack_uses_is_kept_with_its_vault(
        aac: Cli, client: openai.OpenAI, command: tuple[str, ...]) -> None:
    assert aac("apply", "--auto-approve").code == 0
    agent, credential = _foreign_agent(client)
    if command[0] == "apply":
        (aac.root / "m/tools.yaml").unlink()

    result = aac(*command)

    assert result.code == 0, result.err
    assert "deleted" not in result.out
    assert f"credential.tools/mcp is used by agent {agent.id}, which this stack does not own" in result.out
    assert f"vault.tools is used by agent {agent.id} (through credential {credential.id})" in result.out
    assert client.beta.agents.vaults.credentials.retrieve(credential.id, vault_id=credential.vault_id).id


def test_a_credential_an_agent_not_of_this_stack_uses_is_not_replaced(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    agent, credential = _foreign_agent(client)
    (aac.root / "m/tools.yaml").write_text(VAULT.replace("mcp.example.com", "mcp2.example.com"))

    result = aac("apply", "--auto-approve")

    assert result.code == 1 and "Refused: 1 change would delete an object that must be kept" in result.out
    assert f"REFUSED: agent {agent.id}, which this stack does not own, uses it" in result.out
    assert [c.id for c in client.beta.agents.vaults.credentials.list(credential.vault_id)] == [credential.id]


def test_a_vector_store_an_assistant_not_of_this_stack_searches_is_kept(aac: Cli, client: openai.OpenAI) -> None:
    (aac.root / "m/faq.md").write_text("# FAQ\nAsk us.\n")
    (aac.root / "m/kb.yaml").write_text("kind: vector_store\nname: kb\nfiles: [faq.md]\n")
    assert aac("apply", "--auto-approve").code == 0
    [store] = list(client.vector_stores.list())
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}],
                                              tool_resources={"file_search": {"vector_store_ids": [store.id]}})
    (aac.root / "m/kb.yaml").unlink()

    result = aac("apply", "--auto-approve")

    assert result.code == 0, result.err
    assert f"vector_store.kb is used by assistant {assistant.id}, which this stack does not own" in result.out
    assert client.vector_stores.retrieve(store.id).file_counts.completed == 1  # its file kept with it


def test_output_env_refuses_two_keys_that_would_be_one_variable(aac: Cli, client: openai.OpenAI) -> None:
    """`a.b` and `a-b` are both AAC_VAULT_A_B_ID: one line would silently override the other in $GITHUB_ENV."""
    (aac.root / "m/dots.yaml").write_text("kind: vault\nname: a.b\n---\nkind: vault\nname: a-b\n")
    assert aac("apply", "--auto-approve").code == 0

    result = aac("output", "--format", "env")

    assert result.code == 1 and result.out == ""
    assert "vault.a-b and vault.a.b would both be AAC_VAULT_A_B_ID" in result.err
    assert aac("output").code == 0  # JSON keeps the keys apart


def test_a_token_in_a_header_or_url_added_by_hand_is_in_no_plan_or_drift_report(
        aac: Cli, client: openai.OpenAI) -> None:
    (aac.root / "m/agent.yaml").write_text(
        "kind: agent\nname: helper\nmodel: gpt-5.1\ntools:\n  - {type: mcp, server_label: docs, "
        "transport: {type: http, server_url: 'https://docs.example.com/'}}\n")
    assert aac("apply", "--auto-approve").code == 0
    [agent] = list(client.beta.agents.list())
    token = "Bearer hand-pasted-header-token-0123456789"
    client.beta.agents.update(agent.id, tools=[
        {"type": "mcp", "server_label": "docs", "transport": {
            "type": "http", "server_url": "https://docs.example.com/", "headers": {"Authorization": token}}},
        {"type": "mcp", "server_label": "wiki", "transport": {
            "type": "http", "server_url": "https://x:hand-pasted-url-token-0123456789@wiki.example.com/"}}])
    (aac.root / "m/agent.yaml").unlink()  # shown whole now: an agent no manifest declares

    reports = [aac(*command) for command in (("plan", "--format", "json"), ("drift", "--format", "json"),
                                             ("plan", "--destroy", "--format", "json"), ("drift",))]

    assert '"Authorization": "[REDACTED]"' in reports[0].out and '"server_url": "[REDACTED]"' in reports[0].out
    assert not [r.out for r in reports if "hand-pasted" in r.out + r.err]


def test_a_saved_plan_that_would_delete_a_vault_someone_has_since_added_to_is_refused(
        aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    (aac.root / "m/tools.yaml").unlink()
    assert aac("plan", "--out", "plan.json").code == 0
    vault, credential = _hand_made_credential(client)  # the vault's own fields do not change

    result = aac("apply", "plan.json")

    assert result.code == 1
    assert "the saved plan is stale: what apply would do to vault.tools changed since the plan was made" in result.err
    assert credential.id in [c.id for c in client.beta.agents.vaults.credentials.list(vault.id)]
