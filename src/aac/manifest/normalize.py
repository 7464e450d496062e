"""What every kind's manifest loading shares: the folder a document is in, glob fields, instructions, ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aac import limits
from aac.manifest.context import LoadContext
from aac.manifest.files import resolve_reference
from aac.manifest.yaml_load import Document, read_text


def folder_of(ctx: LoadContext, doc: Document) -> Path:
    return (ctx.root / doc.path).parent


def as_list(value: Any) -> list[str]:
    """A glob field: one pattern or a list of them."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def read_instructions(ctx: LoadContext, doc: Document, folder: Path,
                      limit: int = limits.INSTRUCTIONS_MAX) -> str | None:
    """`instructions`, or the text of `instructions_file` (at most `limit` characters); never both."""
    data = doc.data
    if "instructions" in data and "instructions_file" in data:
        ctx.error(doc.path, doc.line_of("instructions_file"), "both `instructions` and `instructions_file` are set",
                  "keep exactly one of them")
        return None
    text: str | None = data.get("instructions")
    if "instructions_file" in data:
        line = doc.line_of("instructions_file")
        found = resolve_reference(ctx, folder, data["instructions_file"], (doc.path, line))
        if found is None:
            return None
        text = read_text(found[0], found[1], ctx.problems)
        if text is None:
            return None
        ctx.digest_inputs[found[1]] = text.encode("utf-8")
        if len(text) > limit:
            ctx.error(doc.path, line, f"{found[1]} holds {len(text):,} characters of instructions; the API allows "
                      f"at most {limit:,}", "shorten the instructions")
    return text


def upload_ids(value: Any) -> tuple[str, ...]:
    """A list of existing uploads by id (bytes not in the repository), sorted and unique."""
    return tuple(sorted({str(i) for i in value or ()}))
