"""Request-body schema of the Agents API's environment templates (`/v1/agents/environments/templates`).

Shapes from the `openai` SDK 3.60 types (`types/beta/agents/environments/template_create_params.py`,
`template_update_params.py`, `types/beta/hosted_environment_file_param.py`, `hosted_skill_param.py`,
`hosted_plugin_param.py`, `inline_capability_source_param.py`, `setup_command_param.py`); create and update
take the same fields, every one optional and nullable. The bounds are those of the Agents API's OpenAPI
description (`CreateEnvironmentTemplateParams`, as api-evangelist/openai's JSON Schemas derive it): a name
of 1 to 256 characters, at most 1,024 `env` entries with names of 1 to 256 characters and values up to
1 MiB, 16 setup commands of up to 65,536 characters, 50 files (inline data up to 6,990,508 base64
characters, about 5 MiB), 200 skills, 32 plugins, skill and plugin names of 1 to 64 characters. The
sandbox adds what a shell and a file system need and the types' docstrings say in words: `env` names are
POSIX variable names and values hold no NUL, paths are absolute (files inside `/workspace`), package
names, directories and domains are not empty.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from aac.sandbox.apierror import invalid
from aac.sandbox.validation import Schema

WORKSPACE = "/workspace"
ENV_MAX = 1024
_MIB = 1_048_576
_LIST_MAX = 16_384  # packages, directories and domains per list
_TEXT: Schema = {"type": "string", "maxLength": _MIB}
_NAME: Schema = {"type": "string", "minLength": 1, "maxLength": _MIB}  # a package, directory or domain
_PATH: Schema = {"type": "string", "minLength": 1, "maxLength": 4096}
_ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def _nullable(schema: Schema) -> Schema:
    return {**schema, "nullable": True}


def _names(maximum: int = _LIST_MAX) -> Schema:
    return {"type": "array", "nullable": True, "maxItems": maximum, "items": _NAME}


def _tagged(variants: dict[str, Schema]) -> Schema:
    return {"type": "object", "tagged": variants}


def _absolute(path: str, where: str) -> None:
    if not path.startswith("/"):
        raise invalid(where, f"Invalid '{where}': expected an absolute path, starting with '/'.")


def _in_workspace(item: dict[str, Any], path: str) -> None:
    """A file's `path`: "The absolute destination path inside `/workspace`" (SDK), `..` resolved first."""
    where = f"{path}.path"
    _absolute(item["path"], where)
    resolved = posixpath.normpath(item["path"])
    if not resolved.startswith(WORKSPACE + "/"):
        raise invalid(where, f"Invalid '{where}': a file's path must name a file inside '{WORKSPACE}/'.")


def _cwd(command: dict[str, Any], path: str) -> None:
    """`cwd`: "The absolute working directory. Defaults to `/workspace`." (SDK)"""
    if command.get("cwd") is not None:
        _absolute(command["cwd"], f"{path}.cwd")


def _env(env: dict[str, Any], path: str) -> None:
    """Names a shell can export; values a process environment can hold. Neither message echoes a value."""
    for name, value in env.items():
        where = f"{path}.{name}"
        if len(name) > 256 or not re.fullmatch(_ENV_NAME, name):
            raise invalid(where, f"Invalid '{where}': an environment variable name is 1 to 256 letters, digits "
                                 "and underscores, not starting with a digit.")
        if "\x00" in value:
            raise invalid(where, f"Invalid '{where}': an environment variable's value cannot hold a NUL character.")


def _network(network: dict[str, Any], path: str) -> None:
    """`blocked_domains`: "A nonempty list requires `access: restricted` and cannot be combined with nonempty
    `allowed_domains`. Wildcard domains are not supported." (SDK template_create_params.py)"""
    blocked = network.get("blocked_domains") or []
    where = f"{path}.blocked_domains"
    if not blocked:
        return
    if network["access"] != "restricted":
        raise invalid(where, f"Invalid '{where}': blocked domains need 'access: restricted', "
                             f"not '{network['access']}'.")
    if network.get("allowed_domains"):
        raise invalid(where, f"Invalid '{where}': blocked domains cannot be combined with allowed domains.")
    for index, domain in enumerate(blocked):
        if "*" in domain:
            raise invalid(f"{where}[{index}]", f"Invalid '{where}[{index}]': wildcard domains are not supported.")


def _distinct_paths(body: dict[str, Any], path: str) -> None:
    """Two files at one path would leave which one a session sees to chance."""
    seen: set[str] = set()
    for index, item in enumerate(body.get("files") or []):
        resolved = posixpath.normpath(item["path"])
        if resolved in seen:
            where = f"files[{index}].path"
            raise invalid(where, f"Invalid '{where}': another file already goes to '{resolved}'.")
        seen.add(resolved)


_SOURCE = _tagged({
    "base64": {
        "required": ["data", "media_type"],
        "properties": {
            "data": {"type": "string", "minLength": 1, "maxLength": 70_254_592},
            "media_type": {"type": "string", "enum": ["application/zip"]},
        },
    },
})
_INLINE_CAPABILITY: Schema = {
    "required": ["name", "description", "source"],
    "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 64}, "description": _TEXT,
                   "source": _SOURCE},
}
_FILE = _tagged({
    "file_id": {
        "rule": _in_workspace,
        "required": ["file_id", "path"],
        "properties": {"file_id": {"type": "string", "minLength": 1, "maxLength": 256}, "path": _PATH},
    },
    "inline": {
        "rule": _in_workspace,
        "required": ["data", "path"],
        "properties": {"data": {"type": "string", "maxLength": 6_990_508}, "path": _PATH},
    },
})
_SKILL = _tagged({
    "skill_reference": {
        "required": ["skill_id"],
        "properties": {
            "skill_id": {"type": "string", "minLength": 1, "maxLength": 64},
            # "The skill version, a positive integer or `latest`; omission selects the default." (SDK)
            "version": {"type": "string", "nullable": True, "pattern": "[1-9][0-9]{0,17}|latest"},
        },
    },
    "inline": _INLINE_CAPABILITY,
})
_PLUGIN = _tagged({"inline": _INLINE_CAPABILITY})
_SETUP_COMMAND: Schema = {
    "type": "object",
    "rule": _cwd,
    "required": ["command"],
    "properties": {"command": {"type": "string", "maxLength": 65_536}, "cwd": _nullable(_PATH)},
}
TEMPLATE: Schema = {
    "type": "object",
    "rule": _distinct_paths,
    "properties": {
        "name": {"type": "string", "nullable": True, "minLength": 1, "maxLength": 256},
        "capability_directories": _names(),
        "desktop": {"type": "object", "nullable": True, "required": ["enabled"],
                    "properties": {"enabled": {"type": "boolean"}}},
        "env": {"type": "object", "nullable": True, "maxProperties": ENV_MAX, "additional": _TEXT, "rule": _env},
        "files": {"type": "array", "nullable": True, "maxItems": 50, "items": _FILE},
        "network": {
            "type": "object",
            "nullable": True,
            "rule": _network,
            "required": ["access"],
            "properties": {
                "access": {"type": "string", "enum": ["enabled", "disabled", "restricted"]},
                "allowed_domains": _names(),
                "blocked_domains": _names(),
            },
        },
        "packages": {
            "type": "object",
            "nullable": True,
            "properties": {"npm": _names(), "python": _names(), "system": _names()},
        },
        "plugins": {"type": "array", "nullable": True, "maxItems": 32, "items": _PLUGIN},
        "setup_commands": {"type": "array", "nullable": True, "maxItems": 16, "items": _SETUP_COMMAND},
        "skills": {"type": "array", "nullable": True, "maxItems": 200, "items": _SKILL},
    },
}
