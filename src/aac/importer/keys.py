"""Manifest keys for imported objects: slugs of their names, unique, never an existing key."""

from __future__ import annotations

import re
from collections.abc import Iterable

KEY_MAX = 63  # ^[a-z0-9][a-z0-9._-]{0,62}$
_NOT_KEY = re.compile(r"[^a-z0-9._-]+")


def slugify(name: str | None, fallback: str) -> str:
    """`Customer Support (EU)` -> `customer-support-eu`; the fallback when nothing is left."""
    slug = _NOT_KEY.sub("-", (name or "").lower())
    slug = re.sub(r"-{2,}", "-", slug).strip("-._")[:KEY_MAX].rstrip("-._")
    return slug or fallback


class Keys:
    """Hands out keys, each once, avoiding the reserved ones (manifests and live keys of the stack)."""

    def __init__(self, reserved: Iterable[str]) -> None:
        self.used = set(reserved)

    def claim(self, name: str | None, fallback: str) -> str:
        base = slugify(name, fallback)
        key, number = base, 1
        while key in self.used:
            number += 1
            suffix = f"-{number}"
            key = base[: KEY_MAX - len(suffix)].rstrip("-._") + suffix
        self.used.add(key)
        return key
