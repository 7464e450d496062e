"""Fixtures for the kinds' tests: the agent stack applied to a fresh sandbox, through the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import openai
import pytest
import yaml

from aac.sandbox.server import RunningSandbox
from cli_harness import Cli

FIXTURE = Path(__file__).parent.parent / "manifest" / "agent_stack"
SECRETS = {"GITHUB_MCP_TOKEN": "ghp-settings-test-0001", "OAUTH_ACCESS_TOKEN": "oauth-access-test-0001",
           "OAUTH_REFRESH_TOKEN": "oauth-refresh-test-0001", "OAUTH_CLIENT_SECRET": "client-secret-test-0001",
           "SEARCH_API_KEY": "search-key-test-0001"}


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    root = tmp_path / "stack"
    shutil.copytree(FIXTURE, root)
    stack = yaml.safe_load((root / "aac.yaml").read_text())
    stack["targets"]["sandbox"] = {"type": "openai", "base_url": sandbox.base_url, "api_key_env": "AAC_TEST_KEY"}
    (root / "aac.yaml").write_text(yaml.safe_dump(stack))
    monkeypatch.setenv("AAC_TEST_KEY", "sk-settings-test")
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    cli = Cli(root, capsys)
    assert cli("apply", "--auto-approve").code == 0
    assert cli("plan", "--detailed-exitcode").code == 0
    return cli


def edit(cli: Cli, change: dict[str, object], drop: tuple[str, ...] = ()) -> None:
    path = cli.root / "agents" / "weather-agent.yaml"
    agent = yaml.safe_load(path.read_text())
    agent.update(change)
    for name in drop:
        agent.pop(name)
    path.write_text(yaml.safe_dump(agent, sort_keys=False))


def the_agent(client: openai.OpenAI) -> object:
    (agent,) = list(client.beta.agents.list())
    return agent
