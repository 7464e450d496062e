"""The normalisation every kind's comparable forms share (each kind's own are in aac.kinds).

Both sides of the diff go through it, so what is not a change never shows as one: numbers
compare as numbers (1 == 1.0), metadata is the user's keys only (neither aac's tags nor the
server's own), and an object this stack does not own is named by id (`id:...`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from aac.resources import (
    ATTR_PREFIX,
    ATTR_SHA256,
    SERVER_METADATA,
    TAG_SECRET_VERSION,
    TAG_SERVER_KEYS,
    TAGS,
)

JSON = dict[str, Any]
UNKNOWN_ID = "id:"  # prefix for a live reference to an object this stack does not own


def normalise(value: Any) -> Any:
    """Integral floats become ints (YAML's 1.0 and the API's 1 are one value), recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    return value


def drop_none(data: Mapping[str, Any] | None) -> JSON:
    return {k: v for k, v in (data or {}).items() if v is not None}


def recorded_server_keys(metadata: Mapping[str, Any] | None) -> set[str]:
    """The keys aac recorded as the server's on this object (TAG_SERVER_KEYS), and that tag itself."""
    recorded = str((metadata or {}).get(TAG_SERVER_KEYS) or "")
    return {TAG_SERVER_KEYS, *(k for k in recorded.split(",") if k)} if recorded else set()


def user_metadata(metadata: Mapping[str, Any] | None, reserved: Collection[str] = SERVER_METADATA) -> dict[str, str]:
    """The user's keys: neither aac's tags nor the server's own (`reserved`, and those recorded on it)."""
    server = set(reserved) | recorded_server_keys(metadata)
    ours = {*TAGS, TAG_SECRET_VERSION}
    return {k: str(v) for k, v in sorted((metadata or {}).items()) if k not in ours and k not in server}


def server_metadata(metadata: Mapping[str, Any] | None, reserved: Collection[str] = SERVER_METADATA) -> dict[str, str]:
    """The server's own keys of an object's metadata, which every update sends back unchanged."""
    server = set(reserved) | recorded_server_keys(metadata)
    return {k: str(v) for k, v in (metadata or {}).items() if k in server}


def attachment_sha(attributes: Mapping[str, Any], file_sha: str | None) -> str | None:
    """An attachment's content hash: the upload's own name first, else the attribute."""
    if file_sha:
        return file_sha
    value = attributes.get(ATTR_SHA256)
    return value if isinstance(value, str) else None


def user_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes a manifest sets on a store's file: every one but aac's own (`aac-*`). A whole number stays
    one: llama-stack and ogx store every number as a float (2024 comes back 2024.0)."""
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v
            for k, v in attributes.items() if not k.startswith(ATTR_PREFIX)}


def same_attribute(want: Any, live: Any) -> bool:
    """Equal as the search's filters see them: `true` is not `1` (in Python, True == 1), 2024.0 is 2024."""
    return _attribute_type(want) == _attribute_type(live) and want == live


def same_attributes(want: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
    return want.keys() == live.keys() and all(same_attribute(want[k], live[k]) for k in want)


def _attribute_type(value: Any) -> str:
    return "boolean" if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else \
        type(value).__name__


def project(live: Any, want: Any, deeper: Collection[str] | None = ()) -> Any:
    """`live` reduced to the keys `want` sets: the rest is the server's. Into the `deeper` keys too, one
    level more (None: every key, at every level)."""
    if not isinstance(live, Mapping) or not isinstance(want, Mapping):
        return live
    return {k: project(live[k], want[k], None if deeper is None else ()) if deeper is None or k in deeper
            else live[k] for k in want if k in live}
