"""A credential written where a name goes is refused by `aac validate`, named by field and file:line and never
quoted, and no command prints it: a token pasted into any field that names a variable (`token_env`, the other
`*_env` fields, `secret_name`, a target's `api_key_env`); a header, URL parameter or `request_metadata` /
`metadata` key named for a credential. Variable names, however long, still pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.apply.helpers import REPO
from tests.cli_harness import Cli

# Built at run time, so the source holds no token a scanner would stop.
TOKENS = {
    "github": "ghp_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
    "github-fine-grained": "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnop",
    "openai-project": "sk-proj-" + "Ab3dE5fG7hJ9kL1mN2pQ4rS6",
    "slack": "xoxb-" + "1234567890-0987654321-AbCdEfGhIj",
    "aws": "AKIA" + "IOSFODNN7EXAMPLE",
    "google": "AIza" + "SyA1234567890abcdefghijklmnopqrstu",
    "stripe": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "gitlab": "glpat-" + "xYz0123456789abcdefGH",
    "jwt": "eyJ" + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "high-entropy": "q7Xk2" + "Lm9Pz4Rt8Vw3Ny6B",
    "hex": "9f86d0" + "81884c7d659a2feaa0c55ad015a3bf4f1b",
}
NAMES = ["GITHUB_MCP_TOKEN", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY_2", "github_mcp_token",
         "MORE_OAUTH_REFRESH_TOKEN_FOR_THE_STAGING_ENVIRONMENT", "AWS_S3_BUCKET_2_KEY_V2", "MyServiceApiKeyForProd2"]
VAULT = """\
kind: vault
name: more
credentials:
  - name: oauth
    version: 1
    auth:
      type: mcp_oauth
      mcp_server_url: https://mcp.example.com/
      access_token_env: {access}
      refresh:
        client_id: aac-client
        refresh_token_env: OAUTH_REFRESH_TOKEN
        token_endpoint: https://auth.example.com/token
        token_endpoint_auth: {{type: client_secret_basic, client_secret_env: {client}}}
  - name: search
    version: 1
    auth:
      type: environment_variable
      secret_name: {secret_name}
      secret_value_env: SEARCH_KEY_VALUE
      networking: {{type: unrestricted}}
metadata:
  deploy_env: {metadata}
"""
FIELDS = {  # where the token goes: (access_token_env, client_secret_env, secret_name, metadata.deploy_env)
    "access_token_env": ("more.yaml:9", "credentials[0].auth.access_token_env"),
    "client_secret_env": ("more.yaml:14", "credentials[0].auth.refresh.token_endpoint_auth.client_secret_env"),
    "secret_name": ("more.yaml:19", "credentials[1].auth.secret_name"),
    "metadata": ("more.yaml:23", "metadata.deploy_env"),
}


def _stack(root: Path, capsys: pytest.CaptureFixture[str], field: str | None = None, token: str = "") -> Cli:
    root.mkdir()
    for name in ("aac.yaml", "assistants", "schemas", "data", "knowledge"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    values = {"access": "OAUTH_ACCESS_TOKEN", "client": "OAUTH_CLIENT_SECRET", "secret_name": "SEARCH_KEY",
              "metadata": "production"}
    if field is not None:
        values[{"access_token_env": "access", "client_secret_env": "client"}.get(field, field)] = token
    (root / "assistants/agents/more.yaml").write_text(VAULT.format(**values))
    return Cli(root, capsys)


def _shown(text: str, token: str) -> bool:
    """The token, or a 12-character piece of it, in `text`."""
    return any(token[i:i + 12] in text for i in range(len(token) - 11))


COMMANDS = [("validate",), *(("plan", "--format", f) for f in ("text", "json", "markdown")),
            ("plan", "--out", "plan.json"), ("apply", "--auto-approve"),
            *(("drift", "--format", f) for f in ("text", "json", "markdown", "junit"))]


@pytest.mark.parametrize("token", TOKENS.values(), ids=TOKENS.keys())
def test_a_token_in_the_place_of_a_variable_name_is_refused_and_printed_by_no_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], token: str) -> None:
    aac = _stack(tmp_path / "stack", capsys, "access_token_env", token)
    where, field = FIELDS["access_token_env"]
    for command in COMMANDS:
        result = aac(*command)
        printed = result.out + result.err
        assert result.code == 1, (command, printed)
        assert f"assistants/agents/{where}: error: `{field}` holds what looks like" in printed, (command, printed)
        assert "write the variable's NAME here, e.g. `access_token_env: MY_SECRET`" in printed
        assert not _shown(printed, token), (command, printed)
    for fmt in ("json", "env"):  # prints what is live, the manifests invalid or not
        result = aac("output", "--format", fmt)
        assert not _shown(result.out + result.err, token)
    assert not (aac.root / "plan.json").exists()
    assert not any(_shown(p.read_text("utf-8", "replace"), token) for p in aac.root.rglob("*") if p.is_file()
                   and p.suffix != ".yaml")


@pytest.mark.parametrize("field", FIELDS, ids=FIELDS.keys())
def test_every_field_that_names_a_variable_is_checked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str) -> None:
    token = TOKENS["github"]
    aac = _stack(tmp_path / "stack", capsys, field, token)
    where, dotted = FIELDS[field]

    result = aac("validate")

    assert result.code == 1
    assert f"assistants/agents/{where}: error: `{dotted}` holds what looks like a GitHub token" in result.err
    assert not _shown(result.out + result.err, token)


@pytest.mark.parametrize("token", [TOKENS["openai-project"], TOKENS["high-entropy"]], ids=["openai", "entropy"])
def test_a_key_in_the_place_of_the_targets_api_key_env_is_refused_unquoted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], token: str) -> None:
    aac = _stack(tmp_path / "stack", capsys)
    (aac.root / "aac.yaml").write_text(f"stack: demo\ndefault_target: prod\ntargets:\n"
                                       f"  prod: {{type: openai, api_key_env: {token}}}\n")
    for command in (("validate",), ("plan",), ("drift", "--format", "json"), ("apply", "--auto-approve")):
        result = aac(*command)
        assert result.code == 1
        assert "aac.yaml:4: " in result.err and "`targets.prod.api_key_env` holds what looks like" in result.err
        assert "e.g. `api_key_env: OPENAI_API_KEY`" in result.err
        assert not _shown(result.out + result.err, token)


@pytest.mark.parametrize("name", NAMES)
def test_variable_names_of_every_usual_shape_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    # A credential never reads the variable holding a target's key (OPENAI_API_KEY by default): named elsewhere.
    aac = _stack(tmp_path / "stack", capsys, "secret_name" if name == "OPENAI_API_KEY" else "access_token_env", name)
    assert aac("validate").code == 0
    shutil.rmtree(aac.root / "assistants/agents")  # nothing reads the variable the target's key is in
    stack = aac.root / "aac.yaml"
    stack.write_text(stack.read_text() + f"  named:\n    type: openai\n    api_key_env: {name}\n")
    result = aac("validate")
    assert result.code == 0, result.err


PLAIN = {
    "Ocp-Apim-Subscription-Key header": "transport: {type: http, server_url: 'https://mcp.example.com/', "
                                        "headers: {Ocp-Apim-Subscription-Key: VALUE}}",
    "X-Access-Key header": "transport: {type: http, server_url: 'https://mcp.example.com/', "
                           "headers: {X-Access-Key: VALUE}}",
    "X-Auth-Token header": "transport: {type: http, server_url: 'https://mcp.example.com/', "
                           "headers: {X-Auth-Token: VALUE}}",
    "Api-Key header": "transport: {type: http, server_url: 'https://mcp.example.com/', headers: {Api-Key: VALUE}}",
    "?code= in server_url": "transport: {type: http, server_url: 'https://fn.azurewebsites.net/api/mcp?code=VALUE'}",
    "SAS server_url": "transport: {type: http, server_url: 'https://x.blob.core.windows.net/c?sv=2024-01-01&"
                      "se=2026-12-31&sp=r&sig=VALUE'}",
    "request_metadata api_key": "transport: {type: http, server_url: 'https://mcp.example.com/'}\n    "
                                "request_metadata: {api_key: VALUE}",
    "request_metadata X-Functions-Key": "transport: {type: http, server_url: 'https://mcp.example.com/'}\n    "
                                        "request_metadata: {X-Functions-Key: VALUE}",
}


@pytest.mark.parametrize("tool", PLAIN.values(), ids=PLAIN.keys())
def test_a_token_named_as_one_in_an_mcp_tools_plain_configuration_is_refused_unquoted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], tool: str) -> None:
    aac = _stack(tmp_path / "stack", capsys)
    value = "Zq8rT2" + "vLw9XkP4mN"
    (aac.root / "assistants/agents/tools.yaml").write_text(
        "kind: agent\nname: tools\nmodel: gpt-5.1\ntools:\n  - type: mcp\n    server_label: t\n    "
        + tool.replace("VALUE", value) + "\n")

    result = aac("validate")

    assert result.code == 1
    assert "assistants/agents/tools.yaml:" in result.err and "hint: put the token in a vault credential" in result.err
    assert value not in result.out + result.err


@pytest.mark.parametrize("key", ["api_key", "X-Functions-Key", "client-secret", "apiKey"])
def test_a_metadata_key_named_for_a_credential_is_refused_in_every_kind(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str) -> None:
    aac = _stack(tmp_path / "stack", capsys)
    value = "Zq8rT2" + "vLw9XkP4mN"
    path = aac.root / "assistants/math-tutor.yaml"
    path.write_text(path.read_text().replace("metadata:\n", f"metadata:\n  {key}: {value}\n", 1))

    result = aac("validate")

    assert result.code == 1
    assert f"`metadata` has a key {key!r} named for a credential" in result.err
    assert value not in result.out + result.err
