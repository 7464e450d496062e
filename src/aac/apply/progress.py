"""An apply's progress, in three phases over aac.progress: uploads (files, bytes, rate), indexing
(stores), and the other changes (one line per object in a log, as each is done).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from aac.apply.graph import Outcome, Status, Step
from aac.model.plan import Action, Change
from aac.output import Output, human_bytes, plural
from aac.progress import Progress

UPLOAD, INDEX, CHANGE = "upload", "index", "change"
_DONE = {Action.CREATE: "created", Action.UPDATE: "updated", Action.REPLACE: "replaced", Action.DELETE: "deleted"}


@dataclass
class ApplyProgress:
    progress: Progress
    changes: Mapping[str, Change]  # by address

    @property
    def out(self) -> Output:
        return self.progress.out

    def begin(self, steps: Iterable[Step], upload_bytes: int) -> None:
        """The phases and their totals, before the first step runs."""
        ids = [s.id for s in steps]
        uploads = sum(1 for s in ids if s.startswith("upload:"))
        stores = sum(1 for s in ids if s.startswith("attach:"))
        others = sum(1 for s in ids if not s.startswith(("upload:", "attach:")))
        if uploads:
            self.progress.start(UPLOAD, "uploading", "file", uploads, bytes_total=upload_bytes)
        if stores:
            self.progress.start(INDEX, "indexing", "store", stores)
        if others:
            self.progress.start(CHANGE, "applying", "step", others)

    def sending(self) -> Callable[[int], None]:
        """For an upload: called with each chunk's size as it goes out."""
        return lambda nbytes: self.progress.sent(UPLOAD, nbytes)

    def uploaded(self, path: str, size: int, file_id: str, reused: bool = False) -> None:
        if reused:
            self.progress.sent(UPLOAD, size)
        verb = "reused" if reused else "uploaded"
        self.progress.advance(UPLOAD, f"{verb} {path} ({human_bytes(size)}) as {file_id}")

    def indexing(self, store: str, count: int) -> None:
        self.progress.event(f"indexing {plural(count, 'file')} in vector_store.{store}")

    def indexed(self, store: str, count: int, failed: int = 0) -> None:
        tail = f", {failed} failed" if failed else ""
        self.progress.advance(INDEX, f"indexed vector_store.{store}: {count - failed} of {count} files{tail}")

    def step_done(self, step: Step, outcome: Outcome) -> None:
        """A step other than an upload or an indexing finished: say what it did to which object."""
        if step.id.startswith(("upload:", "attach:")):
            return
        if not step.addresses:  # housekeeping (a re-read after creates): counted, not worth a line
            self.progress.advance(CHANGE)
            return
        address = step.addresses[0]
        change = self.changes.get(address)
        if outcome.status is Status.APPLIED:
            verb = _DONE.get(change.action, "done") if change is not None else "done"
            text = f"{verb} {address}"
        else:
            text = f"{outcome.status.value} {address}: {outcome.reason}"
        self.progress.advance(CHANGE, text)

    def close(self) -> None:
        for key in (UPLOAD, INDEX, CHANGE):
            self.progress.finish(key)
        self.progress.close()
