"""The drift report as data: what `aac drift` found, rendered as text, JSON, markdown or JUnit.

One item per object the scan looked at, in one category (DESIGN section 6):

- in_sync: live matches the manifests.
- drifted: the live object differs from the spec aac last applied to it (its aac-spec tag),
  so someone changed it outside aac. `expected` is what aac applied, `actual` what is live.
- missing: the manifests declare it and the target does not have it (deleted by hand, or
  never applied; `detail` says which when the scan can tell).
- unmanaged: it carries this stack's tags but no manifest declares it.
- pending: the manifests changed and `aac apply` has not run since; live still matches what
  aac last applied. `expected` is the manifests' spec, `actual` what is live.

`expected` and `actual` are the canonical comparable form the plan uses (aac.plan), so the
renderers show them the same way; `changed_fields` names the fields that differ.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aac import __version__
from aac.errors import AacError
from aac.escape import SHOWN_AS_BLOCK

FORMAT_VERSION = "1.0"
EXIT_IN_SYNC, EXIT_ERROR, EXIT_DRIFT = 0, 1, 2


class Category(str, Enum):
    IN_SYNC = "in_sync"
    DRIFTED = "drifted"
    MISSING = "missing"
    UNMANAGED = "unmanaged"
    PENDING = "pending"


DRIFT_CATEGORIES = (Category.DRIFTED, Category.MISSING, Category.UNMANAGED, Category.PENDING)


def parse_fail_on(text: str) -> frozenset[Category]:
    """`--fail-on drifted,missing`: the categories that make the exit code 2."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    known = {c.value: c for c in DRIFT_CATEGORIES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise AacError(
            f"--fail-on: unknown categor{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}",
            f"use a comma-separated list of: {', '.join(known)}",
        )
    return frozenset(known[name] for name in names)


@dataclass(frozen=True)
class DriftItem:
    address: str  # as in a plan: assistant.NAME, vector_store.NAME, file.PATH, vector_store_file.STORE/PATH
    kind: str
    name: str
    category: Category
    id: str | None = None  # live id; None when missing
    changed_fields: tuple[str, ...] = ()
    # shown as blocks: a multi-line value keeps its lines there, each prefixed (aac.escape)
    expected: Mapping[str, Any] | None = field(default=None, metadata=SHOWN_AS_BLOCK)
    actual: Mapping[str, Any] | None = field(default=None, metadata=SHOWN_AS_BLOCK)
    detail: str | None = None  # one line for the reader, e.g. who or what changed it when known

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "kind": self.kind,
            "name": self.name,
            "category": self.category.value,
            "id": self.id,
            "changed_fields": list(self.changed_fields),
            "expected": self.expected,
            "actual": self.actual,
            "detail": self.detail,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DriftItem:
        return cls(
            address=data["address"],
            kind=data["kind"],
            name=data["name"],
            category=Category(data["category"]),
            id=data.get("id"),
            changed_fields=tuple(data.get("changed_fields") or ()),
            expected=data.get("expected"),
            actual=data.get("actual"),
            detail=data.get("detail"),
        )


@dataclass(frozen=True)
class DriftReport:
    stack: str
    target: str
    created_at: str  # ISO 8601 UTC
    items: tuple[DriftItem, ...]  # every object scanned, in sync ones included
    complete: bool = True  # False when part of the target could not be read
    errors: tuple[str, ...] = ()  # why the scan is incomplete
    requests: int = 0
    tool_version: str = __version__
    foreign: Mapping[str, int] = field(default_factory=dict)  # objects of other stacks or nobody, by kind: counted only

    @property
    def ordered(self) -> tuple[DriftItem, ...]:
        return tuple(sorted(self.items, key=lambda item: item.address))

    @property
    def drifted(self) -> tuple[DriftItem, ...]:
        """Every item not in sync, by address."""
        return tuple(item for item in self.ordered if item.category is not Category.IN_SYNC)

    @property
    def summary(self) -> dict[str, int]:
        counts = {c.value: 0 for c in Category}
        for item in self.items:
            counts[item.category.value] += 1
        return {"managed": len(self.items) - counts[Category.UNMANAGED.value], **counts}

    def failing(self, fail_on: Collection[Category] = DRIFT_CATEGORIES) -> tuple[DriftItem, ...]:
        return tuple(item for item in self.drifted if item.category in fail_on)

    def exit_code(self, fail_on: Collection[Category] = DRIFT_CATEGORIES) -> int:
        """1 when the scan is incomplete (its silence proves nothing), 2 on drift, 0 in sync."""
        if not self.complete:
            return EXIT_ERROR
        return EXIT_DRIFT if self.failing(fail_on) else EXIT_IN_SYNC

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "tool_version": self.tool_version,
            "stack": self.stack,
            "target": self.target,
            "created_at": self.created_at,
            "complete": self.complete,
            "errors": list(self.errors),
            "summary": self.summary,
            "items": [item.to_json() for item in self.ordered],
            "requests": self.requests,
            **({"foreign": dict(self.foreign)} if self.foreign else {}),
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DriftReport:
        return cls(
            stack=data["stack"],
            target=data["target"],
            created_at=data["created_at"],
            items=tuple(DriftItem.from_json(item) for item in data.get("items", ())),
            complete=bool(data.get("complete", True)),
            errors=tuple(data.get("errors", ())),
            requests=int(data.get("requests", 0)),
            tool_version=data.get("tool_version", "unknown"),
            foreign=dict(data.get("foreign") or {}),
        )


@dataclass(frozen=True)
class StoreFilesDrift:
    """A vector store's files as drift judges them by their traces (aac.kinds.vector_store.drift)."""

    expected: list[str]  # what the manifests attach, by path (or file id)
    actual: list[str]  # what is attached, by path where known
    attached_by_hand: tuple[str, ...] = ()
    detached_by_hand: tuple[str, ...] = ()
    pending: bool = False  # the manifests add or drop files that apply has not attached or detached yet
    attributes_differ: tuple[str, ...] = ()  # "PATH (KEY, ...)": a wanted file whose own attributes differ

    @property
    def drifted(self) -> bool:
        return bool(self.attached_by_hand or self.detached_by_hand or self.attributes_differ)

    @property
    def detail(self) -> str | None:
        parts = []
        if self.attached_by_hand:
            parts.append("attached by hand: " + ", ".join(self.attached_by_hand))
        if self.detached_by_hand:
            parts.append("detached by hand: " + ", ".join(self.detached_by_hand))
        if self.attributes_differ:
            parts.append("attributes differ from the manifests: " + ", ".join(self.attributes_differ))
        return "; ".join(parts) or None
