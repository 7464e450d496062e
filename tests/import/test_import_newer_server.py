"""Import from a server newer than this aac: its agents, vaults and credentials carry fields the manifest schema
does not know (the Agents API is beta and grows). A loopback proxy in front of the sandbox adds such fields to
every read, at every level a manifest writes; import must still write manifests that validate, and say what it
left out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from tests.cli_harness import Cli
from tests.sdk_http import serving

from .conftest import KEY_ENV, aim, proxied

NEW = "future_field"
ECHOED = "echoed-secret-token-0123456789"
SETTINGS = ("reasoning", "text", "multi_agent", "compaction", "experimental")


def _newer(obj: dict[str, Any]) -> dict[str, Any]:
    """An agent, vault or credential as a newer server answers it: unknown fields everywhere, keys reversed."""
    obj = {**dict(reversed(obj.items())), NEW: {"enabled": True}}
    for name in (*SETTINGS, "auth"):
        if isinstance(obj.get(name), dict):
            obj[name] = {**obj[name], NEW: "on"}
    if isinstance(obj.get("auth"), dict):  # and careless: it echoes a secret
        obj["auth"]["token"] = ECHOED
    if isinstance(obj.get("tools"), list):
        obj["tools"] = [{**tool, NEW: 1} for tool in obj["tools"]]
    return obj


def _rewrite(obj: dict[str, Any], listed: bool) -> dict[str, Any]:
    return _newer(obj) if listed or obj.get("object") in ("agent", "vault", "vault.credential") else obj


@pytest.fixture
def newer(sandbox: Any) -> Iterator[str]:
    with serving(proxied(sandbox.base_url, _rewrite)) as base_url:
        yield base_url


def test_fields_a_newer_server_adds_are_left_out_and_named(
        aac: Cli, client: openai.OpenAI, newer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = client.beta.agents.vaults.create(name="Tools")
    credential = client.beta.agents.vaults.credentials.create(vault.id, name="mcp", auth={
        "type": "static_bearer", "token": "hand-made-secret-token", "mcp_server_url": "https://mcp.example.com/"})
    agent = client.beta.agents.create(model="gpt-5.1", name="Helper", reasoning={"effort": "high"}, tools=[
        {"type": "web_search"},
        {"type": "mcp", "server_label": "tools", "credential_id": credential.id,
         "transport": {"type": "http", "server_url": "https://mcp.example.com/"}}])
    aim(aac, newer)

    result = aac("import", agent.id, "--auto-approve")

    assert result.code == 0, result.err
    agent_text = (aac.root / "assistants/imported/helper.yaml").read_text()
    vault_text = (aac.root / "assistants/imported/tools.yaml").read_text()
    assert NEW not in json.dumps([yaml.safe_load(agent_text), yaml.safe_load(vault_text)])
    assert f"reasoning.{NEW}" in agent_text and f"tools[0].{NEW}" in agent_text  # said, in a comment
    assert f"credentials[0].auth.{NEW}" in vault_text
    assert ECHOED not in vault_text + result.out + result.err and "auth.token" not in vault_text
    assert aac("validate").code == 0
    monkeypatch.setenv(KEY_ENV, "sk-test")
    assert aac("plan", "--detailed-exitcode").code == 0
    assert client.beta.agents.retrieve(agent.id).reasoning.effort == "high"  # adopted as it was


def test_a_plan_and_drift_through_a_newer_server_are_empty_after_apply(
        aac: Cli, newer: str, tmp_path: Path) -> None:
    (aac.root / "assistants/agent.yaml").write_text(
        "kind: agent\nname: helper\nmodel: gpt-5.1\nreasoning: {effort: low}\ntext: {verbosity: low}\n"
        "tools:\n  - {type: web_search, context_size: low}\n"
        "  - {type: mcp, server_label: docs, transport: {type: http, server_url: 'https://docs.example.com/'}}\n")
    aim(aac, newer)

    assert aac("apply", "--auto-approve").code == 0
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0


def test_a_secret_the_server_echoes_is_in_no_plan_or_drift_report(
        aac: Cli, newer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWER_TEST_TOKEN", "the-token-aac-sends-0123456789")
    vault = ("kind: vault\nname: tools\ncredentials:\n  - name: mcp\n    auth: {type: static_bearer, "
             "mcp_server_url: 'https://mcp.example.com/', token_env: NEWER_TEST_TOKEN}\n")
    (aac.root / "assistants/tools.yaml").write_text(vault)
    aim(aac, newer)
    assert aac("apply", "--auto-approve").code == 0
    (aac.root / "assistants/tools.yaml").write_text(vault.split("credentials:")[0])  # the credential: unmanaged

    reports = [aac(*command) for command in (("plan", "--format", "json"), ("plan", "--destroy", "--format", "json"),
                                             ("drift", "--format", "json"), ("drift", "--format", "markdown"))]

    assert all(r.code in (0, 2) for r in reports), [r.err for r in reports]
    assert '"credential.tools/mcp"' in reports[0].out
    assert not [r.out for r in reports if ECHOED in r.out + r.err]
