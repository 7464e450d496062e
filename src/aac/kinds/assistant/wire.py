"""What a live assistant names: the vector stores it searches and its code interpreter's files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _raw_ids(raw: Mapping[str, Any], tool: str, field_name: str) -> list[str]:
    section = (raw.get("tool_resources") or {}).get(tool) or {}
    return [str(i) for i in section.get(field_name) or []]


def store_ids_of(raw: Mapping[str, Any]) -> list[str]:
    """The vector stores a live assistant searches."""
    return _raw_ids(raw, "file_search", "vector_store_ids")


def code_file_ids_of(raw: Mapping[str, Any]) -> list[str]:
    """The files a live assistant's code interpreter holds."""
    return _raw_ids(raw, "code_interpreter", "file_ids")
