"""What every step of one apply shares: the inputs, the writer, and live ids as they appear.

Steps resolve ids when they run, not when the graph is built: an assistant learns its
vector store's id from the step that created it, and a duplicate resolved by
`converge` repoints every later step at the object both applies agreed to keep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.api.writer import Writer
from aac.apply import params
from aac.apply.progress import ApplyProgress
from aac.canonical import server_metadata
from aac.kinds import kind_of
from aac.model.plan import Action, Change, Plan
from aac.model.steps import Ids
from aac.resources import VECTOR_STORE, DesiredState, LiveState

JSON = dict[str, Any]


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
        kept = self.kept_metadata(change) if change.action is Action.UPDATE else None
        return {**params.metadata(self.stack, change.name, user, change, protect=protect, kept=kept), **(extra or {})}

    def kept_metadata(self, change: Change) -> dict[str, str]:
        """The server's own metadata keys on the live object a change updates: an update keeps them."""
        live = kind_of(change.kind).live(self.live).get(change.name)
        return server_metadata(live.raw.get("metadata") if live else None, self.live.reserved_metadata)
