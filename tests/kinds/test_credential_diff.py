"""A credential's auth in the pure diff: what the server fills in is not a change; what the manifest sets is."""

from __future__ import annotations

from typing import Any

from aac.identity import spec_hash, tags
from aac.kinds import credential, vault
from aac.kinds.credential.spec import CredentialSpec
from aac.kinds.vault.spec import VaultSpec
from aac.live import index_live
from aac.plan.diff import diff
from aac.resources import TAG_SECRET_VERSION, DesiredState

STACK = "demo"
SERVER = "https://mcp.example.com/mcp"
AUTH = {"type": "mcp_oauth", "mcp_server_url": SERVER, "access_token_env": "MCP_ACCESS_TOKEN",
        "refresh": {"client_id": "aac", "token_endpoint": "https://auth.example.com/token",
                    "token_endpoint_auth": {"type": "none"}, "refresh_token_env": "MCP_REFRESH_TOKEN"}}
# As a read returns it: no secret, and what the server fills in (an expiry every refresh moves, the resource).
SHOWN = {"type": "mcp_oauth", "mcp_server_url": SERVER, "expires_at": "2026-12-01T00:00:00Z",
         "refresh": {"client_id": "aac", "token_endpoint": "https://auth.example.com/token",
                     "token_endpoint_auth": {"type": "none"}, "resource": SERVER, "scope": None}}


def _desired(auth: dict[str, Any]) -> DesiredState:
    spec = CredentialSpec(vault="tools", name="mcp", display_name="mcp", auth=auth)
    vault = VaultSpec(name="tools", display_name="tools", credentials=(spec.key,))
    return DesiredState(stack=STACK, specs={"vault": {"tools": vault}, "credential": {spec.key: spec}}, files={},
                        manifest_digest="sha256:0")


def _applied(desired: DesiredState, live_auth: dict[str, Any]) -> dict[str, Any]:
    """The snapshot right after `desired` was applied, the credential's auth as the server shows it."""
    nothing = index_live({}, STACK)
    box, spec = desired.of("vault")["tools"], desired.of("credential")["tools/mcp"]
    vault_raw = {"id": "vault_1", "name": "tools",
                 "metadata": tags(STACK, "tools", spec_hash(vault.KIND.canonical(box, {}, nothing)))}
    credential_raw = {"id": "cred_1", "vault_id": "vault_1", "name": "mcp", "auth": live_auth,
                      "metadata": {**tags(STACK, "tools/mcp", spec_hash(credential.KIND.canonical(spec, {}, nothing))),
                                   TAG_SECRET_VERSION: "1"}}
    return {"assistants": [], "vector_stores": [], "files": [], "agents": [], "vaults": [vault_raw],
            "credentials": {"vault_1": [credential_raw]}}


def _actions(desired: DesiredState, snapshot: dict[str, Any]) -> dict[str, tuple[str, tuple[str, ...]]]:
    plan = diff(desired, {}, index_live(snapshot, STACK), target="t", now="2026-11-30T00:00:00Z")
    return {c.address: (c.action.value, c.changed_fields) for c in plan.actionable}


def test_what_the_server_fills_in_of_a_credentials_auth_is_no_change() -> None:
    """An OAuth credential's expiry (moved by every refresh) and the refresh's resource are the server's
    when the manifest leaves them out (the credential kind's align)."""
    desired = _desired(AUTH)
    assert _actions(desired, _applied(desired, SHOWN)) == {}


def test_a_public_auth_field_the_manifest_sets_is_compared_and_replaces_the_credential() -> None:
    moved = _desired({**AUTH, "mcp_server_url": "https://mcp.example.com/v2"})
    assert _actions(moved, _applied(_desired(AUTH), SHOWN)) == {"credential.tools/mcp": ("replace", ("auth",))}
