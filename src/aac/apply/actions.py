"""What each step does: one write (or a short sequence) through the Writer.

Each function returns the step's `run`; ids are resolved when it runs (aac.apply.context).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aac.api.reader import PAGE  # vector-store files per list page
from aac.apply import params
from aac.apply.context import Context
from aac.apply.graph import Poll, StepFailed
from aac.canonical import UNKNOWN_ID
from aac.identity import upload_filename
from aac.kinds.assistant import code_file_ids_of
from aac.plan.model import Action, Change
from aac.resources import ASSISTANT, TAG_KEY, VECTOR_STORE

Run = Callable[[], "Poll | None"]
REPLACED_SUFFIX = "~replaced"  # outside the key pattern: no manifest can ever claim it


def upload(ctx: Context, sha: str, path: str) -> Run:
    def run() -> None:
        local = ctx.desired.files[path]
        existing = ctx.ids.files.get(sha)
        if existing:  # the same bytes are live already (another path, or a crashed apply's upload)
            ctx.progress.uploaded(path, local.size, existing, reused=True)
            return
        uploaded = ctx.writer.upload(upload_filename(ctx.stack, sha, path), local.abspath, sha, path,
                                     ctx.progress.sending())
        ctx.ids.set("files", sha, uploaded.id, created=True)
        ctx.progress.uploaded(path, local.size, uploaded.id)

    return run


def save_store(ctx: Context, change: Change) -> Run:
    spec = ctx.desired.vector_stores[change.name]

    def run() -> None:
        if change.action is Action.UPDATE:
            body = params.vector_store_update(ctx.stack, spec, change, ctx.kept_metadata(change))
            ctx.writer.update_vector_store(str(change.id), body)
            return
        store = ctx.writer.create_vector_store(spec.name, params.vector_store_create(ctx.stack, spec, change))
        ctx.ids.set(VECTOR_STORE, spec.name, store.id, created=True)

    return run


def retag(ctx: Context, change: Change, key: str | None = None) -> Run:
    """Give the live object of `change` the key `key`: a moved object its new one, in place (its id, and
    a store's files, stay). By default, before a replace: the old object a key no manifest has, so the new
    one is the only holder of the key at every moment (a crash in between leaves an orphan the next plan
    deletes, never two objects with one key)."""
    from aac.kinds import kind_of

    kind = kind_of(change.kind)
    obj = kind.live(ctx.live)[change.name]
    metadata = {**(obj.raw.get("metadata") or {}), TAG_KEY: key or change.name + REPLACED_SUFFIX}

    def run() -> None:
        kind.update(ctx.writer, obj, {"metadata": metadata})

    return run


def delete_store(ctx: Context, store_id: str) -> Run:
    return lambda: ctx.writer.delete_vector_store(store_id)


def delete_assistant(ctx: Context, assistant_id: str) -> Run:
    return lambda: ctx.writer.delete_assistant(assistant_id)


def delete_file(ctx: Context, file_id: str) -> Run:
    return lambda: ctx.writer.delete_file(file_id)


def detach(ctx: Context, store_key: str, file_id: str) -> Run:
    return lambda: ctx.writer.detach(ctx.store_id(store_key), file_id)


def update_attributes(ctx: Context, change: Change) -> Run:
    after = change.after or {}
    before = change.before or {}

    def run() -> None:
        own = params.file_attributes(str(after["sha256"]), str(after["path"]))
        attributes = {**(after.get("attributes") or {}), **own}  # the manifest's, and aac's beside them
        ctx.writer.update_attributes(ctx.store_id(str(after["vector_store"])), str(before["file_id"]), attributes)

    return run


def save_assistant(ctx: Context, change: Change) -> Run:
    spec = ctx.desired.assistants[change.name]

    def run() -> None:
        code_ids = list(dict.fromkeys([*(ctx.file_id(p) for p in spec.code_interpreter_files),
                                       *spec.code_interpreter_ids]))
        store_id = ctx.store_id(spec.vector_store) if spec.vector_store else None
        update = change.action is Action.UPDATE
        body = params.assistant_body(ctx.stack, spec, change, code_file_ids=code_ids, vector_store_id=store_id,
                                     update=update, kept=ctx.kept_metadata(change) if update else None)
        if update:
            ctx.writer.update_assistant(str(change.id), body)
            return
        assistant = ctx.writer.create_assistant(spec.name, body)
        ctx.ids.set(ASSISTANT, spec.name, assistant.id, created=True)

    return run


def repoint(ctx: Context, assistant_id: str, raw: Mapping[str, Any], store_key: str) -> Run:
    """Point an assistant the plan leaves alone at the replacement of the store it searches."""
    def run() -> None:
        resources = {
            "code_interpreter": {"file_ids": code_file_ids_of(raw)},
            "file_search": {"vector_store_ids": [ctx.store_id(store_key)]},
        }
        ctx.writer.update_assistant(assistant_id, {"tool_resources": resources})

    return run


class Attach:
    """Attach a store's files in batches, then poll (without holding a worker) until indexed."""

    FIRST_POLL_S = 0.05

    def __init__(self, ctx: Context, store_key: str, entries: Sequence[tuple[str, str]]) -> None:
        self.ctx = ctx
        self.store_key = store_key
        self.entries = entries  # (path, sha256), addresses vector_store_file.STORE/PATH
        self.file_paths: dict[str, str] = {}
        self.deadline = 0.0
        self.delay = self.FIRST_POLL_S

    def __call__(self) -> Poll | None:
        if not self.file_paths:
            return self._attach()
        return self._poll()

    def _attach(self) -> Poll:
        spec = self.ctx.desired.vector_stores[self.store_key]
        batch = []
        for path, sha in self.entries:
            by_id = sha.startswith(UNKNOWN_ID)  # a manifest's `file_ids`: an existing upload, attached as it is
            file_id = sha[len(UNKNOWN_ID):] if by_id else self.ctx.ids.get("files", sha, f"file.{path}")
            if file_id not in self.file_paths:
                self.file_paths[file_id] = path
                batch.append(params.attachment_by_id(file_id, spec) if by_id else
                             params.attachment(sha, path, file_id, spec))
        self.ctx.writer.attach(self.ctx.store_id(self.store_key), batch)
        self.ctx.progress.indexing(self.store_key, len(batch))
        self.deadline = time.monotonic() + self.ctx.index_timeout_s
        return Poll(self.FIRST_POLL_S)

    def _poll(self) -> Poll | None:
        """Until indexed; then the store's file list must hold every file sent, as the server says.

        A store this apply made, with at most a page of files, is polled by listing its files: the
        list says both whether indexing is done and what the store holds, in one request, and is
        what the read-back would read (nothing else touches the store's files after this step).
        """
        store_id = self.ctx.store_id(self.store_key)
        fresh = self.ctx.ids.created_items(VECTOR_STORE).get(self.store_key) == store_id
        if fresh and len(self.file_paths) <= PAGE:
            listed = self.ctx.writer.store_files(store_id)
            if any(vs_file.status == "in_progress" for vs_file in listed):
                return self._wait(None)
            total = len(listed)
        else:
            store, hint = self.ctx.writer.indexing(store_id)
            if store.file_counts.in_progress:
                return self._wait(hint)
            total = store.file_counts.total
            listed = self.ctx.writer.store_files(store_id, total)
        if fresh:
            self.ctx.listed[store_id] = [vs_file.to_dict() for vs_file in listed]
        self._check(listed, total)
        return None

    def _wait(self, hint: float | None) -> Poll:
        if time.monotonic() > self.deadline:
            raise StepFailed(
                f"vector_store.{self.store_key} is still indexing after {self.ctx.index_timeout_s:.0f} s",
                "run `aac apply` again later; files already attached are kept",
            )
        self.delay = hint if hint is not None else min(self.delay * 1.5, 2.0)
        return Poll(self.delay)

    def _check(self, listed: list[Any], total: int) -> None:
        failed = self._failed(listed)
        missing = self._missing(listed)
        self.ctx.progress.indexed(self.store_key, len(self.file_paths) - len(missing), len(failed))
        if missing:
            self._raise_missing(missing, short=len(listed) < total)
        if failed:
            self._raise(failed)

    def _missing(self, listed: list[Any]) -> list[str]:
        """Paths of files sent that the server's own file list does not hold (ogx ignored whole batches)."""
        held = {vs_file.id for vs_file in listed}
        return sorted(path for file_id, path in self.file_paths.items() if file_id not in held)

    def _failed(self, listed: list[Any]) -> dict[str, str]:
        """The API's last_error message of each of our files that did not index, by path."""
        failed: dict[str, str] = {}
        for vs_file in listed:
            path = self.file_paths.get(vs_file.id)
            if path is not None and vs_file.status in ("failed", "cancelled"):
                error = vs_file.last_error
                # llama-stack sends `last_error: null` on a failed file
                failed[path] = error.message if error is not None else \
                    f"{vs_file.status}, and the server gave no reason (last_error is null)"
        return failed

    def _raise_missing(self, missing: list[str], *, short: bool) -> None:
        sent = len(self.file_paths)
        holds = "shows" if short else "holds"
        message = (f"vector_store.{self.store_key}: the server accepted {sent} files but its file list {holds} "
                   f"{sent - len(missing)} of them; missing {', '.join(missing[:3])}"
                   + (f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""))
        if short:
            message += " (its listing is itself short of its own file_counts: an incomplete read, not proof)"
        by_address = {f"vector_store_file.{self.store_key}/{path}": message for path in missing}
        raise StepFailed(message, "the server did not attach what it accepted; run `aac apply` again, and if "
                         "the files are still missing, see docs/servers.md for this server",
                         by_address)

    def _raise(self, failed: dict[str, str]) -> None:
        by_address = {
            f"vector_store_file.{self.store_key}/{path}": f"the API could not index {path}: {message}"
            for path, message in sorted(failed.items())
        }
        first = next(iter(by_address.values()))
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise StepFailed(f"{first}{more}", "fix or remove the file in the manifest, then run `aac apply` again",
                         by_address)
