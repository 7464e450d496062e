"""What each step does: one write (or a short sequence) through the Writer.

Each function returns the step's `run`; ids are resolved when it runs (aac.apply.context).
"""

from __future__ import annotations

from collections.abc import Callable

from aac.apply.context import Context
from aac.identity import upload_filename
from aac.kinds import kind_of
from aac.model.plan import Change
from aac.model.steps import Poll
from aac.resources import TAG_KEY

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


def retag(ctx: Context, change: Change, key: str | None = None) -> Run:
    """Give the live object of `change` the key `key`: a moved object its new one, in place (its id, and
    a store's files, stay). By default, before a replace: the old object a key no manifest has, so the new
    one is the only holder of the key at every moment (a crash in between leaves an orphan the next plan
    deletes, never two objects with one key)."""
    kind = kind_of(change.kind)
    obj = kind.live(ctx.live)[change.name]
    metadata = {**kind.tags(obj.raw), TAG_KEY: key or change.name + REPLACED_SUFFIX}

    def run() -> None:
        kind.update(ctx.writer, obj, kind.tagged(obj, metadata))

    return run


def delete_file(ctx: Context, file_id: str) -> Run:
    return lambda: ctx.writer.delete_file(file_id)
