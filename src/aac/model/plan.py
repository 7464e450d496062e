"""The plan as data: what apply will do, rendered, saved and applied from one object.

Change contents by kind (`before` is the live side, `after` the desired side; both are
the canonical comparable form, so renderers and drift read them the same way):

- assistant, vector_store: the canonical spec (aac.plan.diff) with user metadata only; files
  appear as sorted SHA-256 lists and other objects by key, never by live id.
- file: name is the repository path; after = {"path", "sha256", "bytes", "filename"};
  before (delete) = {"id", "filename", "bytes"}.
- vector_store_file: name is "STORE/PATH"; after = {"vector_store", "path", "sha256"};
  before = {"vector_store", "file_id", "path", "sha256", "status"}.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from aac import __version__, jsonsafe
from aac.errors import AacError
from aac.escape import SHOWN_AS_BLOCK
from aac.model.drift import DriftItem

# Shared with the representation policy tools read (aac.render.terraform), whose readers check the major
# version as aac does: 1.2 is the version of that representation, and the minor step says keys were only added.
FORMAT_VERSION = "1.2"
GIB = 1024**3
USD_PER_GIB_DAY = 0.10  # vector storage, after the first GiB free (API_FACTS section 6)


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "no-op"


FRESH = (Action.CREATE, Action.REPLACE)  # the actions that make a new object


@dataclass(frozen=True)
class Change:
    address: str  # assistant.NAME, vector_store.NAME, file.PATH, vector_store_file.STORE/PATH
    kind: str
    name: str
    action: Action
    id: str | None = None  # live id; None for a create
    changed_fields: tuple[str, ...] = ()
    # a multi-line value in these is shown as a heredoc diff, each of its lines prefixed (aac.escape)
    before: Mapping[str, Any] | None = field(default=None, metadata=SHOWN_AS_BLOCK)
    after: Mapping[str, Any] | None = field(default=None, metadata=SHOWN_AS_BLOCK)
    live_fingerprint: str | None = None  # "sha256:..." of the live object read; None for a create
    reason: str | None = None  # why a replace or delete, for the reader
    refused: str | None = None  # why apply will not make this change (a protected object it would delete)
    previous_address: str | None = None  # a `moved:` entry's `from`: the live object is tagged with it until apply

    @property
    def moved_only(self) -> bool:
        """A move and nothing else: apply retags the object, and writes no field of it."""
        return self.previous_address is not None and self.action is Action.UPDATE and not self.changed_fields

    @property
    def store_key(self) -> str:
        """The key of the vector store a vector_store_file change attaches to, or detaches from."""
        return str((self.after or self.before or {}).get("vector_store"))

    def to_json(self) -> dict[str, Any]:
        refused = {"refused": self.refused} if self.refused else {}
        moved = {"previous_address": self.previous_address} if self.previous_address else {}
        return {
            **refused,
            **moved,
            "address": self.address,
            "kind": self.kind,
            "name": self.name,
            "action": self.action.value,
            "id": self.id,
            "changed_fields": list(self.changed_fields),
            "before": self.before,
            "after": self.after,
            "live_fingerprint": self.live_fingerprint,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Change:
        return cls(
            address=data["address"],
            kind=data["kind"],
            name=data["name"],
            action=Action(data["action"]),
            id=data.get("id"),
            changed_fields=tuple(data.get("changed_fields") or ()),
            before=data.get("before"),
            after=data.get("after"),
            live_fingerprint=data.get("live_fingerprint"),
            reason=data.get("reason"),
            refused=data.get("refused"),
            previous_address=data.get("previous_address"),
        )


@dataclass(frozen=True)
class Cost:
    storage_bytes_before: int = 0
    storage_bytes_after: int = 0  # an estimate (aac.estimate): live usage, plus the chunk model for new files
    files_bytes_freed: int = 0  # bytes of the uploads the plan deletes

    @staticmethod
    def usd_per_day(storage_bytes: int) -> float:
        billable = max(0, storage_bytes - GIB)
        return round(billable / GIB * USD_PER_GIB_DAY, 4)

    def to_json(self) -> dict[str, Any]:
        return {
            "storage_bytes_before": self.storage_bytes_before,
            "storage_bytes_after": self.storage_bytes_after,
            "usd_per_day_before": self.usd_per_day(self.storage_bytes_before),
            "usd_per_day_after": self.usd_per_day(self.storage_bytes_after),
            "files_bytes_freed": self.files_bytes_freed,
        }


@dataclass(frozen=True)
class Plan:
    stack: str
    target: str
    manifest_digest: str
    changes: tuple[Change, ...]  # sorted by address
    created_at: str  # ISO 8601 UTC, "2026-11-22T10:00:00Z"
    cost: Cost = field(default_factory=Cost)
    requests: int = 0  # API requests made to read live state
    mode: str = "normal"  # normal | destroy
    warnings: tuple[str, ...] = ()
    tool_version: str = __version__
    notes: tuple[str, ...] = ()  # what a reviewer should know that is neither a change nor a problem
    # What the plan's read found changed outside aac (aac.drift: drifted, or deleted by hand), beside the
    # changes that put it back: Terraform's resource_drift.
    drift: tuple[DriftItem, ...] = ()
    # `--only` and `--replace` addresses the plan was made with: `aac apply FILE` plans again with the same
    only: tuple[str, ...] = ()
    replacing: tuple[str, ...] = ()

    @property
    def actionable(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action is not Action.NOOP)

    @property
    def has_changes(self) -> bool:
        return bool(self.actionable)

    @property
    def moves(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.previous_address)

    @property
    def refused(self) -> tuple[Change, ...]:
        """Changes apply will not make: the plan as a whole cannot be applied (Terraform's prevent_destroy)."""
        return tuple(c for c in self.changes if c.refused)

    def raise_if_refused(self) -> None:
        if not self.refused:
            return
        first = self.refused[0]
        more = f" (and {len(self.refused) - 1} more)" if len(self.refused) > 1 else ""
        raise AacError(f"the plan cannot be applied: {first.address}: {first.refused}{more}",
                       "undo the change that rebuilds it, or first let go of what keeps it (set `protect: false` and "
                       "apply, or detach it from the object that uses it), and make the change then")

    @property
    def summary(self) -> dict[str, int]:
        counts = {a.value: 0 for a in Action}
        for change in self.changes:
            counts[change.action.value] += 1
        return counts

    def with_changes(self, changes: tuple[Change, ...]) -> Plan:
        return replace(self, changes=tuple(sorted(changes, key=lambda c: c.address)))

    def to_json(self) -> dict[str, Any]:
        # `--only` and `--replace` as given, so `aac apply FILE` plans again with the same selection
        optional = {"notes": list(self.notes), "drift": [item.to_json() for item in self.drift],
                    "only": list(self.only), "replace": list(self.replacing)}
        return {
            "format_version": FORMAT_VERSION,
            "tool_version": self.tool_version,
            "stack": self.stack,
            "target": self.target,
            "mode": self.mode,
            "created_at": self.created_at,
            "manifest_digest": self.manifest_digest,
            "changes": [c.to_json() for c in self.changes],
            "summary": self.summary,
            "cost": self.cost.to_json(),
            "requests": self.requests,
            "warnings": list(self.warnings),
            "applyable": not self.refused,
        } | {key: value for key, value in optional.items() if value}  # absent when none, as plans before them

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str = "plan.json") -> Plan:
        version = str(data.get("format_version", ""))
        if version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
            raise AacError(
                f"this plan has format_version {version or 'none'}, this aac reads {FORMAT_VERSION}",
                f"make the plan again with this version of aac: `aac {shlex.join(['plan', '--out', source])}`",
            )
        cost = data.get("cost") or {}
        return cls(
            stack=data["stack"],
            target=data["target"],
            manifest_digest=data["manifest_digest"],
            changes=tuple(Change.from_json(c) for c in data.get("changes", ())),
            created_at=data["created_at"],
            cost=Cost(
                cost.get("storage_bytes_before", 0),
                cost.get("storage_bytes_after", 0),
                cost.get("files_bytes_freed", 0),
            ),
            requests=int(data.get("requests", 0)),
            mode=data.get("mode", "normal"),
            warnings=tuple(data.get("warnings", ())),
            tool_version=data.get("tool_version", "unknown"),
            notes=tuple(data.get("notes", ())),
            drift=tuple(DriftItem.from_json(item) for item in data.get("drift", ())),
            only=_addresses(data, "only"),
            replacing=_addresses(data, "replace"),
        )

    @classmethod
    def loads(cls, text: str, source: str = "plan.json") -> Plan:
        """The plan in `text`, read from the file `source` (named in errors, and in their hints as the file to save)."""
        try:
            data = jsonsafe.loads(text)  # no NaN, no 100,000-deep nesting, no lone surrogates
            return cls.from_json(data, source)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # AttributeError: JSON that is not an object
            raise AacError(
                f"{source} is not a plan saved by aac ({exc.__class__.__name__}: {exc})",
                f"save a plan with `aac {shlex.join(['plan', '--out', source])}` and pass that file",
            ) from exc


def _addresses(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A saved plan's `only` or `replace`: a list of addresses (a string would be taken letter by letter)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise TypeError(f"`{key}` must be a list of addresses")
    return tuple(value)
