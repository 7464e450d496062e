"""`/v1/vaults` and their credentials: CRUD through the SDK, and secrets that never come back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from tests.sandbox.conftest import Raw, Recorded

from aac.sandbox.credentials import fingerprint
from aac.sandbox.server import RunningSandbox, serve_in_background

BETA = {"Authorization": "Bearer sk-test", "OpenAI-Beta": "agents=v1"}
MCP = "https://api.githubcopilot.com/mcp/"
# Recognisable secrets: none of them may appear in any response, database or error.
TOKEN, NEW_TOKEN = "ghp_SECRETbearer0001", "ghp_SECRETbearer0002"
ACCESS, REFRESH, CLIENT_SECRET = "oauth-SECRET-access", "oauth-SECRET-refresh", "oauth-SECRET-client"
ENV_SECRET = "env-SECRET-value"
SECRETS = (TOKEN, NEW_TOKEN, ACCESS, REFRESH, CLIENT_SECRET, ENV_SECRET)
BEARER = {"type": "static_bearer", "token": TOKEN, "mcp_server_url": MCP}
OAUTH = {
    "type": "mcp_oauth",
    "access_token": ACCESS,
    "mcp_server_url": MCP,
    "expires_at": "2026-12-01T00:00:00Z",
    "refresh": {
        "client_id": "client-1",
        "refresh_token": REFRESH,
        "token_endpoint": "https://auth.example/token",
        "token_endpoint_auth": {"type": "client_secret_basic", "client_secret": CLIENT_SECRET},
    },
}
ENV = {
    "type": "environment_variable",
    "secret_name": "SERVICE_API_KEY",
    "secret_value": ENV_SECRET,
    "networking": {"type": "limited", "allowed_hosts": ["API.example.com"]},
}


def _credentials(client: openai.OpenAI) -> Any:
    return client.beta.agents.vaults.credentials


def test_vault_routes_answer_what_the_strict_sdk_accepts(strict: Recorded) -> None:
    vaults = strict.client.beta.agents.vaults
    vault = vaults.create(name="  GitHub credentials ", metadata={"team": "support"})
    assert vault.id.startswith("vault_") and (vault.object, vault.name) == ("vault", "GitHub credentials")
    assert vaults.retrieve(vault.id) == vault
    renamed = vaults.update(vault.id, name="GitHub", metadata={})
    assert (renamed.name, renamed.metadata) == ("GitHub", {})
    assert vaults.update(vault.id, name=None).name is None
    assert [v.id for v in vaults.list()] == [vault.id]
    assert vaults.create().name is None
    gone = vaults.delete(vault.id)
    assert (gone.id, gone.object, gone.deleted) == (vault.id, "vault.deleted", True)


def test_credential_routes_answer_what_the_strict_sdk_accepts(strict: Recorded) -> None:
    credentials = _credentials(strict.client)
    vault = strict.client.beta.agents.vaults.create(name="v")
    bearer = credentials.create(vault.id, name="github", auth=BEARER, metadata={"k": "v"})
    assert bearer.id.startswith("cred_") and (bearer.object, bearer.vault_id) == ("vault.credential", vault.id)
    assert bearer.auth.model_dump() == {"type": "static_bearer", "mcp_server_url": MCP}
    oauth = credentials.create(vault.id, name="oauth", auth=OAUTH)
    assert oauth.auth.model_dump() == {
        "type": "mcp_oauth", "mcp_server_url": MCP, "expires_at": "2026-12-01T00:00:00Z",
        "refresh": {
            "client_id": "client-1", "token_endpoint": "https://auth.example/token", "resource": None,
            "scope": None, "token_endpoint_auth": {"type": "client_secret_basic"},
        },
    }
    env = credentials.create(vault.id, name="env", auth=ENV)
    assert env.auth.model_dump() == {
        "type": "environment_variable", "secret_name": "SERVICE_API_KEY",
        "networking": {"type": "limited", "allowed_hosts": ["api.example.com"]},
    }
    assert credentials.retrieve(bearer.id, vault_id=vault.id) == bearer
    assert [c.id for c in credentials.list(vault.id, order="asc")] == [bearer.id, oauth.id, env.id]
    rotated = credentials.update(bearer.id, vault_id=vault.id, auth={"type": "static_bearer", "token": NEW_TOKEN})
    assert rotated.updated_at > bearer.updated_at and rotated.auth == bearer.auth
    gone = credentials.delete(bearer.id, vault_id=vault.id)
    assert (gone.id, gone.object, gone.deleted) == (bearer.id, "vault.credential.deleted", True)


def _stored(sandbox: RunningSandbox, vault_id: str, credential_id: str) -> dict[str, Any]:
    stored = sandbox.store.get("credential", credential_id, vault_id)
    assert stored is not None
    return stored


def test_the_server_holds_the_secret_it_was_sent_and_rotation_replaces_it(
    client: openai.OpenAI, sandbox: RunningSandbox
) -> None:
    vault = client.beta.agents.vaults.create(name="v")
    bearer = _credentials(client).create(vault.id, name="github", auth=BEARER)
    assert _stored(sandbox, vault.id, bearer.id)["_secrets"] == {"token": fingerprint(TOKEN)}
    _credentials(client).update(bearer.id, vault_id=vault.id, auth={"type": "static_bearer", "token": NEW_TOKEN})
    assert _stored(sandbox, vault.id, bearer.id)["_secrets"] == {"token": fingerprint(NEW_TOKEN)}
    oauth = _credentials(client).create(vault.id, name="oauth", auth=OAUTH)
    assert _stored(sandbox, vault.id, oauth.id)["_secrets"] == {
        "access_token": fingerprint(ACCESS),
        "refresh.refresh_token": fingerprint(REFRESH),
        "refresh.token_endpoint_auth.client_secret": fingerprint(CLIENT_SECRET),
    }


def test_an_oauth_rotation_clears_the_expiry_of_the_old_token(client: openai.OpenAI) -> None:
    vault = client.beta.agents.vaults.create(name="v")
    oauth = _credentials(client).create(vault.id, name="oauth", auth=OAUTH)
    scoped = _credentials(client).update(
        oauth.id, vault_id=vault.id, auth={"type": "mcp_oauth", "refresh": {"scope": "repo"}}
    )
    assert scoped.auth.expires_at == "2026-12-01T00:00:00Z" and scoped.auth.refresh.scope == "repo"
    fresh = _credentials(client).update(oauth.id, vault_id=vault.id, auth={"type": "mcp_oauth", "access_token": "t2"})
    assert fresh.auth.expires_at is None and fresh.auth.refresh.scope == "repo"


ROTATIONS_REFUSED = [
    ({"auth": {"type": "mcp_oauth", "access_token": NEW_TOKEN}}, "auth.type"),
    ({"auth": {"type": "static_bearer"}}, "auth.token"),
    ({"auth": {"type": "static_bearer", "token": ""}}, "auth.token"),
    ({"name": "renamed"}, "name"),
    ({"metadata": None}, "metadata"),
]


@pytest.mark.parametrize(("body", "param"), ROTATIONS_REFUSED)
def test_a_refused_rotation_changes_nothing(
    client: openai.OpenAI, raw: Raw, sandbox: RunningSandbox, body: dict[str, Any], param: str
) -> None:
    vault = client.beta.agents.vaults.create(name="v")
    bearer = _credentials(client).create(vault.id, name="github", auth=BEARER)
    response = raw("POST", f"/vaults/{vault.id}/credentials/{bearer.id}", headers=BETA, body=body)
    assert (response.status, response.body["error"]["param"]) == (400, param)
    assert _credentials(client).retrieve(bearer.id, vault_id=vault.id) == bearer
    assert _stored(sandbox, vault.id, bearer.id)["_secrets"] == {"token": fingerprint(TOKEN)}


CREATES_REFUSED = [
    ({"name": "c"}, "auth"),
    ({"auth": BEARER}, "name"),
    ({"auth": BEARER, "name": "   "}, "name"),
    ({"auth": BEARER, "name": "é" * 129}, "name"),
    ({"auth": {**BEARER, "mcp_server_url": "http://plain.example/"}, "name": "c"}, "auth.mcp_server_url"),
    ({"auth": {**BEARER, "type": "basic_auth"}, "name": "c"}, "auth.type"),
    ({"auth": {**BEARER, "extra": TOKEN}, "name": "c"}, "auth.extra"),
    ({"auth": {**ENV, "secret_name": "CODEX_KEY"}, "name": "c"}, "auth.secret_name"),
    ({"auth": {**ENV, "secret_value": f"{ENV_SECRET}\n"}, "name": "c"}, "auth.secret_value"),
    (
        {"auth": {**ENV, "networking": {"type": "limited", "allowed_hosts": ["a.example", "A.example"]}}, "name": "c"},
        "auth.networking.allowed_hosts",
    ),
    ({"auth": {**OAUTH, "expires_at": "tomorrow"}, "name": "c"}, "auth.expires_at"),
    ({"auth": BEARER, "name": "c", "metadata": {f"k{i}": TOKEN for i in range(17)}}, "metadata"),
]


@pytest.mark.parametrize(("body", "param"), CREATES_REFUSED)
def test_a_refused_credential_stores_nothing_and_echoes_no_secret(
    client: openai.OpenAI, raw: Raw, body: dict[str, Any], param: str
) -> None:
    vault = client.beta.agents.vaults.create(name="v")
    response = raw("POST", f"/vaults/{vault.id}/credentials", headers=BETA, body=body)
    assert (response.status, response.body["error"]["param"]) == (400, param), response.body
    assert not any(secret in str(response.body) for secret in SECRETS)
    assert list(_credentials(client).list(vault.id)) == []


def test_no_response_ever_carries_a_secret(strict: Recorded) -> None:
    client = strict.client
    vault = client.beta.agents.vaults.create(name="v")
    ids = [_credentials(client).create(vault.id, name=a["type"], auth=a).id for a in (BEARER, OAUTH, ENV)]
    for credential_id in ids:
        _credentials(client).retrieve(credential_id, vault_id=vault.id)
    list(_credentials(client).list(vault.id, limit=1))
    _credentials(client).update(ids[0], vault_id=vault.id, auth={"type": "static_bearer", "token": NEW_TOKEN})
    _credentials(client).update(ids[1], vault_id=vault.id, metadata={"rotated": "no"})
    with pytest.raises(openai.BadRequestError):
        _credentials(client).update(ids[2], vault_id=vault.id, auth={"type": "static_bearer", "token": NEW_TOKEN})
    with pytest.raises(openai.NotFoundError):
        _credentials(client).create("vault_gone", name="x", auth=BEARER)
    for credential_id in ids:
        _credentials(client).delete(credential_id, vault_id=vault.id)
    assert len(strict.bodies) == 17  # the list pages one credential at a time
    leaked = [secret for secret in SECRETS for body in strict.bodies if secret.encode() in body]
    assert leaked == []


def test_the_database_file_never_holds_a_secret(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    with serve_in_background(str(db)) as sandbox, openai.OpenAI(base_url=sandbox.base_url, api_key="k") as client:
        vault = client.beta.agents.vaults.create(name="v")
        for auth in (BEARER, OAUTH, ENV):
            _credentials(client).create(vault.id, name=auth["type"], auth=auth)
        credential = _credentials(client).list(vault.id).data[0]
        _credentials(client).update(credential.id, vault_id=vault.id, auth={"type": "environment_variable",
                                                                            "secret_value": NEW_TOKEN})
        written = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    assert written and not [secret for secret in SECRETS if secret.encode() in written]
    with serve_in_background(str(db)) as again, openai.OpenAI(base_url=again.base_url, api_key="k") as client:
        assert [c.name for c in _credentials(client).list(vault.id, order="asc")] == [
            "static_bearer", "mcp_oauth", "environment_variable"
        ]


def test_deleting_a_vault_deletes_its_credentials(client: openai.OpenAI, sandbox: RunningSandbox) -> None:
    vault = client.beta.agents.vaults.create(name="v")
    kept = client.beta.agents.vaults.create(name="kept")
    credential = _credentials(client).create(vault.id, name="c", auth=BEARER)
    other = _credentials(client).create(kept.id, name="c", auth=BEARER)
    client.beta.agents.vaults.delete(vault.id)
    with pytest.raises(openai.NotFoundError):
        _credentials(client).retrieve(credential.id, vault_id=vault.id)
    with pytest.raises(openai.NotFoundError):
        _credentials(client).list(vault.id)
    assert [c["id"] for c in sandbox.store.all("credential")] == [other.id]


def test_a_credential_is_found_only_in_its_own_vault(client: openai.OpenAI) -> None:
    first, second = (client.beta.agents.vaults.create(name=n) for n in ("a", "b"))
    credential = _credentials(client).create(first.id, name="c", auth=BEARER)
    with pytest.raises(openai.NotFoundError):
        _credentials(client).retrieve(credential.id, vault_id=second.id)
    with pytest.raises(openai.NotFoundError):
        _credentials(client).delete(credential.id, vault_id=second.id)


def test_lists_filter_by_metadata_and_status_and_page_by_after(client: openai.OpenAI, raw: Raw) -> None:
    vaults = client.beta.agents.vaults
    ids = [vaults.create(name=f"v{i}", metadata={"stack": "demo" if i % 2 else "other", "i": str(i)}).id
           for i in range(5)]
    assert [v.id for v in vaults.list(metadata={"stack": "demo"}, order="asc")] == [ids[1], ids[3]]
    assert [v.id for v in vaults.list(metadata={"stack": "demo", "i": "3"})] == [ids[3]]
    assert [v.id for v in vaults.list(limit=2, order="asc")] == ids
    assert [v.id for v in vaults.list(after=ids[2], order="asc")] == ids[3:]
    assert list(vaults.list(status="archived")) == []
    assert len(list(vaults.list(status=["active", "archived"]))) == 5
    for query in ("status=gone", "before=" + ids[0], "metadata[a%22b]=x"):
        assert raw("GET", f"/vaults?{query}", headers=BETA).status == 400, query
