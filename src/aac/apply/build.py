"""Turn a plan into a dependency graph of steps (DESIGN section 8).

uploads -> each kind's objects, in the registry's order (a kind after the kinds it names; a vector
store's files attached and indexed before anything uses it) -> detach stale files -> delete objects
no manifest wants, in reverse order (an object only after every object that named it has let go) ->
delete unused uploads. What a kind does is its own (aac.kinds); this module only orders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from aac.apply import actions, converge
from aac.apply.context import Context
from aac.apply.graph import Step
from aac.identity import is_protected
from aac.kinds import KINDS, kind_of
from aac.kinds.base import live_refs, refs
from aac.model.plan import FRESH, Action, Change
from aac.model.steps import Run, StepFailed
from aac.resources import FILE


def _refuse(message: str, hint: str) -> Callable[[], None]:
    def run() -> None:
        raise StepFailed(message, hint)

    return run


class Builder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.steps: dict[str, Step] = {}
        self._changes: dict[str, dict[str, Change]] = defaultdict(dict)
        self.moves = [c for c in ctx.plan.actionable if c.moved_only]  # a retag, and no write of the kind's own
        for change in ctx.plan.actionable:
            if not change.moved_only:
                self._changes[change.kind][change.name] = change
        self.upload_steps: dict[str, str] = {}  # sha256 -> step id
        self.detach_steps: dict[str, list[str]] = defaultdict(list)  # file id -> step ids
        self.users: dict[str, list[str]] = {}  # live id -> steps that stop an object naming it (repoints)

    def changes(self, kind: str) -> dict[str, Change]:
        """The actionable changes of a kind, by name."""
        return self._changes[kind]

    @staticmethod
    def sid(change: Change) -> str:
        """The id of the step that creates or updates the object of `change`."""
        return f"{change.kind}:{change.name}"

    def add(self, sid: str, run: Callable[[], object], addresses: Iterable[str] = (),
            needs: Iterable[str | None] = (), after: Iterable[str | None] = ()) -> str:
        step = self.steps.get(sid)
        if step is None:
            step = self.steps[sid] = Step(sid, run)  # type: ignore[arg-type]
        step.addresses = tuple(dict.fromkeys((*step.addresses, *addresses)))
        step.needs = tuple(dict.fromkeys((*step.needs, *(n for n in needs if n))))
        step.after = tuple(dict.fromkeys((*step.after, *(a for a in after if a))))
        return sid

    def has(self, sid: str) -> str | None:
        return sid if sid in self.steps else None

    def retag(self, change: Change) -> Run:
        return actions.retag(self.ctx, change)

    def settle(self, kind: str, created: Iterable[str], listed: Callable[[], list[Any]],
               delete: Callable[[str], None]) -> None:
        created = list(created)
        if created:
            self.add(f"settle:{kind}", lambda: converge.settle(self.ctx, kind_of(kind), listed, delete), after=created)

    def build(self) -> list[Step]:
        for change in self.moves:  # an update writes the new key itself: only a bare move needs this step
            self.add(f"move:{change.address}", self.guard(change) or actions.retag(self.ctx, change, change.name),
                     [change.address])
        self._uploads()
        for kind in KINDS:
            kind.steps(self, self.changes(kind.name))
        for kind in reversed(KINDS):
            kind.deletes(self, self.changes(kind.name))
        for change in self.changes(FILE).values():
            if change.action in (Action.DELETE, Action.REPLACE) and change.before and change.before.get("id"):
                self._delete_file(change, str(change.before["id"]))
        return list(self.steps.values())

    def needs_uploads(self, shas: Iterable[str]) -> list[str]:
        return [self.upload_steps[s] for s in shas if s in self.upload_steps]

    def needs_refs(self, kind: str, key: str) -> list[str | None]:
        """The steps that make the new objects a spec names usable (an existing one's id is live)."""
        spec = kind_of(kind).desired(self.ctx.desired)[key]
        needs: list[str | None] = []
        for ref_kind, ref_key in refs(kind_of(kind), spec):
            change = self.changes(ref_kind).get(ref_key)
            if change is not None and change.action in FRESH:
                needs += [self.sid(change), *kind_of(ref_kind).ready(self, ref_key)]
        return needs

    def users_of(self, live_id: str) -> list[str]:
        """Steps that update or delete an object which names `live_id` now: they let go of it before it goes."""
        found = list(self.users.get(live_id, []))
        for kind in KINDS:
            for key, obj in kind.live(self.ctx.live).items():
                if live_id in live_refs(kind, obj.raw):
                    found += [sid for sid in (f"{kind.name}:{key}", f"delete:{kind.address(key)}") if sid in self.steps]
        return found

    # -- uploads -------------------------------------------------------------------------

    def _uploads(self) -> None:
        for change in self.changes(FILE).values():
            if change.action in FRESH:
                sha, path = str(change.after["sha256"]), str(change.after["path"])  # type: ignore[index]
                sid = self.add(f"upload:{sha}", actions.upload(self.ctx, sha, path), [change.address])
                self.upload_steps[sha] = sid
            elif change.action is Action.UPDATE:
                self.add(f"noop:{change.address}", lambda: None, [change.address])
        if self.upload_steps:
            self.add("settle:files", lambda: converge.settle_files(self.ctx), after=self.upload_steps.values())

    def _delete_file(self, change: Change, file_id: str) -> None:
        needs = [*self.detach_steps.get(file_id, []), *self.users_of(file_id)]
        run = self.guard(change, deleting=True) or actions.delete_file(self.ctx, file_id)
        self.add(f"delete-file:{file_id}", run, [change.address], needs=needs)

    # -- guards --------------------------------------------------------------------------

    def guard(self, change: Change, *, deleting: bool = False) -> Callable[[], None] | None:
        """Refuse to touch what this stack does not own, or to delete what is protected."""
        if change.action is Action.CREATE or not change.id:
            return None
        live = self.ctx.live
        if change.kind == FILE:
            owned = {f.id: f.raw.get("metadata") for f in live.files.values()}
        else:
            kind = kind_of(change.kind)
            owned = {obj.id: kind.tags(obj.raw) for obj in kind.live(live).values()}
        if change.id not in owned:
            return _refuse(f"{change.id} is not owned by stack {self.ctx.stack} (no tags of this stack on it now)",
                           "make a new plan; aac never changes objects it does not own")
        if deleting and is_protected(owned[change.id]):
            return _refuse(f"{change.address} ({change.id}) is protected", "set `protect: false` and apply first")
        return None


def build_steps(ctx: Context) -> list[Step]:
    return Builder(ctx).build()
