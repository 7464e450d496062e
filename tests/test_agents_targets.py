"""Which targets have agents: a post-sunset target (no Assistants API) takes a stack of agents, a vault and
vector stores whole; a target without the Agents API stops plan, apply and destroy at one clear error before
any write, and drift reports an incomplete scan that says why."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli

from aac.sandbox.server import serve_in_background

KEY_ENV = "AAC_AGENTS_TARGET_KEY"
MANIFESTS = """\
kind: vector_store
name: runbooks
files: [../docs/*.md]
---
kind: vault
name: tools
credentials:
  - name: tracker
    version: 3
    auth: {type: static_bearer, mcp_server_url: "https://mcp.tracker.example/", token_env: TRACKER_TOKEN}
  - name: search
    auth:
      type: environment_variable
      secret_name: SEARCH_KEY
      secret_value_env: SEARCH_KEY_VALUE
      networking: {type: limited, allowed_hosts: [api.search.example]}
---
kind: agent
name: on-call
model: gpt-5.1
instructions: Triage the pages; search the runbooks first.
text: {verbosity: low}
tools:
  - type: mcp
    server_label: tracker
    transport: {type: http, server_url: "https://mcp.tracker.example/"}
    credential: tools/tracker
  - {type: web_search, context_size: high}
metadata: {rota: sre}
---
kind: agent
name: reviewer
model: gpt-5.1-mini
tools:
  - type: function
    name: open_ticket
    description: Open a ticket
    parameters: {type: object, properties: {title: {type: string}}, required: [title]}
"""


def write_agents_stack(root: Path, base_url: str) -> Path:
    (root / "agents").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs/restart.md").write_text("# Restarting the service\nRun the restart job, then check health.\n")
    (root / "docs/rollback.md").write_text("# Rolling back\nRedeploy the previous tag.\n")
    (root / "agents/stack.yaml").write_text(MANIFESTS)
    (root / "aac.yaml").write_text(f"stack: ops\nmanifests: agents\ndefault_target: t\ntargets:\n"
                                   f"  t: {{type: openai, base_url: '{base_url}', api_key_env: {KEY_ENV}}}\n")
    return root


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    monkeypatch.setenv("TRACKER_TOKEN", "tracker-token-0123456789")
    monkeypatch.setenv("SEARCH_KEY_VALUE", "search-value-0123456789")


def test_agents_a_vault_and_vector_stores_apply_where_the_assistants_api_is_gone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve_in_background(":memory:", index_delay_ms=0, no_assistants=True) as server, \
            openai.OpenAI(base_url=server.base_url, api_key="sk-test") as client:
        aac = Cli(write_agents_stack(tmp_path / "stack", server.base_url), capsys)

        applied = aac("apply", "--auto-approve")

        assert applied.code == 0, applied.err
        # 2 uploads, the store and its 2 files, the vault and its 2 credentials, 2 agents
        assert "Apply complete: 10 created, 0 updated, 0 replaced, 0 deleted." in applied.out
        assert sorted(a.metadata["aac-key"] for a in client.beta.agents.list()) == ["on-call", "reviewer"]
        [vault] = client.beta.agents.vaults.list()
        assert sorted(c.name for c in client.beta.agents.vaults.credentials.list(vault.id)) == ["search", "tracker"]
        assert client.vector_stores.list().data[0].file_counts.completed == 2
        planned = aac("plan", "--detailed-exitcode")
        assert planned.code == 0, planned.out + planned.err
        assert "No changes." in planned.out
        assert aac("drift").code == 0


def test_the_same_stack_on_a_target_without_the_agents_api_is_one_clear_error_and_no_write(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve_in_background(":memory:", index_delay_ms=0, no_agents=True) as server:
        aac = Cli(write_agents_stack(tmp_path / "stack", server.base_url), capsys)
        missing = (f"{server.base_url} has no Agents API (404 on /agents or /vaults): agent and vault manifests "
                   "need OpenAI's Agents API, which is beta, or the sandbox, which serves it; files, vector stores "
                   "and assistants as configuration still work here")
        for command in (("plan",), ("apply", "--auto-approve"), ("destroy", "--auto-approve"), ("drift",)):
            server.reset_counts()

            result = aac(*command)

            assert result.code == 1
            errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
            if command == ("drift",):  # the report says it is incomplete, and why
                assert len(errors) == 1 and errors[0].startswith(f"error: the drift scan is incomplete: {missing}")
                assert "Error: The scan is incomplete" in result.out
            else:
                assert errors == [f"error: {missing}"] and result.out == ""
            assert "Traceback" not in result.err
            assert server.writes == 0
        output = aac("output")  # what is live, with the reason the agents and vaults have no id
        assert output.code == 0 and output.json()["agents"] == {}
        warnings = [line for line in output.err.splitlines() if line.startswith("warning: no id for ")]
        assert len(warnings) == 1 and warnings[0].endswith(missing) and "agent.on-call, agent.reviewer" in warnings[0]
        pending = [line for line in output.err.splitlines() if "not on target" in line]
        assert pending == ["warning: not on target t yet, so without an id here: vector_store.runbooks; "
                           "run `aac apply` to create them"]  # it could be; the agents could not
