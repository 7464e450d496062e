"""For generated agent specs, a plan right after `aac apply` is empty, against the real sandbox (seeded, so a
failure reproduces: the seed is in the message).

Each seed is its own stack on one server (stacks never see each other), with an agent, a vault whose
credentials its MCP tools name, and a second agent. It is applied through the CLI and planned again;
then a second generated spec for the same keys is applied over it (updates: settings the first set and
the second leaves to the server, tools replaced whole) and planned again. The sandbox fills in every
resolved default, as OpenAI does, so a setting or tool key the manifest leaves out must never show.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from tests.cli_harness import Cli

from aac.sandbox.server import RunningSandbox

KEY_ENV = "AAC_AGENTS_PROPERTY_KEY"
SEEDS = range(24)
TOKEN_ENV = "PROPERTY_MCP_TOKEN"


def _maybe(rng: random.Random, value: Any, p: float = 0.5) -> Any:
    return value if rng.random() < p else None


def _schema(rng: random.Random) -> dict[str, Any]:
    props = {name: {"type": rng.choice(["string", "integer", "number", "boolean"]), "description": f"the {name}"}
             for name in rng.sample(["city", "unit", "day", "count", "exact"], rng.randint(1, 4))}
    if rng.random() < 0.3:
        props["tags"] = {"type": "array", "items": {"type": "string"}}
    schema = {"type": "object", "properties": props, "required": sorted(props), "additionalProperties": False}
    items = list(schema.items())
    rng.shuffle(items)  # key order is never a change
    return dict(items)


def _settings(rng: random.Random) -> dict[str, Any]:
    choices: dict[str, Any] = {
        "reasoning": {k: v for k, v in {
            "effort": _maybe(rng, rng.choice(["none", "minimal", "low", "medium", "high", "xhigh"])),
            "summary": _maybe(rng, rng.choice(["auto", "concise", "detailed"]))}.items() if v is not None},
        "service_tier": rng.choice(["auto", "default", "flex", "priority"]),
        "text": {k: v for k, v in {
            "verbosity": _maybe(rng, rng.choice(["low", "medium", "high"])),
            "format": _maybe(rng, rng.choice([{"type": "text"}, {"type": "json_schema", "schema": _schema(rng)}]))
        }.items() if v is not None},
        "multi_agent": rng.choice([{"enabled": False}, {"enabled": True},
                                   {"enabled": True, "max_concurrent_subagents": rng.randint(1, 8)}]),
        "compaction": {"async": rng.random() < 0.5},
        "experimental": {"time_awareness": rng.random() < 0.5},
    }
    return {name: value for name, value in choices.items() if rng.random() < 0.4}


def _tools(rng: random.Random, credentials: list[str]) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    for index in range(rng.randint(0, 3)):
        tool = {"type": "function", "name": f"fn_{index}", "description": f"Does thing {index}.",
                "parameters": _schema(rng)}
        tool.update({k: v for k, v in {"defer_loading": _maybe(rng, rng.random() < 0.5),
                                       "async": _maybe(rng, rng.random() < 0.5)}.items() if v is not None})
        tools.append(tool)
    for index in range(rng.randint(0, 2)):
        url = f"https://mcp{index}.example.com/"
        tool = {"type": "mcp", "server_label": f"server_{index}", "transport": {"type": "http", "server_url": url}}
        if rng.random() < 0.6:
            tool["credential"] = f"keys/{credentials[index]}"
        tool.update({k: v for k, v in {"allowed_tools": _maybe(rng, sorted(rng.sample(["a", "b", "c"], 2))),
                                       "required": _maybe(rng, rng.random() < 0.5)}.items() if v is not None})
        tools.append(tool)
    if rng.random() < 0.5:
        search: dict[str, Any] = {"type": "web_search"}
        search.update({k: v for k, v in {
            "context_size": _maybe(rng, rng.choice(["low", "medium", "high"])),
            "allowed_domains": _maybe(rng, ["example.com", "docs.example.com"]),
            "location": _maybe(rng, {"city": "Lyon", "country": "FR"}),
            "mode": _maybe(rng, rng.choice(["cached", "live"]))}.items() if v is not None})
        tools.append(search)
    for kind in ("tool_search", "programmatic_tool_calling", "computer_use", "automations"):
        if rng.random() < 0.15:
            tools.append({"type": kind})
    rng.shuffle(tools)  # tool order is never a change
    return tools


def agent_manifests(rng: random.Random) -> list[dict[str, Any]]:
    credentials = ["mcp-0", "mcp-1"]
    vault = {"kind": "vault", "name": "keys", "credentials": [
        {"name": name, "auth": {"type": "static_bearer", "mcp_server_url": f"https://mcp{i}.example.com/",
                                "token_env": TOKEN_ENV}} for i, name in enumerate(credentials)]}
    agents = []
    for name in ("main", "helper"):
        agent: dict[str, Any] = {"kind": "agent", "name": name, "model": rng.choice(["gpt-5.1", "gpt-5.1-mini", "o3"])}
        agent.update({k: v for k, v in {
            "display_name": _maybe(rng, f"The {name} agent"),
            "instructions": _maybe(rng, rng.choice(["Be brief.", "Be brief.\nBe kind.\n", "Réponds en français."])),
            "metadata": _maybe(rng, {"team": rng.choice(["a", "b"])}),
            "tools": _tools(rng, credentials) or None}.items() if v is not None})
        agent.update(_settings(rng))
        agents.append(agent)
    return [vault, *agents]


def _write(root: Path, manifests: list[dict[str, Any]]) -> None:
    # JSON is YAML: the generated values are written exactly, with no YAML typing surprises
    (root / "agents" / "generated.yaml").write_text("\n---\n".join(json.dumps(m) for m in manifests))


def _stack(root: Path, seed: int, base_url: str) -> Path:
    (root / "agents").mkdir(parents=True)
    (root / "aac.yaml").write_text(f"stack: gen{seed}\nmanifests: agents\ndefault_target: t\ntargets:\n"
                                   f"  t: {{type: openai, base_url: '{base_url}', api_key_env: {KEY_ENV}}}\n")
    return root


def _apply_then_plan(aac: Cli, seed: int, round_: str) -> None:
    applied = aac("apply", "--auto-approve")
    assert applied.code == 0, f"seed {seed}, {round_}: {applied.err}"
    planned = aac("plan", "--detailed-exitcode")
    assert planned.code == 0, f"seed {seed}, {round_}: a plan right after apply is not empty:\n{planned.out}"


def test_generated_agent_specs_plan_empty_right_after_apply_and_after_an_update(
        tmp_path: Path, sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    monkeypatch.setenv(TOKEN_ENV, "generated-token-0123456789")
    for seed in SEEDS:
        rng = random.Random(seed)
        aac = Cli(_stack(tmp_path / f"s{seed}", seed, sandbox.base_url), capsys)
        _write(aac.root, agent_manifests(rng))
        _apply_then_plan(aac, seed, "created")
        _write(aac.root, agent_manifests(rng))
        _apply_then_plan(aac, seed, "updated")
