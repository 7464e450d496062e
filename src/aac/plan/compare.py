"""Comparing one object's desired canonical form with its live one: which fields changed.

Readable fields compare directly, after the kind aligns the live form with what the manifest leaves
to the API (server defaults, what a live object cannot tell). Write-only fields compare through the
aac-spec tag: the hash of the full spec last applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aac.identity import spec_hash
from aac.kinds.base import server_defaults, write_only

if TYPE_CHECKING:
    from aac.kinds.base import JSON, Kind


def unreadable(kind: Kind, desired: JSON, live: JSON) -> tuple[str, ...]:
    """The fields compared through the tag: write-only ones, and those this live object cannot tell."""
    return (*write_only(kind), *server_defaults(kind).untold(desired, live))


def compare(kind: Kind, desired: JSON, live: JSON, tag: str) -> tuple[list[str], JSON]:
    """Changed field names (in the canonical order) and the aligned live form."""
    aligned = server_defaults(kind).align(desired, live)
    unread = unreadable(kind, desired, live)
    changed = [f for f in desired if f not in unread and desired[f] != aligned.get(f)]
    as_applied = {**{f: aligned.get(f) for f in desired if f not in unread},
                  **{f: desired[f] for f in unread if f in desired}}
    # The tag is the hash of the full spec last applied. If the live readable fields plus the
    # desired write-only ones hash to it, the write-only fields have not changed since.
    variants = server_defaults(kind).applied_variants(as_applied, live)
    if tag != spec_hash(desired) and not any(tag == spec_hash(c) for c in variants):
        changed += [f for f in unread if f in desired]
        if not changed:  # the manifests changed, and no field shows it: one left to the server now
            changed = server_defaults(kind).hidden_changes(desired, as_applied, live, tag)
            aligned = {**aligned, **{f: live.get(f) for f in changed}}  # what the server holds now
    return changed, aligned
