"""Request-body schemas of the Agents API beta: agents, vaults and vault credentials.

Shapes and limits from the `openai` SDK 3.57 types (`types/beta/agent_create_params.py`,
`persisted_agent_tool_param.py`, `types/beta/agents/vault*.py`, `vaults/credential*.py`) and
the API reference (agent `name` up to 128 characters, `model` and `instructions` up to 1 MiB).
"""

from __future__ import annotations

from typing import Any

from aac import limits
from aac.sandbox.apierror import invalid
from aac.sandbox.schemas import METADATA, Schema

_TEXT_MAX = 1_048_576
_STRING: Schema = {"type": "string"}
_STRINGS: Schema = {"type": "array", "nullable": True, "items": _STRING}
_OBJECT: Schema = {"type": "object", "additional": {}}
_HTTPS: Schema = {"type": "string", "maxLength": 2047, "pattern": r"^https://[^\s/?#]+[^\s]*$"}


def _nullable(schema: Schema) -> Schema:
    return {**schema, "nullable": True}


def _enum(*values: str) -> Schema:
    return {"type": "string", "nullable": True, "enum": list(values)}


def _tagged(variants: dict[str, Schema], *, nullable: bool = False) -> Schema:
    return {"type": "object", "nullable": nullable, "tagged": variants}


_TRANSPORT = _tagged({
    "http": {
        "required": ["server_url"],
        "properties": {"server_url": _STRING, "headers": _nullable({**_OBJECT, "additional": _STRING})},
    },
    "stdio": {
        "required": ["command", "cwd"],
        "properties": {"command": _STRING, "cwd": _STRING, "args": _STRINGS, "env_vars": _STRINGS},
    },
})
_LOCATION: Schema = {
    "type": "object",
    "nullable": True,
    "properties": {key: _nullable(_STRING) for key in ("city", "country", "region", "timezone")},
}
TOOL = _tagged({
    "function": {
        "required": ["name", "description", "parameters"],
        "properties": {
            "name": {"type": "string", "maxLength": limits.FUNCTION_NAME_MAX, "pattern": "^[a-zA-Z0-9_-]+$"},
            "description": _STRING,
            "parameters": _OBJECT,
            "defer_loading": {"type": "boolean"},
            "async": {"type": "boolean"},
        },
    },
    "tool_search": {},
    "programmatic_tool_calling": {"properties": {"enabled": {"type": "boolean"}}},
    "mcp": {
        "required": ["server_label", "transport"],
        "properties": {
            "server_label": {"type": "string", "minLength": 1},
            "transport": _TRANSPORT,
            "allowed_tools": _STRINGS,
            "connection_origin": _enum("service", "environment"),
            "credential_id": _nullable(_STRING),
            "request_metadata": _nullable(_OBJECT),
            "required": {"type": "boolean"},
        },
    },
    "web_search": {
        "properties": {
            "allowed_domains": _STRINGS,
            "context_size": _enum("low", "medium", "high"),
            "location": _LOCATION,
            "mode": _enum("disabled", "cached", "live"),
        },
    },
    "computer_use": {"properties": {"include_screenshots": {"type": "boolean"}}},
    "automations": {},
})
_TEXT_FORMAT = _tagged(
    {"text": {}, "json_schema": {"required": ["schema"], "properties": {"schema": _OBJECT}}}, nullable=True
)


def _agent(create: bool) -> Schema:
    properties: Schema = {
        "model": {"type": "string", "maxLength": _TEXT_MAX},
        "name": {"type": "string", "nullable": True, "maxLength": limits.AGENT_NAME_MAX},
        "instructions": {"type": "string", "nullable": True, "maxLength": _TEXT_MAX},
        "metadata": METADATA,
        "reasoning": {
            "type": "object",
            "nullable": True,
            "properties": {"effort": _enum(*limits.REASONING_EFFORTS), "summary": _enum("concise", "detailed", "auto")},
        },
        "service_tier": _enum("auto", "default", "flex", "priority", "fast", "ultrafast"),
        "text": {
            "type": "object",
            "nullable": True,
            "properties": {"format": _TEXT_FORMAT, "verbosity": _enum("low", "medium", "high")},
        },
        "multi_agent": {
            "type": "object",
            "nullable": True,
            "required": ["enabled"],
            "properties": {
                "enabled": {"type": "boolean"},
                "max_concurrent_subagents": {"type": "integer", "minimum": 1},
            },
        },
        "compaction": {"type": "object", "nullable": True, "properties": {"async": _nullable({"type": "boolean"})}},
        "experimental": {"type": "object", "properties": {"time_awareness": {"type": "boolean"}}},
        "tools": {"type": "array", "nullable": True, "items": TOOL},
    }
    return {"type": "object", "required": ["model"] if create else [], "properties": properties}


AGENT_CREATE = _agent(create=True)
AGENT_UPDATE = _agent(create=False)


def _trimmed_name(body: dict[str, Any], path: str) -> None:
    """`name` "is trimmed before storage. It must contain 1 to 256 UTF-8 bytes after trimming"."""
    name = body.get("name")
    if isinstance(name, str) and not 1 <= len(name.strip().encode("utf-8")) <= limits.VAULT_NAME_BYTES_MAX:
        raise invalid(
            "name",
            f"Invalid 'name': expected 1 to {limits.VAULT_NAME_BYTES_MAX} UTF-8 bytes after trimming whitespace, "
            f"but got {len(name.strip().encode('utf-8'))}.",
        )


_FIXED_METADATA: Schema = {**METADATA, "nullable": False}
VAULT_CREATE: Schema = {
    "rule": _trimmed_name,
    "type": "object",
    "properties": {"name": _STRING, "metadata": METADATA},
}
VAULT_UPDATE: Schema = {
    "rule": _trimmed_name,
    "type": "object",
    "properties": {"name": _nullable(_STRING), "metadata": _FIXED_METADATA},
}


def _secret_name(auth: dict[str, Any], path: str) -> None:
    if auth["secret_name"].upper().startswith("CODEX_"):
        raise invalid(f"{path}.secret_name", f"Invalid '{path}.secret_name': names starting with CODEX_ are reserved.")


def _distinct_hosts(networking: dict[str, Any], path: str) -> None:
    hosts = [host.lower() for host in networking["allowed_hosts"]]
    if len(set(hosts)) != len(hosts):
        raise invalid(f"{path}.allowed_hosts", f"Invalid '{path}.allowed_hosts': the hosts must be distinct.")


_SECRET: Schema = {"type": "string", "minLength": 1, "maxLength": 8192}
_SECRET_VALUE: Schema = {"type": "string", "minLength": 1, "maxLength": 8192, "pattern": r"^[^\r\n\x00]+$"}
_RFC3339: Schema = {
    "type": "string",
    "nullable": True,
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
_HOST = {"type": "string", "pattern": r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$", "maxLength": 253}
_NETWORKING = _tagged({
    "unrestricted": {},
    "limited": {
        "rule": _distinct_hosts,
        "required": ["allowed_hosts"],
        "properties": {"allowed_hosts": {"type": "array", "minItems": 1, "maxItems": 16, "items": _HOST}},
    },
})
_ENDPOINT_AUTH = _tagged({
    "none": {},
    "client_secret_basic": {"required": ["client_secret"], "properties": {"client_secret": _SECRET}},
    "client_secret_post": {"required": ["client_secret"], "properties": {"client_secret": _SECRET}},
})
_REFRESH: Schema = {
    "type": "object",
    "nullable": True,
    "required": ["client_id", "refresh_token", "token_endpoint", "token_endpoint_auth"],
    "properties": {
        "client_id": {"type": "string", "minLength": 1, "maxLength": 1024},
        "refresh_token": _SECRET,
        "token_endpoint": _HTTPS,
        "token_endpoint_auth": _ENDPOINT_AUTH,
        "resource": _nullable(_STRING),
        "scope": _nullable(_STRING),
    },
}
AUTH_CREATE = _tagged({
    "static_bearer": {
        "required": ["token", "mcp_server_url"],
        "properties": {"token": _SECRET, "mcp_server_url": _HTTPS},
    },
    "mcp_oauth": {
        "required": ["access_token", "mcp_server_url"],
        "properties": {"access_token": _SECRET, "mcp_server_url": _HTTPS, "expires_at": _RFC3339, "refresh": _REFRESH},
    },
    "environment_variable": {
        "rule": _secret_name,
        "required": ["networking", "secret_name", "secret_value"],
        "properties": {
            "networking": _NETWORKING,
            "secret_name": {"type": "string", "maxLength": 256, "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
            "secret_value": _SECRET_VALUE,
        },
    },
})
_ROTATE_ENDPOINT_AUTH = _tagged({
    "client_secret_basic": {"properties": {"client_secret": _nullable(_SECRET)}},
    "client_secret_post": {"properties": {"client_secret": _nullable(_SECRET)}},
}, nullable=True)
AUTH_ROTATE = _tagged({
    "static_bearer": {"required": ["token"], "properties": {"token": _SECRET}},
    "mcp_oauth": {
        "properties": {
            "access_token": _nullable(_SECRET),
            "expires_at": _RFC3339,
            "refresh": {
                "type": "object",
                "nullable": True,
                "properties": {
                    "refresh_token": _nullable(_SECRET),
                    "scope": _nullable(_STRING),
                    "token_endpoint_auth": _ROTATE_ENDPOINT_AUTH,
                },
            },
        },
    },
    "environment_variable": {"required": ["secret_value"], "properties": {"secret_value": _SECRET_VALUE}},
})
CREDENTIAL_CREATE: Schema = {
    "rule": _trimmed_name,
    "type": "object",
    "required": ["auth", "name"],
    "properties": {"auth": AUTH_CREATE, "name": _STRING, "metadata": _FIXED_METADATA},
}
CREDENTIAL_UPDATE: Schema = {
    "type": "object",
    "properties": {"auth": AUTH_ROTATE, "metadata": _FIXED_METADATA},
}
