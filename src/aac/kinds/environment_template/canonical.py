"""A template's comparable forms: the manifest's and the live one, field for field as the API returns them.

Defaults are aligned on both sides so nothing is a perpetual change: an omitted `network` is the beta's
`enabled` (every create sends it, so no server's default is assumed), `packages` lists and `capability_directories`
default empty, `desktop` disabled. `blocked_domains`, `env` and `setup_commands` are accepted and never returned:
they compare through the `aac-spec` tag in the name (aac.kinds.environment_template.identity), `env` and
`setup_commands` by the names of the variables that hold their values, never a value or a hash of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aac.canonical import normalise
from aac.identity import is_protected
from aac.kinds.environment_template.identity import decode
from aac.kinds.environment_template.spec import DEFAULT_NETWORK, PACKAGE_LISTS, TemplateSpec
from aac.resources import TAG_SECRET_VERSION, LiveObject, LiveState

JSON = dict[str, Any]
WRITE_ONLY = ("blocked_domains", "env", "setup_commands")
CONFIDENTIAL = ("env", "setup_commands", "version")  # a change of these sends the values again


def canonical(spec: TemplateSpec) -> JSON:
    return normalise({
        "capability_directories": list(spec.capability_directories),
        "desktop": {"enabled": spec.desktop},
        "files": [dict(f) for f in spec.files],
        "network": dict(spec.network),
        "packages": {name: list(spec.packages.get(name, ())) for name in PACKAGE_LISTS},
        "skills": [dict(s) for s in spec.skills],
        "plugins": [],
        "blocked_domains": list(spec.blocked_domains),
        "env": dict(spec.env),
        "setup_commands": [dict(c) for c in spec.setup_commands],
        "version": spec.version,
        "protect": spec.protect,
    })


def canonical_live(obj: LiveObject, state: LiveState | None = None) -> JSON:
    raw, tags = obj.raw, decode(obj.raw.get("name"))
    version = str(tags.get(TAG_SECRET_VERSION) or "")
    return normalise({
        "capability_directories": list(raw.get("capability_directories") or []),
        "desktop": {"enabled": bool((raw.get("desktop") or {}).get("enabled", False))},
        "files": sorted((_file(f) for f in _items(raw.get("files"))), key=lambda f: str(f.get("path"))),
        "network": _network(raw.get("network")),
        "packages": {name: list((raw.get("packages") or {}).get(name) or []) for name in PACKAGE_LISTS},
        "skills": [_skill(s) for s in _items(raw.get("skills"))],
        "plugins": [_capability(p) for p in _items(raw.get("plugins"))],
        "version": int(version) if version.isdigit() else None,
        "protect": is_protected(tags),
    })


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value or () if isinstance(item, Mapping)]


def _network(network: Any) -> JSON:
    if not isinstance(network, Mapping):
        return dict(DEFAULT_NETWORK)
    return {"access": network.get("access"), "allowed_domains": list(network.get("allowed_domains") or [])}


def _file(item: Mapping[str, Any]) -> JSON:
    """By id as the manifest writes it; an inline one (made by hand) by what the API shows of it."""
    if item.get("type") == "file_id":
        return {"path": item.get("path"), "file_id": item.get("file_id")}
    return {"path": item.get("path"), "inline_bytes": item.get("size_bytes")}


def _skill(item: Mapping[str, Any]) -> JSON:
    if item.get("type") == "skill_reference":
        return {"skill_id": item.get("skill_id"), "version": item.get("version")}
    return _capability(item)


def _capability(item: Mapping[str, Any]) -> JSON:
    """An inline skill or plugin, which a manifest cannot declare: by the name and description it shows."""
    return {"inline": item.get("name"), "description": item.get("description")}
