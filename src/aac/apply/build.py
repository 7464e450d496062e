"""Turn a plan into a dependency graph of steps (DESIGN section 8).

uploads -> vector stores -> attach + index -> assistants -> detach stale files ->
delete assistants and stores no manifest wants -> delete unused uploads. A file is
detached only after the store's new files are attached and indexed; a replaced store is
deleted only after its successor is indexed and every assistant points at it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from aac.apply import actions, converge
from aac.apply.context import Context, code_file_ids_of, store_ids_of
from aac.apply.graph import Step, StepFailed
from aac.canonical import UNKNOWN_ID
from aac.identity import is_protected
from aac.plan import Action, Change
from aac.resources import ASSISTANT, FILE, VECTOR_STORE, VECTOR_STORE_FILE

FRESH = (Action.CREATE, Action.REPLACE)


def _refuse(message: str, hint: str) -> Callable[[], None]:
    def run() -> None:
        raise StepFailed(message, hint)

    return run


class Builder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.steps: dict[str, Step] = {}
        self.changes: dict[str, list[Change]] = defaultdict(list)
        for change in ctx.plan.actionable:
            self.changes[change.kind].append(change)
        self.stores = {c.name: c for c in self.changes[VECTOR_STORE]}
        self.assistants = {c.name: c for c in self.changes[ASSISTANT]}
        self.upload_steps: dict[str, str] = {}  # sha256 -> step id
        self.detach_steps: dict[str, list[str]] = defaultdict(list)  # file id -> step ids
        self.store_users: dict[str, list[str]] = defaultdict(list)  # live store id -> assistant step ids

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

    def build(self) -> list[Step]:
        self._uploads()
        self._stores()
        self._attachments()
        self._assistants()
        self._deletes()
        return list(self.steps.values())

    # -- uploads -------------------------------------------------------------------------

    def _uploads(self) -> None:
        for change in self.changes[FILE]:
            if change.action in FRESH:
                sha, path = str(change.after["sha256"]), str(change.after["path"])  # type: ignore[index]
                sid = self.add(f"upload:{sha}", actions.upload(self.ctx, sha, path), [change.address])
                self.upload_steps[sha] = sid
            elif change.action is Action.UPDATE:
                self.add(f"noop:{change.address}", lambda: None, [change.address])
        if self.upload_steps:
            self.add("settle:files", lambda: converge.settle_files(self.ctx), after=self.upload_steps.values())

    def _needs_uploads(self, shas: Iterable[str]) -> list[str]:
        return [self.upload_steps[s] for s in shas if s in self.upload_steps]

    # -- vector stores -------------------------------------------------------------------

    def _stores(self) -> None:
        fresh = []
        for key, change in self.stores.items():
            if change.action is Action.DELETE:
                continue
            refusal = self._guard(change, deleting=change.action is Action.REPLACE)  # a rebuild deletes the old
            if refusal:
                self.add(f"store:{key}", refusal, [change.address])
                continue
            retag = None
            if change.action is Action.REPLACE:
                retag = self.add(f"retag:{change.address}", actions.retag(self.ctx, change), [change.address])
            self.add(f"store:{key}", actions.save_store(self.ctx, change), [change.address], needs=[retag])
            if change.action in FRESH:
                fresh.append(f"store:{key}")
        if fresh:
            self.add("settle:stores", lambda: converge.settle_stores(self.ctx), after=fresh)

    def _fresh_store(self, key: str) -> bool:
        change = self.stores.get(key)
        return change is not None and change.action in FRESH

    def _attachments(self) -> None:
        entries: dict[str, dict[str, str]] = defaultdict(dict)  # store -> path -> sha
        addresses: dict[str, list[str]] = defaultdict(list)
        for key in self.stores:
            if self._fresh_store(key):
                spec = self.ctx.desired.vector_stores[key]
                entries[key].update({p: self.ctx.hashes[p] for p in spec.files})
                entries[key].update({file_id: UNKNOWN_ID + file_id for file_id in spec.file_ids})
        for change in self.changes[VECTOR_STORE_FILE]:
            self._attachment(change, entries, addresses)
        for key, files in entries.items():
            if not files:
                continue
            run = actions.Attach(self.ctx, key, sorted(files.items()))
            store = self.has(f"store:{key}") if self._fresh_store(key) else None  # else its id is live
            self.add(f"attach:{key}", run, addresses[key], needs=[store, *self._needs_uploads(files.values())],
                     after=[self.has("settle:files"), self.has("settle:stores")])
        for change in self.changes[VECTOR_STORE_FILE]:
            self._detach(change)

    def _attachment(self, change: Change, entries: dict[str, dict[str, str]], addresses: dict[str, list[str]]) -> None:
        side = change.after or change.before or {}
        key = str(side["vector_store"])
        gone = self.stores.get(key)
        if gone is not None and gone.action is Action.DELETE:
            return  # the store's deletion takes its files with it
        if change.action in FRESH or (change.action is Action.UPDATE and self._fresh_store(key)):
            if side.get("sha256"):
                entries[key][str(side["path"])] = str(side["sha256"])
            else:  # an existing upload the manifest names by id (`file_ids`)
                entries[key][str(side["file_id"])] = UNKNOWN_ID + str(side["file_id"])
            addresses[key].append(change.address)
        elif change.action is Action.UPDATE:
            self.add(f"attributes:{change.address}", actions.update_attributes(self.ctx, change), [change.address])

    def _store_going(self, key: str) -> bool:
        change = self.stores.get(key)
        return change is not None and change.action in (Action.DELETE, Action.REPLACE)

    def _detach(self, change: Change) -> None:
        if change.action not in (Action.DELETE, Action.REPLACE) or change.before is None:
            return
        key, file_id = str(change.before["vector_store"]), str(change.before["file_id"])
        if self._store_going(key):
            return
        run: Callable[[], object] = actions.detach(self.ctx, key, file_id)
        if change.action is Action.REPLACE and change.after is not None and change.after.get("sha256"):
            run = self._detach_unless_same(key, file_id, str(change.after["sha256"]))
        sid = self.add(f"detach:{change.address}", run, [change.address], needs=[self.has(f"attach:{key}")])
        self.detach_steps[file_id].append(sid)

    def _detach_unless_same(self, key: str, file_id: str, sha: str) -> Callable[[], object]:
        detach = actions.detach(self.ctx, key, file_id)

        def run() -> None:
            if self.ctx.ids.files.get(sha) != file_id:  # re-indexing the same file: nothing to detach
                detach()

        return run

    # -- assistants ----------------------------------------------------------------------

    def _assistants(self) -> None:
        created = []
        for key, change in self.assistants.items():
            if change.action is Action.DELETE:
                continue
            refusal = self._guard(change, deleting=change.action is Action.REPLACE)
            if refusal:
                self.add(f"assistant:{key}", refusal, [change.address])
                continue
            sid = self._assistant(key, change)
            if change.action in FRESH:
                created.append(sid)
            if change.id and key in self.ctx.live.assistants:
                for store_id in store_ids_of(self.ctx.live.assistants[key].raw):
                    self.store_users[store_id].append(sid)
        self._repoints()
        if created:
            self.add("settle:assistants", lambda: converge.settle_assistants(self.ctx), after=created)

    def _assistant(self, key: str, change: Change) -> str:
        spec = self.ctx.desired.assistants[key]
        needs = self._needs_uploads(self.ctx.hashes[p] for p in spec.code_interpreter_files)
        if spec.vector_store and self._fresh_store(spec.vector_store):  # a new store: wait until it is indexed
            needs += [f"store:{spec.vector_store}", self.has(f"attach:{spec.vector_store}") or ""]
        if change.action is Action.REPLACE:
            needs.append(self.add(f"retag:{change.address}", actions.retag(self.ctx, change), [change.address]))
        return self.add(f"assistant:{key}", actions.save_assistant(self.ctx, change), [change.address],
                        needs=needs, after=[self.has("settle:files"), self.has("settle:stores")])

    def _repoints(self) -> None:
        """Assistants the plan leaves alone that search a store being replaced."""
        for key, change in self.stores.items():
            if change.action is not Action.REPLACE or not change.id:
                continue
            for live in self.ctx.live.assistants.values():
                if change.id not in store_ids_of(live.raw) or live.key in self.assistants:
                    continue
                sid = self.add(f"repoint:assistant.{live.key}", actions.repoint(self.ctx, live.id, live.raw, key),
                               [change.address], needs=[f"store:{key}", self.has(f"attach:{key}")])
                self.store_users[change.id].append(sid)

    # -- deletes -------------------------------------------------------------------------

    def _deletes(self) -> None:
        for key, change in self.stores.items():
            if change.action in (Action.DELETE, Action.REPLACE) and change.id:
                self._delete_store(key, change)
        for key, change in self.assistants.items():
            if change.action in (Action.DELETE, Action.REPLACE) and change.id:
                self.add(f"delete:{change.address}", self._guard(change, deleting=True)
                         or actions.delete_assistant(self.ctx, change.id), [change.address],
                         needs=[self.has(f"assistant:{key}") if change.action is Action.REPLACE else None])
        for change in self.changes[FILE]:
            if change.action in (Action.DELETE, Action.REPLACE) and change.before and change.before.get("id"):
                self._delete_file(change, str(change.before["id"]))

    def _delete_store(self, key: str, change: Change) -> None:
        vsf = [c.address for c in self.changes[VECTOR_STORE_FILE]
               if c.store_key == key and c.action is not Action.CREATE]
        needs = list(self.store_users.get(str(change.id), []))
        if change.action is Action.REPLACE:
            needs += [f"store:{key}", self.has(f"attach:{key}") or ""]
        run = self._guard(change, deleting=True) or actions.delete_store(self.ctx, str(change.id))
        self.add(f"delete:{change.address}", run, [change.address, *vsf], needs=needs)

    def _delete_file(self, change: Change, file_id: str) -> None:
        needs = list(self.detach_steps.get(file_id, []))
        for key, live in self.ctx.live.assistants.items():
            if file_id in code_file_ids_of(live.raw) and f"assistant:{key}" in self.steps:
                needs.append(f"assistant:{key}")
        run = self._guard(change, deleting=True) or actions.delete_file(self.ctx, file_id)
        self.add(f"delete-file:{file_id}", run, [change.address], needs=needs)

    # -- guards --------------------------------------------------------------------------

    def _guard(self, change: Change, *, deleting: bool = False) -> Callable[[], None] | None:
        """Refuse to touch what this stack does not own, or to delete what is protected."""
        if change.action is Action.CREATE or not change.id:
            return None
        live = self.ctx.live
        owned = {ASSISTANT: {a.id: a.raw for a in live.assistants.values()},
                 VECTOR_STORE: {s.id: s.raw for s in live.vector_stores.values()},
                 FILE: {f.id: f.raw for f in live.files.values()}}.get(change.kind, {})
        if change.id not in owned:
            return _refuse(f"{change.id} is not owned by stack {self.ctx.stack} (no tags of this stack on it now)",
                           "make a new plan; aac never changes objects it does not own")
        if deleting and is_protected(owned[change.id].get("metadata")):
            return _refuse(f"{change.address} ({change.id}) is protected", "set `protect: false` and apply first")
        return None


def build_steps(ctx: Context) -> list[Step]:
    return Builder(ctx).build()
