"""A manifest's credential auth (secrets named by environment variable) into the Agents API's create and rotate
bodies: the shapes the SDK declares, the values from the environment, and errors that name a variable, never a value."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openai.types.beta.agents.vaults.credential_auth_create_param import CredentialAuthCreateParam
from openai.types.beta.agents.vaults.credential_auth_rotate_param import CredentialAuthRotateParam
from pydantic import ConfigDict, TypeAdapter

from aac.errors import AacError
from aac.kinds.credential.secrets import credential_auth, credential_rotation, secret_values
from credential_cases import BEARER, ENV, ENVIRON, MCP, OAUTH

# The SDK's own request types, refusing any key they do not declare.
CREATE = TypeAdapter(CredentialAuthCreateParam, config=ConfigDict(extra="forbid"))
ROTATE = TypeAdapter(CredentialAuthRotateParam, config=ConfigDict(extra="forbid"))


def test_a_bearer_token_comes_from_the_variable_the_manifest_names() -> None:
    body, secrets = credential_auth(BEARER, ENVIRON, "github/mcp")
    assert body == {"type": "static_bearer", "mcp_server_url": MCP, "token": "ghp_bearer-0123456789"}
    assert secrets == ("ghp_bearer-0123456789",)
    assert CREATE.validate_python(body) == body
    rotation, again = credential_rotation(BEARER, ENVIRON, "github/mcp")
    assert rotation == {"type": "static_bearer", "token": "ghp_bearer-0123456789"} and again == secrets
    assert ROTATE.validate_python(rotation) == rotation


def test_every_secret_of_an_oauth_credential_however_deep() -> None:
    body, secrets = credential_auth(OAUTH, ENVIRON, "github/oauth")
    assert CREATE.validate_python(body) == body
    assert body["access_token"] == "oauth-access-0123456789"
    assert body["refresh"]["refresh_token"] == "oauth-refresh-0123456789"
    assert body["refresh"]["token_endpoint_auth"] == {"type": "client_secret_post",
                                                      "client_secret": "oauth-client-0123456789"}
    assert sorted(secrets) == sorted(ENVIRON[v] for v in ("OAUTH_ACCESS", "OAUTH_REFRESH", "OAUTH_CLIENT"))
    assert sorted(secret_values(body)) == sorted(secrets)
    assert "_env" not in json.dumps(body) and "OAUTH_" not in json.dumps(body)  # no variable or its name is sent


def test_an_oauth_rotation_sends_every_secret_again_and_restates_expiry_and_scope() -> None:
    rotation, secrets = credential_rotation(OAUTH, ENVIRON, "github/oauth")
    assert ROTATE.validate_python(rotation) == rotation
    assert rotation == {
        "type": "mcp_oauth", "access_token": "oauth-access-0123456789", "expires_at": "2026-12-01T00:00:00Z",
        "refresh": {"refresh_token": "oauth-refresh-0123456789", "scope": "repo",
                    "token_endpoint_auth": {"type": "client_secret_post", "client_secret": "oauth-client-0123456789"}},
    }
    assert len(secrets) == 3


def test_an_oauth_rotation_without_refresh_or_client_secret() -> None:
    public_client = {**OAUTH, "refresh": {**OAUTH["refresh"], "token_endpoint_auth": {"type": "none"}}}  # type: ignore[dict-item]
    del public_client["expires_at"]
    rotation, _ = credential_rotation(public_client, ENVIRON, "github/oauth")
    assert ROTATE.validate_python(rotation) == rotation
    assert rotation["expires_at"] is None  # what the manifest leaves out is cleared, as a new token does anyway
    assert "token_endpoint_auth" not in rotation["refresh"]  # `none` has no secret to rotate
    bare = {k: v for k, v in OAUTH.items() if k != "refresh"}
    assert "refresh" not in credential_rotation(bare, ENVIRON, "github/oauth")[0]


def test_an_environment_credential_keeps_its_networking_and_rotates_its_value() -> None:
    body, secrets = credential_auth(ENV, ENVIRON, "svc/key")
    assert CREATE.validate_python(body) == body and secrets == ("service-key-0123456789",)
    assert body["networking"] == ENV["networking"] and body["networking"] is not ENV["networking"]
    body["networking"]["allowed_hosts"].append("changed")  # the manifest's data is never shared with a body
    assert ENV["networking"] == {"type": "limited", "allowed_hosts": ["api.example.com"]}
    rotation, _ = credential_rotation(ENV, ENVIRON, "svc/key")
    assert rotation == {"type": "environment_variable", "secret_value": "service-key-0123456789"}


@pytest.mark.parametrize(("environ", "says"), [
    ({}, "$GITHUB_MCP_TOKEN (auth.token_env) is not set"),
    ({"GITHUB_MCP_TOKEN": ""}, "$GITHUB_MCP_TOKEN (auth.token_env) is empty"),
    ({"GITHUB_MCP_TOKEN": "   "}, "$GITHUB_MCP_TOKEN (auth.token_env) is empty"),
    ({"GITHUB_MCP_TOKEN": "ghp_line-one\nghp_line-two"}, "holds a line break or NUL byte"),
    ({"GITHUB_MCP_TOKEN": "ghp_nul-byte\0rest"}, "holds a line break or NUL byte"),
    ({"GITHUB_MCP_TOKEN": "ghp_1"}, "holds fewer than 8 characters"),
])
def test_a_secret_that_cannot_be_sent_names_the_variable_and_the_credential_never_the_value(
        environ: dict[str, str], says: str) -> None:
    for build in (credential_auth, credential_rotation):
        with pytest.raises(AacError) as caught:
            build(BEARER, environ, "github/mcp")
        error = caught.value
        assert error.message.startswith("credential github/mcp: ") and says in error.message
        assert "GITHUB_MCP_TOKEN" in (error.hint or "")
        for value in environ.values():
            if value.strip():
                assert value not in error.message + (error.hint or "")
                assert all(part not in error.message for part in value.split() if len(part) > 4)


def test_a_nested_variable_is_named_by_its_path() -> None:
    environ = {k: v for k, v in ENVIRON.items() if k != "OAUTH_CLIENT"}
    with pytest.raises(AacError) as caught:
        credential_auth(OAUTH, environ, "github/oauth")
    assert "$OAUTH_CLIENT (auth.refresh.token_endpoint_auth.client_secret_env) is not set" in caught.value.message
    assert (caught.value.hint or "").startswith("export OAUTH_CLIENT=...")


def test_an_unknown_auth_type_cannot_be_rotated() -> None:
    with pytest.raises(AacError, match="auth type 'basic' is not one the Agents API knows"):
        credential_rotation({"type": "basic", "token_env": "GITHUB_MCP_TOKEN"}, ENVIRON, "github/mcp")


def test_secret_values_finds_nothing_in_a_body_without_auth() -> None:
    found: list[Any] = list(secret_values(None)) + list(secret_values({"metadata": {"token": 1}}))
    assert found == []


def test_a_secret_written_into_the_manifest_itself_is_refused_without_repeating_it() -> None:
    with pytest.raises(AacError) as caught:
        credential_auth({**OAUTH, "access_token": "oauth-literal-0123456789"}, ENVIRON, "github/oauth")
    assert caught.value.message == "credential github/oauth: auth.access_token holds a secret in the manifest"
    assert "access_token_env: VARIABLE" in (caught.value.hint or "")
    assert "oauth-literal" not in caught.value.message + (caught.value.hint or "")
