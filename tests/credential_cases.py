"""Credential auth as manifests write it (each secret named by its environment variable), and an environment."""

from __future__ import annotations

MCP = "https://api.githubcopilot.com/mcp/"
ENVIRON = {"GITHUB_MCP_TOKEN": "ghp_bearer-0123456789", "OAUTH_ACCESS": "oauth-access-0123456789",
           "OAUTH_REFRESH": "oauth-refresh-0123456789", "OAUTH_CLIENT": "oauth-client-0123456789",
           "SERVICE_KEY": "service-key-0123456789"}
BEARER = {"type": "static_bearer", "mcp_server_url": MCP, "token_env": "GITHUB_MCP_TOKEN"}
OAUTH = {
    "type": "mcp_oauth", "mcp_server_url": MCP, "access_token_env": "OAUTH_ACCESS",
    "expires_at": "2026-12-01T00:00:00Z",
    "refresh": {"client_id": "client-1", "token_endpoint": "https://auth.example/token", "scope": "repo",
                "refresh_token_env": "OAUTH_REFRESH",
                "token_endpoint_auth": {"type": "client_secret_post", "client_secret_env": "OAUTH_CLIENT"}},
}
ENV = {"type": "environment_variable", "secret_name": "SERVICE_API_KEY", "secret_value_env": "SERVICE_KEY",
       "networking": {"type": "limited", "allowed_hosts": ["api.example.com"]}}
