"""A Microsoft Foundry project as a target: `type: foundry` in aac.yaml, the connection (key or Entra ID), the
errors that say what to check, and the prompt agents' wire calls, against `aac sandbox serve --profile foundry`.

Entra ID is exercised with a credential object at the interface edge (a `TokenCredential` whose `get_token`
answers a fixed token, or raises azure-identity's own `CredentialUnavailableError`), since no tenant answers here.
The answers the sandbox never gives (a key refused, a role missing) come from a loopback server that answers
every request with one Azure error body, as Azure's front door does.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.identity import CredentialUnavailableError
from tests.cli_harness import Cli
from tests.sandbox.serving import serve_process

from aac.api import foundry_agents as agents
from aac.api.connect import Api, connect
from aac.errors import AacError
from aac.output import Output
from aac.sandbox.server import RunningSandbox, serve_in_background
from aac.stack import load_stack

KEY = "fk-4c1d9e0b7a2f46e8b3d5a9c7e1f08b62"  # the key every test plants: it must never be printed
KEY_ENV = "AAC_FOUNDRY_TEST_KEY"
PROMPT = {"kind": "prompt", "model": "gpt-4o-mini", "instructions": "Be brief."}


class FixedToken:
    """A `TokenCredential` whose tokens live `lifetime_s`; counts how often it was asked."""

    def __init__(self, token: str = "entra-token-for-tests", lifetime_s: int = 3600) -> None:
        self.token = token
        self.lifetime_s = lifetime_s
        self.asked = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.asked += 1
        return AccessToken(f"{self.token}-{self.asked}" if self.token else "", int(time.time()) + self.lifetime_s)


class NoAzureLogin:
    """What DefaultAzureCredential does on a machine with no az login, no environment and no managed identity."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        raise CredentialUnavailableError("DefaultAzureCredential failed to retrieve a token from the included "
                                         "credentials.\nAttempted credentials:\n\tAzureCliCredential: not logged in")


def write_stack(root: Path, endpoint: str, *, key_env: str | None = KEY_ENV, manifests: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    key_line = f"    api_key_env: {key_env}\n" if key_env else ""
    (root / "aac.yaml").write_text(f"stack: demo\ntargets:\n  az:\n    type: foundry\n    endpoint: {endpoint}\n"
                                   f"{key_line}", encoding="utf-8")
    (root / "assistants").mkdir(exist_ok=True)
    if manifests:
        (root / "assistants/kb.yaml").write_text(manifests, encoding="utf-8")
        (root / "knowledge").mkdir(exist_ok=True)
        (root / "knowledge/refunds.md").write_text("Refunds are paid within 14 days.\n", encoding="utf-8")
    return root


@pytest.fixture
def foundry() -> Iterator[RunningSandbox]:
    with serve_in_background(":memory:", index_delay_ms=0, profile="foundry") as running:
        yield running


@contextmanager
def answering(status: int, body: Any, seen: list[dict[str, str]] | None = None) -> Iterator[str]:
    """A project endpoint on loopback whose every answer is `status` with `body` (JSON): what the sandbox
    never answers (a key refused, a role missing, an error body that echoes the key), as Azure words it.
    `seen` gets each request's headers (lower-cased) and path."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            if seen is not None:
                seen.append({**{k.lower(): v for k, v in self.headers.items()}, "path": self.path})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/projects/p"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def connected(root: Path, credential: Any = None, environ: dict[str, str] | None = None,
              out: Output | None = None) -> Iterator[Api]:
    stack = load_stack(root)
    with connect(stack, stack.target(), environ if environ is not None else {KEY_ENV: KEY}, out or Output(),
                 credential=credential) as api:
        yield api


# --- aac.yaml ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", [
    "https://acme.services.ai.azure.com/api/projects/support",
    "https://ACME-2.services.ai.azure.com/api/projects/_project",
    "https://acme.services.ai.azure.com/api/projects/support/",
    "http://127.0.0.1:8080/api/projects/sandbox",
    "http://localhost:9/api/projects/p-1",
    "http://[::1]:9/api/projects/p",
])
def test_a_foundry_target_with_a_project_endpoint_validates(tmp_path: Path, endpoint: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = write_stack(tmp_path, endpoint)
    result = Cli(root, capsys)("validate")
    assert result.code == 0, result.err
    target = load_stack(root).target()
    assert (target.type, target.endpoint, target.api_key_env) == ("foundry", endpoint.rstrip("/"), KEY_ENV)


def test_without_api_key_env_a_foundry_target_signs_in_with_entra_id(tmp_path: Path) -> None:
    target = load_stack(write_stack(tmp_path, "https://a.services.ai.azure.com/api/projects/p", key_env=None)).target()
    assert target.api_key_env is None  # no OPENAI_API_KEY assumed, as an openai target does


@pytest.mark.parametrize(("target", "message"), [
    ("type: foundry", "a foundry target needs `endpoint`"),
    ("type: foundry\n    endpoint: http://acme.services.ai.azure.com/api/projects/p", "is plain http"),
    ("type: foundry\n    endpoint: https://acme.openai.azure.com/api/projects/p", "is not on a Foundry host"),
    ("type: foundry\n    endpoint: https://evil.example/acme.services.ai.azure.com/api/projects/p",
     "is not on a Foundry host"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com", "does not name a project"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com/api/projects/", "does not name a project"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com/api/projects/a/b", "does not name a project"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com/api/projects/p/openai/v1",
     "drop the '/openai/v1'"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com/api/projects/p?api-version=v1",
     "has a query"),
    ("type: foundry\n    endpoint: acme.services.ai.azure.com/api/projects/p", "is not an http or https URL"),
    ("type: foundry\n    endpoint: 42", "`endpoint` must be a string"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com/api/projects/p\n    base_url: https://x.io/v1",
     "`base_url` does not apply to a `type: foundry` target"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com/api/projects/p\n    project: p",
     "`project` does not apply"),
    ("type: openai\n    endpoint: https://acme.services.ai.azure.com/api/projects/p",
     "`endpoint` does not apply to a `type: openai` target"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com/api/projects/p\n    api_key_env: my key",
     "api_key_env must be the NAME"),
    ("type: foundry\n    endpoint: https://acme.services.ai.azure.com/api/projects/p\n    api_key: abc",
     "holds an API key"),
    ("type: azure", "`type: foundry`"),
])
def test_a_foundry_target_that_cannot_work_is_one_error_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, message: str
) -> None:
    (tmp_path / "aac.yaml").write_text(f"stack: demo\ntargets:\n  az:\n    {target}\n", encoding="utf-8")
    result = Cli(tmp_path, capsys)("validate")
    assert result.code == 1
    assert message in result.err
    assert "hint: " in result.err


def test_a_key_pasted_as_api_key_env_is_refused_and_never_echoed(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pasted = "sk-proj-" + "Ab3dEf9hIj2kLm5nOp8qRs1tUv4wXy7z" * 2
    write_stack(tmp_path, "https://a.services.ai.azure.com/api/projects/p", key_env=pasted)
    result = Cli(tmp_path, capsys)("validate")
    assert result.code == 1
    assert pasted not in result.out + result.err
    assert "api_key_env" in result.err


# --- the CLI, end to end over /openai/v1 ------------------------------------------------------------------

KB = "kind: vector_store\nname: kb\nfiles:\n  - ../knowledge/*.md\n"


def test_plan_and_apply_of_stores_and_files_on_a_served_foundry_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_process(tmp_path / "server", "--db", ":memory:", "--profile", "foundry") as served:
        endpoint = served.first.split("sandbox serving at ")[1].split("/openai/v1")[0]
        root = write_stack(tmp_path / "stack", endpoint, manifests=KB)
        (root / "knowledge/shipping.md").write_text("Shipping takes 3 days.\r\n", encoding="utf-8")
        monkeypatch.setenv(KEY_ENV, KEY)
        cli = Cli(root, capsys)
        plan = cli("plan", "--debug")
        assert plan.code == 0, plan.err
        assert "+ vector_store.kb" in plan.out
        assert "GET /api/projects/" in plan.err  # the request log shows the project's paths
        assert "5 to add" in plan.out  # two files, one store, two attachments
        applied = cli("apply", "--auto-approve")
        assert applied.code == 0, applied.err
        again = cli("plan")
        assert again.code == 0, again.err
        assert "No changes." in again.out
        with connected(root) as api:
            stores = list(api.sdk.vector_stores.list())
            assert [s.name for s in stores] == ["kb"]
            assert sorted(f.filename.rsplit(".", 2)[-2] for f in api.sdk.files.list()) == ["refunds", "shipping"]
            assert [f.id for f in api.sdk.vector_stores.files.list(stores[0].id)] != []
        assert KEY not in plan.out + plan.err + applied.out + applied.err + again.out + again.err
        destroyed = cli("destroy", "--auto-approve")
        assert destroyed.code == 0, destroyed.err
        with connected(root) as api:
            assert list(api.sdk.vector_stores.list()) == []


# --- auth ---------------------------------------------------------------------------------------------------


def test_a_key_goes_in_api_key_alone_for_both_clients(tmp_path: Path, foundry: RunningSandbox) -> None:
    seen: list[dict[str, str]] = []
    with answering(200, {"object": "list", "data": [], "has_more": False}, seen) as url, \
            connected(write_stack(tmp_path, url)) as api:
        list(api.sdk.vector_stores.list())
        assert api.foundry is not None
        agents.list_agents(api.foundry)
    assert [h.get("api-key") for h in seen] == [KEY, KEY]
    assert [h.get("authorization") for h in seen] == [None, None]  # a key is never sent as a bearer token
    assert seen[0]["path"].startswith("/api/projects/p/openai/v1/vector_stores")
    assert seen[1]["path"].startswith("/api/projects/p/agents?") and "api-version=v1" in seen[1]["path"]


def test_entra_id_tokens_go_as_bearer_for_both_clients_and_are_asked_again_once_expired(tmp_path: Path) -> None:
    seen: list[dict[str, str]] = []
    # Tokens that expire at once: a provider that fetched one token for good would send an expired one.
    credential = FixedToken(lifetime_s=0)
    with answering(200, {"object": "list", "data": [], "has_more": False}, seen) as url, \
            connected(write_stack(tmp_path, url, key_env=None), credential) as api:
        assert api.foundry is not None
        for _ in range(2):
            list(api.sdk.files.list())
            agents.list_agents(api.foundry)
    bearers = [h.get("authorization", "") for h in seen]
    assert all(b.startswith("Bearer entra-token-for-tests-") for b in bearers), bearers
    assert len(set(bearers)) == 4  # each request asked again: the cached token had expired
    assert all("api-key" not in h for h in seen)


def test_a_long_lived_token_is_reused_not_fetched_per_request(tmp_path: Path, foundry: RunningSandbox) -> None:
    credential = FixedToken()
    with connected(write_stack(tmp_path, foundry.endpoint, key_env=None), credential) as api:
        assert api.foundry is not None
        for _ in range(3):
            list(api.sdk.vector_stores.list())
            agents.list_agents(api.foundry)
    assert credential.asked == 2  # one token per client, each cached until shortly before it expires


def test_key_auth_and_token_auth_both_work_against_the_sandbox(tmp_path: Path, foundry: RunningSandbox) -> None:
    for key_env, credential in ((KEY_ENV, None), (None, FixedToken())):
        with connected(write_stack(tmp_path / str(key_env), foundry.endpoint, key_env=key_env), credential) as api:
            store = api.sdk.vector_stores.create(name=f"kb-{key_env}")
            assert api.foundry is not None
            made = agents.create_version(api.foundry, f"a-{'key' if key_env else 'token'}", PROMPT)
            assert made["version"] == str(1)
            assert api.sdk.vector_stores.retrieve(store.id).name == f"kb-{key_env}"
            assert api.requests == 3  # every request of both clients counted


def test_the_request_log_counts_and_shows_agent_calls_without_their_query(tmp_path: Path,
                                                                          foundry: RunningSandbox) -> None:
    err = io.StringIO()
    out = Output(stderr=err, debug=True)
    with connected(write_stack(tmp_path, foundry.endpoint), out=out) as api:
        assert api.foundry is not None
        agents.create_version(api.foundry, "logged", PROMPT)
        with pytest.raises(AacError):
            agents.get_agent(api.foundry, "nobody")
        assert api.requests == 2
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("POST /api/projects/sandbox/agents/logged/versions 200 ")
    assert lines[1].startswith("GET /api/projects/sandbox/agents/nobody 404 ")
    assert not any("api-version" in line or KEY in line for line in lines)


# --- errors -------------------------------------------------------------------------------------------------


def _failures(api: Api) -> list[AacError]:
    """The same failure met through each client: a files list (`openai`) and an agents list (azure-core)."""
    assert api.foundry is not None
    raised = []
    for call in (lambda: api.reader().files(), lambda: agents.list_agents(api.foundry)):
        with pytest.raises(AacError) as caught:
            call()
        raised.append(caught.value)
    return raised


def _azure_error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def test_a_refused_key_names_its_variable(tmp_path: Path) -> None:
    with answering(401, _azure_error("401", "Access denied due to invalid subscription key.")) as url, \
            connected(write_stack(tmp_path, url)) as api:
        for error in _failures(api):
            assert f"rejected the key in ${KEY_ENV}" in error.message
            assert error.hint and f"${KEY_ENV}" in error.hint and "Entra ID" in error.hint


def test_a_refused_token_says_to_sign_in(tmp_path: Path) -> None:
    refused = _azure_error("PermissionDenied", "Token tenant does not match resource tenant.")
    with answering(401, refused) as url, connected(write_stack(tmp_path, url, key_env=None), FixedToken()) as api:
        for error in _failures(api):
            assert "rejected the Entra ID token" in error.message
            assert error.hint and "az login" in error.hint


def test_no_azure_credential_at_all_says_to_sign_in(tmp_path: Path, foundry: RunningSandbox) -> None:
    with connected(write_stack(tmp_path, foundry.endpoint, key_env=None), NoAzureLogin()) as api:
        for error in _failures(api):
            assert error.message.startswith(f"cannot get an Entra ID token for {foundry.endpoint}")
            assert error.message.endswith("DefaultAzureCredential failed to retrieve a token from the included "
                                          "credentials.")  # the first line only
            assert error.hint and "az login" in error.hint and "api_key_env" in error.hint
    assert foundry.requests == 0  # nothing was sent without a credential


def test_a_missing_role_is_a_403_that_names_the_role(tmp_path: Path) -> None:
    denied = _azure_error("PermissionDenied", "The principal lacks the required data action "
                          "Microsoft.CognitiveServices/accounts/AIServices/agents/read.")
    with answering(403, denied) as url, connected(write_stack(tmp_path, url)) as api:
        for error in _failures(api):
            assert "denied" in error.message and "lacks the required data action" in error.message
            assert error.hint and "Azure AI User" in error.hint


@pytest.mark.parametrize("profile", [None, "llama-stack"])
def test_an_endpoint_with_no_project_behind_it_says_to_check_the_endpoint(
    tmp_path: Path, profile: str | None
) -> None:
    # A server that is not Foundry (the sandbox's OpenAI or llama-stack face) has nothing at the project's paths.
    with serve_in_background(":memory:", profile=profile) as other:
        endpoint = other.base_url.removesuffix("/v1") + "/api/projects/p"
        # A token, not a key: the sandbox's OpenAI face takes `Authorization` alone, and routes it.
        with connected(write_stack(tmp_path, endpoint, key_env=None), FixedToken()) as api:
            for error in _failures(api):
                assert error.message.startswith(f"{endpoint} has no Foundry project")
                assert error.hint and "endpoint" in error.hint


def test_an_endpoint_nobody_serves_says_to_check_the_endpoint_and_the_server(tmp_path: Path) -> None:
    with serve_in_background(":memory:") as gone:
        port = gone.port
    endpoint = f"http://127.0.0.1:{port}/api/projects/p"
    with connected(write_stack(tmp_path, endpoint)) as api:
        for error in _failures(api):
            assert error.message.startswith(f"cannot reach {endpoint}")
            assert error.hint and "endpoint" in error.hint and "sandbox serve --profile foundry" in error.hint


def test_a_missing_agent_and_azures_own_error_body_are_translated(tmp_path: Path, foundry: RunningSandbox) -> None:
    with connected(write_stack(tmp_path, foundry.endpoint)) as api:
        assert api.foundry is not None
        with pytest.raises(AacError) as missing:
            agents.get_agent(api.foundry, "nobody")
        assert missing.value.message == "reading agent 'nobody' failed: Agent 'nobody' not found (HTTP 404: not found)"
        with pytest.raises(AacError) as bad:
            agents.create_version(api.foundry, "bad", {**PROMPT, "temperature": 9})
        assert bad.value.message.startswith("creating a version of agent 'bad' failed with HTTP 400: ")
        assert "temperature" in bad.value.message
        with pytest.raises(AacError) as bad_name:
            agents.create_version(api.foundry, "under_score", PROMPT)
        assert "Invalid agent name 'under_score'" in bad_name.value.message


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
def test_a_key_planted_in_an_error_body_never_reaches_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    echo = _azure_error("Echo", f"the request carried api-key {KEY} and Authorization Bearer {KEY}")
    with answering(status, echo) as url:
        root = write_stack(tmp_path, url, manifests=KB)
        monkeypatch.setenv(KEY_ENV, KEY)
        for args in (("plan",), ("plan", "--debug"), ("apply", "--auto-approve", "--debug")):
            result = Cli(root, capsys)(*args)
            assert result.code == 1
            assert "error: " in result.err
            assert KEY not in result.out + result.err


def test_an_entra_token_in_an_error_body_never_reaches_the_output(tmp_path: Path) -> None:
    token = FixedToken("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
    err = io.StringIO()
    out = Output(stderr=err)
    echo = _azure_error("Echo", f"token {token.token}-1 and {token.token}-2 are not for this audience")
    with answering(400, echo) as url, connected(write_stack(tmp_path, url, key_env=None), token, out=out) as api:
        for error in _failures(api):
            out.error(error.message, error.hint)
    assert "are not for this audience" in err.getvalue()
    assert token.token not in err.getvalue()


@pytest.mark.parametrize(("environ", "message", "hint"), [
    ({}, f"{KEY_ENV} is not set", "api_key_env"),
    ({KEY_ENV: "  "}, f"{KEY_ENV} is not set", "api_key_env"),
    ({KEY_ENV: "ключ"}, "holds characters an API key cannot have", KEY_ENV),
    ({KEY_ENV: "key\nwith-newline"}, "holds characters an API key cannot have", KEY_ENV),
])
def test_an_unusable_key_variable_is_refused_before_any_request(
    tmp_path: Path, foundry: RunningSandbox, environ: dict[str, str], message: str, hint: str
) -> None:
    with pytest.raises(AacError) as raised, connected(write_stack(tmp_path, foundry.endpoint), environ=environ):
        pass
    assert message in raised.value.message
    assert raised.value.hint and hint in raised.value.hint
    assert foundry.requests == 0


# --- the optional extra -------------------------------------------------------------------------------------

_WITHOUT_AZURE = "import sys; sys.modules['azure'] = None; from aac.cli import main; sys.exit(main(sys.argv[1:]))"


def _run_without_azure(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """aac in a process where `import azure...` fails, as on an install without the `foundry` extra."""
    env = {**os.environ, "NO_COLOR": "1", KEY_ENV: KEY}
    return subprocess.run([sys.executable, "-c", _WITHOUT_AZURE, "-C", str(root), *args], env=env,
                          capture_output=True, text=True, check=False, timeout=60)


def test_without_the_azure_packages_a_foundry_target_names_the_extra(tmp_path: Path,
                                                                     foundry: RunningSandbox) -> None:
    root = write_stack(tmp_path, foundry.endpoint, manifests=KB)
    for args in (("plan",), ("apply", "--auto-approve"), ("destroy", "--auto-approve")):
        result = _run_without_azure(root, *args)
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert lines == ["error: a foundry target needs the Azure packages azure-ai-projects and azure-identity, "
                         "which are not installed",
                         "hint: install them with pip install 'assistant-as-code[foundry]'"]
    assert foundry.requests == 0


def test_without_the_azure_packages_a_foundry_stack_still_validates(tmp_path: Path) -> None:
    result = _run_without_azure(write_stack(tmp_path, "https://a.services.ai.azure.com/api/projects/p",
                                            manifests=KB), "validate")
    assert result.returncode == 0, result.stderr


# --- the prompt agents' wire calls --------------------------------------------------------------------------


def test_the_wire_calls_round_trip_as_plain_dicts(tmp_path: Path, foundry: RunningSandbox) -> None:
    with connected(write_stack(tmp_path, foundry.endpoint)) as api:
        project = api.foundry
        assert project is not None
        store = api.sdk.vector_stores.create(name="kb")
        definition = {**PROMPT, "temperature": 0.2, "tools": [
            {"type": "file_search", "vector_store_ids": [store.id]},
            {"type": "function", "name": "lookup", "parameters": {"type": "object", "properties": {
                "q": {"type": ["string", "null"]}}}, "strict": True}]}
        first = agents.create_version(project, "support", definition, metadata={"aac_stack": "demo"},
                                      description="the support assistant")
        assert type(first) is dict
        assert (first["name"], first["version"], first["metadata"]) == ("support", "1", {"aac_stack": "demo"})
        assert first["description"] == "the support assistant"
        assert first["definition"] == definition  # as written, the user's JSON nulls included
        json.dumps(first)  # plain data all the way down
        second = agents.create_version(project, "support", {**definition, "instructions": "Be briefer."})
        assert second["version"] == "2" and "description" not in second
        assert agents.get_agent(project, "support")["versions"]["latest"]["version"] == "2"
        assert agents.get_version(project, "support", "1")["definition"]["instructions"] == "Be brief."
        assert [v["version"] for v in agents.list_versions(project, "support")] == ["1", "2"]
        assert agents.delete_version(project, "support", "1")["deleted"] is True
        assert [v["version"] for v in agents.list_versions(project, "support")] == ["2"]
        assert agents.delete_agent(project, "support") == {"object": "agent.deleted", "name": "support",
                                                           "deleted": True}
        assert agents.list_agents(project) == []


def test_lists_are_read_to_their_last_page(tmp_path: Path, foundry: RunningSandbox) -> None:
    with connected(write_stack(tmp_path, foundry.endpoint)) as api:
        project = api.foundry
        assert project is not None
        names = [f"agent-{n:03d}" for n in range(45)]  # more than the service's default page of 20
        for name in names:
            agents.create_version(project, name, PROMPT)
        for _ in range(44):
            agents.create_version(project, "versioned", PROMPT)
        before = api.requests
        listed = agents.list_agents(project)
        assert [a["name"] for a in listed] == [*names, "versioned"]
        assert api.requests - before >= 3  # it took several pages
        assert [v["version"] for v in agents.list_versions(project, "versioned")] == [str(n) for n in range(1, 45)]


def test_a_failed_wire_call_is_one_aac_error_for_each_call(tmp_path: Path, foundry: RunningSandbox) -> None:
    with connected(write_stack(tmp_path, foundry.endpoint)) as api:
        project = api.foundry
        assert project is not None
        calls = {
            "reading agent 'ghost'": lambda: agents.get_agent(project, "ghost"),
            "listing the versions of agent 'ghost'": lambda: agents.list_versions(project, "ghost"),
            "reading version 1 of agent 'ghost'": lambda: agents.get_version(project, "ghost", "1"),
            "deleting agent 'ghost'": lambda: agents.delete_agent(project, "ghost"),
            "deleting version 1 of agent 'ghost'": lambda: agents.delete_version(project, "ghost", "1"),
        }
        for what, call in calls.items():
            with pytest.raises(AacError) as raised:
                call()
            assert raised.value.message.startswith(f"{what} failed: ")
            assert "HTTP 404: not found" in raised.value.message
