"""`aac import` of a vector store: its manifest, with the files it holds by id."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aac.canonical import normalise, user_attributes
from aac.kinds.vector_store.canonical import AUTO_CHUNKING
from aac.manifest.writing import (
    JSON,
    Source,
    check_id,
    comment_text,
    display_name,
    dump,
    file_comment,
    header,
    put_metadata,
)
from aac.secrets import hide


def render_store(src: Source, raw: Mapping[str, Any], key: str) -> str:
    attached = sorted(str(f["id"]) for f in src.store_files.get(str(raw["id"]), []))
    for file_id in attached:  # each one is written in `file_ids` and the comments
        check_id(f"file attached to vector store {raw['id']}", file_id)
    data: JSON = {"kind": "vector_store", "name": key}
    display_name(data, raw, key)
    if attached:
        data["file_ids"] = attached
    chunking = _chunking(src.store_files.get(str(raw["id"]), []))
    if chunking is not None:
        data["chunking_strategy"] = chunking
    expires = raw.get("expires_after")
    if isinstance(expires, Mapping):
        data["expires_after"] = {k: v for k, v in expires.items() if v is not None}
    put_metadata(data, raw, src.reserved)
    notes = ["# `description` is write-only on the API, so it could not be imported; if the store has one,",
             "# adding it here rebuilds the store (a description is set only when a store is created)."]
    comments = [*header(src, "vector_store", key, raw),
                *file_comment(src, attached, "Files", "`files`", "`file_ids`"), *notes,
                *_attribute_comment(src.store_files.get(str(raw["id"]), []))]
    return "\n".join(comments) + "\n" + dump(data)


def _attribute_comment(attachments: list[JSON]) -> list[str]:
    """The files' own attributes, which `file_ids` cannot carry: kept in view, to move onto `files` entries
    (`{path: GLOB, attributes: {...}}`) once the files are in the repository. Each id and value is the
    server's: escaped onto the comment's line, and a credential among the values (an attribute named for one, or
    a token) hidden, as a plan hides it."""
    found = [(comment_text(a["id"]), hide(user_attributes(a.get("attributes") or {}))) for a in attachments]
    lines = [f"#   {file_id}: {json.dumps(attributes, sort_keys=True)}"
             for file_id, attributes in sorted(found) if attributes]
    if not lines:
        return []
    return ["# The files carry these attributes (search `filters` select on them); a `files` entry",
            "# `{path: GLOB, attributes: {...}}` sets them once the file is in the repository:", *lines]


def _chunking(attachments: list[JSON]) -> Any:
    """The one static chunking the store's files were indexed with, unless it is what `auto` means."""
    seen = [normalise(a.get("chunking_strategy")) for a in attachments
            if isinstance(a.get("chunking_strategy"), Mapping) and a["chunking_strategy"].get("type") == "static"]
    unique = {json.dumps(s, sort_keys=True): s for s in seen}
    if len(unique) != 1:
        return None
    strategy = next(iter(unique.values()))
    return None if strategy == AUTO_CHUNKING else strategy



