"""A vector store's comparable forms, and how its live side is aligned with the manifest."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from aac.canonical import drop_none, normalise, user_metadata
from aac.identity import is_protected
from aac.kinds.base import JSON
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.model.plan import Action, Change
from aac.resources import LiveState, LiveVectorStore

EXPIRED_REASON = "the store expired (expires_after), so it is rebuilt"


# What the API reports per file for `auto` (API_FACTS 3.2: "Auto means 800/400").
AUTO_CHUNKING: JSON = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}


def canonical_chunking(value: Any) -> Any:
    if value is None or (isinstance(value, Mapping) and value.get("type") == "auto"):
        return AUTO_CHUNKING
    return value


def canonical_vector_store(spec: VectorStoreSpec) -> JSON:
    return normalise({
        "display_name": spec.display_name,
        "chunking_strategy": canonical_chunking(spec.chunking_strategy),
        "expires_after": spec.expires_after or None,
        "description": spec.description or None,
        "metadata": user_metadata(spec.metadata),
        "protect": spec.protect,
    })


def canonical_live_vector_store(live: LiveVectorStore, state: LiveState) -> JSON:
    """The store as read; `chunking_strategy` comes from its files (None when it has none)."""
    raw = live.raw
    expires = raw.get("expires_after")
    return normalise({
        "display_name": raw.get("name"),
        "chunking_strategy": live_chunking(live),
        "expires_after": drop_none(expires) if isinstance(expires, Mapping) else None,
        "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata),
        "protect": is_protected(raw.get("metadata")),
    })


def live_chunking(live: LiveVectorStore) -> Any:
    """The chunking the store's files were indexed with; None when no file tells."""
    seen = {}
    for attachment in live.files:
        strategy = attachment.chunking
        if isinstance(strategy, Mapping) and strategy.get("type") == "static":
            seen[repr(normalise(strategy))] = normalise(strategy)
    if len(seen) > 1:
        return {"type": "mixed", "strategies": [seen[k] for k in sorted(seen)]}
    return next(iter(seen.values()), None)


def untold(desired: JSON, live: JSON) -> tuple[str, ...]:
    """A store with no indexed file cannot tell its chunking: it is compared through the tag."""
    return ("chunking_strategy",) if "chunking_strategy" in desired and live.get("chunking_strategy") is None else ()


def align(desired: JSON, live: JSON) -> JSON:
    if untold(desired, live):
        return {**live, "chunking_strategy": desired["chunking_strategy"]}
    return live


def write_only_candidates(want: JSON) -> Iterator[JSON]:
    if want.get("description") is not None:
        yield {"description": None}  # a description added to the manifest since


def rebuild_expired(change: Change, obj: LiveVectorStore | None) -> Change:
    """An expired store cannot be searched or attached to again (API_FACTS 3.3): rebuild it."""
    if obj is None or obj.raw.get("status") != "expired" or change.action is Action.REPLACE:
        return change
    return replace(change, action=Action.REPLACE, reason=EXPIRED_REASON)
