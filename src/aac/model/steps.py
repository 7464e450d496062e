"""What a kind's apply steps are given: the step builder and the apply context, as interfaces.

The applier (aac.apply) implements them and passes them in, so a kind adds its steps without importing
the applier. A step is a function of no arguments; one that waits on the server returns `Poll` instead of
sleeping, and one that fails raises `StepFailed` (or any AacError).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aac.errors import AacError
from aac.model.plan import Action, Change, Plan
from aac.resources import FILE, DesiredState, LiveState

if TYPE_CHECKING:
    from aac.api.writer import Writer
    from aac.manifest.writing import Source, Written

JSON = dict[str, Any]
T = TypeVar("T")
FILES = "files"  # uploads, by sha256


@dataclass(frozen=True)
class Poll:
    """Run this step again after `seconds`: the server is still working."""

    seconds: float


class StepFailed(AacError):
    """A step's failure, optionally with a reason per plan address (one file of a batch)."""

    def __init__(self, message: str, hint: str | None = None, by_address: Mapping[str, str] | None = None) -> None:
        super().__init__(message, hint)
        self.by_address = dict(by_address or {})


Run = Callable[[], "Poll | None"]


@dataclass
class Ids:
    """Live ids by identity: uploads by sha256 under FILES, objects by key under their kind's name; thread-safe."""

    by_kind: dict[str, dict[str, str]] = field(default_factory=dict)
    created: dict[str, dict[str, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_live(cls, live: LiveState) -> Ids:
        ids = cls()
        # Oldest first, so a sha uploaded twice resolves to the copy every apply agrees on.
        for file in sorted(live.files.values(), key=lambda f: (f.created_at, f.id), reverse=True):
            if file.sha256:
                ids.files[file.sha256] = file.id
        for kind, objects in live.objects.items():
            ids.by_kind[kind] = {key: obj.id for key, obj in objects.items()}
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


def update_body(body: JSON, change: Change) -> JSON:
    """Drop unset fields, except an explicit null that clears one the manifest no longer sets."""
    changed = set(change.changed_fields) | {"display_name"}
    renamed = {"name": "display_name"}
    return {k: v for k, v in body.items() if v is not None or renamed.get(k, k) in changed}



def save(ctx: ApplyContext, change: Change, kind: str, update: Callable[[str], object],
         create: Callable[[], Any]) -> Run:
    """A step's run that updates the live object of `change` (`update(its id)`), or creates it (`create()`) and
    records the new id, so the steps after it that name the object find it."""
    def run() -> None:
        if change.action is Action.UPDATE:
            update(str(change.id))
            return
        made = create()
        ctx.ids.set(kind, change.name, made.id, created=True)

    return run


class Progress(Protocol):
    """What steps tell the person watching an apply."""

    def sending(self) -> Callable[[int], None]: ...
    def uploaded(self, path: str, size: int, file_id: str, reused: bool = False) -> None: ...
    def indexing(self, store: str, count: int) -> None: ...
    def indexed(self, store: str, count: int, failed: int = 0) -> None: ...


class ApplyContext(Protocol):
    """What every step of one apply shares: the inputs, the writer, and live ids as they appear."""

    @property
    def stack(self) -> str: ...
    @property
    def plan(self) -> Plan: ...
    @property
    def desired(self) -> DesiredState: ...
    @property
    def live(self) -> LiveState: ...
    @property
    def hashes(self) -> Mapping[str, str]: ...  # repository path -> sha256
    @property
    def writer(self) -> Writer: ...
    @property
    def progress(self) -> Progress: ...
    @property
    def ids(self) -> Ids: ...
    @property
    def index_timeout_s(self) -> float: ...
    @property
    def listed(self) -> dict[str, list[dict[str, Any]]]: ...  # store id -> its files, as attaching saw them
    @property
    def environ(self) -> Mapping[str, str]: ...

    def secret(self, build: Callable[..., tuple[JSON, tuple[str, ...]]], auth: Mapping[str, Any], key: str) -> JSON:
        """A request body built with secrets read from the environment, each known to the run's redaction."""

    def file_id(self, path: str) -> str: ...
    def store_id(self, key: str) -> str: ...

    def metadata(self, change: Change, user: Mapping[str, str], protect: bool,
                 extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """An object's whole metadata for a create or update: the server's keys kept, the user's, the tags."""

    def kept_metadata(self, change: Change) -> dict[str, str]: ...


class StepBuilder(Protocol):
    """Adds steps to one apply's graph; `needs` must succeed first, `after` must only have finished."""

    @property
    def ctx(self) -> ApplyContext: ...
    @property
    def users(self) -> dict[str, list[str]]: ...  # live id -> steps that stop an object naming it (repoints)
    @property
    def detach_steps(self) -> dict[str, list[str]]: ...  # file id -> the steps that detach it

    def changes(self, kind: str) -> dict[str, Change]: ...
    def sid(self, change: Change) -> str: ...
    def add(self, sid: str, run: Run, addresses: Iterable[str] = (),
            needs: Iterable[str | None] = (), after: Iterable[str | None] = ()) -> str: ...
    def has(self, sid: str) -> str | None: ...
    def guard(self, change: Change, *, deleting: bool = False) -> Run | None:
        """A step that refuses the change (not this stack's object, or protected), or None."""

    def needs_uploads(self, shas: Iterable[str]) -> list[str]: ...
    def needs_refs(self, kind: str, key: str) -> list[str | None]: ...
    def users_of(self, live_id: str) -> list[str]: ...
    def retag(self, change: Change) -> Run:
        """A step's run that marks an object about to be replaced, so no run takes it for the stack's."""

    def settle(self, kind: str, created: Iterable[str], listed: Callable[[], list[Any]],
               delete: Callable[[str], None]) -> None:
        """After `created`: where two applies at once each created the same object, keep one."""


class ImportRun(Protocol):
    """What a kind's import renderer is given by `aac import` (aac.importer.run)."""

    @property
    def src(self) -> Source: ...  # where manifests go, and what was read
    @property
    def written(self) -> Written: ...  # the files this import writes, so far
    @property
    def schemas(self) -> dict[str, Any]: ...  # function schemas written, shared by every manifest
    @property
    def keys_by_id(self) -> dict[str, str]: ...  # live id -> key: this stack's, and given now
    @property
    def desired(self) -> DesiredState: ...  # what the manifests declare already
    @property
    def snapshot(self) -> Mapping[str, Any]: ...  # the live objects read, by collection (children by parent id)

    def claim(self, kind: str, raw: Mapping[str, Any], fallback: str, parent: str | None = None) -> str:
        """The key of a live object being imported: the one an earlier import gave it, else a new one from its
        name (`fallback` when it has none), unique in the stack, or with `parent`, PARENT/NAME unique within it."""
    def kept(self, name: str, make: Callable[[], T]) -> T:
        """What a kind keeps for the rest of the run under `name` (made by `make` the first time)."""
    def fresh(self, raw: Mapping[str, Any]) -> bool: ...  # not written by an earlier import
    def add(self, key: str, text: str) -> None: ...
