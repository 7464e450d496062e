"""Request bodies for writes: a desired spec, its tags and the live ids it refers to.

The tags go into `metadata` in the create call itself (DESIGN section 5), so an object
is never live without them. `aac-spec` holds the hash of the change's `after` (the
canonical spec, write-only fields included) exactly as the diff computed it, so the next
plan compares equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aac.identity import spec_hash, tags
from aac.model.plan import Change

JSON = dict[str, Any]


def spec_tag(change: Change) -> str:
    return spec_hash(change.after or {})


def metadata(stack: str, key: str, user: Mapping[str, str], change: Change, *, protect: bool,
             kept: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole metadata: the server's own keys (`kept`, sent back as they are), the user's, aac's tags."""
    return {**(kept or {}), **user, **tags(stack, key, spec_tag(change), protect=protect)}
