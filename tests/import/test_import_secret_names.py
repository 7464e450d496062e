"""`aac import` keeps out of git every token it can recognise by name, as it does an Authorization header:
a header, a query parameter of an MCP URL (an agent's or a credential's), a key of an mcp tool's
`request_metadata`, or a metadata key of any object, named like a credential. Refused before any write,
the value never shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli

TOKEN = "Zq8" + "rT2vLw9XkP4mN7bC1dF6"  # token-shaped at run time


def _files(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and ".aac" not in p.parts and p.name != "aac.yaml"]


def _mcp(transport: dict[str, Any], **extra: Any) -> list[Any]:
    return [{"type": "mcp", "server_label": "tools", "transport": {"type": "http", **transport}, **extra}]


AGENT_TOOLS = {
    "Ocp-Apim-Subscription-Key header": _mcp({"server_url": "https://mcp.example.com/",
                                              "headers": {"Ocp-Apim-Subscription-Key": TOKEN}}),
    "X-Access-Key header": _mcp({"server_url": "https://mcp.example.com/", "headers": {"X-Access-Key": TOKEN}}),
    "X-Goog-Api-Key header": _mcp({"server_url": "https://mcp.example.com/", "headers": {"x-goog-api-key": TOKEN}}),
    "X-Amz-Security-Token header": _mcp({"server_url": "https://mcp.example.com/",
                                         "headers": {"X-Amz-Security-Token": TOKEN}}),
    "Private-Token header": _mcp({"server_url": "https://mcp.example.com/", "headers": {"Private-Token": TOKEN}}),
    "?code= URL": _mcp({"server_url": f"https://fn.azurewebsites.net/api/mcp?code={TOKEN}"}),
    "SAS URL": _mcp({"server_url": f"https://x.blob.core.windows.net/c?sv=2024-01-01&se=2026-12-31&sig={TOKEN}"}),
    "?apikey= URL": _mcp({"server_url": f"https://mcp.example.com/?apikey={TOKEN}"}),
    "request_metadata api_key": _mcp({"server_url": "https://mcp.example.com/"}, request_metadata={"api_key": TOKEN}),
    "request_metadata X-Functions-Key": _mcp({"server_url": "https://mcp.example.com/"},
                                             request_metadata={"X-Functions-Key": TOKEN}),
}


@pytest.mark.parametrize("tools", AGENT_TOOLS.values(), ids=AGENT_TOOLS.keys())
def test_an_agent_whose_mcp_tool_carries_a_token_by_name_is_refused_before_any_write(
        aac: Cli, client: openai.OpenAI, tools: list[Any]) -> None:
    agent = client.beta.agents.create(model="gpt-5.1", name="Tools", tools=tools)

    for command in (("import", agent.id, "--auto-approve"), ("import", "--all", "--auto-approve")):
        result = aac(*command)
        assert result.code == 1, result.out + result.err
        assert "which a manifest would keep in git" in result.err and "nothing was written" in result.err
        assert TOKEN not in result.out + result.err
        assert _files(aac.root) == []


@pytest.mark.parametrize("url", [f"https://fn.azurewebsites.net/api/mcp?code={TOKEN}",
                                 f"https://mcp.example.com/sse?sig={TOKEN}&sv=2024-01-01"], ids=["code", "sig"])
def test_a_credential_whose_mcp_server_url_carries_a_key_is_refused_before_any_write(
        aac: Cli, client: openai.OpenAI, url: str) -> None:
    vault = client.beta.agents.vaults.create(name="keys")
    client.beta.agents.vaults.credentials.create(vault.id, name="c", auth={  # type: ignore[arg-type]
        "type": "static_bearer", "token": "ghp_" + TOKEN, "mcp_server_url": url})

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 1 and "has a token in its URL" in result.err
    assert TOKEN not in result.out + result.err and _files(aac.root) == []


@pytest.mark.parametrize("key", ["api_key", "X-Functions-Key", "client-secret", "sas_token"])
def test_an_object_with_a_metadata_key_named_for_a_credential_is_refused_before_any_write(
        aac: Cli, client: openai.OpenAI, key: str) -> None:
    client.vector_stores.create(name="Hand store", metadata={key: TOKEN})
    client.beta.agents.vaults.create(name="Hand vault", metadata={"team": "platform"})

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 1
    assert f"has a metadata key {key!r} named for a credential" in result.err
    assert TOKEN not in result.out + result.err and _files(aac.root) == []


def test_headers_and_metadata_with_ordinary_names_still_import(aac: Cli, client: openai.OpenAI) -> None:
    client.beta.agents.create(model="gpt-5.1", name="Plain", metadata={"sort_key": "a", "team": "x"}, tools=_mcp(
        {"server_url": "https://mcp.example.com/?region=eu", "headers": {"X-Idempotency-Key": "k", "X-Tenant": "t"}},
        request_metadata={"region": "eu"}))

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 0, result.err
    assert aac("plan", "--detailed-exitcode").code == 0
