"""What every step of one apply shares: the inputs, the writer, and live ids as they appear.

Steps resolve ids when they run, not when the graph is built: an assistant learns its
vector store's id from the step that created it, and a duplicate resolved by
`converge` repoints every later step at the object both applies agreed to keep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.api.writer import Writer
from aac.apply.progress import ApplyProgress
from aac.canonical import server_metadata
from aac.errors import AacError
from aac.plan.model import Action, Change, Plan
from aac.resources import FILE, VECTOR_STORE, DesiredState, LiveState

JSON = dict[str, Any]
FILES = "files"  # uploads, by sha256


@dataclass
class Ids:
    """Live ids by identity: uploads by sha256 under "files", objects by key under their kind's name; thread-safe."""

    by_kind: dict[str, dict[str, str]] = field(default_factory=dict)
    created: dict[str, dict[str, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_live(cls, live: LiveState) -> Ids:
        from aac.kinds import KINDS

        ids = cls()
        # Oldest first, so a sha uploaded twice resolves to the copy every apply agrees on.
        for file in sorted(live.files.values(), key=lambda f: (f.created_at, f.id), reverse=True):
            if file.sha256:
                ids.files[file.sha256] = file.id
        for kind in KINDS:
            ids.by_kind[kind.name] = {key: obj.id for key, obj in kind.live(live).items()}
        return ids

    @property
    def files(self) -> dict[str, str]:
        return self.by_kind.setdefault(FILES, {})

    def of(self, kind: str) -> dict[str, str]:
        return self.by_kind.setdefault(kind, {})

    def prefer_planned(self, plan: Plan) -> Ids:
        """Where the stack holds the same bytes twice, use the upload the plan keeps, not one it deletes."""
        for change in plan.changes:
            after = change.after or {}
            if change.kind == FILE and change.action is Action.NOOP and change.id and after.get("sha256"):
                self.files[str(after["sha256"])] = change.id
        return self

    def set(self, kind: str, key: str, value: str, *, created: bool = False) -> None:
        with self._lock:
            self.of(kind)[key] = value
            if created:
                self.created.setdefault(kind, {})[key] = value

    def get(self, kind: str, key: str, what: str) -> str:
        with self._lock:
            value = self.of(kind).get(key)
        if value is None:
            raise AacError(f"{what} has no live id: the step that makes it did not run",
                           "run `aac apply` again; it plans from what is live now")
        return str(value)

    def created_items(self, kind: str) -> dict[str, str]:
        with self._lock:
            return dict(self.created.get(kind, {}))


@dataclass
class Context:
    stack: str
    plan: Plan
    desired: DesiredState
    live: LiveState
    hashes: Mapping[str, str]  # repository path -> sha256
    writer: Writer
    progress: ApplyProgress
    ids: Ids
    index_timeout_s: float = 600.0
    listed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # store id -> files, as attach saw them
    environ: Mapping[str, str] = field(default_factory=dict)  # where a credential's secrets are read from

    def secret(self, build: Callable[..., tuple[JSON, tuple[str, ...]]], auth: Mapping[str, Any], key: str) -> JSON:
        """A request's `auth` with its secrets read from the environment, each known to the run's Secrets
        before it is sent, so no output, error or file can show it."""
        body, values = build(auth, self.environ, key)
        for value in values:
            self.writer.api.log.out.secrets.add(value)
        return body

    def file_id(self, path: str) -> str:
        return self.ids.get("files", self.hashes[path], f"file.{path}")

    def store_id(self, key: str) -> str:
        return self.ids.get(VECTOR_STORE, key, f"vector_store.{key}")

    def metadata(self, change: Change, user: Mapping[str, str], protect: bool,
                 extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """An object's whole metadata for a create or update: the server's own keys kept, the user's, the tags."""
        from aac.apply import params

        kept = self.kept_metadata(change) if change.action is Action.UPDATE else None
        return {**params.metadata(self.stack, change.name, user, change, protect=protect, kept=kept), **(extra or {})}

    def kept_metadata(self, change: Change) -> dict[str, str]:
        """The server's own metadata keys on the live object a change updates: an update keeps them."""
        from aac.kinds import kind_of

        live = kind_of(change.kind).live(self.live).get(change.name)
        return server_metadata(live.raw.get("metadata") if live else None, self.live.reserved_metadata)
