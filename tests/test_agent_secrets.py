"""A credential's secrets are never printed or written: every command, `--debug` included, run on the example
stack (plus a vault with every other kind of secret) against the embedded sandbox, with recognisable secrets in
the environment; then a failing apply against a server that quotes each request body back in its errors.
Nothing any command prints, and no file under the stack (`.aac/` with the sandbox's database, saved plans,
reports, imported manifests), holds a secret or a piece of one."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from tests import test_api_agents
from tests.apply.helpers import REPO
from tests.cli_harness import Cli
from tests.sdk_http import serving

from aac.sandbox.server import serve_in_background

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants

# Built at run time, so the source holds no whole secret to find.
SECRETS = {name: f"canary-{name.lower().replace('_', '-')}-{'7f3a9c0e5b'[::-1]}" for name in (
    "GITHUB_MCP_TOKEN", "OAUTH_ACCESS_TOKEN", "OAUTH_REFRESH_TOKEN", "OAUTH_CLIENT_SECRET", "SEARCH_KEY_VALUE",
    "HAND_VAULT_HAND_TOKEN")}  # the last one, the variable `aac import` names for the hand-made credential
MORE_SECRETS = """\
kind: vault
name: more
credentials:
  - name: oauth
    version: 1
    auth:
      type: mcp_oauth
      mcp_server_url: https://mcp.example.com/
      access_token_env: OAUTH_ACCESS_TOKEN
      refresh:
        client_id: aac-client
        refresh_token_env: OAUTH_REFRESH_TOKEN
        token_endpoint: https://auth.example.com/token
        token_endpoint_auth: {type: client_secret_basic, client_secret_env: OAUTH_CLIENT_SECRET}
  - name: search
    version: 1
    auth:
      type: environment_variable
      secret_name: SEARCH_KEY
      secret_value_env: SEARCH_KEY_VALUE
      networking: {type: unrestricted}
"""
FORMATS = ("text", "json", "markdown")


def _leaks(text: str) -> list[str]:
    """The variables whose secret, or a 12-character piece of it, is in `text`."""
    return [name for name, secret in SECRETS.items()
            if any(secret[i:i + 12] in text for i in range(len(secret) - 11))]


def _example(root: Path) -> Path:
    root.mkdir()
    for name in ("aac.yaml", "assistants", "schemas", "data", "knowledge"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    (root / "assistants/agents/more-vault.yaml").write_text(MORE_SECRETS)
    return root


def _bump_versions(root: Path) -> None:
    for path in (root / "assistants/agents").glob("*vault.yaml"):
        path.write_text(path.read_text().replace("version: 1", "version: 2"))


def _hand_made(root: Path) -> None:
    """An agent, a vault with a credential (carrying a secret) and a vector store made outside aac, for
    `aac import`."""
    with serve_in_background(str(root / ".aac/sandbox.db")) as server, \
            openai.OpenAI(base_url=server.base_url, api_key="sk-test") as client:
        client.vector_stores.create(name="Hand store")
        client.beta.agents.create(model="gpt-5.1", name="Hand made", instructions="Made by hand.")
        vault = client.beta.agents.vaults.create(name="Hand vault")
        client.beta.agents.vaults.credentials.create(
            vault.id, name="hand", auth={"type": "static_bearer", "mcp_server_url": "https://mcp.example.com/",
                                         "token": SECRETS["GITHUB_MCP_TOKEN"]})


def _commands(round_: int) -> list[tuple[str, ...]]:
    return [
        ("validate",),
        *(("plan", "--format", f) for f in FORMATS),
        ("plan", "--format", "json", "--out", f"plan{round_}.json"),
        ("plan", "--format", "markdown", "--out", f"plan{round_}.md"),
        *(("show", "--format", f, f"plan{round_}.json") for f in FORMATS),
        ("apply", f"plan{round_}.json"),
        ("rotate",),  # every credential's version bumped: the secrets are sent again
        ("plan", "--detailed-exitcode", "--out", f"rotate{round_}.json"),
        ("apply", "--auto-approve"),
        *(("drift", "--format", f, "--out", f"drift{round_}.{f}") for f in (*FORMATS, "junit")),
        ("hand-made",),
        ("import", "--all", "--out", f"assistants/imported{round_}", "--auto-approve"),
        *(("output", "--format", f, "--out", f"output{round_}.{f}") for f in ("json", "env", "responses")),
        ("check",),
        ("check", "--format", "junit", "--out", f"check{round_}.xml"),
        ("destroy", "--auto-approve"),
    ]


def test_no_command_prints_or_writes_a_credentials_secret(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, secret in SECRETS.items():
        monkeypatch.setenv(name, secret)
    root = _example(tmp_path / "stack")
    aac = Cli(root, capsys)
    codes = {}
    for round_, debug in enumerate(((), ("--debug",))):
        for command in _commands(round_):
            if command == ("rotate",):
                _bump_versions(root)
                continue
            if command == ("hand-made",):
                _hand_made(root)
                continue
            result = aac(*debug, *command)
            codes[(*debug, *command)] = result.code
            printed = result.out + result.err
            assert not _leaks(printed), f"aac {' '.join(debug + command)} printed a secret:\n{printed}"
        for path in (root / "assistants/agents").glob("*vault.yaml"):  # the next round starts from scratch
            path.write_text(path.read_text().replace("version: 2", "version: 1"))
    assert codes[("validate",)] == codes[("apply", "plan0.json")] == codes[("--debug", "apply", "--auto-approve")] == 0
    assert codes[("plan", "--detailed-exitcode", "--out", "rotate0.json")] == 2  # the rotation was planned
    assert codes[("--debug", "destroy", "--auto-approve")] == 0
    written = [p for p in root.rglob("*") if p.is_file()]
    assert {".aac", "imported0", "imported1"} <= {part for p in written for part in p.relative_to(root).parts}
    assert codes[("import", "--all", "--out", "assistants/imported0", "--auto-approve")] == 0
    assert (root / "plan1.json").is_file() and (root / "drift1.junit").is_file()
    for path in written:
        assert not _leaks(path.read_bytes().decode("utf-8", "replace")), f"{path} holds a secret"


class EchoBody(test_api_agents.EchoBody):
    """Vaults are made; every other write is refused with an error quoting the request body."""

    def do_POST(self) -> None:
        if not self.path.rstrip("/").endswith("/vaults"):
            super().do_POST()
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self._send(200, {"id": "vault_echo", "object": "vault", "created_at": 1, "updated_at": 1,
                         "name": body.get("name"), "metadata": body.get("metadata"), "status": "active"})


@pytest.fixture
def echo_url() -> Iterator[str]:
    with serving(EchoBody) as base_url:
        yield base_url


@pytest.mark.parametrize("debug", [(), ("--debug",)], ids=["plain", "debug"])
def test_a_failing_apply_whose_server_echoes_the_request_body_shows_no_secret(
        tmp_path: Path, echo_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        debug: tuple[str, ...]) -> None:
    EchoBody.status = 400
    for name, secret in SECRETS.items():
        monkeypatch.setenv(name, secret)
    monkeypatch.setenv("ECHO_KEY", "sk-echo-test")
    root = _example(tmp_path / "stack")
    (root / "aac.yaml").write_text("stack: demo\nmanifests: assistants\ndefault_target: echo\ntargets:\n"
                                   f"  echo: {{type: openai, base_url: '{echo_url}', api_key_env: ECHO_KEY}}\n")

    result = Cli(root, capsys)(*debug, "apply", "--auto-approve")

    assert result.code == 1
    assert "failed    credential.github/github-mcp: creating credential" in result.out
    assert "cannot accept" in result.out + result.err  # the server did quote the request back
    assert not _leaks(result.out + result.err), result.out + result.err
    for path in (p for p in root.rglob("*") if p.is_file()):
        assert not _leaks(path.read_bytes().decode("utf-8", "replace")), f"{path} holds a secret"


@pytest.mark.parametrize("token", ["tok\b" + "en-with-a-backspace-0123", "tok\f" + "en-with-a-form-feed-4567",
                                   "tok\U000e0041" + "en-with-a-tag-character-89"], ids=["bs", "ff", "tag"])
def test_a_failed_credential_write_shows_the_status_not_the_servers_words(
        tmp_path: Path, echo_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        token: str) -> None:
    """The server quotes the body, which escapes to `\\u0008` on a terminal; aac says what failed and the status."""
    EchoBody.status = 400
    for name, secret in SECRETS.items():
        monkeypatch.setenv(name, secret)
    monkeypatch.setenv("GITHUB_MCP_TOKEN", token)
    monkeypatch.setenv("ECHO_KEY", "sk-echo-test")
    root = _example(tmp_path / "stack")
    (root / "aac.yaml").write_text("stack: demo\nmanifests: assistants\ndefault_target: echo\ntargets:\n"
                                   f"  echo: {{type: openai, base_url: '{echo_url}', api_key_env: ECHO_KEY}}\n")

    result = Cli(root, capsys)("apply", "--auto-approve")

    printed = result.out + result.err
    assert result.code == 1
    assert "creating credential github/github-mcp in vault vault_echo failed with HTTP 400" in printed
    assert "the server's message is not shown" in printed
    readable = token.replace("\b", "\\u0008").replace("\f", "\\u000c").replace("\U000e0041", "\\U000e0041")
    assert token[4:16] not in printed and readable[3:20] not in printed and "en-with-a" not in printed
