"""A credential someone put by hand where an agent or a credential keeps plain configuration (a header of any
name, the request metadata, a URL's `?code=`, a field of a credential's auth) is in no plan, saved plan, drift
report or imported manifest, in any format: the plan JSON carries "[REDACTED]" there, with its sensitivity mark,
in `resource_changes` and `resource_drift` alike; and a manifest holding one is refused by validate, unquoted.

The target is the real sandbox; the hand-made values are planted in its store, as a hostile server answers them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from aac.cli import main
from aac.sandbox.server import RunningSandbox
from aac.secrets import REDACTED
from test_plan_cli import KEY, example

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

_BODY = "Zq7Rk2Lm9Xv4Tb8Nc1Wd6Hs3Jf5Gp0YaQe"
# Built at run time (no whole token in the source): one of each shape, each told apart by its own letters.
TOKENS = {
    "github": "ghp_" + "HdrA" + _BODY,
    "bearer": "sk-" + "proj-HdrB" + _BODY,
    "slack": "xoxb-" + "HdrC" + _BODY,
    "aws": "AKIA" + "HDRD2345ABCDEFGH",
    "subscription": "HdrE" + _BODY,  # no shape: the header's name says it
    "access": "HdrF" + _BODY,
    "metadata": "glpat-" + "Meta" + _BODY,
    "agent_code": "AgentCode" + _BODY,
    "agent_path": "ghp_" + "Path" + _BODY,
    "credential_code": "CredCode" + _BODY,
    "credential_field": "hf_" + "CredField" + _BODY,
    "credential_header": "ghp_" + "CredHdr" + _BODY,
}


def _leaked(text: str) -> list[str]:
    return [name for name, token in TOKENS.items() if token[2:22] in text]


def cli(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--chdir", str(root), "--no-color", "--target", "remote", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def planted(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Path:
    """The example applied, then its agent's mcp tool and its credential given tokens by hand on the target."""
    monkeypatch.setenv("AAC_TEST_KEY", KEY)
    monkeypatch.delenv("AAC_TARGET", raising=False)
    root = example(tmp_path, sandbox.base_url)
    assert cli(root, capsys, "apply", "--auto-approve")[0] == 0
    agent = sandbox.store.all("agent")[0]
    mcp = next(tool for tool in agent["tools"] if tool["type"] == "mcp")
    mcp["transport"]["headers"] = {
        "X-GitHub": TOKENS["github"], "X-Forward": "Bearer " + TOKENS["bearer"], "X-Slack": TOKENS["slack"],
        "X-Aws": TOKENS["aws"], "Ocp-Apim-Subscription-Key": TOKENS["subscription"],
        "X-Access-Key": TOKENS["access"], "X-Trace": "kept-as-it-is"}
    mcp["transport"]["server_url"] = f"https://mcp.example/{TOKENS['agent_path']}/?code={TOKENS['agent_code']}"
    mcp["request_metadata"] = {"note": TOKENS["metadata"], "team": "weather"}
    sandbox.store.put("agent", agent)
    vault = sandbox.store.all("vault")[0]
    credential = sandbox.store.all("credential", vault["id"])[0]
    credential["auth"].update(mcp_server_url=f"https://api.githubcopilot.com/mcp/?code={TOKENS['credential_code']}",
                              extra=TOKENS["credential_field"], headers={"X-GitHub": TOKENS["credential_header"]})
    sandbox.store.put("credential", credential, vault["id"])
    return root


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))
    else:
        yield path, value


def _marked(mask: Any, path: tuple[Any, ...]) -> bool:
    for step in path:
        if isinstance(mask, dict):
            mask = mask.get(step, False)
        elif isinstance(mask, list) and isinstance(step, int) and step < len(mask):
            mask = mask[step]
        else:
            return False
    return mask is True


def _assert_every_redaction_is_marked(plan: dict[str, Any]) -> int:
    """Each "[REDACTED]" of before and after is true in the side's sensitivity mask; how many there are."""
    count = 0
    for rc in plan["resource_changes"] + plan["resource_drift"]:
        change = rc["change"]
        for side in ("before", "after"):
            for path, leaf in _paths(change[side]):
                if leaf == REDACTED:
                    count += 1
                    assert _marked(change[f"{side}_sensitive"], path), (rc["address"], side, path)
    return count


@pytest.mark.parametrize("args", [(), ("--destroy",)], ids=["plan", "destroy plan"])
def test_tokens_put_in_configuration_by_hand_are_in_no_plan_format(
        planted: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    for fmt in ("text", "markdown", "json"):
        code, out, err = cli(planted, capsys, "plan", *args, "--format", fmt)
        assert code == 0, err
        assert not _leaked(out + err), (fmt, _leaked(out + err))
    code, out, err = cli(planted, capsys, "plan", *args, "--format", "json", "--out", "saved.json")
    plan = json.loads(out)
    assert _assert_every_redaction_is_marked(plan) > 0
    assert not _leaked((planted / "saved.json").read_text())
    for fmt in ("text", "json"):
        code, out, err = cli(planted, capsys, "show", "--format", fmt, "saved.json")
        assert code == 0 and not _leaked(out + err), fmt
    kept = json.dumps(plan)
    assert "kept-as-it-is" in kept or not args  # a plain header stays readable where the plan shows headers


def test_a_url_token_changed_by_hand_is_hidden_in_drift_and_in_the_plans_resource_drift(
        planted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("text", "json", "markdown", "junit"):
        code, out, err = cli(planted, capsys, "drift", "--format", fmt)
        assert code == 2 and not _leaked(out + err), (fmt, _leaked(out + err))
    plan = json.loads(cli(planted, capsys, "plan", "--format", "json")[1])
    drift = {rc["address"]: rc["change"] for rc in plan["resource_drift"]}
    credential = drift["credential.github/github-mcp"]
    assert credential["after"]["auth"]["mcp_server_url"] == REDACTED
    assert credential["after_sensitive"]["auth"]["mcp_server_url"] is True
    assert drift["agent.weather-agent"]["after_sensitive"]["tools"][2]["transport"]["server_url"] is True
    _assert_every_redaction_is_marked(plan)


def test_import_refuses_an_agent_or_credential_holding_a_token_in_plain_configuration(
        tmp_path: Path, sandbox: RunningSandbox, client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AAC_TEST_KEY", KEY)
    monkeypatch.delenv("AAC_TARGET", raising=False)
    root = example(tmp_path, sandbox.base_url)
    made = client.beta.agents.create(model="gpt-5.1", name="Hand made", tools=[{
        "type": "mcp", "server_label": "gh", "transport": {"type": "http", "server_url": "https://mcp.example/"}}])
    agent = sandbox.store.get("agent", made.id)
    assert agent is not None
    for headers, metadata in (({"X-GitHub": "Bearer " + TOKENS["github"]}, {}), ({}, {"note": TOKENS["metadata"]})):
        agent["tools"][0]["transport"]["headers"] = headers
        agent["tools"][0]["request_metadata"] = metadata
        sandbox.store.put("agent", agent)
        code, out, err = cli(root, capsys, "import", "--all", "--out", "assistants/hand", "--auto-approve")
        assert code == 1 and "nothing was written" in err and not _leaked(out + err), err
        assert not (root / "assistants/hand").exists()
    client.beta.agents.delete(made.id)
    vault = client.beta.agents.vaults.create(name="Hand vault")
    credential = client.beta.agents.vaults.credentials.create(vault.id, name="c", auth={
        "type": "static_bearer", "mcp_server_url": "https://mcp.example/", "token": "t" * 20})
    stored = sandbox.store.get("credential", credential.id, vault.id)
    assert stored is not None
    sandbox.store.put("credential", {**stored, "auth": {**stored["auth"], "extra": TOKENS["credential_field"]}},
                      vault.id)
    code, out, err = cli(root, capsys, "import", "--all", "--out", "assistants/hand", "--auto-approve")
    assert code == 1 and "auth field extra" in err and not _leaked(out + err), err
    assert not (root / "assistants/hand").exists()


@pytest.mark.parametrize("where, value", [
    ("header", "Bearer " + TOKENS["github"]),
    ("header", TOKENS["slack"]),
    ("metadata", TOKENS["metadata"]),
    ("url", f"https://mcp.example/{TOKENS['agent_path']}/"),
], ids=["bearer header", "slack header", "metadata value", "url path"])
def test_validate_refuses_a_token_in_plain_configuration_without_quoting_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, value: str) -> None:
    root = example(tmp_path)
    manifest = root / "assistants" / "agents" / "weather-agent.yaml"
    text = manifest.read_text()
    if where == "header":
        text = text.replace("server_url: https://api.githubcopilot.com/mcp/}",
                            f"server_url: https://api.githubcopilot.com/mcp/, headers: {{X-Forward: '{value}'}}}}")
    elif where == "metadata":
        text = text.replace("metadata: {team: weather}", f"metadata: {{team: weather, note: '{value}'}}")
    else:
        text = text.replace("server_url: https://api.githubcopilot.com/mcp/}", f"server_url: '{value}'}}")
    manifest.write_text(text)
    capsys.readouterr()
    assert main(["--chdir", str(root), "--no-color", "validate"]) == 1
    err = capsys.readouterr().err
    assert "weather-agent.yaml" in err and "hint: " in err and not _leaked(err), err
