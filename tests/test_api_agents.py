"""The Agents API through aac's network layer, against real sandboxes on loopback: every page read, one clear
error where the API is missing, creates sent once and recovered by tag, and credential secrets in no error."""

from __future__ import annotations

import functools
import io
import json
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.sdk_http import LoseFirstAnswer, serving
from tests.sdk_http import http as httpx

from aac.api.connect import Api, RequestLog, connect
from aac.api.errors import AgentsUnavailable
from aac.api.retry import RetryPolicy
from aac.api.writer import Interrupted, Writer
from aac.errors import AacError
from aac.identity import owner_of, tags
from aac.kinds.agent import wire as agent_wire
from aac.kinds.credential import wire as credential_wire
from aac.kinds.credential.secrets import credential_auth, credential_rotation
from aac.kinds.vault import wire as vault_wire
from aac.output import Output
from aac.resources import TAG_SERVER_KEYS
from aac.sandbox.credentials import fingerprint
from aac.sandbox.server import RunningSandbox, serve_in_background
from aac.secrets import REDACTED
from aac.stack import Stack, Target
from credential_cases import BEARER, ENV, ENVIRON, MCP, OAUTH

QUICK = RetryPolicy(attempts=6, base_delay_s=0.01, max_delay_s=0.05)


@contextmanager
def api_for(base_url: str, out: Output | None = None) -> Iterator[Api]:
    """aac's own connection to a server, as every command makes it (requests counted and logged)."""
    stack = Stack(root=Path("."), name="demo", manifests="assistants", default_target="t", targets={})
    target = Target(name="t", type="openai", base_url=base_url, api_key_env="AAC_TEST_KEY")
    with connect(stack, target, {"AAC_TEST_KEY": "sk-test"}, out or Output()) as api:
        yield api


def lossy_writer(base_url: str, transport: Any, *, strict: bool = False) -> Writer:
    http = openai.DefaultHttpxClient(transport=transport)
    sdk = openai.OpenAI(base_url=base_url, api_key="sk-test", http_client=http, _strict_response_validation=strict)
    return Writer(Api(sdk=sdk, target=Target("test", "openai"), log=RequestLog(Output())), "demo", policy=QUICK)


def bearer(token: str = "ghp_0123456789abcdef") -> dict[str, Any]:
    return {"type": "static_bearer", "token": token, "mcp_server_url": MCP}


def credential_body(key: str, token: str = "ghp_0123456789abcdef") -> dict[str, Any]:
    return {"name": key.split("/")[-1], "auth": bearer(token), "metadata": tags("demo", key, "sha256:0")}


def keys_of(objects: list[Any]) -> list[str | None]:
    return sorted((owner[1] if (owner := owner_of(o.metadata)) else None) for o in objects)


# -- reading ---------------------------------------------------------------------------------------


def test_the_reader_reads_every_agent_vault_and_credential_page_after_page(
        sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    agents = {client.beta.agents.create(model="gpt-5").id for _ in range(201)}
    vaults = {client.beta.agents.vaults.create(name=f"v{i}").id for i in range(101)}
    vault = sorted(vaults)[0]
    credentials = {client.beta.agents.vaults.credentials.create(vault, name=f"c{i}", auth=bearer()).id  # type: ignore[arg-type]
                   for i in range(101)}

    with api_for(sandbox.base_url) as api:
        reader = api.reader()
        assert {a["id"] for a in agent_wire.read(reader)} == agents
        assert api.requests == 3  # pages of 100, the most the API gives
        assert {v["id"] for v in vault_wire.read(reader)} == vaults
        listed = credential_wire.read(reader, vault)
        assert api.requests == 3 + 2 + 2
    assert {c["id"] for c in listed} == credentials
    assert all(set(c["auth"]) == {"type", "mcp_server_url"} for c in listed)  # configuration, never the token


@pytest.mark.parametrize("server", [{"no_agents": True}, {"profile": "llama-stack"}, {"profile": "ogx"}],
                         ids=["--no-agents", "llama-stack", "ogx"])
def test_a_target_without_the_agents_api_is_one_clear_error(server: dict[str, Any]) -> None:
    with serve_in_background(":memory:", index_delay_ms=0, **server) as running, \
            api_for(running.base_url) as api:
        reader, writer = api.reader(), Writer(api, "demo", policy=QUICK)
        for attempt in (functools.partial(agent_wire.read, reader), functools.partial(vault_wire.read, reader),
                        lambda: credential_wire.read(reader, "vault_x"),
                        lambda: vault_wire.create(writer, "gh",
                                                  {"name": "gh", "metadata": tags("demo", "gh", "sha256:0")}),
                        lambda: credential_wire.create(writer, "vault_x", "gh/mcp", credential_body("gh/mcp"))):
            with pytest.raises(AgentsUnavailable) as caught:
                attempt()
            assert caught.value.message.startswith(f"{running.base_url} has no Agents API")
            assert "beta" in caught.value.message and "sandbox" in caught.value.message
            assert "files, vector stores and assistants as configuration still work" in caught.value.message
        assert reader.vector_stores() == []  # what still works does
        assert running.requests == 6  # a 404 is an answer: nothing sent twice


def test_a_vault_that_is_gone_is_not_a_missing_agents_api(sandbox: RunningSandbox) -> None:
    with api_for(sandbox.base_url) as api, pytest.raises(AacError) as caught:
        credential_wire.read(api.reader(), "vault_gone")
    assert not isinstance(caught.value, AgentsUnavailable)
    assert "vault_gone" in caught.value.message and "not found" in caught.value.message


# -- writing ---------------------------------------------------------------------------------------


def test_every_write_is_accepted_by_the_strict_sdk_and_reads_back(sandbox: RunningSandbox) -> None:
    writer = lossy_writer(sandbox.base_url, httpx.HTTPTransport(), strict=True)
    vault = vault_wire.create(writer, "gh", {"name": "GitHub", "metadata": tags("demo", "gh", "sha256:0")})
    credential = credential_wire.create(writer, vault.id, "gh/mcp", credential_body("gh/mcp"))
    tool = {"type": "mcp", "server_label": "github", "transport": {"type": "http", "server_url": MCP},
            "credential_id": credential.id}
    agent = agent_wire.create(writer, "bot", {"model": "gpt-5", "name": "Bot", "tools": [tool],
                                        "metadata": tags("demo", "bot", "sha256:0")})
    assert (agent.id[:6], vault.id[:6], credential.id[:5]) == ("agent_", "vault_", "cred_")

    assert agent_wire.update(writer, agent.id, {"instructions": "Be brief."}).instructions == "Be brief."
    assert vault_wire.update(writer, vault.id, {"name": "GH"}).name == "GH"
    rotated = credential_wire.update(writer, vault.id, credential.id, {"auth": {"type": "static_bearer",
                                                                          "token": "ghp_rotated_0123456789"}})
    assert rotated.updated_at > credential.updated_at and rotated.auth.type == "static_bearer"

    agent_wire.delete(writer, agent.id)
    credential_wire.delete(writer, vault.id, credential.id)
    vault_wire.delete(writer, vault.id)
    sdk = writer.api.sdk
    assert (list(sdk.beta.agents.list()), list(sdk.beta.agents.vaults.list())) == ([], [])


def test_a_lost_create_answer_is_recovered_by_this_stacks_tag_not_created_twice(
        sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    # Objects of another stack, and nobody's, under the same key: never taken for ours.
    client.beta.agents.create(model="gpt-5", metadata=tags("other", "bot", "sha256:0"))
    client.beta.agents.vaults.create(name="gh", metadata=tags("other", "gh", "sha256:0"))
    transport = LoseFirstAnswer({("POST", "/v1/agents"), ("POST", "/v1/vaults")})
    writer = lossy_writer(sandbox.base_url, transport)

    vault = vault_wire.create(writer, "gh", {"name": "gh", "metadata": tags("demo", "gh", "sha256:0")})
    theirs = client.beta.agents.vaults.credentials.create(vault.id, name="mcp", auth=bearer(),  # type: ignore[arg-type]
                                                          metadata=tags("other", "gh/mcp", "sha256:0"))
    transport.lose.add(("POST", f"/v1/vaults/{vault.id}/credentials"))
    credential = credential_wire.create(writer, vault.id, "gh/mcp", credential_body("gh/mcp"))
    agent = agent_wire.create(writer, "bot", {"model": "gpt-5", "metadata": tags("demo", "bot", "sha256:0")})

    assert transport.lose == set()  # every create's answer was lost once
    assert [k for k in transport.sent if k[0] == "POST"] == [
        ("POST", "/v1/vaults"), ("POST", f"/v1/vaults/{vault.id}/credentials"), ("POST", "/v1/agents")]
    ours = [a for a in client.beta.agents.list() if owner_of(a.metadata) == ("demo", "bot", "sha256:0")]
    assert [a.id for a in ours] == [agent.id]
    listed = client.beta.agents.vaults.credentials.list(vault.id)
    assert sorted(c.id for c in listed) == sorted([credential.id, theirs.id])
    assert keys_of(list(client.beta.agents.vaults.list())) == ["gh", "gh"]  # ours and the other stack's


def test_creates_and_deletes_converge_through_injected_faults() -> None:
    """429s, 5xx and connections dropped before the server acts: each create is sent again, never doubled."""
    log = io.StringIO()
    with serve_in_background(":memory:", fault_rate=0.4, seed=7) as running, \
            api_for(running.base_url, Output(stderr=log, debug=True)) as api:
        writer = Writer(api, "demo", policy=QUICK)
        vaults = {k: vault_wire.create(writer, k, {"name": k, "metadata": tags("demo", k, "sha256:0")})
                  for k in ("a", "b")}
        made = [credential_wire.create(writer, v.id, f"{k}/{n}", credential_body(f"{k}/{n}"))
                for k, v in vaults.items() for n in ("x", "y")]
        agents = [agent_wire.create(writer, k, {"model": "gpt-5", "metadata": tags("demo", k, "sha256:0")})
                  for k in ("p", "q", "r")]
        reader = api.reader()
        assert sorted(owner_of(a["metadata"])[1] for a in agent_wire.read(reader)) == ["p", "q", "r"]  # type: ignore[index]
        listed = [c["id"] for v in vaults.values() for c in credential_wire.read(reader, v.id)]
        assert sorted(listed) == sorted(c.id for c in made)
        for agent in agents:
            agent_wire.delete(writer, agent.id)
        credential_wire.delete(writer, vaults["a"].id, made[0].id)
        for vault in vaults.values():
            vault_wire.delete(writer, vault.id)
        assert (agent_wire.read(reader), vault_wire.read(reader)) == ([], [])
    statuses = [line.split()[2] for line in log.getvalue().splitlines() if line.split()[:1] in (["POST"], ["DELETE"])]
    assert "429" in statuses and {"500", "503"} & set(statuses)  # the faults were met, and got through


def test_deleting_what_is_already_gone_succeeds(sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    vault = client.beta.agents.vaults.create(name="v")
    with api_for(sandbox.base_url) as api:
        writer = Writer(api, "demo", policy=QUICK)
        agent_wire.delete(writer, "agent_gone")
        vault_wire.delete(writer, "vault_gone")
        credential_wire.delete(writer, vault.id, "cred_gone")
        credential_wire.delete(writer, "vault_gone", "cred_gone")  # its vault deleted first, with its credentials


def test_an_interrupted_write_sends_nothing_and_stays_an_interruption(sandbox: RunningSandbox) -> None:
    with api_for(sandbox.base_url) as api:
        writer = Writer(api, "demo", policy=QUICK)
        writer.cancel.set()
        with pytest.raises(Interrupted) as caught:
            credential_wire.create(writer, "vault_x", "gh/mcp", credential_body("gh/mcp"))
        assert caught.value.exit_code == 130 and api.requests == 0


class AddsMetadata(httpx.HTTPTransport):  # type: ignore[misc,name-defined]
    """A server that writes a key of its own into every agent it creates (as llama-stack does to stores)."""

    def handle_request(self, request: Any) -> Any:
        response = super().handle_request(request)
        if (request.method, request.url.path) != ("POST", "/v1/agents"):
            return response
        body = json.loads(response.read())
        body["metadata"]["region"] = "eu"
        return httpx.Response(response.status_code, json=body, request=request)


def test_a_key_the_server_adds_to_a_new_agent_is_learned_and_recorded(sandbox: RunningSandbox) -> None:
    writer = lossy_writer(sandbox.base_url, AddsMetadata())
    agent = agent_wire.create(writer, "bot", {"model": "gpt-5", "metadata": tags("demo", "bot", "sha256:0")})
    assert writer.server_keys == {"region"}
    assert agent.metadata["region"] == "eu" and agent.metadata[TAG_SERVER_KEYS] == "region"


# -- secrets -----------------------------------------------------------------------------------------

LONG_SECRET = "ghp_" + "SECRET-bearer-0123456789"
SHORT_SECRET = "tok-123"  # shorter than what Output redacts: the writer must keep it out by itself
ESCAPED_SECRET = 'ghp_s\u00e9cr\u00e9t-"quoted"\\-0123456789'  # a JSON body carries it escaped: \u00e9, \", \\


class EchoBody(BaseHTTPRequestHandler):
    """A server that answers every write with an error quoting the request body, as careless servers do."""

    status = 400

    def do_POST(self) -> None:
        sent = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self._send(self.status, {"error": {"message": f"cannot accept {sent}", "type": "invalid_request_error",
                                           "param": sent, "code": None}})

    def do_GET(self) -> None:  # lists are empty: a lost create is looked for, and not found
        self._send(200, {"object": "list", "data": [], "has_more": False})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for name, value in (("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                            ("retry-after-ms", "1"), ("x-request-id", "req_echo")):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def echo_url() -> Iterator[str]:
    with serving(EchoBody) as base_url:
        yield base_url


@pytest.mark.parametrize("secret", [LONG_SECRET, SHORT_SECRET, ESCAPED_SECRET], ids=["long", "short", "escaped"])
@pytest.mark.parametrize("status", [400, 500])
def test_no_secret_in_an_error_or_a_debug_line_when_the_server_echoes_the_body(
        echo_url: str, status: int, secret: str) -> None:
    EchoBody.status = status
    log = io.StringIO()
    out = Output(stderr=log, debug=True)
    with api_for(echo_url, out) as api:
        writer = Writer(api, "demo", policy=QUICK)
        rotation = {"auth": {"type": "static_bearer", "token": secret}}
        for write in (lambda: credential_wire.create(writer, "vault_1", "gh/mcp", credential_body("gh/mcp", secret)),
                      lambda: credential_wire.update(writer, "vault_1", "cred_1", rotation)):
            with pytest.raises(AacError) as caught:
                write()
            error = caught.value
            out.error(error.message, error.hint)  # what the CLI prints, and with --debug the traceback too
            out.info("".join(traceback.format_exception(error)))
            # What failed, the status and the request id; none of the server's words (they quote the body).
            assert f"failed with HTTP {status}, request id req_echo" in error.message
            assert "cannot accept" not in str(error) and "not shown" in error.message
            for text in (error.message, error.hint or "", str(error), repr(error.args)):
                assert secret not in text and json.dumps(secret)[1:-1] not in text
    assert secret not in log.getvalue()
    assert "POST /v1/vaults/vault_1/credentials" in log.getvalue()  # the --debug request log was on
    assert out.redact(f"x {LONG_SECRET} x") == (f"x {REDACTED} x" if secret == LONG_SECRET else f"x {LONG_SECRET} x")


@pytest.mark.parametrize("auth", [BEARER, OAUTH, ENV], ids=["static_bearer", "mcp_oauth", "environment_variable"])
def test_a_credential_from_the_environment_is_created_then_rotated_on_the_server(
        sandbox: RunningSandbox, auth: dict[str, Any]) -> None:
    with api_for(sandbox.base_url) as api:
        writer = Writer(api, "demo", policy=QUICK)
        vault = vault_wire.create(writer, "v", {"name": "v", "metadata": tags("demo", "v", "sha256:0")})
        body, sent = credential_auth(auth, ENVIRON, "v/c")
        made = credential_wire.create(writer, vault.id, "v/c", {"name": "c", "auth": body,
                                                          "metadata": tags("demo", "v/c", "sha256:0")})
        assert held(sandbox, vault.id, made.id) == {fingerprint(v) for v in sent}

        rotated_environ = {name: f"{value}-rotated" for name, value in ENVIRON.items()}
        rotation, new = credential_rotation(auth, rotated_environ, "v/c")
        after = credential_wire.update(writer, vault.id, made.id, {"auth": rotation})
    assert held(sandbox, vault.id, made.id) == {fingerprint(v) for v in new} and set(new).isdisjoint(sent)
    assert after.auth == made.auth  # the public configuration a rotation keeps (an expiry restated as it was)


def held(sandbox: RunningSandbox, vault_id: str, credential_id: str) -> set[str]:
    """What the sandbox keeps of the secrets it was sent: their fingerprints."""
    stored = sandbox.store.get("credential", credential_id, vault_id)
    assert stored is not None
    return set(stored["_secrets"].values())
