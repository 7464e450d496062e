"""Comparing one object's desired canonical form with its live one: which fields changed.

Readable fields compare directly, after aligning the live form with what the manifest leaves to the
API (file_search defaults, a chunking strategy an empty store does not tell). Write-only fields
compare through the aac-spec tag: the hash of the full spec last applied.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from aac.canonical import JSON, WRITE_ONLY
from aac.identity import spec_hash


def _align(desired: JSON, live: JSON) -> JSON:
    """The live form without what the manifest leaves to the API (file_search defaults, unknowables)."""
    aligned = dict(live)
    if "chunking_strategy" in desired and aligned.get("chunking_strategy") is None:
        aligned["chunking_strategy"] = desired["chunking_strategy"]  # a store with no files does not tell
    if "tools" in aligned:
        wanted = {t["type"]: t for t in desired.get("tools", []) if t["type"] == "file_search"}
        aligned["tools"] = [_align_search(t, wanted.get(t["type"])) for t in aligned["tools"]]
    return aligned


def _align_search(tool: JSON, wanted: JSON | None) -> JSON:
    if tool["type"] != "file_search" or wanted is None:
        return tool
    want, have = wanted.get("file_search", {}), dict(tool.get("file_search", {}))
    have = {k: v for k, v in have.items() if k in want}  # max_num_results, ranking_options: API defaults
    if isinstance(have.get("ranking_options"), dict) and isinstance(want.get("ranking_options"), dict):
        have["ranking_options"] = {k: v for k, v in have["ranking_options"].items() if k in want["ranking_options"]}
    return {"type": "file_search", "file_search": have}


def compare(kind: str, desired: JSON, live: JSON, tag: str) -> tuple[list[str], JSON]:
    """Changed field names (in the canonical order) and the aligned live form."""
    aligned = _align(desired, live)
    write_only: tuple[str, ...] = WRITE_ONLY[kind]
    if "chunking_strategy" in desired and live.get("chunking_strategy") is None:
        write_only += ("chunking_strategy",)  # a store with no indexed file does not tell its chunking
    changed = [f for f in desired if f not in write_only and desired[f] != aligned.get(f)]
    as_applied = {**{f: aligned.get(f) for f in desired if f not in write_only},
                  **{f: desired[f] for f in write_only}}
    # The tag is the hash of the full spec last applied. If the live readable fields plus the
    # desired write-only ones hash to it, the write-only fields have not changed since.
    if tag != spec_hash(desired) and not any(tag == spec_hash(c) for c in as_applied_candidates(as_applied, live)):
        changed += [f for f in write_only if f in desired]
    return changed, aligned


def as_applied_candidates(as_applied: JSON, live: JSON) -> Iterator[JSON]:
    """What the spec last applied may have been, given the live readable fields.

    The server fills in file_search defaults the manifest may have left unset, so when the
    tools changed, each way of leaving them unset is a candidate (at most 8 per tool).
    """
    yield as_applied
    tools = live.get("tools")
    if "tools" not in as_applied or not isinstance(tools, list):
        return
    variants = [_search_variants(t) if t.get("type") == "file_search" else [t] for t in tools]
    for combination in itertools.islice(itertools.product(*variants), 64):
        yield {**as_applied, "tools": list(combination)}


def _search_variants(tool: JSON) -> list[JSON]:
    search = tool.get("file_search", {})
    ranking = search.get("ranking_options")
    rankings: list[Any] = [ranking, None]
    if isinstance(ranking, dict):
        rankings += [{k: v} for k, v in ranking.items()]
    result = []
    for max_results in (search.get("max_num_results"), None):
        for option in rankings:
            fields = {"max_num_results": max_results, "ranking_options": option}
            result.append({"type": "file_search", "file_search": {k: v for k, v in fields.items() if v is not None}})
    return result
