"""`kind: environment_template` documents (already shape-checked against the schema) into a TemplateSpec.

The confidential fields never sit in a manifest: an `env` entry is written `NAME: {value_env: VARIABLE}` and a
setup command `{command_env: VARIABLE, cwd: ...}`, the `<field>_env: VARIABLE` convention of a credential's
secrets (aac.resources.SECRET_SUFFIX). Nothing here reads the environment.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.manifest.context import LoadContext
from aac.manifest.yaml_load import Document
from aac.resources import JSON, Source

KIND_NAME = "environment_template"
WORKSPACE = "/workspace"  # "The absolute destination path inside `/workspace`" (SDK hosted_environment_file_param)
PACKAGE_LISTS = ("npm", "python", "system")
DEFAULT_NETWORK: JSON = {"access": "enabled", "allowed_domains": []}


@dataclass(frozen=True)
class TemplateSpec:
    name: str  # the stack-unique key
    capability_directories: tuple[str, ...] = ()
    desktop: bool = False
    files: tuple[JSON, ...] = ()  # {path, file_id}, sorted by path
    network: JSON = field(default_factory=lambda: dict(DEFAULT_NETWORK))  # access, allowed_domains
    blocked_domains: tuple[str, ...] = ()  # write-only: the API takes them and never returns them
    packages: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: {p: () for p in PACKAGE_LISTS})
    skills: tuple[JSON, ...] = ()  # {skill_id, version}
    env: Mapping[str, str] = field(default_factory=dict)  # NAME -> the variable that holds its value
    setup_commands: tuple[JSON, ...] = ()  # {command_env: VARIABLE, cwd}
    version: int = 1  # bumped by the user to send the confidential values again
    protect: bool = False
    source: Source | None = None

    @property
    def key(self) -> str:
        return self.name


def load(ctx: LoadContext, doc: Document) -> TemplateSpec:
    data = doc.data
    network = data.get("network") or {}
    _check_files(ctx, doc)
    _check_network(ctx, doc, network)
    return TemplateSpec(
        name=data["name"],
        capability_directories=tuple(data.get("capability_directories") or ()),
        desktop=bool((data.get("desktop") or {}).get("enabled", False)),
        files=tuple(sorted(({"path": f["path"], "file_id": f["file_id"]} for f in data.get("files") or ()),
                           key=lambda f: f["path"])),
        network={"access": network.get("access", DEFAULT_NETWORK["access"]),
                 "allowed_domains": list(network.get("allowed_domains") or [])},
        blocked_domains=tuple(network.get("blocked_domains") or ()),
        packages={name: tuple((data.get("packages") or {}).get(name) or ()) for name in PACKAGE_LISTS},
        skills=tuple({"skill_id": s["skill_id"], "version": _version(s.get("version"))}
                     for s in data.get("skills") or ()),
        env={name: item["value_env"] for name, item in sorted((data.get("env") or {}).items())},
        setup_commands=tuple({"command_env": c["command_env"], "cwd": c.get("cwd")}
                             for c in data.get("setup_commands") or ()),
        version=int(data.get("version", 1)),
        protect=bool(data.get("protect", False)),
        source=Source(doc.path, doc.line),
    )


def _version(value: Any) -> str | None:
    """A skill's version as the API keeps it, a string (`2` and `"2"` are one selector)."""
    return None if value is None else str(value)


def _check_files(ctx: LoadContext, doc: Document) -> None:
    """Each file inside /workspace, and no two at one path (which one a session sees would be left to chance)."""
    seen: dict[str, int] = {}
    for index, item in enumerate(doc.data.get("files") or ()):
        line = doc.line_of("files", index, "path")
        resolved = posixpath.normpath(item["path"])
        if not item["path"].startswith("/") or not resolved.startswith(WORKSPACE + "/"):
            ctx.error(doc.path, line, f"file path {item['path']!r} is not inside {WORKSPACE}/",
                      f"write an absolute path under {WORKSPACE}/, such as {WORKSPACE}/data/input.csv")
        elif resolved in seen:
            ctx.error(doc.path, line, f"two files go to {resolved} (the first on line {seen[resolved]})",
                      "give each file its own path")
        seen.setdefault(resolved, line)


def _check_network(ctx: LoadContext, doc: Document, network: Mapping[str, Any]) -> None:
    """`blocked_domains`: "A nonempty list requires `access: restricted` and cannot be combined with nonempty
    `allowed_domains`. Wildcard domains are not supported." (SDK template_create_params.py)"""
    blocked = network.get("blocked_domains") or []
    line = doc.line_of("network", "blocked_domains")
    if blocked and network.get("access") != "restricted":
        ctx.error(doc.path, line, f"blocked_domains need `access: restricted`, not {network.get('access')!r}",
                  "set `access: restricted`, or remove blocked_domains")
    if blocked and network.get("allowed_domains"):
        ctx.error(doc.path, line, "blocked_domains cannot be combined with allowed_domains",
                  "list the domains to allow, or those to block, not both")
    for index, domain in enumerate(blocked):
        if "*" in domain:
            ctx.error(doc.path, doc.line_of("network", "blocked_domains", index),
                      f"blocked domain {domain!r} is a wildcard, which the API does not support",
                      "list each domain to block by its name")
